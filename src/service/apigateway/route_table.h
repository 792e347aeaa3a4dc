#pragma once

// HTTP API routes as API Gateway matches them: a route key ("GET /pets/{petId}", "ANY
// /{proxy+}", "$default") read once, and the table of an API's routes that picks the one a
// request takes, most specific first. Pure: no I/O. Immutable once built; safe to share.
//
// AWS's order (https://docs.aws.amazon.com/apigateway/latest/developerguide/
// http-api-develop-routes.html, "Routing API requests"): a full match of route and method, then
// a match with a greedy path variable ({proxy+}), then $default. Between two full matches the
// path decides first, segment by segment from the left (a literal segment before a {variable}),
// then the method (a route's own method before ANY, which takes "all methods that you haven't
// defined for a resource").

#include <optional>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "core/error.h"
#include "service/proxy_event.h"

namespace baton::service::apigateway {

struct RouteKey {
  enum class Kind { Literal, Variable, Greedy };
  struct Segment {
    Kind kind = Kind::Literal;
    std::string text;  // a literal's text, a variable's name (without braces and '+')
  };

  std::string text;  // as given: "GET /pets/{petId}"
  bool is_default = false;
  std::string method;  // "ANY", "GET" ...; "" for $default
  std::string path;    // "/pets/{petId}"; "" for $default
  std::vector<Segment> segments;

  // Errors: BadRequestException, saying what is wrong with the key.
  [[nodiscard]] static Result<RouteKey> parse(std::string_view key);
  bool greedy() const { return !segments.empty() && segments.back().kind == Kind::Greedy; }
  // Whether the route takes `method` on `path` (the path as requested, percent-encoded, without
  // the stage); its path parameters, decoded, when it does.
  std::optional<Parameters> match(std::string_view method, std::string_view path) const;
};

// Negative when `a` is more specific than `b` (it wins where both match), 0 when neither is.
int compare_specificity(const RouteKey& a, const RouteKey& b);

// An API's routes, most specific first.
class RouteTable {
 public:
  struct Entry {
    RouteKey key;
    std::string route_id;
  };
  struct Found {
    const Entry* entry = nullptr;
    Parameters path_parameters;
  };

  void add(RouteKey key, std::string route_id);
  // The route `method` `path` takes, if any: $default when no other does.
  std::optional<Found> find(std::string_view method, std::string_view path) const;
  bool empty() const { return entries_.empty(); }

 private:
  std::vector<Entry> entries_;  // most specific first
};

}  // namespace baton::service::apigateway
