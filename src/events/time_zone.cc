#include "events/time_zone.h"

#include <algorithm>
#include <utility>

namespace baton::events {

namespace {

constexpr std::int64_t kMaxInstant = std::int64_t{1} << 60;
constexpr std::int64_t kMaxTransition = std::int64_t{1} << 59;
// RFC 8536 asks offsets to lie in [-89999, 93599]; we take either sign up to 25:59:59.
constexpr std::int32_t kMaxOffset = 93599;
// Any instant whose local time could equal, or exceed, that of a given instant lies within this
// many seconds of it.
constexpr std::int64_t kWindow = 2 * (std::int64_t{kMaxOffset} + 1) + 60;

std::int64_t clamp_instant(std::int64_t t) { return std::clamp(t, -kMaxInstant, kMaxInstant); }

}  // namespace

// Reads the bytes of a TZif file, RFC 8536 section 3, refusing anything it could not use.
class TzifReader {
 public:
  TzifReader(std::string_view name, std::string_view bytes) : name_(name), bytes_(bytes) {}

  Result<TimeZone> read() {
    TimeZone zone(std::string(name_), 0);
    Header header;
    if (!read_header(header)) return refusal();
    if (header.version >= 2) {
      // The version 1 block is for old readers; the version 2 block repeats it with 64-bit times.
      pos_ += block_size(header, 4);
      if (!read_header(header)) return refusal();
    }
    if (!read_block(header, zone) || (header.version >= 2 && !read_footer(zone))) {
      return refusal();
    }
    if (pos_ != bytes_.size()) {
      refuse("there are " + std::to_string(bytes_.size() - pos_) +
             " bytes after the end, at byte " + std::to_string(pos_));
      return refusal();
    }
    return zone;
  }

 private:
  struct Header {
    int version = 1;
    std::uint32_t ut_count = 0;
    std::uint32_t std_count = 0;
    std::uint32_t leap_count = 0;
    std::uint32_t time_count = 0;
    std::uint32_t type_count = 0;
    std::uint32_t char_count = 0;
  };

  static constexpr std::size_t kHeaderSize = 44;

  // The bytes of a data block, in 64 bits so that no count can overflow it.
  static std::uint64_t block_size(const Header& h, std::size_t time_size) {
    return std::uint64_t{h.time_count} * (time_size + 1) + std::uint64_t{h.type_count} * 6 +
           h.char_count + std::uint64_t{h.leap_count} * (time_size + 4) + h.std_count + h.ut_count;
  }

  std::uint64_t big_endian(std::size_t at, std::size_t size) const {
    std::uint64_t value = 0;
    for (std::size_t i = 0; i < size; ++i) {
      value = value << 8 | static_cast<unsigned char>(bytes_[at + i]);
    }
    return value;
  }

  bool read_header(Header& header) {
    std::string at = " at byte " + std::to_string(pos_);
    if (pos_ > bytes_.size() || bytes_.size() - pos_ < kHeaderSize) {
      return refuse("the header" + at + " is truncated");
    }
    if (bytes_.substr(pos_, 4) != "TZif") return refuse("there is no \"TZif\"" + at);
    char version = bytes_[pos_ + 4];
    if (version != '\0' && (version < '2' || version > '4')) {
      return refuse("the version at byte " + std::to_string(pos_ + 4) + " is not 1 to 4");
    }
    header.version = version == '\0' ? 1 : version - '0';
    std::uint32_t* counts[] = {&header.ut_count,   &header.std_count,  &header.leap_count,
                               &header.time_count, &header.type_count, &header.char_count};
    for (std::size_t i = 0; i < 6; ++i) {
      *counts[i] = static_cast<std::uint32_t>(big_endian(pos_ + 20 + i * 4, 4));
    }
    if (header.type_count == 0 || header.char_count == 0) {
      return refuse("the header" + at + " counts no time types or no designation characters");
    }
    if ((header.ut_count != 0 && header.ut_count != header.type_count) ||
        (header.std_count != 0 && header.std_count != header.type_count)) {
      return refuse("the header" + at + " counts indicators other than one per time type");
    }
    pos_ += kHeaderSize;
    if (block_size(header, 8) > bytes_.size()) {
      return refuse("the header" + at + " counts more data than there is");
    }
    return true;
  }

