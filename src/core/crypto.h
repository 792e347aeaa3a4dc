#pragma once

// Digests and Base64, with OpenSSL behind them (no OpenSSL type shows here).
// Pure functions; safe from any thread.

#include <optional>
#include <string>
#include <string_view>

namespace baton::crypto {

enum class Digest { MD5, SHA1, SHA256, SHA384, SHA512 };

// Lower-case hex of the digest of `data`.
std::string hex_digest(Digest digest, std::string_view data);
// Raw bytes of HMAC-SHA256(key, data).
std::string hmac_sha256(std::string_view key, std::string_view data);
std::string to_hex(std::string_view bytes);

// Standard alphabet, padded.
std::string base64_encode(std::string_view bytes);
// Standard alphabet; padding required when the length is not a multiple of 4. nullopt when
// `text` is not Base64.
std::optional<std::string> base64_decode(std::string_view text);

}  // namespace baton::crypto
