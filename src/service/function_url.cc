// Function URLs' ids, addresses and Hosts.

#include "service/function_url.h"

#include "core/crypto.h"
#include "core/text.h"

namespace baton::service {

namespace {

constexpr std::string_view kAlphabet = "abcdefghijklmnopqrstuvwxyz0123456789";
constexpr std::size_t kIdLength = 32;
constexpr std::string_view kMarker = ".lambda-url.";

}  // namespace

std::string function_url_id(std::string_view function_arn, std::string_view qualifier) {
  std::string digest = crypto::hex_digest(crypto::Digest::SHA256,
                                          std::string(function_arn) + "|" + std::string(qualifier));
  std::string id;
  // 64 hex digits: two a character, each byte taken modulo the alphabet.
  for (std::size_t i = 0; i < kIdLength; ++i) {
    unsigned value = 0;
    for (char c : digest.substr(i * 2, 2)) {
      value = value * 16 + static_cast<unsigned>(c <= '9' ? c - '0' : c - 'a' + 10);
    }
    id += kAlphabet[value % kAlphabet.size()];
  }
  return id;
}

std::string function_url(std::string_view url_id, std::uint16_t port, std::string_view region) {
  if (port == 0) {
    return "https://" + std::string(url_id) + ".lambda-url." + std::string(region) + ".on.aws/";
  }
  // *.localhost is the loopback address for browsers and curl; baton routes by the name.
  return "http://" + std::string(url_id) + ".lambda-url.localhost:" + std::to_string(port) + "/";
}

std::optional<std::string> function_url_id_of_host(std::string_view host) {
  auto at = host.find(kMarker);
  if (at == std::string_view::npos || at == 0) return std::nullopt;
  return ascii_lower(host.substr(0, at));
}

}  // namespace baton::service
