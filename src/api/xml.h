#pragma once

// The little XML the AWS protocols need: text escaped for writing, and request bodies (S3's
// CreateBucketConfiguration, DeleteObjects ...) read into a tree. No DTDs, no entities beyond
// the five predefined and character references; namespaces are kept as written in names and
// ignored by lookups.

#include <string>
#include <string_view>
#include <vector>

#include "core/error.h"

namespace baton::api::xml {

struct Element {
  std::string name;  // without its namespace prefix
  std::string text;  // character data directly inside
  std::vector<Element> children;

  const Element* child(std::string_view name) const;
};

// Appends `text` to `out`, escaped for element content and attribute values.
void escape(std::string& out, std::string_view text);

// The document's root element. Errors: MalformedXML, saying where.
Result<Element> parse(std::string_view text);

}  // namespace baton::api::xml
