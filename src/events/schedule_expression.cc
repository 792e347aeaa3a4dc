#include "events/schedule_expression.h"

#include <algorithm>
#include <cctype>
#include <limits>
#include <utility>

#include "core/time.h"

namespace baton::events {

namespace {

constexpr std::int64_t kMillisPerMinute = 60 * 1000;

std::int64_t floor_div(std::int64_t a, std::int64_t b) {
  std::int64_t q = a / b;
  return (a % b != 0 && (a < 0) != (b < 0)) ? q - 1 : q;
}

bool all_digits(std::string_view text) {
  return !text.empty() && std::all_of(text.begin(), text.end(), [](char c) {
    return std::isdigit(static_cast<unsigned char>(c)) != 0;
  });
}

// The text between `name(` and the closing parenthesis, when `text` is written so.
std::optional<std::string_view> inside(std::string_view text, std::string_view name) {
  if (text.size() < name.size() + 2 || !text.starts_with(name) || text[name.size()] != '(' ||
      text.back() != ')') {
    return std::nullopt;
  }
  return text.substr(name.size() + 1, text.size() - name.size() - 2);
}

// rate(value unit): the period in milliseconds, or the reason it is not one.
Expected<std::int64_t, std::string> read_rate(std::string_view body, ScheduleFlavour flavour) {
  std::size_t space = body.find(' ');
  if (space == 0 || space == std::string_view::npos ||
      body.find(' ', space + 1) != std::string_view::npos) {
    return Unexpected<std::string>(
        "A rate() expression is a value and a unit separated by one space, as rate(5 minutes)");
  }
  std::string_view value_text = body.substr(0, space);
  std::string_view unit = body.substr(space + 1);
  std::int64_t value = 0;
  if (all_digits(value_text) && value_text.size() <= 10) {
    for (char c : value_text) value = value * 10 + (c - '0');
  }
  if (value < 1 || value > std::numeric_limits<std::int32_t>::max()) {
    return Unexpected<std::string>("The value '" + std::string(value_text) +
                                   "' of rate() is not a whole number from 1 to 2147483647");
  }
  struct Unit {
    std::string_view singular;
    std::string_view plural;
    std::int64_t millis;
  };
  static constexpr Unit kUnits[] = {{"minute", "minutes", kMillisPerMinute},
                                    {"hour", "hours", 60 * kMillisPerMinute},
                                    {"day", "days", 24 * 60 * kMillisPerMinute}};
  for (const Unit& u : kUnits) {
    if (unit != u.singular && unit != u.plural) continue;
    // AWS's rule for scheduled rules; Scheduler takes either form.
    if (flavour == ScheduleFlavour::Rule && (value == 1) != (unit == u.singular)) {
      return Unexpected<std::string>(std::string(value == 1 ? "A value of 1 takes the unit '"
                                                            : "A value other than 1 takes "
                                                              "the unit '") +
                                     std::string(value == 1 ? u.singular : u.plural) + "', not '" +
                                     std::string(unit) + "'");
    }
    return value * u.millis;
  }
  return Unexpected<std::string>("'" + std::string(unit) +
                                 "' is not a unit of rate(): minute(s), hour(s) or day(s)");
}

// at(yyyy-mm-ddThh:mm:ss): the local time, or the reason it is not one.
Expected<std::int64_t, std::string> read_at(std::string_view body) {
  std::optional<Timestamp> time;
  if (body.size() == 19) time = parse_rfc3339(std::string(body) + "Z");
  if (!time) {
    return Unexpected<std::string>(
        "An at() expression is a date and time yyyy-mm-ddThh:mm:ss, with no "
        "offset, as at(2024-05-01T13:00:00); '" +
        std::string(body) + "' is not one");
  }
  return time->seconds;
}

}  // namespace

Result<ScheduleExpression> ScheduleExpression::parse(std::string_view text,
                                                     ScheduleFlavour flavour) {
  auto invalid = [&](std::string reason) {
    std::string cause = flavour == ScheduleFlavour::Rule
                            ? std::string(kRuleScheduleMessage)
                            : std::string(kSchedulerScheduleMessage) + std::string(text) + ".";
    return fail(std::string(kInvalidScheduleExpression), cause + " " + reason + ".");
  };
  if (auto body = inside(text, "rate")) {
    auto period = read_rate(*body, flavour);
    if (!period) return invalid(period.error());
    return ScheduleExpression(std::string(text), flavour, Rate{*period});
  }
  if (auto body = inside(text, "cron")) {
    auto cron = Cron::parse(*body, flavour == ScheduleFlavour::Scheduler);
    if (!cron) return invalid(cron.error());
    return ScheduleExpression(std::string(text), flavour, std::move(*cron));
  }
  if (auto body = inside(text, "at"); body && flavour == ScheduleFlavour::Scheduler) {
    auto local = read_at(*body);
    if (!local) return invalid(local.error());
    return ScheduleExpression(std::string(text), flavour, At{*local});
  }
  return invalid(flavour == ScheduleFlavour::Rule
                     ? "A rule's schedule expression is rate(value unit) or cron(fields)"
                     : "A schedule expression is rate(value unit), cron(fields) or "
                       "at(yyyy-mm-ddThh:mm:ss)");
}

ScheduleKind ScheduleExpression::kind() const {
  struct Kind {
    ScheduleKind operator()(const At&) const { return ScheduleKind::At; }
    ScheduleKind operator()(const Rate&) const { return ScheduleKind::Rate; }
    ScheduleKind operator()(const Cron&) const { return ScheduleKind::Cron; }
  };
  return std::visit(Kind{}, when_);
}

std::optional<std::int64_t> ScheduleExpression::next_after(std::int64_t after_ms,
                                                           std::int64_t anchor_ms,
                                                           const TimeZone& zone) const {
  struct Next {
    const ScheduleExpression& self;
    std::int64_t after_ms;
    std::int64_t anchor_ms;
    const TimeZone& zone;

    std::optional<std::int64_t> operator()(const Rate& rate) const {
      if (after_ms < anchor_ms) return anchor_ms;
      // anchor + k * period for the least k past `after`, in unsigned arithmetic: the distance
      // between two int64 values fits in a uint64.
      auto period = static_cast<std::uint64_t>(rate.period_ms);
      std::uint64_t distance =
          static_cast<std::uint64_t>(after_ms) - static_cast<std::uint64_t>(anchor_ms);
      std::uint64_t offset = 0;
      if (__builtin_mul_overflow(distance / period + 1, period, &offset) ||
          offset > static_cast<std::uint64_t>(std::numeric_limits<std::int64_t>::max()) -
                       static_cast<std::uint64_t>(anchor_ms)) {
        return std::nullopt;
      }
      return static_cast<std::int64_t>(static_cast<std::uint64_t>(anchor_ms) + offset);
    }
    std::optional<std::int64_t> operator()(const At& at) const {
      LocalInstants instants = zone.from_local(at.local_seconds);
      std::int64_t fires =
          instants.kind == LocalInstants::Kind::Skipped ? instants.later : instants.earlier;
      if (fires * 1000 <= after_ms) return std::nullopt;
      return fires * 1000;
    }
    std::optional<std::int64_t> operator()(const Cron& cron) const {
      return self.next_cron(cron, after_ms, zone);
    }
  };
  if (flavour_ == ScheduleFlavour::Rule) {
    TimeZone utc = TimeZone::utc();
    return std::visit(Next{*this, after_ms, anchor_ms, utc}, when_);
  }
  return std::visit(Next{*this, after_ms, anchor_ms, zone}, when_);
}

std::optional<std::int64_t> ScheduleExpression::next_cron(const Cron& cron, std::int64_t after_ms,
                                                          const TimeZone& zone) const {
  // Cron times lie in the local years 1970-2199, within a day or so of those in UTC.
  constexpr std::int64_t kBefore = -4 * 86400;
  const std::int64_t past = days_from_civil(2200, 1, 4) * 86400;
  std::int64_t after = floor_div(after_ms, 1000);
  if (after >= past) return std::nullopt;
  after = std::max(after, kBefore);
  // Every local time after this one is shown for the first time after `after`: looking on
  // from here fires a time the clocks show twice only at its first showing.
  std::int64_t local = zone.latest_local_until(after) + 1;
  while (true) {
    std::optional<std::int64_t> next = cron.next_at_or_after(local);
    if (!next) return std::nullopt;
    LocalInstants instants = zone.from_local(*next);
    if (instants.kind == LocalInstants::Kind::Skipped) {
      // The clocks jump over this time: AWS skips it, and looks on from the jump.
      local = zone.to_local(instants.earlier);
      continue;
    }
    if (instants.earlier <= after) {  // cannot happen, by latest_local_until; look on
      local = *next + 1;
      continue;
    }
    return instants.earlier * 1000;
  }
}

}  // namespace baton::events
