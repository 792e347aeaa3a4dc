#pragma once

// The Lambda service ("lambda"): the control plane of functions and Invoke. Registered in
// service.cc; everything else reaches it through Core::call.

#include <memory>

#include "service/core.h"

namespace baton::service::lambda {

std::unique_ptr<EmulatedService> make(Core& core);

}  // namespace baton::service::lambda
