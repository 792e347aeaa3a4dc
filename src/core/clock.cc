#include "core/clock.h"

#include <chrono>
#include <thread>

namespace baton {

Timestamp SystemClock::now() {
  auto since_epoch = std::chrono::system_clock::now().time_since_epoch();
  auto nanos = std::chrono::duration_cast<std::chrono::nanoseconds>(since_epoch).count();
  return Timestamp{nanos / 1000000000, static_cast<std::int32_t>(nanos % 1000000000)};
}

void SystemClock::sleep_until(Timestamp t) {
  Timestamp current = now();
  if (t <= current) return;
  std::int64_t nanos = (t.seconds - current.seconds) * 1000000000LL + (t.nanos - current.nanos);
  std::this_thread::sleep_for(std::chrono::nanoseconds(nanos));
}

VirtualClock::VirtualClock() : now_(SystemClock().now()) {}

void VirtualClock::sleep_until(Timestamp t) {
  if (now_ < t) now_ = t;
}

void VirtualClock::advance_millis(std::int64_t millis) {
  now_ = Timestamp::from_millis(now_.millis() + millis);
}

Timestamp ShiftedClock::now() {
  return Timestamp::from_millis(system_.now().millis() + offset_ms_.load());
}

void ShiftedClock::sleep_until(Timestamp t) {
  system_.sleep_until(Timestamp::from_millis(t.millis() - offset_ms_.load()));
}

void ShiftedClock::advance_millis(std::int64_t millis) {
  if (millis > 0) offset_ms_.fetch_add(millis);
}

}  // namespace baton
