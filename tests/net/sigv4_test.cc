// SigV4 verification against the examples AWS publishes (the SigV4 test suite's get-vanilla,
// the S3 API reference's header, presigned and chunked examples), the vectors of
// reference/protocols.md, requests as Debian's botocore signs them (sigv4_botocore.json, made by
// make_sigv4_fixtures.py), and each way a request can fail.

#include "net/sigv4.h"

#include <gtest/gtest.h>

#include <fstream>
#include <map>
#include <sstream>
#include <string>
#include <utility>
#include <vector>

#include "core/crypto.h"
#include "core/json.h"
#include "core/time.h"

namespace baton::net::sigv4 {
namespace {

using Headers = std::vector<std::pair<std::string, std::string>>;

HttpRequest make_request(std::string method, std::string target, Headers headers,
                         std::string body = "") {
  HttpRequest request;
  request.method = std::move(method);
  request.target = std::move(target);
  for (auto& [name, value] : headers) {
    for (char& c : name) c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
    request.headers.emplace_back(std::move(name), std::move(value));
  }
  request.body = std::move(body);
  return request;
}

// Milliseconds since the epoch of a UTC time.
std::int64_t at(int year, unsigned month, unsigned day, int hour = 0, int minute = 0,
                int second = 0) {
  return (days_from_civil(year, month, day) * 86400 + hour * 3600 + minute * 60 + second) * 1000;
}

SecretOf secrets(std::map<std::string, std::string> keys) {
  return [keys = std::move(keys)](std::string_view key) -> std::optional<std::string> {
    auto it = keys.find(std::string(key));
    if (it == keys.end()) return std::nullopt;
    return it->second;
  };
}

void set_header(HttpRequest& request, const std::string& name, const std::string& value) {
  for (auto& [key, old] : request.headers) {
    if (key == name) {
      old = value;
      return;
    }
  }
  request.headers.emplace_back(name, value);
}

std::string describe(const Expected<Verified, Failure>& result) {
  return result ? std::string("verified") : result.error().message;
}

// --- The SigV4 test suite (AWS General Reference) --------------------------------------------

const SecretOf kSuiteKeys = secrets({{"AKIDEXAMPLE", "wJalrXUtnFEMI/K7MDENG+bPxRfiCYEXAMPLEKEY"}});
const std::int64_t kSuiteNow = at(2015, 8, 30, 12, 36);

HttpRequest suite_request(std::string target, std::string signature) {
  return make_request("GET", std::move(target),
                      {{"Host", "example.amazonaws.com"},
                       {"X-Amz-Date", "20150830T123600Z"},
                       {"Authorization",
                        "AWS4-HMAC-SHA256 Credential=AKIDEXAMPLE/20150830/us-east-1/service/"
                        "aws4_request, SignedHeaders=host;x-amz-date, Signature=" +
                            signature}});
}

TEST(SigV4Test, GetVanillaVerifies) {
  auto request =
      suite_request("/", "5fa00fa31553b73ebf1942676e86291e8372ff2a2260956d9b8aae1d763fbf31");
  auto verified = verify(request, kSuiteKeys, kSuiteNow, "us-east-1");
  ASSERT_TRUE(verified) << describe(verified);
  EXPECT_EQ(verified->scope.access_key, "AKIDEXAMPLE");
  EXPECT_EQ(verified->scope.date, "20150830");
  EXPECT_EQ(verified->scope.region, "us-east-1");
  EXPECT_EQ(verified->scope.service, "service");
  EXPECT_EQ(verified->signature,
            "5fa00fa31553b73ebf1942676e86291e8372ff2a2260956d9b8aae1d763fbf31");
}

TEST(SigV4Test, GetVanillaQueryIsSortedBeforeSigning) {
  auto request = suite_request("/?Param2=value2&Param1=value1",
                               "b97d918cfa904a5beff61c982a1b6f458b799221646efd99d3219ec94cdf2500");
  auto verified = verify(request, kSuiteKeys, kSuiteNow, "us-east-1");
  EXPECT_TRUE(verified) << describe(verified);
}

TEST(SigV4Test, DotSegmentsAndDoubleSlashesAreNormalisedOutsideS3) {
  for (std::string target : {"/./", "/foo/..", "//", "/example/../"}) {
    auto request =
        suite_request(target, "5fa00fa31553b73ebf1942676e86291e8372ff2a2260956d9b8aae1d763fbf31");
    auto verified = verify(request, kSuiteKeys, kSuiteNow, "us-east-1");
    EXPECT_TRUE(verified) << target << ": " << describe(verified);
  }
}

// --- The vectors of reference/protocols.md, captured from aws-cli ------------------------------

const SecretOf kCliKeys = secrets({{"AKIDEXAMPLE", "x"}});

HttpRequest list_executions() {
  return make_request(
      "POST", "/",
      {{"Host", "127.0.0.1:18080"},
       {"Content-Type", "application/x-amz-json-1.0"},
       {"X-Amz-Date", "20261122T103046Z"},
       {"X-Amz-Target", "AWSStepFunctions.ListExecutions"},
       {"User-Agent", "aws-cli/2.9.19"},
       {"Authorization",
        "AWS4-HMAC-SHA256 Credential=AKIDEXAMPLE/20261122/us-east-1/states/aws4_request, "
        "SignedHeaders=content-type;host;x-amz-date;x-amz-target, "
        "Signature=f8ff24996a4caf84ffe68795ff26de79e4a0901375bad810d5bec42a2d6eb5b9"}},
      R"({"stateMachineArn": "arn:aws:states:us-east-1:123456789012:stateMachine:hello", )"
      R"("statusFilter": "RUNNING"})");
}
const std::int64_t kCliNow = at(2026, 11, 22, 10, 30, 46);

TEST(SigV4Test, StepFunctionsRequestFromTheCliVerifies) {
  auto verified = verify(list_executions(), kCliKeys, kCliNow, "us-east-1");
  ASSERT_TRUE(verified) << describe(verified);
  EXPECT_EQ(verified->scope.service, "states");
}

TEST(SigV4Test, LambdaPathIsEncodedTwice) {
  auto request = make_request(
      "POST",
      "/2015-03-31/functions/arn%3Aaws%3Alambda%3Aus-east-1%3A123456789012%3Afunction%3Amy-fn/"
      "invocations?Qualifier=prod",
      {{"Host", "127.0.0.1:18080"},
       {"X-Amz-Date", "20261122T103047Z"},
       {"X-Amz-Invocation-Type", "Event"},
       {"X-Amz-Security-Token", "tok123"},
       {"Authorization",
        "AWS4-HMAC-SHA256 Credential=AKIDEXAMPLE/20261122/us-east-1/lambda/aws4_request, "
        "SignedHeaders=host;x-amz-date;x-amz-invocation-type;x-amz-security-token, "
        "Signature=fc2347e214502887d53c09bdf76ddee55800684896acec00253fbdff98dcff74"}},
      R"({"a":"b c"})");
  auto verified = verify(request, kCliKeys, kCliNow, "us-east-1");
  EXPECT_TRUE(verified) << describe(verified);
}

// --- S3 API reference: header-signed examples --------------------------------------------------

const SecretOf kS3Keys =
    secrets({{"AKIAIOSFODNN7EXAMPLE", "wJalrXUtnFEMI/K7MDENG/bPxRfiCYEXAMPLEKEY"}});
const std::int64_t kS3Now = at(2013, 5, 24);
constexpr const char* kEmptySha256 =
    "e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855";

std::string s3_authorization(const std::string& signed_headers, const std::string& signature) {
  return "AWS4-HMAC-SHA256 Credential=AKIAIOSFODNN7EXAMPLE/20130524/us-east-1/s3/aws4_request,"
         "SignedHeaders=" +
         signed_headers + ",Signature=" + signature;
}

HttpRequest s3_get_object() {
  return make_request(
      "GET", "/test.txt",
      {{"Host", "examplebucket.s3.amazonaws.com"},
       {"Range", "bytes=0-9"},
       {"x-amz-content-sha256", kEmptySha256},
       {"x-amz-date", "20130524T000000Z"},
       {"Authorization",
        s3_authorization("host;range;x-amz-content-sha256;x-amz-date",
                         "f0e8bdb87c964420e857bd35b5d6ed310bd44f0170aba48dd91039c6036bdb41")}});
}

TEST(SigV4Test, S3GetObjectWithRangeVerifies) {
  auto verified = verify(s3_get_object(), kS3Keys, kS3Now, "us-east-1");
  ASSERT_TRUE(verified) << describe(verified);
  EXPECT_EQ(verified->scope.service, "s3");
}

TEST(SigV4Test, S3PutObjectPathIsEncodedOnceHoweverItWasSent) {
  for (std::string target : {"/test%24file.text", "/test$file.text"}) {
    auto request = make_request(
        "PUT", target,
        {{"Host", "examplebucket.s3.amazonaws.com"},
         {"Date", "Fri, 24 May 2013 00:00:00 GMT"},
         {"x-amz-date", "20130524T000000Z"},
         {"x-amz-storage-class", "REDUCED_REDUNDANCY"},
         {"x-amz-content-sha256",
          "44ce7dd67c959e0d3524ffac1771dfbba87d2b6b4b4e99e42034a8b803f8b072"},
         {"Authorization",
          s3_authorization("date;host;x-amz-content-sha256;x-amz-date;x-amz-storage-class",
                           "98ad721746da40c64f1a55b78f14c238d841ea1380cd77a1b5971af0ece108bd")}},
        "Welcome to Amazon S3.");
    auto verified = verify(request, kS3Keys, kS3Now, "us-east-1");
    EXPECT_TRUE(verified) << target << ": " << describe(verified);
  }
}

TEST(SigV4Test, S3QueryWithoutValueVerifies) {
  auto request = make_request(
      "GET", "/?lifecycle",
      {{"Host", "examplebucket.s3.amazonaws.com"},
       {"x-amz-content-sha256", kEmptySha256},
       {"x-amz-date", "20130524T000000Z"},
       {"Authorization",
        s3_authorization("host;x-amz-content-sha256;x-amz-date",
                         "fea454ca298b7da1c68078a5d1bdbfbbe0d65c699e0f91ac7a200a0136783543")}});
  auto verified = verify(request, kS3Keys, kS3Now, "us-east-1");
  EXPECT_TRUE(verified) << describe(verified);
}

TEST(SigV4Test, S3BodyMustMatchItsDeclaredHash) {
  auto request = make_request(
      "PUT", "/test$file.text",
      {{"Host", "examplebucket.s3.amazonaws.com"},
       {"Date", "Fri, 24 May 2013 00:00:00 GMT"},
       {"x-amz-date", "20130524T000000Z"},
       {"x-amz-storage-class", "REDUCED_REDUNDANCY"},
       {"x-amz-content-sha256", "44ce7dd67c959e0d3524ffac1771dfbba87d2b6b4b4e99e42034a8b803f8b072"},
       {"Authorization",
        s3_authorization("date;host;x-amz-content-sha256;x-amz-date;x-amz-storage-class",
                         "98ad721746da40c64f1a55b78f14c238d841ea1380cd77a1b5971af0ece108bd")}},
      "Welcome to Amazon S4.");
  auto verified = verify(request, kS3Keys, kS3Now, "us-east-1");
  ASSERT_FALSE(verified);
  EXPECT_EQ(verified.error().kind, FailureKind::BadSignature);
  EXPECT_EQ(verified.error().message,
            "The provided 'x-amz-content-sha256' header does not match what was computed.");
}

// --- S3 API reference: a presigned URL ---------------------------------------------------------

HttpRequest s3_presigned(std::string expires = "86400") {
  return make_request(
      "GET",
      "/test.txt?X-Amz-Algorithm=AWS4-HMAC-SHA256&X-Amz-Credential=AKIAIOSFODNN7EXAMPLE%2F20130524"
      "%2Fus-east-1%2Fs3%2Faws4_request&X-Amz-Date=20130524T000000Z&X-Amz-Expires=" +
          expires +
          "&X-Amz-SignedHeaders=host&X-Amz-Signature="
          "aeeed9bbccd4d02ee5c0109b86d86835f995330da4c265957d157751f604d404",
      {{"Host", "examplebucket.s3.amazonaws.com"}});
}

TEST(SigV4Test, S3PresignedUrlVerifiesAndIsGoodUntilItExpires) {
  for (std::int64_t now : {kS3Now, kS3Now + 3'600'000, kS3Now + 86'400'000}) {
    auto verified = verify(s3_presigned(), kS3Keys, now, "us-east-1");
    EXPECT_TRUE(verified) << now << ": " << describe(verified);
  }
}

TEST(SigV4Test, S3PresignedUrlReplayedWithinItsExpiryIsAccepted) {
  auto request = s3_presigned();
  auto first = verify(request, kS3Keys, kS3Now + 60'000, "us-east-1");
  auto again = verify(request, kS3Keys, kS3Now + 120'000, "us-east-1");
  EXPECT_TRUE(first) << describe(first);
  EXPECT_TRUE(again) << describe(again);
}

TEST(SigV4Test, S3PresignedUrlPastItsExpiryIsExpired) {
  auto verified = verify(s3_presigned(), kS3Keys, kS3Now + 86'401'000, "us-east-1");
  ASSERT_FALSE(verified);
  EXPECT_EQ(verified.error().kind, FailureKind::Expired);
  EXPECT_EQ(verified.error().message, "Request has expired");
}

TEST(SigV4Test, PresignedUrlsLastAWeekAtMost) {
  auto verified = verify(s3_presigned("604801"), kS3Keys, kS3Now, "us-east-1");
  ASSERT_FALSE(verified);
  EXPECT_EQ(verified.error().kind, FailureKind::Expired);
  EXPECT_EQ(verified.error().message,
            "X-Amz-Expires must be less than a week (in seconds) that is 604800");
}

TEST(SigV4Test, PresignedUrlFromTheFutureIsSkewed) {
  auto verified = verify(s3_presigned(), kS3Keys, kS3Now - 16 * 60'000, "us-east-1");
  ASSERT_FALSE(verified);
  EXPECT_EQ(verified.error().kind, FailureKind::Skewed);
}

// --- S3 API reference: chunked uploads ---------------------------------------------------------

std::string chunk(std::size_t size, const std::string& signature) {
  std::ostringstream hex;
  hex << std::hex << size;
  std::string out = hex.str() + ";chunk-signature=" + signature + "\r\n" + std::string(size, 'a');
  return size > 0 ? out + "\r\n" : out;
}

HttpRequest chunked_upload() {
  std::string body =
      chunk(65536, "ad80c730a21e5b8d04586a2213dd63b9a0e99e0e2307b0ade35a65485a288648") +
      chunk(1024, "0055627c9e194cb4542bae2aa5492e3c1575bbb81b612b7d234b86a503ef5497") +
      chunk(0, "b6c6ea8a5354eaf15b3cb7646744f4275b71ea724fed81ceb9323e279d449df9") + "\r\n";
  return make_request(
      "PUT", "/examplebucket/chunkObject.txt",
      {{"Host", "s3.amazonaws.com"},
       {"x-amz-date", "20130524T000000Z"},
       {"x-amz-storage-class", "REDUCED_REDUNDANCY"},
       {"Authorization",
        s3_authorization("content-encoding;content-length;host;x-amz-content-sha256;x-amz-date;"
                         "x-amz-decoded-content-length;x-amz-storage-class",
                         "4f232c4386841ef735655705268965c44a0e4690baa4adea153f7db9fa80a0a9")},
       {"x-amz-content-sha256", "STREAMING-AWS4-HMAC-SHA256-PAYLOAD"},
       {"Content-Encoding", "aws-chunked"},
       {"x-amz-decoded-content-length", "66560"},
       {"Content-Length", "66824"}},
      body);
}

TEST(SigV4Test, S3ChunkedUploadVerifiesEveryChunk) {
  auto request = chunked_upload();
  ASSERT_EQ(request.body.size(), 66824u);
  EXPECT_TRUE(is_aws_chunked(request));
  auto verified = verify(request, kS3Keys, kS3Now, "us-east-1");
  ASSERT_TRUE(verified) << describe(verified);
  auto decoded = decode_aws_chunked(request, &*verified);
  ASSERT_TRUE(decoded) << decoded.error().message;
  EXPECT_EQ(decoded->body, std::string(66560, 'a'));
  EXPECT_TRUE(decoded->trailers.empty());
}

TEST(SigV4Test, S3ChunkedUploadWithATamperedChunkFails) {
  auto request = chunked_upload();
  auto verified = verify(request, kS3Keys, kS3Now, "us-east-1");
  ASSERT_TRUE(verified) << describe(verified);
  request.body[66000] = 'b';  // inside the second chunk
  auto decoded = decode_aws_chunked(request, &*verified);
  ASSERT_FALSE(decoded);
  EXPECT_EQ(decoded.error().kind, FailureKind::BadSignature);
  // Unchecked (authentication off), the same body decodes.
  auto unchecked = decode_aws_chunked(request, nullptr);
  ASSERT_TRUE(unchecked) << unchecked.error().message;
  EXPECT_EQ(unchecked->body.size(), 66560u);
}

TEST(SigV4Test, S3ChunkedUploadCutShortIsMalformed) {
  auto request = chunked_upload();
  request.body.resize(66000);
  auto decoded = decode_aws_chunked(request, nullptr);
  ASSERT_FALSE(decoded);
  EXPECT_EQ(decoded.error().kind, FailureKind::Malformed);
}

HttpRequest chunked_upload_with_trailer(const std::string& checksum) {
  std::string body =
      chunk(65536, "b474d8862b1487a5145d686f57f013e54db672cee1c953b3010fb58501ef5aa2") +
      chunk(1024, "1c1344b170168f8e65b41376b44b20fe354e373826ccbbe2c1d40a8cae51e5c7") +
      chunk(0, "2ca2aba2005185cf7159c6277faf83795951dd77a3a99e6e65d5c9f85863f992") +
      "x-amz-checksum-crc32c:" + checksum +
      "\r\n"
      "x-amz-trailer-signature:d81f82fc3505edab99d459891051a732e8730629a2e4a59689829ca17fe2e435\r\n"
      "\r\n";
  return make_request(
      "PUT", "/examplebucket/chunkObject.txt",
      {{"Host", "s3.amazonaws.com"},
       {"x-amz-date", "20130524T000000Z"},
       {"x-amz-storage-class", "REDUCED_REDUNDANCY"},
       {"Authorization",
        s3_authorization("content-encoding;host;x-amz-content-sha256;x-amz-date;"
                         "x-amz-decoded-content-length;x-amz-storage-class;x-amz-trailer",
                         "106e2a8a18243abcf37539882f36619c00e2dfc72633413f02d3b74544bfeb8e")},
       {"x-amz-content-sha256", "STREAMING-AWS4-HMAC-SHA256-PAYLOAD-TRAILER"},
       {"Content-Encoding", "aws-chunked"},
       {"x-amz-decoded-content-length", "66560"},
       {"x-amz-trailer", "x-amz-checksum-crc32c"}},
      body);
}

TEST(SigV4Test, S3ChunkedUploadWithTrailerVerifiesTheTrailer) {
  auto request = chunked_upload_with_trailer("sOO8/Q==");
  auto verified = verify(request, kS3Keys, kS3Now, "us-east-1");
  ASSERT_TRUE(verified) << describe(verified);
  auto decoded = decode_aws_chunked(request, &*verified);
  ASSERT_TRUE(decoded) << decoded.error().message;
  EXPECT_EQ(decoded->body.size(), 66560u);
  ASSERT_EQ(decoded->trailers.size(), 1u);
  EXPECT_EQ(decoded->trailers[0].first, "x-amz-checksum-crc32c");
  EXPECT_EQ(decoded->trailers[0].second, "sOO8/Q==");
}

TEST(SigV4Test, S3ChunkedUploadWithATamperedTrailerFails) {
  auto request = chunked_upload_with_trailer("AAAAAA==");
  auto verified = verify(request, kS3Keys, kS3Now, "us-east-1");
  ASSERT_TRUE(verified) << describe(verified);
  auto decoded = decode_aws_chunked(request, &*verified);
  ASSERT_FALSE(decoded);
  EXPECT_EQ(decoded.error().kind, FailureKind::BadSignature);
}

// --- How requests fail ---------------------------------------------------------------------------

void expect_failure(const Expected<Verified, Failure>& result, FailureKind kind) {
  ASSERT_FALSE(result) << "verified, expected a failure";
  EXPECT_EQ(result.error().kind, kind) << result.error().message;
}

TEST(SigV4Test, WrongSecretIsBadSignature) {
  auto result = verify(list_executions(), secrets({{"AKIDEXAMPLE", "y"}}), kCliNow, "us-east-1");
  expect_failure(result, FailureKind::BadSignature);
  EXPECT_EQ(result.error().message,
            "The request signature we calculated does not match the signature you provided. "
            "Check your AWS Secret Access Key and signing method. Consult the service "
            "documentation for details.");
}

TEST(SigV4Test, UnknownKeyIsUnknownKey) {
  auto result = verify(list_executions(), secrets({{"OTHER", "x"}}), kCliNow, "us-east-1");
  expect_failure(result, FailureKind::UnknownKey);
}

TEST(SigV4Test, AnotherRegionIsWrongRegion) {
  expect_failure(verify(list_executions(), kCliKeys, kCliNow, "eu-west-1"),
                 FailureKind::WrongRegion);
  auto s3 = verify(s3_get_object(), kS3Keys, kS3Now, "eu-west-1");
  expect_failure(s3, FailureKind::WrongRegion);
  EXPECT_EQ(s3.error().message,
            "The authorization header is malformed; the region 'us-east-1' is wrong; expecting "
            "'eu-west-1'");
}

TEST(SigV4Test, MoreThanFifteenMinutesOfSkewIsSkewed) {
  EXPECT_TRUE(verify(list_executions(), kCliKeys, kCliNow + 15 * 60'000, "us-east-1"));
  EXPECT_TRUE(verify(list_executions(), kCliKeys, kCliNow - 15 * 60'000, "us-east-1"));
  auto late = verify(list_executions(), kCliKeys, kCliNow + 16 * 60'000, "us-east-1");
  expect_failure(late, FailureKind::Skewed);
  EXPECT_EQ(late.error().message,
            "Signature expired: 20261122T103046Z is now earlier than 20261122T103146Z "
            "(20261122T104646Z - 15 min.)");
  auto early = verify(list_executions(), kCliKeys, kCliNow - 16 * 60'000, "us-east-1");
  expect_failure(early, FailureKind::Skewed);
  EXPECT_EQ(early.error().message,
            "Signature not yet current: 20261122T103046Z is still later than 20261122T102946Z "
            "(20261122T101446Z + 15 min.)");
}

TEST(SigV4Test, TamperedBodyIsBadSignature) {
  auto request = list_executions();
  request.body.replace(request.body.find("RUNNING"), 7, "SUCCEEDED");
  expect_failure(verify(request, kCliKeys, kCliNow, "us-east-1"), FailureKind::BadSignature);
}

TEST(SigV4Test, TamperedSignedHeaderIsBadSignature) {
  auto request = list_executions();
  set_header(request, "x-amz-target", "AWSStepFunctions.DeleteStateMachine");
  expect_failure(verify(request, kCliKeys, kCliNow, "us-east-1"), FailureKind::BadSignature);
}

TEST(SigV4Test, HeadersOutsideSignedHeadersMayChange) {
  auto request = list_executions();
  set_header(request, "user-agent", "something else");
  request.headers.emplace_back("x-forwarded-for", "10.0.0.1");
  auto verified = verify(request, kCliKeys, kCliNow, "us-east-1");
  EXPECT_TRUE(verified) << describe(verified);
}

TEST(SigV4Test, SignedHeaderValuesAreTrimmedAndCollapsed) {
  auto request = list_executions();
  set_header(request, "x-amz-target", "  AWSStepFunctions.ListExecutions ");
  auto verified = verify(request, kCliKeys, kCliNow, "us-east-1");
  EXPECT_TRUE(verified) << describe(verified);
}

TEST(SigV4Test, UnsignedRequestIsMissing) {
  auto request = list_executions();
  std::erase_if(request.headers, [](const auto& h) { return h.first == "authorization"; });
  auto result = verify(request, kCliKeys, kCliNow, "us-east-1");
  expect_failure(result, FailureKind::Missing);
  EXPECT_EQ(result.error().message, "Request is missing Authentication Token");
  EXPECT_FALSE(scope_of(request));
}

TEST(SigV4Test, OtherAuthorizationSchemesAreMissing) {
  auto request = list_executions();
  set_header(request, "authorization", "AWS AKIDEXAMPLE:frJIUN8DYpKDtOLCwo//yllqDzg=");
  expect_failure(verify(request, kCliKeys, kCliNow, "us-east-1"), FailureKind::Missing);
}

TEST(SigV4Test, IncompleteAuthorizationIsMalformed) {
  auto request = list_executions();
  set_header(request, "authorization",
             "AWS4-HMAC-SHA256 Credential=AKIDEXAMPLE/20261122/us-east-1/states/aws4_request, "
             "SignedHeaders=content-type;host;x-amz-date;x-amz-target");
  auto result = verify(request, kCliKeys, kCliNow, "us-east-1");
  expect_failure(result, FailureKind::Malformed);
  EXPECT_TRUE(result.error().message.starts_with(
      "Authorization header requires 'Signature' parameter. Authorization=AWS4-HMAC-SHA256 "))
      << result.error().message;
}

TEST(SigV4Test, CredentialDateMustBeTheRequestDate) {
  auto request = list_executions();
  set_header(request, "x-amz-date", "20261123T103046Z");
  auto result = verify(request, kCliKeys, kCliNow, "us-east-1");
  expect_failure(result, FailureKind::Malformed);
  EXPECT_EQ(result.error().message,
            "Date in Credential scope does not match YYYYMMDD from ISO-8601 version of date from "
            "HTTP: '20261122' != '20261123', from '20261123T103046Z'.");
}

TEST(SigV4Test, CredentialNeedsItsTerminator) {
  auto request = list_executions();
  set_header(request, "authorization",
             "AWS4-HMAC-SHA256 Credential=AKIDEXAMPLE/20261122/us-east-1/states/aws5_request, "
             "SignedHeaders=content-type;host;x-amz-date;x-amz-target, Signature=00");
  expect_failure(verify(request, kCliKeys, kCliNow, "us-east-1"), FailureKind::Malformed);
}

TEST(SigV4Test, HostMustBeSigned) {
  auto request = list_executions();
  set_header(request, "authorization",
             "AWS4-HMAC-SHA256 Credential=AKIDEXAMPLE/20261122/us-east-1/states/aws4_request, "
             "SignedHeaders=content-type;x-amz-date;x-amz-target, Signature=00");
  expect_failure(verify(request, kCliKeys, kCliNow, "us-east-1"), FailureKind::Malformed);
}

// --- scope_of ------------------------------------------------------------------------------------

TEST(SigV4Test, ScopeOfReadsEitherForm) {
  auto header = scope_of(list_executions());
  ASSERT_TRUE(header);
  EXPECT_EQ(header->access_key, "AKIDEXAMPLE");
  EXPECT_EQ(header->date, "20261122");
  EXPECT_EQ(header->region, "us-east-1");
  EXPECT_EQ(header->service, "states");
  auto query = scope_of(s3_presigned());
  ASSERT_TRUE(query);
  EXPECT_EQ(query->access_key, "AKIAIOSFODNN7EXAMPLE");
  EXPECT_EQ(query->service, "s3");
}

TEST(SigV4Test, ScopeOfToleratesWhatVerifyRefuses) {
  auto request = make_request(
      "POST", "/",
      {{"Authorization", "AWS4-HMAC-SHA256 Credential=AKID/20261205/us-east-1/sqs/aws4_request"}});
  auto scope = scope_of(request);
  ASSERT_TRUE(scope);
  EXPECT_EQ(scope->service, "sqs");
  EXPECT_EQ(scope->region, "us-east-1");
  set_header(request, "authorization", "AWS4-HMAC-SHA256 Credential=garbage");
  EXPECT_FALSE(scope_of(request));
  set_header(request, "authorization", "Bearer abc");
  EXPECT_FALSE(scope_of(request));
}

// --- Requests as botocore signs them
// --------------------------------------------------------------

TEST(SigV4Test, RequestsSignedByBotocoreVerify) {
  std::ifstream file(std::string(BATON_SOURCE_DIR) + "/tests/net/sigv4_botocore.json");
  ASSERT_TRUE(file);
  std::stringstream text;
  text << file.rdbuf();
  auto fixtures = json::parse(text.str());
  ASSERT_TRUE(fixtures);
  auto string_of = [](const json::Value& object, std::string_view key) {
    return std::string(object.find(key)->as_string());
  };
  std::string now = string_of(*fixtures, "now");
  std::int64_t now_ms =
      at(std::stoi(now.substr(0, 4)), static_cast<unsigned>(std::stoi(now.substr(4, 2))),
         static_cast<unsigned>(std::stoi(now.substr(6, 2))), std::stoi(now.substr(9, 2)),
         std::stoi(now.substr(11, 2)), std::stoi(now.substr(13, 2)));
  SecretOf keys = secrets({{string_of(*fixtures, "access_key"), string_of(*fixtures, "secret")}});
  std::string region = string_of(*fixtures, "region");
  const json::Value& requests = *fixtures->find("requests");
  ASSERT_GE(requests.size(), 13u);
  for (const json::Value& fixture : requests.as_array()) {
    std::string name = string_of(fixture, "name");
    Headers headers;
    for (const json::Value& header : fixture.find("headers")->as_array()) {
      headers.emplace_back(header[0].as_string(), header[1].as_string());
    }
    auto body = crypto::base64_decode(string_of(fixture, "body_base64"));
    ASSERT_TRUE(body) << name;
    auto request = make_request(string_of(fixture, "method"), string_of(fixture, "target"),
                                std::move(headers), std::move(*body));
    auto verified = verify(request, keys, now_ms, region);
    ASSERT_TRUE(verified) << name << ": " << describe(verified);
    EXPECT_EQ(verified->scope.service, string_of(fixture, "service")) << name;
    auto scope = scope_of(request);
    ASSERT_TRUE(scope) << name;
    EXPECT_EQ(scope->service, verified->scope.service) << name;
    if (is_aws_chunked(request)) {
      auto decoded = decode_aws_chunked(request, &*verified);
      ASSERT_TRUE(decoded) << name << ": " << decoded.error().message;
      EXPECT_EQ(decoded->body, std::string(3000, 'x')) << name;
      ASSERT_EQ(decoded->trailers.size(), 1u) << name;
      EXPECT_EQ(decoded->trailers[0].first, "x-amz-checksum-crc32") << name;
    }
    // Any change to what is signed is noticed.
    request.method = request.method == "GET" ? "HEAD" : "GET";
    expect_failure(verify(request, keys, now_ms, region), FailureKind::BadSignature);
  }
}

}  // namespace
}  // namespace baton::net::sigv4
