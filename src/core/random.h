#pragma once

// Random numbers. `Random` is deterministic: the same seed gives the same sequence, which is
// how MathRandom, UUID and retry jitter stay replayable (the seed is recorded in the execution
// state). `os_entropy()` is the one non-deterministic source; only the edges of the system (the
// service, the CLI) call it, never the engine.

#include <array>
#include <cstdint>
#include <string>

namespace baton {

// xoshiro256** seeded through splitmix64. A plain value: copy it to fork a sequence.
class Random {
 public:
  Random() : Random(0) {}
  explicit Random(std::uint64_t seed);

  std::uint64_t next_u64();
  // Uniform in [0, bound); requires bound > 0.
  std::uint64_t below(std::uint64_t bound);
  // Uniform in [0, 1).
  double next_double();

  // The generator's whole state, to keep it and carry on later exactly where it was.
  std::array<std::uint64_t, 4> state() const { return {s_[0], s_[1], s_[2], s_[3]}; }
  static Random from_state(const std::array<std::uint64_t, 4>& state);

 private:
  std::uint64_t s_[4];
};

// A version 4 UUID in its canonical lower-case text form, drawn from `random`.
std::string uuid_v4(Random& random);

// 64 bits from the operating system's entropy pool.
std::uint64_t os_entropy();

// A version 4 UUID from the operating system's entropy: for names and ids at the edges of the
// system, never inside the engine.
std::string random_uuid();

// splitmix64 of `x`: mixes a seed (or a hash) into 64 well-spread bits.
std::uint64_t mix64(std::uint64_t x);

}  // namespace baton
