#pragma once

// `baton deploy`'s and `baton teardown`'s EventBridge and Scheduler resources: buses, their
// archives and schedule groups come with the queues and topics (before what names them), rules
// and schedules with the other triggers (after the functions and state machines they start);
// teardown removes rules and schedules first, archives, buses and groups last.

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

// Each schedule created, or updated when a deploy before made it.
[[nodiscard]] Expected<void, Error> deploy_schedules(ServeClient& client,
                                                     const service::SamProject& project);
[[nodiscard]] Expected<void, Error> teardown_schedules(ServeClient& client,
                                                       const service::SamProject& project);

[[nodiscard]] Expected<void, Error> teardown_rules(ServeClient& client,
                                                   const service::SamProject& project);
[[nodiscard]] Expected<void, Error> teardown_event_buses(ServeClient& client,
                                                         const service::SamProject& project);

}  // namespace baton::cli