  bool read_block(const Header& header, TimeZone& zone) {
    std::size_t time_size = header.version >= 2 ? 8 : 4;
    std::uint64_t size = block_size(header, time_size);
    if (size > bytes_.size() - pos_) {
      return refuse("the data block is truncated: it needs " + std::to_string(size) +
                    " bytes after byte " + std::to_string(pos_) + ", there are " +
                    std::to_string(bytes_.size() - pos_));
    }
    if (header.leap_count != 0) {
      return refuse("it has leap-second records (a right/ zone), which are not supported");
    }
    std::size_t indices_at = pos_ + header.time_count * time_size;
    std::size_t types_at = indices_at + header.time_count;
    std::vector<std::int32_t> offsets;
    for (std::uint32_t i = 0; i < header.type_count; ++i) {
      std::size_t at = types_at + i * 6;
      auto offset = static_cast<std::int32_t>(big_endian(at, 4));
      if (offset < -kMaxOffset || offset > kMaxOffset) {
        return refuse("time type " + std::to_string(i) + " has offset " + std::to_string(offset) +
                      ", beyond 26 hours");
      }
      if (static_cast<unsigned char>(bytes_[at + 4]) > 1 ||
          static_cast<unsigned char>(bytes_[at + 5]) >= header.char_count) {
        return refuse("time type " + std::to_string(i) + " at byte " + std::to_string(at) +
                      " is not valid");
      }
      offsets.push_back(offset);
    }
    zone.initial_offset_ = offsets.front();
    for (std::uint32_t i = 0; i < header.time_count; ++i) {
      std::uint64_t raw = big_endian(pos_ + i * time_size, time_size);
      std::int64_t at = time_size == 4 ? static_cast<std::int32_t>(static_cast<std::uint32_t>(raw))
                                       : static_cast<std::int64_t>(raw);
      auto type = static_cast<unsigned char>(bytes_[indices_at + i]);
      std::string which = "transition " + std::to_string(i);
      if (at < -kMaxTransition || at > kMaxTransition) {
        return refuse(which + " is beyond 2^59 seconds from 1970");
      }
      if (!zone.transitions_.empty() && at <= zone.transitions_.back()) {
        return refuse(which + " is not after the one before it");
      }
      if (type >= header.type_count) {
        return refuse(which + " names time type " + std::to_string(type) + " of " +
                      std::to_string(header.type_count));
      }
      zone.transitions_.push_back(at);
      zone.transition_offsets_.push_back(offsets[type]);
    }
    std::size_t indicators_at = types_at + header.type_count * 6 + header.char_count;
    for (std::size_t i = 0; i < header.std_count + header.ut_count; ++i) {
      if (static_cast<unsigned char>(bytes_[indicators_at + i]) > 1) {
        return refuse("the indicator at byte " + std::to_string(indicators_at + i) +
                      " is neither 0 nor 1");
      }
    }
    pos_ += size;
    return true;
  }

  // "\n" TZ string "\n": empty when no rule extends the last transition.
  bool read_footer(TimeZone& zone) {
    std::string at = " at byte " + std::to_string(pos_);
    if (pos_ >= bytes_.size() || bytes_[pos_] != '\n') {
      return refuse("the footer" + at + " does not begin with a newline");
    }
    std::size_t end = bytes_.find('\n', pos_ + 1);
    if (end == std::string_view::npos) {
      return refuse("the footer" + at + " does not end with a newline");
    }
    std::string_view text = bytes_.substr(pos_ + 1, end - pos_ - 1);
    if (!text.empty()) {
      auto rule = PosixTimeZone::parse(text);
      if (!rule) {
        return refuse("the footer's TZ string \"" + std::string(text) +
                      "\" is not valid: " + rule.error());
      }
      zone.rule_ = std::move(*rule);
    }
    pos_ = end + 1;
    return true;
  }

