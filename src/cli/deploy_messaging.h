#pragma once

// `baton deploy`'s and `baton teardown`'s messaging resources, in two steps around the functions
// and state machines: deploy makes queues and topics first (functions and workflows name them),
// then what connects them to functions (subscriptions, event source mappings) and the queue
// policies; teardown removes the connections first and the queues and topics last.

#include "cli/serve_client.h"
#include "core/error.h"
#include "service/sam_template.h"

namespace baton::cli {

[[nodiscard]] Expected<void, Error> deploy_queues_and_topics(ServeClient& client,
                                                             const service::SamProject& project);
[[nodiscard]] Expected<void, Error> deploy_triggers(ServeClient& client,
                                                    const service::SamProject& project);

[[nodiscard]] Expected<void, Error> teardown_triggers(ServeClient& client,
                                                      const service::SamProject& project);
[[nodiscard]] Expected<void, Error> teardown_queues_and_topics(ServeClient& client,
                                                               const service::SamProject& project);

}  // namespace baton::cli
