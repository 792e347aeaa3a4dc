#include "net/http.h"

#include <algorithm>
#include <cctype>

namespace baton::net {

std::string_view HttpRequest::header(std::string_view name) const {
  // Stored names are lower case; `name` may be in any case.
  auto same = [name](std::string_view key) {
    return key.size() == name.size() &&
           std::equal(key.begin(), key.end(), name.begin(), [](char a, char b) {
             return a == std::tolower(static_cast<unsigned char>(b));
           });
  };
  for (const auto& [key, value] : headers) {
    if (same(key)) return value;
  }
  return {};
}

std::string_view HttpRequest::path() const {
  std::string_view t = target;
  // The absolute form ("http://host:port/path"), which clients send to a proxy: the path
  // only, as the Host is not ours to judge.
  if (auto scheme = t.find("://"); scheme != std::string_view::npos && !t.starts_with("/")) {
    auto slash = t.find('/', scheme + 3);
    t = slash == std::string_view::npos ? std::string_view("/") : t.substr(slash);
  }
  return t.substr(0, t.find('?'));
}

std::string_view HttpRequest::query() const {
  std::string_view t = target;
  auto q = t.find('?');
  return q == std::string_view::npos ? std::string_view() : t.substr(q + 1);
}

std::string url_decode(std::string_view text) {
  auto hex = [](char c) -> int {
    if (c >= '0' && c <= '9') return c - '0';
    if (c >= 'a' && c <= 'f') return c - 'a' + 10;
    if (c >= 'A' && c <= 'F') return c - 'A' + 10;
    return -1;
  };
  std::string out;
  out.reserve(text.size());
  for (std::size_t i = 0; i < text.size(); ++i) {
    if (text[i] == '%' && i + 2 < text.size() && hex(text[i + 1]) >= 0 && hex(text[i + 2]) >= 0) {
      out.push_back(static_cast<char>(hex(text[i + 1]) * 16 + hex(text[i + 2])));
      i += 2;
    } else {
      out.push_back(text[i]);
    }
  }
  return out;
}

std::vector<std::pair<std::string, std::string>> form_pairs(std::string_view text) {
  std::vector<std::pair<std::string, std::string>> out;
  while (!text.empty()) {
    std::string_view pair = text.substr(0, text.find('&'));
    text = pair.size() < text.size() ? text.substr(pair.size() + 1) : std::string_view();
    if (pair.empty()) continue;
    auto eq = pair.find('=');
    std::string key(pair.substr(0, eq));
    std::string value(eq == std::string_view::npos ? "" : pair.substr(eq + 1));
    // '+' is replaced before decoding, so that "%2B" stays a '+'.
    std::replace(key.begin(), key.end(), '+', ' ');
    std::replace(value.begin(), value.end(), '+', ' ');
    out.emplace_back(url_decode(key), url_decode(value));
  }
  return out;
}

std::map<std::string, std::string> parse_query(std::string_view query) {
  std::map<std::string, std::string> params;
  for (auto& [key, value] : form_pairs(query)) {
    if (!key.empty()) params[key] = std::move(value);
  }
  return params;
}

}  // namespace baton::net
