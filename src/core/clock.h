#pragma once

// Time as the edges of the system read it. The engine reads no clock: the service and
// `baton run` read one of these and hand the time to the engine inside each event.

#include <atomic>
#include <cstdint>

#include "core/time.h"

namespace baton {

class Clock {
 public:
  virtual ~Clock() = default;
  virtual Timestamp now() = 0;
  // Blocks until `t` (the system clock) or jumps to it (a virtual clock).
  virtual void sleep_until(Timestamp t) = 0;
};

// The system's real-time clock. Thread-safe.
class SystemClock : public Clock {
 public:
  Timestamp now() override;
  void sleep_until(Timestamp t) override;
};

// A clock that only moves when told: waits take no time, and timestamps still advance.
// Starts at the system time unless given one. Not thread-safe.
class VirtualClock : public Clock {
 public:
  VirtualClock();
  explicit VirtualClock(Timestamp start) : now_(start) {}
  Timestamp now() override { return now_; }
  void sleep_until(Timestamp t) override;
  void advance_millis(std::int64_t millis);

 private:
  Timestamp now_;
};

// The system's clock moved forward by an offset that only grows, so that what waits on time (a
// schedule's next fire, a visibility timeout, a Wait state) can be reached without waiting:
// `baton serve --clock-control`. Thread-safe.
class ShiftedClock : public Clock {
 public:
  Timestamp now() override;
  void sleep_until(Timestamp t) override;
  // Moves the clock `millis` (>= 0) forward.
  void advance_millis(std::int64_t millis);
  std::int64_t offset_millis() const { return offset_ms_.load(); }

 private:
  SystemClock system_;
  std::atomic<std::int64_t> offset_ms_{0};
};

}  // namespace baton
