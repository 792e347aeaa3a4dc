#pragma once

// `baton deploy`'s messaging resources, in two steps around the functions and state machines:
// queues and topics first (functions and workflows name them), then what connects them to
// functions (subscriptions, event source mappings) and the queue policies.

#include "cli/serve_client.h"
#include "core/error.h"
#include "service/sam_template.h"

namespace baton::cli {

[[nodiscard]] Expected<void, Error> deploy_queues_and_topics(ServeClient& client,
                                                             const service::SamProject& project);
[[nodiscard]] Expected<void, Error> deploy_triggers(ServeClient& client,
                                                    const service::SamProject& project);

}  // namespace baton::cli
