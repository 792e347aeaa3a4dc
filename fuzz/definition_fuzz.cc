// Feeds arbitrary bytes to the definition parser: it must report diagnostics, never crash.

#include <cstddef>
#include <cstdint>
#include <string_view>

#include "asl/parse.h"

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  std::string_view text(reinterpret_cast<const char*>(data), size);
  auto parsed = baton::asl::parse(text);
  if (!parsed) (void)baton::asl::invalid_definition_message(parsed.error());
  return 0;
}
