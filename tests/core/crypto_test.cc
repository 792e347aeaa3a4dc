#include "core/crypto.h"

#include <gtest/gtest.h>

#include "core/random.h"

namespace baton {
namespace {

TEST(CryptoTest, DigestsAreLowerCaseHex) {
  EXPECT_EQ(crypto::hex_digest(crypto::Digest::MD5, "input data"),
            "812f45842bc6d66ee14572ce20db8e86");
  EXPECT_EQ(crypto::hex_digest(crypto::Digest::SHA1, "input data"),
            "aaff4a450a104cd177d28d18d74485e8cae074b7");
  EXPECT_EQ(crypto::hex_digest(crypto::Digest::SHA256, ""),
            "e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855");
}

TEST(CryptoTest, HmacSha256MatchesRfc4231) {
  std::string key(20, '\x0b');
  EXPECT_EQ(crypto::to_hex(crypto::hmac_sha256(key, "Hi There")),
            "b0344c61d8db38535ca8afceaf0bf12b881dc200c9833da726e9376c2e32cff7");
}

TEST(CryptoTest, Base64RoundTrips) {
  EXPECT_EQ(crypto::base64_encode("Data to encode"), "RGF0YSB0byBlbmNvZGU=");
  EXPECT_EQ(crypto::base64_encode(""), "");
  EXPECT_EQ(crypto::base64_encode("a"), "YQ==");
  EXPECT_EQ(crypto::base64_decode("RGF0YSB0byBlbmNvZGU="), "Data to encode");
  EXPECT_EQ(crypto::base64_decode("YQ=="), "a");
  EXPECT_FALSE(crypto::base64_decode("YQ="));
  EXPECT_FALSE(crypto::base64_decode("Y!=="));
  EXPECT_FALSE(crypto::base64_decode("=QQQ"));
}

TEST(RandomTest, SameSeedSameSequence) {
  Random a(42);
  Random b(42);
  Random c(43);
  EXPECT_EQ(a.next_u64(), b.next_u64());
  EXPECT_NE(a.next_u64(), c.next_u64());
  for (int i = 0; i < 1000; ++i) EXPECT_LT(a.below(7), 7u);
}

TEST(RandomTest, UuidsAreVersion4) {
  Random r(1);
  std::string id = uuid_v4(r);
  ASSERT_EQ(id.size(), 36u);
  EXPECT_EQ(id[8], '-');
  EXPECT_EQ(id[14], '4');
  EXPECT_TRUE(id[19] == '8' || id[19] == '9' || id[19] == 'a' || id[19] == 'b');
  EXPECT_NE(uuid_v4(r), id);
}

}  // namespace
}  // namespace baton
