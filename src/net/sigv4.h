#pragma once

// AWS Signature Version 4, as a server checks it: the credential scope a request names, the
// signature of a request signed in its Authorization header or in its query (a presigned URL),
// and the bodies S3 clients send in aws-chunked form. Pure functions: no I/O, no clock (the
// caller says what time it is), safe from any thread.
//
// What is checked, as AWS documents it: the canonical request (method, path, sorted query,
// the signed headers trimmed and lower-cased, the payload hash), the string to sign, the key
// derived from the secret and the scope, and the signature, compared in constant time. The
// path is normalised and encoded again for every service but S3, whose path is encoded once
// and kept as sent. Not checked: session tokens (X-Amz-Security-Token is signed like any header
// and otherwise ignored), SigV4a (AWS4-ECDSA-P256-SHA256), browser POST policies.

#include <array>
#include <cstdint>
#include <functional>
#include <optional>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "core/expected.h"
#include "net/http.h"

namespace baton::net::sigv4 {

// The credential scope a request was signed with: `Credential=AKID/20261205/us-east-1/sqs/
// aws4_request` in the Authorization header, or a presigned URL's X-Amz-Credential.
struct Scope {
  std::string access_key;
  std::string date;  // yyyymmdd
  std::string region;
  std::string service;
};

// The scope a request names, or nullopt when it carries neither form. Nothing is verified:
// good enough to route a request by, cheap, and tolerant of whatever else is wrong with it.
std::optional<Scope> scope_of(const HttpRequest& request);

enum class FailureKind {
  Missing,       // unsigned, or an Authorization header that is not SigV4
  Malformed,     // an incomplete or unparsable signature
  UnknownKey,    // the access key id has no secret
  BadSignature,  // the signature (or x-amz-content-sha256, or a chunk's) does not match
  WrongRegion,   // signed for another region than the one served
  Expired,       // presigned and past X-Amz-Expires, or X-Amz-Expires over 7 days
  Skewed,        // X-Amz-Date more than 15 minutes from now
};

// Why a request is refused. `message` is in AWS's words where AWS has them; which error name
// (and HTTP status) it becomes is the protocol's business.
struct Failure {
  FailureKind kind;
  std::string message;
};

// A request whose signature matched: its scope, its signature (the seed of an aws-chunked
// body's chain) and the key it was signed with (which signs the chunks).
struct Verified {
  Scope scope;
  std::string signature;  // 64 lower-case hex digits
  std::array<unsigned char, 32> signing_key;
};

// The secret of an access key id, or nullopt when the key is unknown.
using SecretOf = std::function<std::optional<std::string>(std::string_view access_key)>;

// Verifies a request signed in its Authorization header or in its query. `region` is the one
// region served: a scope naming another is WrongRegion. The payload hash is the value of
// x-amz-content-sha256 when present (S3's literal values UNSIGNED-PAYLOAD and STREAMING-...
// included; a hex hash must then match the body), UNSIGNED-PAYLOAD for an S3 presigned URL, and
// otherwise the SHA-256 of the body. The time is X-Amz-Date (or Date, for the header form).
[[nodiscard]] Expected<Verified, Failure> verify(const HttpRequest& request,
                                                 const SecretOf& secret_of, std::int64_t now_ms,
                                                 std::string_view region);

// Whether the body is in aws-chunked form: Content-Encoding names aws-chunked, or the payload
// hash is one of the STREAMING-... values.
bool is_aws_chunked(const HttpRequest& request);

// An aws-chunked body, decoded: the payload and the trailing headers (x-amz-checksum-crc32 ...,
// without x-amz-trailer-signature), names lower-cased, in the order sent.
struct Chunked {
  std::string body;
  std::vector<std::pair<std::string, std::string>> trailers;
};

// Decodes an aws-chunked body. With `signed_by` (the request's Verified) and a payload hash of
// STREAMING-AWS4-HMAC-SHA256-PAYLOAD[-TRAILER], every chunk's signature and the trailer's are
// checked along the chain that starts at the request's signature; otherwise chunk signatures
// are ignored. Failures: Malformed (framing, or a length that disagrees with
// x-amz-decoded-content-length), BadSignature.
[[nodiscard]] Expected<Chunked, Failure> decode_aws_chunked(const HttpRequest& request,
                                                            const Verified* signed_by);

}  // namespace baton::net::sigv4
