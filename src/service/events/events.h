#pragma once

// The EventBridge service (events/): event buses, rules with event patterns, targets, PutEvents.

#include <memory>

#include "service/core.h"

namespace baton::service::events {

std::unique_ptr<EmulatedService> make(Core& core);

}  // namespace baton::service::events
