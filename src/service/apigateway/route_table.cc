// Route keys and the most-specific-first order of an API's routes.

#include "service/apigateway/route_table.h"

#include <algorithm>
#include <array>

#include "net/http.h"

namespace baton::service::apigateway {

namespace {

// The methods a route key may name (API Gateway's), ANY for all of them.
constexpr std::array<std::string_view, 8> kMethods = {"ANY",     "DELETE", "GET",  "HEAD",
                                                      "OPTIONS", "PATCH",  "POST", "PUT"};

Unexpected<Error> bad_key(std::string_view key, const std::string& why) {
  return fail("BadRequestException", "Invalid route key '" + std::string(key) + "': " + why +
                                         " (a route key is 'METHOD /path', such as "
                                         "'GET /pets/{petId}', or '$default')");
}

// The segments of a path after its leading '/': "/a/b" -> a, b; "/" -> none.
std::vector<std::string_view> split_path(std::string_view path) {
  std::vector<std::string_view> out;
  if (path.empty() || path == "/") return out;
  std::size_t at = path.front() == '/' ? 1 : 0;
  while (true) {
    std::size_t slash = path.find('/', at);
    if (slash == std::string_view::npos) {
      out.push_back(path.substr(at));
      return out;
    }
    out.push_back(path.substr(at, slash - at));
    at = slash + 1;
  }
}

int rank(RouteKey::Kind kind) {
  switch (kind) {
    case RouteKey::Kind::Literal:
      return 0;
    case RouteKey::Kind::Variable:
      return 1;
    case RouteKey::Kind::Greedy:
      return 2;
  }
  return 2;
}

}  // namespace

Result<RouteKey> RouteKey::parse(std::string_view key) {
  RouteKey out;
  out.text = std::string(key);
  if (key == "$default") {
    out.is_default = true;
    return out;
  }
  std::size_t space = key.find(' ');
  if (space == std::string_view::npos) return bad_key(key, "no space between method and path");
  std::string_view method = key.substr(0, space);
  std::string_view path = key.substr(space + 1);
  if (std::find(kMethods.begin(), kMethods.end(), method) == kMethods.end()) {
    return bad_key(key, "the method '" + std::string(method) +
                            "' is not one of ANY, DELETE, GET, HEAD, OPTIONS, PATCH, POST, PUT");
  }
  if (path.empty() || path.front() != '/') return bad_key(key, "the path must start with '/'");
  if (path.find_first_of(" ?#") != std::string_view::npos) {
    return bad_key(key, "the path holds a space, '?' or '#'");
  }
  out.method = std::string(method);
  out.path = std::string(path);
  std::vector<std::string_view> parts = split_path(path);
  for (std::size_t i = 0; i < parts.size(); ++i) {
    std::string_view part = parts[i];
    Segment segment;
    if (part.empty()) return bad_key(key, "the path has an empty segment");
    bool opens = part.front() == '{';
    bool closes = part.back() == '}';
    if (opens != closes || (!opens && part.find_first_of("{}") != std::string_view::npos)) {
      return bad_key(key, "a path variable must be a whole segment, as {name} or {name+}");
    }
    if (opens) {
      std::string_view name = part.substr(1, part.size() - 2);
      segment.kind = Kind::Variable;
      if (name.ends_with('+')) {
        if (i + 1 != parts.size()) {
          return bad_key(
              key, "the greedy path variable {" + std::string(name) + "} must be the last segment");
        }
        segment.kind = Kind::Greedy;
        name.remove_suffix(1);
      }
      if (name.empty() || name.find_first_of("{}+") != std::string_view::npos) {
        return bad_key(key, "the path variable '" + std::string(part) + "' has no valid name");
      }
      for (const Segment& before : out.segments) {
        if (before.kind != Kind::Literal && before.text == name) {
          return bad_key(key, "the path variable {" + std::string(name) + "} appears twice");
        }
      }
      segment.text = std::string(name);
    } else {
      segment.text = std::string(part);
    }
    out.segments.push_back(std::move(segment));
  }
  return out;
}

std::optional<Parameters> RouteKey::match(std::string_view request_method,
                                          std::string_view request_path) const {
  if (is_default) return Parameters{};
  if (method != "ANY" && method != request_method) return std::nullopt;
  std::vector<std::string_view> parts = split_path(request_path);
  Parameters parameters;
  for (std::size_t i = 0; i < segments.size(); ++i) {
    const Segment& s = segments[i];
    if (s.kind == Kind::Greedy) {
      // At least one segment: {proxy+} does not take its parent's path.
      if (i >= parts.size()) return std::nullopt;
      std::size_t at = 0;
      for (std::size_t skip = 0; skip < i; ++skip) at += parts[skip].size() + 1;
      std::string_view rest = request_path.substr(std::min(request_path.size(), at + 1));
      if (rest.empty()) return std::nullopt;
      parameters.emplace_back(s.text, net::url_decode(rest));
      return parameters;
    }
    if (i >= parts.size()) return std::nullopt;
    if (s.kind == Kind::Literal) {
      if (net::url_decode(parts[i]) != s.text) return std::nullopt;
    } else {
      if (parts[i].empty()) return std::nullopt;
      parameters.emplace_back(s.text, net::url_decode(parts[i]));
    }
  }
  if (parts.size() != segments.size()) return std::nullopt;
  return parameters;
}

int compare_specificity(const RouteKey& a, const RouteKey& b) {
  if (a.is_default != b.is_default) return a.is_default ? 1 : -1;
  if (a.is_default) return 0;
  if (a.greedy() != b.greedy()) return a.greedy() ? 1 : -1;
  std::size_t common = std::min(a.segments.size(), b.segments.size());
  for (std::size_t i = 0; i < common; ++i) {
    int ra = rank(a.segments[i].kind);
    int rb = rank(b.segments[i].kind);
    if (ra != rb) return ra < rb ? -1 : 1;
  }
  if (a.segments.size() != b.segments.size()) return a.segments.size() > b.segments.size() ? -1 : 1;
  bool a_any = a.method == "ANY";
  bool b_any = b.method == "ANY";
  if (a_any != b_any) return a_any ? 1 : -1;
  return 0;
}

void RouteTable::add(RouteKey key, std::string route_id) {
  Entry entry{std::move(key), std::move(route_id)};
  // After the equally specific ones: among equals, the first added wins.
  auto at = std::upper_bound(
      entries_.begin(), entries_.end(), entry,
      [](const Entry& a, const Entry& b) { return compare_specificity(a.key, b.key) < 0; });
  entries_.insert(at, std::move(entry));
}

std::optional<RouteTable::Found> RouteTable::find(std::string_view method,
                                                  std::string_view path) const {
  for (const Entry& e : entries_) {
    if (auto parameters = e.key.match(method, path)) return Found{&e, std::move(*parameters)};
  }
  return std::nullopt;
}

}  // namespace baton::service::apigateway
