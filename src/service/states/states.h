#pragma once

// The Step Functions service ("states"): state machines, their versions and aliases,
// activities, executions and Map Runs. Registered in service.cc; everything else reaches it
// through Core::call.

#include <memory>

#include "service/core.h"

namespace baton::service::states {

std::unique_ptr<EmulatedService> make(Core& core);

}  // namespace baton::service::states
