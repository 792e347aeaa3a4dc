#include "net/sigv4.h"

#include <openssl/crypto.h>

#include <algorithm>
#include <charconv>
#include <cstdio>

#include "core/crypto.h"
#include "core/text.h"
#include "core/time.h"

namespace baton::net::sigv4 {
namespace {

constexpr std::string_view kAlgorithm = "AWS4-HMAC-SHA256";
constexpr std::string_view kTerminator = "aws4_request";
// AWS's limits, not the algorithm's: a signed request is good for 15 minutes either side of
// its X-Amz-Date, a presigned URL for at most 7 days.
constexpr std::int64_t kMaxSkewSeconds = 15 * 60;
constexpr std::int64_t kMaxExpiresSeconds = 7 * 24 * 60 * 60;
constexpr std::string_view kEmptySha256 =
    "e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855";
constexpr std::string_view kUnsignedPayload = "UNSIGNED-PAYLOAD";
constexpr std::string_view kStreamingSigned = "STREAMING-AWS4-HMAC-SHA256-PAYLOAD";
constexpr std::string_view kStreamingSignedTrailer = "STREAMING-AWS4-HMAC-SHA256-PAYLOAD-TRAILER";
constexpr std::string_view kStreamingUnsignedTrailer = "STREAMING-UNSIGNED-PAYLOAD-TRAILER";

Unexpected<Failure> fail(FailureKind kind, std::string message) {
  return Unexpected<Failure>(Failure{kind, std::move(message)});
}

bool is_unreserved(unsigned char c) {
  return (c >= 'A' && c <= 'Z') || (c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') || c == '-' ||
         c == '_' || c == '.' || c == '~';
}

// URI encoding as SigV4 specifies it: every byte but the unreserved ones (and '/', when asked)
// as %XY with upper-case hex.
void uri_encode(std::string_view text, bool keep_slash, std::string& out) {
  static constexpr char kHex[] = "0123456789ABCDEF";
  for (unsigned char c : text) {
    if (is_unreserved(c) || (keep_slash && c == '/')) {
      out.push_back(static_cast<char>(c));
    } else {
      out.push_back('%');
      out.push_back(kHex[c >> 4]);
      out.push_back(kHex[c & 0xF]);
    }
  }
}

std::string sha256_hex(std::string_view data) {
  return crypto::hex_digest(crypto::Digest::SHA256, data);
}

bool is_sha256_hex(std::string_view text) {
  return text.size() == 64 && std::all_of(text.begin(), text.end(), [](char c) {
           return (c >= '0' && c <= '9') || (c >= 'a' && c <= 'f') || (c >= 'A' && c <= 'F');
         });
}

// Same length and same bytes, in a time that depends on the length only.
bool equal_in_constant_time(std::string_view a, std::string_view b) {
  return a.size() == b.size() && CRYPTO_memcmp(a.data(), b.data(), a.size()) == 0;
}

// "20130524T000000Z" to seconds since the epoch.
std::optional<std::int64_t> parse_amz_date(std::string_view text) {
  if (text.size() != 16 || text[8] != 'T' || text[15] != 'Z') return std::nullopt;
  auto number = [&](std::size_t at, std::size_t length) -> std::optional<int> {
    int value = 0;
    auto [end, ec] = std::from_chars(text.data() + at, text.data() + at + length, value);
    if (ec != std::errc() || end != text.data() + at + length) return std::nullopt;
    return value;
  };
  auto year = number(0, 4), month = number(4, 2), day = number(6, 2);
  auto hour = number(9, 2), minute = number(11, 2), second = number(13, 2);
  if (!year || !month || !day || !hour || !minute || !second) return std::nullopt;
  if (*month < 1 || *month > 12 || *day < 1 || *day > 31 || *hour > 23 || *minute > 59 ||
      *second > 60) {
    return std::nullopt;
  }
  return days_from_civil(*year, static_cast<unsigned>(*month), static_cast<unsigned>(*day)) *
             86400 +
         *hour * 3600 + *minute * 60 + *second;
}

std::string format_amz_date(std::int64_t seconds) {
  std::int64_t days = seconds >= 0 ? seconds / 86400 : (seconds - 86399) / 86400;
  std::int64_t rest = seconds - days * 86400;
  std::int64_t year = 0;
  unsigned month = 0;
  unsigned day = 0;
  civil_from_days(days, year, month, day);
  char text[80];  // room for any int64 the format could print
  std::snprintf(text, sizeof text, "%04lld%02u%02uT%02lld%02lld%02lldZ",
                static_cast<long long>(year), month, day, static_cast<long long>(rest / 3600),
                static_cast<long long>(rest / 60 % 60), static_cast<long long>(rest % 60));
  return text;
}

// An HTTP date (RFC 9110 IMF-fixdate, "Fri, 24 May 2013 00:00:00 GMT") in X-Amz-Date's form.
std::optional<std::string> amz_date_of_http_date(std::string_view text) {
  static constexpr std::string_view kMonths[] = {"Jan", "Feb", "Mar", "Apr", "May", "Jun",
                                                 "Jul", "Aug", "Sep", "Oct", "Nov", "Dec"};
  text = trim(text);
  if (text.size() != 29 || text.substr(3, 2) != ", " || text.substr(25) != " GMT") {
    return std::nullopt;
  }
  auto month = std::find(std::begin(kMonths), std::end(kMonths), text.substr(8, 3));
  if (month == std::end(kMonths)) return std::nullopt;
  int month_number = static_cast<int>(month - std::begin(kMonths)) + 1;
  std::string basic;
  basic.append(text.substr(12, 4));
  basic.push_back(static_cast<char>('0' + month_number / 10));
  basic.push_back(static_cast<char>('0' + month_number % 10));
  basic.append(text.substr(5, 2));
  basic.push_back('T');
  basic.append(text.substr(17, 2));
  basic.append(text.substr(20, 2));
  basic.append(text.substr(23, 2));
  basic.push_back('Z');
  if (!parse_amz_date(basic)) return std::nullopt;
  return basic;
}

// "AKID/20130524/us-east-1/s3/aws4_request": the scope, whatever the terminator.
std::optional<Scope> parse_credential(std::string_view credential, std::string* terminator) {
  std::vector<std::string_view> parts;
  while (parts.size() < 4) {
    auto slash = credential.find('/');
    if (slash == std::string_view::npos) return std::nullopt;
    parts.push_back(credential.substr(0, slash));
    credential.remove_prefix(slash + 1);
  }
  if (terminator) *terminator = std::string(credential);
  return Scope{std::string(parts[0]), std::string(parts[1]), std::string(parts[2]),
               std::string(parts[3])};
}

// The value of `name=` among the comma-separated parameters after "AWS4-HMAC-SHA256 ".
std::optional<std::string_view> authorization_parameter(std::string_view parameters,
                                                        std::string_view name) {
  while (!parameters.empty()) {
    auto comma = parameters.find(',');
    std::string_view item = trim(parameters.substr(0, comma));
    if (item.size() > name.size() && item.starts_with(name) && item[name.size()] == '=') {
      return trim(item.substr(name.size() + 1));
    }
    if (comma == std::string_view::npos) break;
    parameters.remove_prefix(comma + 1);
  }
  return std::nullopt;
}

// The parameters of a SigV4 Authorization header, or nullopt when it is not one.
std::optional<std::string_view> sigv4_parameters(std::string_view authorization) {
  authorization = trim(authorization);
  if (!authorization.starts_with(kAlgorithm)) return std::nullopt;
  std::string_view rest = authorization.substr(kAlgorithm.size());
  if (!rest.empty() && rest.front() != ' ') return std::nullopt;
  return trim(rest);
}

// The raw value of a query parameter (not decoded), or nullopt.
std::optional<std::string_view> query_parameter(std::string_view query, std::string_view name) {
  while (!query.empty()) {
    auto amp = query.find('&');
    std::string_view pair = query.substr(0, amp);
    auto eq = pair.find('=');
    if (pair.substr(0, eq) == name) {
      return eq == std::string_view::npos ? std::string_view() : pair.substr(eq + 1);
    }
    if (amp == std::string_view::npos) break;
    query.remove_prefix(amp + 1);
  }
  return std::nullopt;
}

// What a request says of its own signature, from either form.
struct Claim {
  bool presigned = false;
  Scope scope;
  std::string amz_date;        // yyyymmddThhmmssZ, as it is signed
  std::int64_t time = 0;       // amz_date in seconds
  std::int64_t expires = 0;    // seconds, presigned only
  std::string signed_headers;  // "host;x-amz-date", as sent
  std::string signature;
};

std::string scope_text(const Scope& scope) {
  return scope.date + "/" + scope.region + "/" + scope.service + "/" + std::string(kTerminator);
}

Expected<Scope, Failure> checked_credential(std::string_view credential) {
  std::string terminator;
  auto scope = parse_credential(credential, &terminator);
  if (!scope || scope->access_key.empty() || scope->date.empty() || scope->region.empty() ||
      scope->service.empty()) {
    return fail(FailureKind::Malformed,
                "Credential should be of the form <AccessKeyId>/<yyyymmdd>/<region>/<service>/"
                "aws4_request, not '" +
                    std::string(credential) + "'.");
  }
  if (terminator != kTerminator) {
    return fail(FailureKind::Malformed,
                "Credential should be scoped with a valid terminator: 'aws4_request', not '" +
                    terminator + "'.");
  }
  return std::move(*scope);
}

Expected<Claim, Failure> header_claim(const HttpRequest& request, std::string_view parameters) {
  std::string authorization(trim(request.header("authorization")));
  auto credential = authorization_parameter(parameters, "Credential");
  auto signed_headers = authorization_parameter(parameters, "SignedHeaders");
  auto signature = authorization_parameter(parameters, "Signature");
  std::string missing;
  if (!credential) missing += "Authorization header requires 'Credential' parameter. ";
  if (!signed_headers) missing += "Authorization header requires 'SignedHeaders' parameter. ";
  if (!signature) missing += "Authorization header requires 'Signature' parameter. ";
  Claim claim;
  if (auto date = request.header("x-amz-date"); !date.empty()) {
    claim.amz_date = std::string(trim(date));
  } else if (auto http_date = request.header("date"); !http_date.empty()) {
    auto converted = amz_date_of_http_date(http_date);
    if (!converted) {
      return fail(FailureKind::Malformed,
                  "Date must be in RFC 1123 format, not '" + std::string(http_date) + "'.");
    }
    claim.amz_date = std::move(*converted);
  } else {
    missing +=
        "Authorization header requires existence of either a 'X-Amz-Date' or a 'Date' header. ";
  }
  if (!missing.empty()) {
    return fail(FailureKind::Malformed, missing + "Authorization=" + authorization);
  }
  auto scope = checked_credential(*credential);
  if (!scope) return Unexpected<Failure>(std::move(scope).error());
  claim.scope = std::move(*scope);
  claim.signed_headers = std::string(*signed_headers);
  claim.signature = std::string(*signature);
  return claim;
}

Expected<Claim, Failure> query_claim(std::string_view query) {
  auto algorithm = query_parameter(query, "X-Amz-Algorithm");
  auto credential = query_parameter(query, "X-Amz-Credential");
  auto date = query_parameter(query, "X-Amz-Date");
  auto expires = query_parameter(query, "X-Amz-Expires");
  auto signed_headers = query_parameter(query, "X-Amz-SignedHeaders");
  auto signature = query_parameter(query, "X-Amz-Signature");
  if (!algorithm || !credential || !date || !expires || !signed_headers || !signature) {
    return fail(FailureKind::Malformed,
                "Query-string authentication version 4 requires the X-Amz-Algorithm, "
                "X-Amz-Credential, X-Amz-Signature, X-Amz-Date, X-Amz-SignedHeaders, and "
                "X-Amz-Expires parameters.");
  }
  if (url_decode(*algorithm) != kAlgorithm) {
    return fail(FailureKind::Malformed, "X-Amz-Algorithm only supports \"AWS4-HMAC-SHA256\"");
  }
  Claim claim;
  claim.presigned = true;
  std::string expires_text = url_decode(*expires);
  auto [end, ec] = std::from_chars(expires_text.data(), expires_text.data() + expires_text.size(),
                                   claim.expires);
  if (ec != std::errc() || end != expires_text.data() + expires_text.size() ||
      expires_text.empty() || claim.expires < 0) {
    return fail(FailureKind::Malformed, "X-Amz-Expires should be a number");
  }
  if (claim.expires > kMaxExpiresSeconds) {
    return fail(FailureKind::Expired,
                "X-Amz-Expires must be less than a week (in seconds) that is 604800");
  }
  auto scope = checked_credential(url_decode(*credential));
  if (!scope) return Unexpected<Failure>(std::move(scope).error());
  claim.scope = std::move(*scope);
  claim.amz_date = url_decode(*date);
  claim.signed_headers = url_decode(*signed_headers);
  claim.signature = url_decode(*signature);
  return claim;
}

// The path as signed. S3's is encoded once and never normalised; every other service's is
// normalised (no '.', '..' or empty segments) and its bytes, as received, encoded again.
std::string canonical_uri(std::string_view path, bool s3) {
  if (path.empty()) return "/";
  std::string out;
  out.reserve(path.size() + 16);
  if (s3) {
    while (true) {
      auto slash = path.find('/');
      uri_encode(url_decode(path.substr(0, slash)), false, out);
      if (slash == std::string_view::npos) break;
      out.push_back('/');
      path.remove_prefix(slash + 1);
    }
    return out;
  }
  std::vector<std::string_view> segments;
  std::string_view rest = path;
  while (true) {
    auto slash = rest.find('/');
    std::string_view segment = rest.substr(0, slash);
    if (segment == "..") {
      if (!segments.empty()) segments.pop_back();
    } else if (!segment.empty() && segment != ".") {
      segments.push_back(segment);
    }
    if (slash == std::string_view::npos) break;
    rest.remove_prefix(slash + 1);
  }
  if (path.front() == '/') out.push_back('/');
  for (std::size_t i = 0; i < segments.size(); ++i) {
    if (i > 0) out.push_back('/');
    uri_encode(segments[i], false, out);
  }
  if (path.back() == '/' && !segments.empty()) out.push_back('/');
  return out;
}

// Every parameter decoded and encoded again, sorted by name and then value; a presigned URL's
// own signature left out.
std::string canonical_query(std::string_view query, bool presigned) {
  std::vector<std::pair<std::string, std::string>> pairs;
  while (!query.empty()) {
    auto amp = query.find('&');
    std::string_view pair = query.substr(0, amp);
    if (!pair.empty()) {
      auto eq = pair.find('=');
      std::string_view name = pair.substr(0, eq);
      if (!(presigned && name == "X-Amz-Signature")) {
        std::pair<std::string, std::string> encoded;
        uri_encode(url_decode(name), false, encoded.first);
        if (eq != std::string_view::npos) {
          uri_encode(url_decode(pair.substr(eq + 1)), false, encoded.second);
        }
        pairs.push_back(std::move(encoded));
      }
    }
    if (amp == std::string_view::npos) break;
    query.remove_prefix(amp + 1);
  }
  std::sort(pairs.begin(), pairs.end());
  std::string out;
  for (const auto& [name, value] : pairs) {
    if (!out.empty()) out.push_back('&');
    out += name;
    out.push_back('=');
    out += value;
  }
  return out;
}

// A header's value as signed: trimmed, each run of spaces one space.
void append_canonical_value(std::string_view value, std::string& out) {
  value = trim(value);
  bool space = false;
  for (char c : value) {
    if (c == ' ' || c == '\t') {
      space = true;
      continue;
    }
    if (space) out.push_back(' ');
    space = false;
    out.push_back(c);
  }
}

// "name:value\n" for each signed header, in the order SignedHeaders lists them; a header sent
// more than once has its values joined with ','.
std::string canonical_headers(const HttpRequest& request, std::string_view signed_headers) {
  std::string out;
  while (true) {
    auto semicolon = signed_headers.find(';');
    std::string name = ascii_lower(trim(signed_headers.substr(0, semicolon)));
    out += name;
    out.push_back(':');
    bool first = true;
    for (const auto& [key, value] : request.headers) {
      if (key != name) continue;
      if (!first) out.push_back(',');
      first = false;
      append_canonical_value(value, out);
    }
    out.push_back('\n');
    if (semicolon == std::string_view::npos) break;
    signed_headers.remove_prefix(semicolon + 1);
  }
  return out;
}

bool signs_host(std::string_view signed_headers) {
  while (true) {
    auto semicolon = signed_headers.find(';');
    if (ascii_lower(trim(signed_headers.substr(0, semicolon))) == "host") return true;
    if (semicolon == std::string_view::npos) return false;
    signed_headers.remove_prefix(semicolon + 1);
  }
}

std::array<unsigned char, 32> signing_key(std::string_view secret, const Scope& scope) {
  std::string key = crypto::hmac_sha256("AWS4" + std::string(secret), scope.date);
  key = crypto::hmac_sha256(key, scope.region);
  key = crypto::hmac_sha256(key, scope.service);
  key = crypto::hmac_sha256(key, kTerminator);
  std::array<unsigned char, 32> out{};
  std::copy(key.begin(), key.end(), out.begin());
  return out;
}

std::string sign(const std::array<unsigned char, 32>& key, std::string_view string_to_sign) {
  return crypto::to_hex(crypto::hmac_sha256(
      std::string_view(reinterpret_cast<const char*>(key.data()), key.size()), string_to_sign));
}

std::string mismatch_message(bool s3) {
  return s3 ? "The request signature we calculated does not match the signature you provided. "
              "Check your key and signing method."
            : "The request signature we calculated does not match the signature you provided. "
              "Check your AWS Secret Access Key and signing method. Consult the service "
              "documentation for details.";
}

// The request's time against now: 15 minutes either way for a signed request; a presigned
// URL may not be from the future either, and is good until X-Amz-Expires has passed.
std::optional<Failure> check_time(const Claim& claim, std::int64_t now_ms, bool s3) {
  std::int64_t now = now_ms >= 0 ? now_ms / 1000 : (now_ms - 999) / 1000;
  if (claim.presigned && claim.time <= now) {
    if (now > claim.time + claim.expires)
      return Failure{FailureKind::Expired, "Request has expired"};
    return std::nullopt;
  }
  if (claim.time < now - kMaxSkewSeconds) {
    if (s3) {
      return Failure{FailureKind::Skewed,
                     "The difference between the request time and the current time is too large."};
    }
    return Failure{FailureKind::Skewed, "Signature expired: " + claim.amz_date +
                                            " is now earlier than " +
                                            format_amz_date(now - kMaxSkewSeconds) + " (" +
                                            format_amz_date(now) + " - 15 min.)"};
  }
  if (claim.time > now + kMaxSkewSeconds) {
    if (s3) {
      return Failure{FailureKind::Skewed,
                     "The difference between the request time and the current time is too large."};
    }
    return Failure{FailureKind::Skewed, "Signature not yet current: " + claim.amz_date +
                                            " is still later than " +
                                            format_amz_date(now + kMaxSkewSeconds) + " (" +
                                            format_amz_date(now) + " + 15 min.)"};
  }
  return std::nullopt;
}

bool is_streaming(std::string_view payload_hash) { return payload_hash.starts_with("STREAMING-"); }

}  // namespace

std::optional<Scope> scope_of(const HttpRequest& request) {
  if (auto parameters = sigv4_parameters(request.header("authorization"))) {
    auto credential = authorization_parameter(*parameters, "Credential");
    if (!credential) return std::nullopt;
    return parse_credential(*credential, nullptr);
  }
  auto credential = query_parameter(request.query(), "X-Amz-Credential");
  if (!credential) return std::nullopt;
  return parse_credential(url_decode(*credential), nullptr);
}

Expected<Verified, Failure> verify(const HttpRequest& request, const SecretOf& secret_of,
                                   std::int64_t now_ms, std::string_view region) {
  std::string_view authorization = request.header("authorization");
  auto parameters = sigv4_parameters(authorization);
  bool in_query = query_parameter(request.query(), "X-Amz-Algorithm").has_value() ||
                  query_parameter(request.query(), "X-Amz-Signature").has_value() ||
                  query_parameter(request.query(), "X-Amz-Credential").has_value();
  if (parameters && in_query) {
    return fail(FailureKind::Malformed,
                "Only one auth mechanism allowed; only the X-Amz-Algorithm query parameter, "
                "Signature query string parameter or the Authorization header should be "
                "specified");
  }
  if (!parameters && !in_query) {
    if (!authorization.empty()) {
      return fail(FailureKind::Missing,
                  "Authorization header is not AWS Signature Version 4 (AWS4-HMAC-SHA256)");
    }
    return fail(FailureKind::Missing, "Request is missing Authentication Token");
  }
  auto claimed = parameters ? header_claim(request, *parameters) : query_claim(request.query());
  if (!claimed) return Unexpected<Failure>(std::move(claimed).error());
  Claim& claim = *claimed;
  const bool s3 = claim.scope.service == "s3";

  auto time = parse_amz_date(claim.amz_date);
  if (!time) {
    return fail(FailureKind::Malformed,
                "X-Amz-Date must be in the ISO8601 Long Format "
                "\\\"yyyyMMdd'T'HHmmss'Z'\\\", not '" +
                    claim.amz_date + "'");
  }
  claim.time = *time;
  if (claim.amz_date.compare(0, 8, claim.scope.date) != 0) {
    return fail(FailureKind::Malformed,
                "Date in Credential scope does not match YYYYMMDD from ISO-8601 version of date "
                "from HTTP: '" +
                    claim.scope.date + "' != '" + claim.amz_date.substr(0, 8) + "', from '" +
                    claim.amz_date + "'.");
  }
  if (!signs_host(claim.signed_headers)) {
    return fail(FailureKind::Malformed,
                "'Host' or ':authority' must be a 'SignedHeader' in the AWS Authorization.");
  }
  if (claim.scope.region != region) {
    if (s3) {
      return fail(FailureKind::WrongRegion,
                  std::string(claim.presigned ? "Error parsing the X-Amz-Credential parameter"
                                              : "The authorization header is malformed") +
                      "; the region '" + claim.scope.region + "' is wrong; expecting '" +
                      std::string(region) + "'");
    }
    return fail(FailureKind::WrongRegion,
                "Credential should be scoped to a valid region, not '" + claim.scope.region + "'.");
  }

  std::string payload_hash(trim(request.header("x-amz-content-sha256")));
  if (!payload_hash.empty()) {
    if (payload_hash != kUnsignedPayload && payload_hash != kStreamingSigned &&
        payload_hash != kStreamingSignedTrailer && payload_hash != kStreamingUnsignedTrailer &&
        !is_sha256_hex(payload_hash)) {
      return fail(FailureKind::Malformed,
                  "x-amz-content-sha256 must be UNSIGNED-PAYLOAD, "
                  "STREAMING-UNSIGNED-PAYLOAD-TRAILER, STREAMING-AWS4-HMAC-SHA256-PAYLOAD, "
                  "STREAMING-AWS4-HMAC-SHA256-PAYLOAD-TRAILER or a valid sha256 value.");
    }
  }

  auto secret = secret_of(claim.scope.access_key);
  if (!secret) {
    return fail(FailureKind::UnknownKey,
                "The AWS Access Key Id you provided does not exist in our records.");
  }

  std::string body_hash;
  if (payload_hash.empty()) {
    body_hash = claim.presigned && s3 ? std::string(kUnsignedPayload) : sha256_hex(request.body);
  }
  std::string canonical = request.method;
  canonical.push_back('\n');
  canonical += canonical_uri(request.path(), s3);
  canonical.push_back('\n');
  canonical += canonical_query(request.query(), claim.presigned);
  canonical.push_back('\n');
  canonical += canonical_headers(request, claim.signed_headers);
  canonical.push_back('\n');
  canonical += claim.signed_headers;
  canonical.push_back('\n');
  canonical += payload_hash.empty() ? body_hash : payload_hash;

  std::string string_to_sign = std::string(kAlgorithm) + "\n" + claim.amz_date + "\n" +
                               scope_text(claim.scope) + "\n" + sha256_hex(canonical);
  Verified verified;
  verified.signing_key = signing_key(*secret, claim.scope);
  verified.signature = sign(verified.signing_key, string_to_sign);
  verified.scope = std::move(claim.scope);
  if (!equal_in_constant_time(verified.signature, claim.signature)) {
    return fail(FailureKind::BadSignature, mismatch_message(s3));
  }
  // The signature covers the declared hash; the body must have it too.
  if (is_sha256_hex(payload_hash) && ascii_lower(payload_hash) != sha256_hex(request.body)) {
    return fail(FailureKind::BadSignature,
                "The provided 'x-amz-content-sha256' header does not match what was computed.");
  }
  if (auto late = check_time(claim, now_ms, s3)) return Unexpected<Failure>(std::move(*late));
  return verified;
}

bool is_aws_chunked(const HttpRequest& request) {
  if (is_streaming(trim(request.header("x-amz-content-sha256")))) return true;
  std::string_view encodings = request.header("content-encoding");
  while (!encodings.empty()) {
    auto comma = encodings.find(',');
    if (ascii_lower(trim(encodings.substr(0, comma))) == "aws-chunked") return true;
    if (comma == std::string_view::npos) break;
    encodings.remove_prefix(comma + 1);
  }
  return false;
}

Expected<Chunked, Failure> decode_aws_chunked(const HttpRequest& request,
                                              const Verified* signed_by) {
  std::string_view mode = trim(request.header("x-amz-content-sha256"));
  const bool check =
      signed_by != nullptr && (mode == kStreamingSigned || mode == kStreamingSignedTrailer);
  const bool check_trailer = check && mode == kStreamingSignedTrailer;
  const bool s3 = signed_by != nullptr && signed_by->scope.service == "s3";
  std::string amz_date(trim(request.header("x-amz-date")));
  if (check && amz_date.empty()) {
    if (auto converted = amz_date_of_http_date(request.header("date"))) amz_date = *converted;
  }
  std::string prefix;  // of every chunk's string to sign, after its algorithm line
  if (check) prefix = amz_date + "\n" + scope_text(signed_by->scope) + "\n";
  std::string previous = check ? signed_by->signature : std::string();

  Chunked chunked;
  std::string_view rest = request.body;
  while (true) {
    auto line_end = rest.find("\r\n");
    if (line_end == std::string_view::npos) {
      return fail(FailureKind::Malformed, "The aws-chunked body ends before its last chunk");
    }
    std::string_view line = rest.substr(0, line_end);
    rest.remove_prefix(line_end + 2);
    std::string_view size_text = trim(line.substr(0, line.find(';')));
    std::uint64_t size = 0;
    auto [end, ec] =
        std::from_chars(size_text.data(), size_text.data() + size_text.size(), size, 16);
    if (ec != std::errc() || end != size_text.data() + size_text.size() || size_text.empty()) {
      return fail(FailureKind::Malformed,
                  "Malformed aws-chunked chunk header '" + std::string(line) + "'");
    }
    if (size > rest.size()) {
      return fail(FailureKind::Malformed, "The aws-chunked body ends inside a chunk");
    }
    std::string_view data = rest.substr(0, size);
    rest.remove_prefix(size);
    if (size > 0) {
      if (!rest.starts_with("\r\n")) {
        return fail(FailureKind::Malformed, "An aws-chunked chunk is longer than its size says");
      }
      rest.remove_prefix(2);
    }
    if (check) {
      std::string_view signature;
      if (auto at = line.find(";chunk-signature="); at != std::string_view::npos) {
        signature = line.substr(at + 17);
        signature = trim(signature.substr(0, signature.find(';')));
      }
      if (signature.empty()) {
        return fail(FailureKind::Malformed, "An aws-chunked chunk has no chunk-signature");
      }
      std::string expected =
          sign(signed_by->signing_key, "AWS4-HMAC-SHA256-PAYLOAD\n" + prefix + previous + "\n" +
                                           std::string(kEmptySha256) + "\n" + sha256_hex(data));
      if (!equal_in_constant_time(expected, signature)) {
        return fail(FailureKind::BadSignature, mismatch_message(s3));
      }
      previous = std::move(expected);
    }
    chunked.body.append(data);
    if (size == 0) break;
  }

  // The trailing headers, up to the empty line that ends the body (its CRLF may be missing).
  std::string trailer_signature;
  while (!rest.empty()) {
    auto line_end = rest.find("\r\n");
    std::string_view line = rest.substr(0, line_end);
    rest.remove_prefix(line_end == std::string_view::npos ? rest.size() : line_end + 2);
    if (line.empty()) break;
    auto colon = line.find(':');
    if (colon == std::string_view::npos) {
      return fail(FailureKind::Malformed,
                  "Malformed aws-chunked trailing header '" + std::string(line) + "'");
    }
    std::string name = ascii_lower(trim(line.substr(0, colon)));
    std::string value(trim(line.substr(colon + 1)));
    if (name == "x-amz-trailer-signature") {
      trailer_signature = std::move(value);
    } else {
      chunked.trailers.emplace_back(std::move(name), std::move(value));
    }
  }
  if (check_trailer) {
    if (trailer_signature.empty()) {
      return fail(FailureKind::Malformed, "The aws-chunked body has no x-amz-trailer-signature");
    }
    auto sorted = chunked.trailers;
    std::sort(sorted.begin(), sorted.end());
    std::string canonical;
    for (const auto& [name, value] : sorted) canonical += name + ":" + value + "\n";
    std::string expected =
        sign(signed_by->signing_key,
             "AWS4-HMAC-SHA256-TRAILER\n" + prefix + previous + "\n" + sha256_hex(canonical));
    if (!equal_in_constant_time(expected, trailer_signature)) {
      return fail(FailureKind::BadSignature, mismatch_message(s3));
    }
  }
  if (auto declared = trim(request.header("x-amz-decoded-content-length")); !declared.empty()) {
    std::uint64_t length = 0;
    auto [end, ec] = std::from_chars(declared.data(), declared.data() + declared.size(), length);
    if (ec != std::errc() || end != declared.data() + declared.size() ||
        length != chunked.body.size()) {
      return fail(FailureKind::Malformed, "The aws-chunked body decodes to " +
                                              std::to_string(chunked.body.size()) +
                                              " bytes, not the " + std::string(declared) +
                                              " of x-amz-decoded-content-length");
    }
  }
  return chunked;
}

}  // namespace baton::net::sigv4
