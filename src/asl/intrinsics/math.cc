// States.MathRandom, States.MathAdd, States.UUID.

#include <cmath>
#include <cstdint>

#include "asl/intrinsics/functions.h"

namespace baton::asl {

using json::Value;

namespace {

// java.util.Random, which AWS's seeded MathRandom is built on: the same seed gives the same
// number here as there.
class JavaRandom {
 public:
  explicit JavaRandom(std::int64_t seed)
      : seed_((static_cast<std::uint64_t>(seed) ^ kMultiplier) & kMask) {}

  std::int32_t next_int(std::int32_t bound) {
    if ((bound & -bound) == bound) {
      return static_cast<std::int32_t>((static_cast<std::int64_t>(bound) * next(31)) >> 31);
    }
    std::int32_t bits = 0;
    std::int32_t value = 0;
    do {
      bits = next(31);
      value = bits % bound;
    } while (static_cast<std::int64_t>(bits) - value + (bound - 1) > INT32_MAX);
    return value;
  }

 private:
  static constexpr std::uint64_t kMultiplier = 0x5DEECE66DULL;
  static constexpr std::uint64_t kMask = (1ULL << 48) - 1;

  std::int32_t next(int bits) {
    seed_ = (seed_ * kMultiplier + 0xBULL) & kMask;
    return static_cast<std::int32_t>(seed_ >> (48 - bits));
  }

  std::uint64_t seed_;
};

// Java's Math.round: halves go up.
bool java_round(const Value& v, long long& out) {
  if (v.is_int64()) {
    out = v.as_int64();
    return true;
  }
  if (!v.is_double()) return false;
  double d = std::floor(v.as_double() + 0.5);
  if (!std::isfinite(d) || d < -9.2e18 || d > 9.2e18) return false;
  out = static_cast<long long>(d);
  return true;
}

}  // namespace

Result<Value> intrinsic_math_random(const IntrinsicCall& call) {
  long long start = 0;
  long long end = 0;
  if (!truncated_integer(call.args[0], start) || !truncated_integer(call.args[1], end)) {
    return invalid_arguments(call, "the start and end must be numbers");
  }
  if (start >= end) return invalid_arguments(call, "the start must be less than the end");
  if (end - start > INT32_MAX || start < INT32_MIN || end > static_cast<long long>(INT32_MAX) + 1) {
    return invalid_arguments(call, "the start and end must be 32-bit integers");
  }
  auto bound = static_cast<std::int32_t>(end - start);
  if (call.args.size() == 3) {
    long long seed = 0;
    if (!truncated_integer(call.args[2], seed)) {
      return invalid_arguments(call, "the seed must be a number");
    }
    JavaRandom random(seed);
    return Value::integer(start + random.next_int(bound));
  }
  if (call.scope.random == nullptr) {
    return invalid_arguments(call, "no random source is available here");
  }
  return Value::integer(
      start + static_cast<long long>(call.scope.random->below(static_cast<std::uint64_t>(bound))));
}

Result<Value> intrinsic_math_add(const IntrinsicCall& call) {
  long long a = 0;
  long long b = 0;
  if (!java_round(call.args[0], a) || !java_round(call.args[1], b)) {
    return invalid_arguments(call, "both arguments must be numbers");
  }
  // AWS takes integers in the 32-bit range only.
  if (a < INT32_MIN || a > INT32_MAX || b < INT32_MIN || b > INT32_MAX) {
    return invalid_arguments(call, "the arguments must be between -2147483648 and 2147483647");
  }
  return Value::integer(a + b);
}

Result<Value> intrinsic_uuid(const IntrinsicCall& call) {
  if (call.scope.random == nullptr) {
    return invalid_arguments(call, "no random source is available here");
  }
  return Value::string(uuid_v4(*call.scope.random));
}

}  // namespace baton::asl
