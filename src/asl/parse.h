#pragma once

// Text -> compiled Definition, with every diagnostic the validator finds.

#include <memory>
#include <string_view>

#include "asl/definition.h"
#include "asl/diagnostic.h"
#include "core/expected.h"

namespace baton::asl {

enum class StateMachineType { STANDARD, EXPRESS };

struct ParseOptions {
  // EXPRESS machines refuse `.sync` and `.waitForTaskToken` integrations and activities.
  StateMachineType type = StateMachineType::STANDARD;
};

struct Parsed {
  std::shared_ptr<const Definition> definition;
  Diagnostics warnings;  // things AWS accepts at creation but that will fail or surprise
};

// A Task Resource ARN, classified as parse() classifies it; nullopt when baton does not
// recognise it.
std::optional<Resource> resource_from_arn(std::string_view arn);

// Parses and validates `text`. On failure, every diagnostic found (errors and warnings).
[[nodiscard]] Expected<Parsed, Diagnostics> parse(std::string_view text,
                                                  const ParseOptions& options = {});

}  // namespace baton::asl
