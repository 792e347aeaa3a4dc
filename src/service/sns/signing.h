#pragma once

// The key SNS signs its messages with and the self-signed certificate a receiver verifies them
// with, as AWS documents for SignatureVersion 1 (SHA1withRSA) and 2 (SHA256withRSA). Generated
// once and kept in the store, so signatures stay verifiable across restarts. Internal to sns/.
//
// Immutable once made; `sign` is safe from any thread.

#include <memory>
#include <string>
#include <string_view>

#include "core/error.h"

namespace baton::service::sns {

class SigningKey {
 public:
  // A new 2048-bit RSA key and a certificate for it, valid ten years.
  [[nodiscard]] static Result<SigningKey> generate();
  // The key and certificate `pem` holds (what `pem()` gave).
  [[nodiscard]] static Result<SigningKey> load(std::string_view pem);

  SigningKey(SigningKey&&) noexcept;
  SigningKey& operator=(SigningKey&&) noexcept;
  ~SigningKey();

  // The private key then the certificate, PEM: what the store keeps.
  std::string pem() const;
  // The certificate alone, PEM: what the SigningCertURL serves.
  const std::string& certificate_pem() const { return certificate_pem_; }
  // Base64 of the RSA signature of `text`: SHA1 for version "1", SHA256 for "2".
  std::string sign(std::string_view text, std::string_view signature_version) const;

 private:
  struct Keys;
  explicit SigningKey(std::unique_ptr<Keys> keys, std::string certificate_pem);
  std::unique_ptr<Keys> keys_;
  std::string certificate_pem_;
};

}  // namespace baton::service::sns
