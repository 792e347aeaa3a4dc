// Feeds arbitrary requests to the protocol layer of the embedded models (Step Functions,
// Lambda, SQS, S3): errors are values, never crashes. The first byte picks the model and an
// HTTP method, the second an operation; the rest, split at NUL bytes, is a body, a form
// ("Action=...&QueueUrl=..."), a request target, and headers ("name: value" lines).
// Each part goes through every reader that could meet it: the XML parser, the JSON, query and
// REST decoders, the REST router and validation. A value that validates against an output
// shape must also encode, and the query protocol's answer must be XML that reads back.

#include <array>
#include <cctype>
#include <cstddef>
#include <cstdint>
#include <cstdlib>
#include <map>
#include <memory>
#include <string>
#include <string_view>
#include <vector>

#include "api/model.h"
#include "api/protocol.h"
#include "api/validate.h"
#include "api/xml.h"

namespace {

namespace api = baton::api;
using baton::json::Value;

const std::vector<std::shared_ptr<const api::Model>>& models() {
  static const auto kModels = [] {
    std::vector<std::shared_ptr<const api::Model>> out;
    for (std::string name : {"stepfunctions", "lambda", "sqs", "s3"}) {
      auto overrides = api::embedded_model(name + ".overrides");
      auto model = api::Model::parse(*api::embedded_model(name), overrides.value_or(""));
      if (!model) std::abort();  // a model baton carries must parse
      out.push_back(std::move(*model));
    }
    return out;
  }();
  return kModels;
}

std::vector<std::string_view> split(std::string_view bytes, std::size_t parts) {
  std::vector<std::string_view> out;
  while (out.size() + 1 < parts) {
    std::size_t nul = bytes.find('\0');
    if (nul == std::string_view::npos) break;
    out.push_back(bytes.substr(0, nul));
    bytes.remove_prefix(nul + 1);
  }
  out.push_back(bytes);
  out.resize(parts);
  return out;
}

std::map<std::string, std::string> form_of(std::string_view text) {
  std::map<std::string, std::string> form;
  while (!text.empty()) {
    std::string_view pair = text.substr(0, text.find('&'));
    text.remove_prefix(pair.size() < text.size() ? pair.size() + 1 : text.size());
    auto eq = pair.find('=');
    std::string value(eq == std::string_view::npos ? "" : pair.substr(eq + 1));
    form[baton::net::url_decode(pair.substr(0, eq))] = baton::net::url_decode(value);
  }
  return form;
}

std::vector<std::pair<std::string, std::string>> headers_of(std::string_view text) {
  std::vector<std::pair<std::string, std::string>> headers;
  while (!text.empty()) {
    std::string_view line = text.substr(0, text.find('\n'));
    text.remove_prefix(line.size() < text.size() ? line.size() + 1 : text.size());
    auto colon = line.find(':');
    if (colon == std::string_view::npos) continue;
    std::string name(line.substr(0, colon));
    for (char& c : name) c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
    std::string_view value = line.substr(colon + 1);
    while (!value.empty() && value.front() == ' ') value.remove_prefix(1);
    headers.emplace_back(std::move(name), std::string(value));
  }
  return headers;
}

void check_input(const api::Shape* input, const baton::Result<Value>& decoded) {
  if (decoded && input != nullptr) (void)api::validate(*input, *decoded, {});
}

// An output the service could give (one that validates) must encode in every protocol the
// model speaks, and a query answer must be well-formed.
void check_output(const api::Model& model, const api::Operation& op, std::string_view body) {
  if (op.output == nullptr) return;
  auto value = api::decode_json(op.output, body);
  if (!value || api::validate(*op.output, *value, {})) return;
  (void)api::encode_output(model, op, model.protocol(), *value, "fuzz");
  if (model.speaks_query()) {
    auto answer = api::encode_output(model, op, api::Protocol::Query, *value, "fuzz");
    if (!api::xml::parse(answer.body)) std::abort();
  }
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  if (size < 2) return 0;
  static constexpr std::array<const char*, 5> kMethods = {"GET", "PUT", "POST", "DELETE", "HEAD"};
  const api::Model& model = *models()[data[0] % models().size()];
  const api::Operation& op = *model.operations()[data[1] % model.operations().size()];
  auto parts = split(std::string_view(reinterpret_cast<const char*>(data + 2), size - 2), 4);
  std::string_view body = parts[0];

  (void)api::xml::parse(body);
  (void)api::wire::parse_timestamp(body.substr(0, 64));
  check_input(op.input, api::decode_json(op.input, body));
  check_input(op.input, api::decode_query(op.input, form_of(parts[1])));
  check_output(model, op, body);

  baton::net::HttpRequest request;
  request.method = kMethods[(data[0] >> 2) % kMethods.size()];
  request.target = std::string(parts[2]);
  request.headers = headers_of(parts[3]);
  request.body = std::string(body);
  if (model.protocol() == api::Protocol::RestJson || model.protocol() == api::Protocol::RestXml) {
    api::Labels labels;
    auto query = baton::net::parse_query(request.query());
    if (const api::Operation* matched =
            api::match_rest(model, request.method, request.path(), query, labels, &request)) {
      check_input(matched->input, api::decode_rest(model, *matched, labels, request));
    }
    // The chosen operation too, its labels taken from the path's segments in order.
    labels.clear();
    std::string_view path = request.path();
    for (const auto& segment : op.path) {
      if (!segment.label) continue;
      std::string_view piece = path.substr(0, path.find('/'));
      labels.emplace_back(segment.text, std::string(piece));
      path.remove_prefix(piece.size() < path.size() ? piece.size() + 1 : path.size());
    }
    check_input(op.input, api::decode_rest(model, op, labels, request));
  }
  baton::Error error{std::string(parts[1].substr(0, 64)), std::string(parts[2])};
  (void)api::encode_error(model, model.protocol(), error, "fuzz");
  return 0;
}
