#pragma once

// `baton deploy`'s and `baton teardown`'s EventBridge resources: buses come with the queues and
// topics (before what names them), rules and their targets with the other triggers (after the
// functions and state machines they start); teardown removes rules first and buses last.

#include "cli/serve_client.h"
#include "core/error.h"
#include "service/sam_template.h"

namespace baton::cli {

[[nodiscard]] Expected<void, Error> deploy_event_buses(ServeClient& client,
                                                       const service::SamProject& project);
// Each rule brought to what the template says: PutRule, its targets put, and targets a deploy
// before made that the template no longer has removed.
[[nodiscard]] Expected<void, Error> deploy_rules(ServeClient& client,
                                                 const service::SamProject& project);

[[nodiscard]] Expected<void, Error> teardown_rules(ServeClient& client,
                                                   const service::SamProject& project);
[[nodiscard]] Expected<void, Error> teardown_event_buses(ServeClient& client,
                                                         const service::SamProject& project);

}  // namespace baton::cli
