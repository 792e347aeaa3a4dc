#include "net/http_client.h"

#include <curl/curl.h>
#include <dlfcn.h>

#include <memory>
#include <mutex>

namespace baton::net {
namespace {

// libcurl, loaded the first time a request is made rather than linked: it brings some thirty
// shared libraries (GnuTLS, Kerberos, LDAP ...) whose loading would otherwise cost every
// `baton` process several milliseconds at start, HTTP task or not.
struct Curl {
  decltype(&curl_global_init) global_init = nullptr;
  decltype(&curl_easy_init) easy_init = nullptr;
  decltype(&curl_easy_cleanup) easy_cleanup = nullptr;
  decltype(&curl_easy_setopt) easy_setopt = nullptr;
  decltype(&curl_easy_perform) easy_perform = nullptr;
  decltype(&curl_easy_getinfo) easy_getinfo = nullptr;
  decltype(&curl_easy_strerror) easy_strerror = nullptr;
  decltype(&curl_slist_append) slist_append = nullptr;
  decltype(&curl_slist_free_all) slist_free_all = nullptr;
  std::string error;  // why it could not be loaded
};

template <class F>
bool resolve(void* library, const char* name, F& target) {
  target = reinterpret_cast<F>(dlsym(library, name));
  return target != nullptr;
}

const Curl& curl_library() {
  static const Curl loaded = [] {
    Curl c;
    void* library = dlopen("libcurl.so.4", RTLD_NOW | RTLD_LOCAL);
    if (library == nullptr) {
      c.error = std::string("libcurl cannot be loaded: ") + dlerror();
      return c;
    }
    bool ok = resolve(library, "curl_global_init", c.global_init) &&
              resolve(library, "curl_easy_init", c.easy_init) &&
              resolve(library, "curl_easy_cleanup", c.easy_cleanup) &&
              resolve(library, "curl_easy_setopt", c.easy_setopt) &&
              resolve(library, "curl_easy_perform", c.easy_perform) &&
              resolve(library, "curl_easy_getinfo", c.easy_getinfo) &&
              resolve(library, "curl_easy_strerror", c.easy_strerror) &&
              resolve(library, "curl_slist_append", c.slist_append) &&
              resolve(library, "curl_slist_free_all", c.slist_free_all);
    if (!ok) {
      c.error = "libcurl.so.4 lacks a function baton needs";
      return c;
    }
    c.global_init(CURL_GLOBAL_DEFAULT);
    return c;
  }();
  return loaded;
}

std::size_t on_body(char* data, std::size_t size, std::size_t count, void* target) {
  static_cast<std::string*>(target)->append(data, size * count);
  return size * count;
}

std::size_t on_header(char* data, std::size_t size, std::size_t count, void* target) {
  auto* response = static_cast<HttpClientResponse*>(target);
  std::string_view line(data, size * count);
  while (!line.empty() && (line.back() == '\n' || line.back() == '\r')) line.remove_suffix(1);
  if (line.starts_with("HTTP/")) {
    // A new status line (after a redirect or a 100 Continue): start over.
    response->headers.clear();
    auto first = line.find(' ');
    auto second = first == std::string_view::npos ? first : line.find(' ', first + 1);
    response->reason = second == std::string_view::npos ? "" : std::string(line.substr(second + 1));
  } else if (auto colon = line.find(':'); colon != std::string_view::npos) {
    std::string_view value = line.substr(colon + 1);
    while (!value.empty() && value.front() == ' ') value.remove_prefix(1);
    response->headers.emplace_back(std::string(line.substr(0, colon)), std::string(value));
  }
  return size * count;
}

}  // namespace

Result<HttpClientResponse> http_request(const HttpClientRequest& request) {
  const Curl& lib = curl_library();
  if (!lib.error.empty()) return fail("HttpError", lib.error);
  std::unique_ptr<CURL, void (*)(CURL*)> curl(lib.easy_init(), lib.easy_cleanup);
  if (!curl) return fail("HttpError", "cannot start an HTTP request");
  HttpClientResponse response;
  curl_slist* headers = nullptr;
  for (const auto& [name, value] : request.headers) {
    headers = lib.slist_append(headers, (name + ": " + value).c_str());
  }
  std::unique_ptr<curl_slist, void (*)(curl_slist*)> header_list(headers, lib.slist_free_all);
  CURL* c = curl.get();
  lib.easy_setopt(c, CURLOPT_URL, request.url.c_str());
  lib.easy_setopt(c, CURLOPT_CUSTOMREQUEST, request.method.c_str());
  lib.easy_setopt(c, CURLOPT_HTTPHEADER, headers);
  lib.easy_setopt(c, CURLOPT_TIMEOUT, request.timeout_seconds);
  lib.easy_setopt(c, CURLOPT_NOSIGNAL, 1L);
  lib.easy_setopt(c, CURLOPT_WRITEFUNCTION, on_body);
  lib.easy_setopt(c, CURLOPT_WRITEDATA, &response.body);
  lib.easy_setopt(c, CURLOPT_HEADERFUNCTION, on_header);
  lib.easy_setopt(c, CURLOPT_HEADERDATA, &response);
  if (!request.body.empty() || request.method == "POST" || request.method == "PUT") {
    lib.easy_setopt(c, CURLOPT_POSTFIELDS, request.body.data());
    lib.easy_setopt(c, CURLOPT_POSTFIELDSIZE, static_cast<long>(request.body.size()));
  }
  if (request.method == "HEAD") lib.easy_setopt(c, CURLOPT_NOBODY, 1L);
  CURLcode code = lib.easy_perform(c);
  if (code != CURLE_OK) {
    return fail("HttpError", std::string(lib.easy_strerror(code)) + " (" + request.url + ")");
  }
  long status = 0;
  lib.easy_getinfo(c, CURLINFO_RESPONSE_CODE, &status);
  response.status = static_cast<int>(status);
  return response;
}

std::string url_encode(std::string_view text) {
  static constexpr char kHex[] = "0123456789ABCDEF";
  std::string out;
  for (unsigned char c : text) {
    bool unreserved = (c >= 'A' && c <= 'Z') || (c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') ||
                      c == '-' || c == '_' || c == '.' || c == '~';
    if (unreserved) {
      out.push_back(static_cast<char>(c));
    } else {
      out.push_back('%');
      out.push_back(kHex[c >> 4]);
      out.push_back(kHex[c & 15]);
    }
  }
  return out;
}

}  // namespace baton::net
