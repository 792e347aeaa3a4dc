#pragma once

// How one emulated service puts the events AWS services emit ("aws.states" and the like, which
// PutEvents refuses) on the default event bus: Core::call("events", kPutServiceEvent, request)
// with {"Source", "DetailType", "Detail" (an object), "Resources" (ARNs)}, answered
// {"EventId"}. The operation is in no AWS model, so the gateway never routes to it; called from
// the service thread it runs in the caller's group, so that an event commits with its cause.

#include <string_view>

namespace baton::service {

inline constexpr std::string_view kPutServiceEvent = "PutServiceEvent";

// How the gateway puts the CloudEvents POSTed to it on a bus: {"EventBusName" (a name; the
// default bus when absent), "Events": [each CloudEvent in its JSON format, validated]},
// answered {"EventIds": [...]}. Errors: ResourceNotFoundException for a bus that is not there.
// In no AWS model either (see events/cloudevent.h for the mapping).
inline constexpr std::string_view kPutCloudEvents = "PutCloudEvents";

}  // namespace baton::service
