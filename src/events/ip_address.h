#pragma once

// IP addresses as event rules read them: the block a `cidr` pattern names, an exact pattern
// that is an address literal, and the string values of an event tested against either. Text is
// read as an address only when it has an address's shape (four runs of digits joined by dots, or
// hex digits and colons with at least one colon), so no text is ever taken for a host name.

#include <array>
#include <cstdint>
#include <optional>
#include <string>
#include <string_view>

#include "core/expected.h"

namespace baton::events {

// An IPv4 (4 bytes) or IPv6 (16 bytes) address, most significant byte first.
struct IpAddress {
  std::array<std::uint8_t, 16> bytes{};
  std::uint8_t size = 0;  // 4 or 16

  friend bool operator==(const IpAddress&, const IpAddress&) = default;
};

// The addresses from `first` to `last`, both included, of one family.
struct IpRange {
  IpAddress first;
  IpAddress last;

  bool contains(const IpAddress& address) const;
};

// The address `text` writes, or nullopt. IPv6 may shorten a run of zero groups with "::"; an
// IPv4-mapped IPv6 address (::ffff:0a00:0001) reads as its IPv4 address, as Java reads it.
std::optional<IpAddress> parse_ip_address(std::string_view text);

// Whether `text` has the shape of an address literal, valid or not.
bool looks_like_ip_address(std::string_view text);

// The block a CIDR pattern names ("10.0.0.0/24", "2001:db8::/64"). As AWS's rule engine reads
// it, the range runs from the address as written (not masked) to that address with every host
// bit set. The error is the reason in AWS's words: "Malformed CIDR, one '/' required",
// "Nonstandard IP address: bad-filter", ...
[[nodiscard]] Expected<IpRange, std::string> parse_cidr(std::string_view cidr);

}  // namespace baton::events
