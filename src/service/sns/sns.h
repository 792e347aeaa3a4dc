#pragma once

// The SNS service ("sns"): topics, subscriptions, Publish and the delivery of what is
// published to queues, functions and HTTP endpoints. Registered in service.cc; everything else
// reaches it through Core::call.

#include <memory>

#include "service/core.h"

namespace baton::service::sns {

std::unique_ptr<EmulatedService> make(Core& core);

}  // namespace baton::service::sns