  // Keeps the reason the data is refused; false, for the read to return.
  bool refuse(std::string reason) {
    reason_ = std::move(reason);
    return false;
  }
  Unexpected<Error> refusal() const {
    return fail(std::string(kInvalidTimeZoneData), "The time zone data of " + std::string(name_) +
                                                       " is not valid TZif: " + reason_ + ".");
  }

  std::string_view name_;
  std::string_view bytes_;
  std::size_t pos_ = 0;
  std::string reason_;
};

Result<TimeZone> TimeZone::from_tzif(std::string_view name, std::string_view bytes) {
  return TzifReader(name, bytes).read();
}

TimeZone TimeZone::utc() { return TimeZone("UTC", 0); }

std::int32_t TimeZone::offset_at(std::int64_t utc_seconds) const {
  std::int64_t t = clamp_instant(utc_seconds);
  if (transitions_.empty()) return rule_ ? rule_->offset_at(t) : initial_offset_;
  if (t < transitions_.front()) return initial_offset_;
  if (rule_ && t >= transitions_.back()) return rule_->offset_at(t);
  auto next = std::upper_bound(transitions_.begin(), transitions_.end(), t);
  return transition_offsets_[static_cast<std::size_t>(next - transitions_.begin()) - 1];
}

std::int64_t TimeZone::to_local(std::int64_t utc_seconds) const {
  std::int64_t t = clamp_instant(utc_seconds);
  return t + offset_at(t);
}

std::int32_t TimeZone::changes_in(std::int64_t from, std::int64_t to,
                                  std::vector<OffsetChange>& changes) const {
  changes.clear();
  auto first = std::upper_bound(transitions_.begin(), transitions_.end(), from);
  for (auto it = first; it != transitions_.end() && *it <= to; ++it) {
    auto i = static_cast<std::size_t>(it - transitions_.begin());
    // From the last transition on, the rule governs, whatever type the transition names.
    bool last = i + 1 == transitions_.size();
    changes.push_back(
        OffsetChange{*it, last && rule_ ? rule_->offset_at(*it) : transition_offsets_[i]});
  }
  if (rule_) {
    rule_->changes_in(transitions_.empty() ? from : std::max(from, transitions_.back()), to,
                      changes);
  }
  return offset_at(from);
}

LocalInstants TimeZone::from_local(std::int64_t local_seconds) const {
  std::int64_t local = clamp_instant(local_seconds);
  std::vector<OffsetChange> changes;
  std::int64_t from = local - kWindow;
  std::int64_t to = local + kWindow;
  std::int32_t offset = changes_in(from, to, changes);
  // Walk the spans of one offset each; in a span [start, end) with offset o the clocks show
  // `local` at local - o, if that lies in the span.
  LocalInstants out;
  bool found = false;
  std::int64_t first_after = to;  // the first instant showing a later time
  std::int64_t start = from;
  for (std::size_t i = 0; i <= changes.size(); ++i) {
    std::int64_t end = i < changes.size() ? changes[i].at : to + 1;
    std::int64_t at = local - offset;
    if (at >= start && at < end) {
      if (!found) out.earlier = at;
      out.kind = found ? LocalInstants::Kind::Repeated : LocalInstants::Kind::Unique;
      out.later = at;
      found = true;
    }
    std::int64_t after = std::max(start, at + 1);
    if (after < end) first_after = std::min(first_after, after);
    if (i < changes.size()) {
      start = end;
      offset = changes[i].offset;
    }
  }
  if (!found) {
    out.kind = LocalInstants::Kind::Skipped;
    out.earlier = first_after;
    out.later = local - offset_at(first_after - 1);
  }
  return out;
}

std::int64_t TimeZone::latest_local_until(std::int64_t utc_seconds) const {
  std::int64_t t = clamp_instant(utc_seconds);
  std::vector<OffsetChange> changes;
  std::int64_t start = t - kWindow;
  std::int32_t offset = changes_in(start, t, changes);
  std::int64_t latest = t + offset_at(t);
  for (const OffsetChange& change : changes) {
    // The last second of each span before `t`; two changes at one instant leave an empty span.
    if (change.at > start) latest = std::max(latest, change.at - 1 + offset);
    start = change.at;
    offset = change.offset;
  }
  return latest;
}

}  // namespace baton::events
