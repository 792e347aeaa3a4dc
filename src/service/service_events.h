#pragma once

// How one emulated service puts the events AWS services emit ("aws.states" and the like, which
// PutEvents refuses) on the default event bus: Core::call("events", kPutServiceEvent, request)
// with {"Source", "DetailType", "Detail" (an object), "Resources" (ARNs)}, answered
// {"EventId"}. The operation is in no AWS model, so the gateway never routes to it; called from
// the service thread it runs in the caller's group, so that an event commits with its cause.

#include <string_view>

namespace baton::service {

inline constexpr std::string_view kPutServiceEvent = "PutServiceEvent";

}  // namespace baton::service
