#pragma once

// Why text is not a JSON document, in the words of Jackson, the parser AWS's rule engine reads
// event patterns with: "Unrecognized token 'closed': was expecting (JSON String, Number, Array,
// Object or token 'null', 'true' or 'false')", "Unexpected character (''' (code 39)): was
// expecting double-quote to start field name" ... Jackson reads a stream: it stops after the
// first complete value and never looks at what follows, so "{} trailing" is a document here.
// Pure.

#include <cstddef>
#include <string>
#include <string_view>

namespace baton::events {

struct JsonScan {
  std::size_t end = 0;  // where the first value ends, when `fault` is empty
  std::string fault;    // Jackson's message for the first fault, without its location
};

// Scans the first JSON value of `text`.
JsonScan scan_json(std::string_view text);

}  // namespace baton::events
