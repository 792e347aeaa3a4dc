// The S3 probe: PutObject and GetObject over objects kept in memory, with the checks S3 makes
// of what it is sent (Content-MD5, the CRC32 checksum) and the checksum it answers with.

#include <zlib.h>

#include <map>
#include <utility>

#include "core/crypto.h"
#include "service/probe/probe.h"

namespace baton::service::probe {

namespace {

std::string crc32_base64(std::string_view bytes) {
  uLong crc = crc32(0L, Z_NULL, 0);
  // zlib takes lengths as uInt: feed it in pieces it can count.
  while (!bytes.empty()) {
    auto n = static_cast<uInt>(std::min<std::size_t>(bytes.size(), 1u << 30));
    crc = crc32(crc, reinterpret_cast<const Bytef*>(bytes.data()), n);
    bytes.remove_prefix(n);
  }
  std::string big_endian(4, '\0');
  for (int i = 0; i < 4; ++i) big_endian[i] = static_cast<char>((crc >> (24 - 8 * i)) & 0xff);
  return crypto::base64_encode(big_endian);
}

std::string_view text_of(const Request& r, std::string_view name) {
  const json::Value* v = r.field(name);
  return v != nullptr && v->is_string() ? v->as_string() : std::string_view();
}

struct StoredObject {
  std::string body;
  std::string content_type;
  std::string etag;
  std::string crc32;
  double modified = 0;
  json::Value metadata;
};

struct Bucket final : EmulatedService {
  explicit Bucket(Core& c)
      : core(c),
        table{operation("PutObject", this, &Bucket::put_object),
              operation("GetObject", this, &Bucket::get_object, true)} {}

  std::string_view name() const override { return "s3"; }
  std::string_view title() const override { return "S3 probe"; }
  const std::vector<Operation>& operations() const override { return table; }
  std::string_view unavailable_error() const override { return "ServiceUnavailable"; }

  void put_object(const Request& r, Reply reply) {
    StoredObject object;
    object.body = std::string(text_of(r, "Body"));
    std::string md5 = crypto::hex_digest(crypto::Digest::MD5, object.body);
    if (std::string_view sent = text_of(r, "ContentMD5"); !sent.empty()) {
      auto raw = crypto::base64_decode(sent);
      if (!raw || raw->size() != 16) {
        return reply(fail("InvalidDigest", "The Content-MD5 you specified was invalid."));
      }
      if (crypto::to_hex(*raw) != md5) {
        return reply(
            fail("BadDigest", "The Content-MD5 you specified did not match what we received."));
      }
    }
    object.crc32 = crc32_base64(object.body);
    if (std::string_view sent = text_of(r, "ChecksumCRC32");
        !sent.empty() && sent != object.crc32) {
      return reply(
          fail("BadDigest", "The CRC32 you specified did not match the calculated checksum."));
    }
    object.content_type = text_of(r, "ContentType").empty()
                              ? "binary/octet-stream"
                              : std::string(text_of(r, "ContentType"));
    object.etag = "\"" + md5 + "\"";
    object.modified = static_cast<double>(core.clock.now().seconds);
    if (const json::Value* metadata = r.field("Metadata")) object.metadata = *metadata;
    json::ObjectBuilder out;
    out.add("ETag", json::Value::string(object.etag));
    out.add("ChecksumCRC32", json::Value::string(object.crc32));
    objects[{std::string(text_of(r, "Bucket")), std::string(text_of(r, "Key"))}] =
        std::move(object);
    core.answer(reply, out.build());
  }

  void get_object(const Request& r, Reply reply) {
    std::string key(text_of(r, "Key"));
    auto found = objects.find({std::string(text_of(r, "Bucket")), key});
    if (found == objects.end()) {
      return reply(Result<json::Value>(Unexpected<Error>(
          Error{"NoSuchKey", "The specified key does not exist.", {{"Key", key}}})));
    }
    const StoredObject& object = found->second;
    json::ObjectBuilder out;
    out.add("Body", json::Value::string(object.body));
    out.add("ContentLength", json::Value::number(static_cast<double>(object.body.size())));
    out.add("ContentType", json::Value::string(object.content_type));
    out.add("ETag", json::Value::string(object.etag));
    out.add("LastModified", json::Value::number(object.modified));
    if (object.metadata.is_object()) out.add("Metadata", object.metadata);
    if (text_of(r, "ChecksumMode") == "ENABLED") {
      out.add("ChecksumCRC32", json::Value::string(object.crc32));
    }
    reply(out.build());
  }

  Core& core;
  std::vector<Operation> table;
  std::map<std::pair<std::string, std::string>, StoredObject> objects;
};

}  // namespace

std::unique_ptr<EmulatedService> make_bucket(Core& core) { return std::make_unique<Bucket>(core); }

}  // namespace baton::service::probe
