// SNS's signing key and certificate, with OpenSSL behind them.

#include "service/sns/signing.h"

#include <openssl/evp.h>
#include <openssl/pem.h>
#include <openssl/rsa.h>
#include <openssl/x509.h>

#include "core/crypto.h"

namespace baton::service::sns {

struct SigningKey::Keys {
  EVP_PKEY* key = nullptr;
  ~Keys() { EVP_PKEY_free(key); }
};

namespace {

struct Bio {
  BIO* bio = BIO_new(BIO_s_mem());
  ~Bio() { BIO_free(bio); }
  std::string text() const {
    char* data = nullptr;
    long n = BIO_get_mem_data(bio, &data);
    return std::string(data, static_cast<std::size_t>(n));
  }
};

struct Certificate {
  X509* x509 = X509_new();
  ~Certificate() { X509_free(x509); }
};

Unexpected<Error> openssl_failed(std::string_view what) {
  return fail("InternalError", "cannot " + std::string(what) + " SNS's signing key (OpenSSL)");
}

Result<std::string> self_signed_certificate(EVP_PKEY* key) {
  Certificate cert;
  if (cert.x509 == nullptr) return openssl_failed("certify");
  X509_set_version(cert.x509, 2);
  ASN1_INTEGER_set(X509_get_serialNumber(cert.x509), 1);
  X509_gmtime_adj(X509_getm_notBefore(cert.x509), -24L * 3600);
  X509_gmtime_adj(X509_getm_notAfter(cert.x509), 10L * 365 * 24 * 3600);
  X509_set_pubkey(cert.x509, key);
  X509_NAME* name = X509_get_subject_name(cert.x509);
  const auto* cn = reinterpret_cast<const unsigned char*>("sns.baton.local");
  X509_NAME_add_entry_by_txt(name, "CN", MBSTRING_ASC, cn, -1, -1, 0);
  X509_set_issuer_name(cert.x509, name);
  if (X509_sign(cert.x509, key, EVP_sha256()) == 0) return openssl_failed("certify");
  Bio out;
  if (PEM_write_bio_X509(out.bio, cert.x509) != 1) return openssl_failed("write");
  return out.text();
}

}  // namespace

SigningKey::SigningKey(std::unique_ptr<Keys> keys, std::string certificate_pem)
    : keys_(std::move(keys)), certificate_pem_(std::move(certificate_pem)) {}
SigningKey::SigningKey(SigningKey&&) noexcept = default;
SigningKey& SigningKey::operator=(SigningKey&&) noexcept = default;
SigningKey::~SigningKey() = default;

Result<SigningKey> SigningKey::generate() {
  auto keys = std::make_unique<Keys>();
  keys->key = EVP_RSA_gen(2048);
  if (keys->key == nullptr) return openssl_failed("generate");
  auto cert = self_signed_certificate(keys->key);
  if (!cert) return Unexpected<Error>(cert.error());
  return SigningKey(std::move(keys), std::move(*cert));
}

Result<SigningKey> SigningKey::load(std::string_view pem) {
  auto keys = std::make_unique<Keys>();
  Bio in;
  BIO_write(in.bio, pem.data(), static_cast<int>(pem.size()));
  keys->key = PEM_read_bio_PrivateKey(in.bio, nullptr, nullptr, nullptr);
  if (keys->key == nullptr) return openssl_failed("read");
  Certificate cert;
  X509_free(cert.x509);
  cert.x509 = PEM_read_bio_X509(in.bio, nullptr, nullptr, nullptr);
  if (cert.x509 == nullptr) return openssl_failed("read the certificate of");
  Bio out;
  if (PEM_write_bio_X509(out.bio, cert.x509) != 1) return openssl_failed("write");
  return SigningKey(std::move(keys), out.text());
}

std::string SigningKey::pem() const {
  Bio out;
  PEM_write_bio_PrivateKey(out.bio, keys_->key, nullptr, nullptr, 0, nullptr, nullptr);
  return out.text() + certificate_pem_;
}

std::string SigningKey::sign(std::string_view text, std::string_view signature_version) const {
  EVP_MD_CTX* ctx = EVP_MD_CTX_new();
  const EVP_MD* digest = signature_version == "2" ? EVP_sha256() : EVP_sha1();
  std::string signature(static_cast<std::size_t>(EVP_PKEY_get_size(keys_->key)), '\0');
  std::size_t length = signature.size();
  bool ok = EVP_DigestSignInit(ctx, nullptr, digest, nullptr, keys_->key) == 1 &&
            EVP_DigestSign(ctx, reinterpret_cast<unsigned char*>(signature.data()), &length,
                           reinterpret_cast<const unsigned char*>(text.data()), text.size()) == 1;
  EVP_MD_CTX_free(ctx);
  if (!ok) return "";
  signature.resize(length);
  return crypto::base64_encode(signature);
}

}  // namespace baton::service::sns
