// States.Hash.

#include "asl/intrinsics/functions.h"
#include "core/crypto.h"

namespace baton::asl {

using json::Value;

namespace {

// AWS limit: States.Hash takes at most 10,000 characters of data.
constexpr std::size_t kMaxHashInput = 10000;

struct Algorithm {
  std::string_view name;
  crypto::Digest digest;
};

// The names are exact and case-sensitive, as AWS takes them.
constexpr Algorithm kAlgorithms[] = {
    {"MD5", crypto::Digest::MD5},        {"SHA-1", crypto::Digest::SHA1},
    {"SHA-256", crypto::Digest::SHA256}, {"SHA-384", crypto::Digest::SHA384},
    {"SHA-512", crypto::Digest::SHA512},
};

}  // namespace

Result<Value> intrinsic_hash(const IntrinsicCall& call) {
  const Value& data = call.args[0];
  const Value& algorithm = call.args[1];
  // Data that is not a string is hashed as its JSON text.
  std::string text = data.is_string() ? std::string(data.as_string()) : json::to_string(data);
  std::size_t chars = 0;
  for (unsigned char c : text) chars += (c & 0xC0) != 0x80;
  if (chars > kMaxHashInput) {
    return invalid_arguments(call, "the data is longer than 10000 characters");
  }
  if (algorithm.is_string()) {
    for (const Algorithm& a : kAlgorithms) {
      if (a.name == algorithm.as_string()) return Value::string(crypto::hex_digest(a.digest, text));
    }
  }
  return invalid_arguments(call,
                           "the algorithm must be one of MD5, SHA-1, SHA-256, SHA-384, SHA-512");
}

}  // namespace baton::asl
