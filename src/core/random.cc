#include "core/random.h"

#include <sys/random.h>

#include "core/check.h"

namespace baton {
namespace {

std::uint64_t rotl(std::uint64_t x, int k) { return (x << k) | (x >> (64 - k)); }

}  // namespace

std::uint64_t mix64(std::uint64_t x) {
  x += 0x9e3779b97f4a7c15ULL;
  x = (x ^ (x >> 30)) * 0xbf58476d1ce4e5b9ULL;
  x = (x ^ (x >> 27)) * 0x94d049bb133111ebULL;
  return x ^ (x >> 31);
}

Random::Random(std::uint64_t seed) {
  for (auto& s : s_) {
    seed += 0x9e3779b97f4a7c15ULL;
    s = mix64(seed);
  }
}

Random Random::from_state(const std::array<std::uint64_t, 4>& state) {
  Random r;
  for (std::size_t i = 0; i < 4; ++i) r.s_[i] = state[i];
  return r;
}

std::uint64_t Random::next_u64() {
  const std::uint64_t result = rotl(s_[1] * 5, 7) * 9;
  const std::uint64_t t = s_[1] << 17;
  s_[2] ^= s_[0];
  s_[3] ^= s_[1];
  s_[1] ^= s_[2];
  s_[0] ^= s_[3];
  s_[2] ^= t;
  s_[3] = rotl(s_[3], 45);
  return result;
}

std::uint64_t Random::below(std::uint64_t bound) {
  BATON_CHECK(bound > 0, "Random::below(0)");
  // Rejection sampling keeps the distribution uniform.
  const std::uint64_t limit = UINT64_MAX - UINT64_MAX % bound;
  std::uint64_t x = 0;
  do {
    x = next_u64();
  } while (x >= limit);
  return x % bound;
}

double Random::next_double() { return static_cast<double>(next_u64() >> 11) * 0x1.0p-53; }

std::string uuid_v4(Random& random) {
  std::uint64_t hi = random.next_u64();
  std::uint64_t lo = random.next_u64();
  hi = (hi & 0xFFFFFFFFFFFF0FFFULL) | 0x0000000000004000ULL;  // version 4
  lo = (lo & 0x3FFFFFFFFFFFFFFFULL) | 0x8000000000000000ULL;  // variant 10
  static constexpr char kHex[] = "0123456789abcdef";
  std::string out;
  out.reserve(36);
  for (int i = 15; i >= 0; --i) {
    out.push_back(kHex[(hi >> (i * 4)) & 0xF]);
    if (i == 8 || i == 4) out.push_back('-');
  }
  out.push_back('-');
  for (int i = 15; i >= 0; --i) {
    out.push_back(kHex[(lo >> (i * 4)) & 0xF]);
    if (i == 12) out.push_back('-');
  }
  return out;
}

std::uint64_t os_entropy() {
  // getrandom(2): the kernel's generator, without the cost of constructing a random_device
  // (which probes the CPU and opens a file each time).
  std::uint64_t value = 0;
  auto* bytes = reinterpret_cast<unsigned char*>(&value);
  std::size_t filled = 0;
  while (filled < sizeof value) {
    ssize_t n = ::getrandom(bytes + filled, sizeof value - filled, 0);
    if (n > 0) filled += static_cast<std::size_t>(n);
  }
  return value;
}

std::string random_uuid() {
  Random random(os_entropy());
  return uuid_v4(random);
}

}  // namespace baton
