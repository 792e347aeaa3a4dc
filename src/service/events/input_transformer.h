#pragma once

// A target's InputTransformer: variables read from the event by JSON paths (InputPathsMap) and
// put into a template (InputTemplate) to make what the target receives instead of the event.
//
// How a value goes into the template, as AWS does it:
// - A template that is JSON once its placeholders are filled (an object, an array, a quoted
//   string, ...) is filled as JSON. A placeholder outside quotes takes the value as JSON (a
//   string with its quotes: {"state": <state>} gives {"state": "RUNNING"}); one inside a quoted
//   string takes the value's text, escaped as JSON string content ("<id> is <state>" gives
//   "i-12 is RUNNING"). <aws.events.event> and <aws.events.event.json> go in unescaped, so they
//   belong outside quotes.
// - Any other template is text: every placeholder takes the value's text (a string without
//   quotes, anything else as JSON), so "<id> is in state <state>" without surrounding quotes
//   gives i-12 is in state RUNNING.
// - A path the event does not have gives null outside quotes and nothing inside them or in
//   text.
// - A template surrounded by braces must be a JSON object once filled; a placeholder cannot be
//   one of its keys.
// - A <name> that is neither a variable nor reserved stays as written.
// The reserved variables: aws.events.rule-arn, aws.events.rule-name,
// aws.events.event.ingestion-time (when EventBridge received the event, ISO 8601),
// aws.events.event (the event without its detail) and aws.events.event.json (the whole event).
//
// Pure: no I/O.

#include <cstddef>
#include <string>
#include <string_view>
#include <vector>

#include "asl/path.h"
#include "core/error.h"
#include "core/json.h"

namespace baton::service::events {

// AWS's limits.
inline constexpr std::size_t kMaxInputPathsMapEntries = 100;
inline constexpr std::size_t kMaxInputPathBytes = 256;
inline constexpr std::size_t kMaxInputTemplateBytes = 8192;

// What the reserved variables stand for, for one delivery.
struct TransformContext {
  std::string rule_arn;
  std::string rule_name;
  std::string ingestion_time;  // "2026-12-05T18:00:00Z"
};

class InputTransformer {
 public:
  // Reads a target's InputTransformer member; `where` starts each error message ("Target t1: ").
  // Errors: ValidationException, saying which variable or what in the template is wrong.
  [[nodiscard]] static Result<InputTransformer> read(const json::Value& spec,
                                                     std::string_view where);

  // What the target receives for `event`.
  std::string apply(const json::Value& event, const TransformContext& context) const;

 private:
  enum class Source { Variable, RuleArn, RuleName, IngestionTime, EventWithoutDetail, Event };
  struct Placeholder {
    Source source = Source::Variable;
    std::size_t variable = 0;  // into variables_, for Source::Variable
    bool quoted = false;       // inside a JSON string of the template
  };
  // The template, cut into literal text and placeholders: text_[i] precedes placeholders_[i].
  std::vector<std::string> text_;
  std::vector<Placeholder> placeholders_;
  std::vector<asl::Path> variables_;
  bool json_ = false;
};

}  // namespace baton::service::events
