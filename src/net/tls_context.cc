#include "net/tls_context.h"

#include <openssl/bio.h>
#include <openssl/err.h>
#include <openssl/pem.h>
#include <openssl/ssl.h>

#include <cerrno>
#include <cstdio>
#include <cstring>
#include <filesystem>
#include <optional>
#include <string>

namespace baton::net {
namespace {

// The reason OpenSSL gave for its last failure, and an empty queue after.
std::string openssl_reason() {
  unsigned long code = ERR_peek_last_error();
  const char* reason = code != 0 ? ERR_reason_error_string(code) : nullptr;
  std::string text = reason != nullptr ? reason : "unknown error";
  ERR_clear_error();
  return text;
}

Unexpected<Error> invalid(const std::string& message) { return fail("InvalidTlsFiles", message); }

// A readable regular file, or why not.
std::optional<std::string> unreadable(const std::string& what, const std::string& path) {
  std::error_code ec;
  if (std::filesystem::is_directory(path, ec)) return what + " " + path + " is a folder";
  std::FILE* file = std::fopen(path.c_str(), "rb");
  if (file == nullptr) return "cannot read " + what + " " + path + ": " + std::strerror(errno);
  std::fclose(file);
  return std::nullopt;
}

// Refuses to ask for a passphrase: OpenSSL's default would read one from the terminal.
int no_passphrase(char*, int, int, void*) { return 0; }

}  // namespace

Result<std::shared_ptr<boost::asio::ssl::context>> tls_server_context(const TlsFiles& files) {
  if (auto why = unreadable("certificate file", files.certificate_file)) return invalid(*why);
  if (auto why = unreadable("private key file", files.private_key_file)) return invalid(*why);
  ERR_clear_error();
  SSL_CTX* native = SSL_CTX_new(TLS_server_method());
  if (native == nullptr) return invalid("cannot make a TLS context: " + openssl_reason());
  // Owns `native` from here on.
  auto context = std::make_shared<boost::asio::ssl::context>(native);
  SSL_CTX_set_min_proto_version(native, TLS1_2_VERSION);
  SSL_CTX_set_options(native, SSL_OP_NO_RENEGOTIATION | SSL_OP_CIPHER_SERVER_PREFERENCE);
  if (SSL_CTX_use_certificate_chain_file(native, files.certificate_file.c_str()) != 1) {
    return invalid(files.certificate_file + " holds no PEM certificate (" + openssl_reason() + ")");
  }
  BIO* bio = BIO_new_file(files.private_key_file.c_str(), "rb");
  if (bio == nullptr) {
    return invalid("cannot read private key file " + files.private_key_file + " (" +
                   openssl_reason() + ")");
  }
  EVP_PKEY* key = PEM_read_bio_PrivateKey(bio, nullptr, no_passphrase, nullptr);
  BIO_free(bio);
  if (key == nullptr) {
    return invalid(files.private_key_file + " holds no unencrypted PEM private key (" +
                   openssl_reason() + ")");
  }
  bool used = SSL_CTX_use_PrivateKey(native, key) == 1 && SSL_CTX_check_private_key(native) == 1;
  EVP_PKEY_free(key);
  if (!used) {
    ERR_clear_error();
    return invalid("the private key in " + files.private_key_file +
                   " does not match the certificate in " + files.certificate_file);
  }
  return context;
}

Result<void> check_tls_files(const TlsFiles& files) {
  auto context = tls_server_context(files);
  if (!context) return Unexpected<Error>(context.error());
  return {};
}

}  // namespace baton::net
