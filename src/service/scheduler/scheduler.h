#pragma once

// The EventBridge Scheduler service (scheduler/): schedule groups, and schedules that call a
// target (a function, a state machine, a queue, a topic, a bus, or any operation of the
// services baton emulates) at a time, at a rate or on a cron expression in a time zone.

#include <memory>

#include "service/core.h"

namespace baton::service::scheduler {

std::unique_ptr<EmulatedService> make(Core& core);

}  // namespace baton::service::scheduler
