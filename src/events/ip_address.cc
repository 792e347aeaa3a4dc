#include "events/ip_address.h"

#include <algorithm>
#include <cstddef>
#include <vector>

namespace baton::events {

namespace {

bool is_digit(char c) { return c >= '0' && c <= '9'; }

int hex_value(char c) {
  if (c >= '0' && c <= '9') return c - '0';
  if (c >= 'a' && c <= 'f') return c - 'a' + 10;
  if (c >= 'A' && c <= 'F') return c - 'A' + 10;
  return -1;
}

// Four non-empty runs of digits joined by dots.
bool looks_like_ipv4(std::string_view text) {
  int runs = 0;
  std::size_t run = 0;
  for (char c : text) {
    if (is_digit(c)) {
      ++run;
    } else if (c == '.' && run > 0 && runs < 3) {
      ++runs;
      run = 0;
    } else {
      return false;
    }
  }
  return runs == 3 && run > 0;
}

// Hex digits and colons, at least one colon.
bool looks_like_ipv6(std::string_view text) {
  bool colon = false;
  for (char c : text) {
    if (c == ':') {
      colon = true;
    } else if (hex_value(c) < 0) {
      return false;
    }
  }
  return colon;
}

std::optional<IpAddress> parse_ipv4(std::string_view text) {
  // Java refuses dotted text longer than "255.255.255.255"; each part is decimal, leading
  // zeros and all.
  if (text.size() > 15) return std::nullopt;
  IpAddress address;
  address.size = 4;
  int part = 0;
  int value = 0;
  for (char c : text) {
    if (c == '.') {
      address.bytes[static_cast<std::size_t>(part++)] = static_cast<std::uint8_t>(value);
      value = 0;
      continue;
    }
    value = value * 10 + (c - '0');
    if (value > 255) return std::nullopt;
  }
  address.bytes[3] = static_cast<std::uint8_t>(value);
  return address;
}

// Groups of one to four hex digits joined by single colons; appends each group's value.
bool parse_groups(std::string_view text, std::vector<std::uint16_t>& groups) {
  if (text.empty()) return true;
  std::size_t start = 0;
  while (true) {
    std::size_t end = text.find(':', start);
    std::string_view group = text.substr(start, end == std::string_view::npos ? end : end - start);
    if (group.empty() || group.size() > 4) return false;
    unsigned value = 0;
    for (char c : group) value = value * 16 + static_cast<unsigned>(hex_value(c));
    groups.push_back(static_cast<std::uint16_t>(value));
    if (end == std::string_view::npos) return true;
    start = end + 1;
  }
}

std::optional<IpAddress> parse_ipv6(std::string_view text) {
  std::vector<std::uint16_t> head;
  std::vector<std::uint16_t> tail;
  std::size_t gap = text.find("::");
  if (gap == std::string_view::npos) {
    if (!parse_groups(text, head) || head.size() != 8) return std::nullopt;
  } else {
    std::string_view after = text.substr(gap + 2);
    if (after.find("::") != std::string_view::npos) return std::nullopt;
    if (!parse_groups(text.substr(0, gap), head) || !parse_groups(after, tail)) {
      return std::nullopt;
    }
    if (head.size() + tail.size() > 7) return std::nullopt;  // "::" stands for one group or more
  }
  IpAddress address;
  address.size = 16;
  auto put = [&address](std::size_t index, std::uint16_t group) {
    address.bytes[2 * index] = static_cast<std::uint8_t>(group >> 8);
    address.bytes[2 * index + 1] = static_cast<std::uint8_t>(group & 0xff);
  };
  for (std::size_t i = 0; i < head.size(); ++i) put(i, head[i]);
  for (std::size_t i = 0; i < tail.size(); ++i) put(8 - tail.size() + i, tail[i]);

  // ::ffff:a.b.c.d is an IPv4 address to Java, so to AWS's rule engine.
  bool mapped = std::all_of(address.bytes.begin(), address.bytes.begin() + 10,
                            [](std::uint8_t b) { return b == 0; }) &&
                address.bytes[10] == 0xff && address.bytes[11] == 0xff;
  if (mapped) {
    IpAddress v4;
    v4.size = 4;
    std::copy(address.bytes.begin() + 12, address.bytes.end(), v4.bytes.begin());
    return v4;
  }
  return address;
}

// Java's Integer.parseInt: an optional sign and decimal digits that fit an int.
std::optional<long long> parse_java_int(std::string_view text) {
  std::size_t i = 0;
  bool negative = false;
  if (!text.empty() && (text[0] == '+' || text[0] == '-')) {
    negative = text[0] == '-';
    i = 1;
  }
  if (i == text.size()) return std::nullopt;
  long long value = 0;
  for (; i < text.size(); ++i) {
    if (!is_digit(text[i])) return std::nullopt;
    value = value * 10 + (text[i] - '0');
    if (value > 2147483648LL) return std::nullopt;
  }
  if (negative) value = -value;
  if (value > 2147483647LL) return std::nullopt;
  return value;
}

// Java's String.split("/"): trailing empty parts are dropped.
std::vector<std::string_view> split_slashes(std::string_view text) {
  if (text.empty()) return {text};  // "".split("/") is [""]
  std::vector<std::string_view> parts;
  std::size_t start = 0;
  while (true) {
    std::size_t end = text.find('/', start);
    if (end == std::string_view::npos) {
      parts.push_back(text.substr(start));
      break;
    }
    parts.push_back(text.substr(start, end - start));
    start = end + 1;
  }
  while (!parts.empty() && parts.back().empty()) parts.pop_back();
  return parts;
}

}  // namespace

bool IpRange::contains(const IpAddress& address) const {
  if (address.size != first.size) return false;
  auto begin = address.bytes.begin();
  auto end = begin + address.size;
  return !std::lexicographical_compare(begin, end, first.bytes.begin(),
                                       first.bytes.begin() + first.size) &&
         !std::lexicographical_compare(last.bytes.begin(), last.bytes.begin() + last.size, begin,
                                       end);
}

bool looks_like_ip_address(std::string_view text) {
  return looks_like_ipv4(text) || looks_like_ipv6(text);
}

std::optional<IpAddress> parse_ip_address(std::string_view text) {
  if (looks_like_ipv4(text)) return parse_ipv4(text);
  if (looks_like_ipv6(text)) return parse_ipv6(text);
  return std::nullopt;
}

Expected<IpRange, std::string> parse_cidr(std::string_view cidr) {
  using Failure = Unexpected<std::string>;
  std::vector<std::string_view> parts = split_slashes(cidr);
  if (parts.size() != 2) return Failure("Malformed CIDR, one '/' required");
  std::optional<long long> mask = parse_java_int(parts[1]);
  if (!mask) return Failure("Malformed CIDR, mask bits must be an integer");
  if (*mask < 0) return Failure("Malformed CIDR, mask bits must not be negative");

  std::string_view ip = parts[0];
  if (!looks_like_ip_address(ip)) return Failure("Nonstandard IP address: " + std::string(ip));
  std::optional<IpAddress> address = parse_ip_address(ip);
  if (!address) return Failure("Invalid IP address: " + std::string(ip));
  if (address->size == 4 && *mask > 31) return Failure("IPv4 mask bits must be < 32");
  if (address->size == 16 && *mask > 127) return Failure("IPv6 mask bits must be < 128");

  IpRange range{*address, *address};
  long long host_bits = address->size * 8 - *mask;
  for (int i = address->size - 1; i >= 0 && host_bits > 0; --i, host_bits -= 8) {
    std::uint8_t ones = host_bits >= 8 ? 0xff : static_cast<std::uint8_t>((1u << host_bits) - 1);
    range.last.bytes[static_cast<std::size_t>(i)] |= ones;
  }
  return range;
}

}  // namespace baton::events
