#pragma once

// Every resource of a kind, read page by page: what a service's recovery walks.

#include <functional>
#include <string>

#include "store/store.h"

namespace baton::store {

// Hands `take` each resource of `kind` under `parent` ("" for all), in pages of 1000. Errors:
// the store's.
inline Expected<void, Error> each_resource(Store& store, Kind kind, const std::string& parent,
                                           const std::function<void(Resource&)>& take) {
  std::string next;
  PageRequest page{"", 1000};
  do {
    auto found = store.resources(kind, parent, page, next);
    if (!found) return Unexpected<Error>(found.error());
    for (Resource& r : *found) take(r);
    page.after = next;
  } while (!next.empty());
  return {};
}

}  // namespace baton::store
