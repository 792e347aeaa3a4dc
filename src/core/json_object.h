#pragma once

// An object written out in place: json::object({{"name", v}, {"other", w}}).

#include <initializer_list>
#include <string_view>
#include <utility>

#include "core/json.h"

namespace baton::json {

inline Value object(std::initializer_list<std::pair<std::string_view, Value>> members) {
  ObjectBuilder out;
  for (const auto& [name, value] : members) out.add(name, value);
  return out.build();
}

}  // namespace baton::json
