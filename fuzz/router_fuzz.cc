// Routes arbitrary HTTP requests through the gateway over every embedded API (Step Functions,
// Lambda, SQS, S3), then reads each routed request as Gateway::handle would (its protocol's
// decoder, then validation) and writes the refusal of an unrouted one: errors are values,
// never crashes. The input is a request as text: "METHOD TARGET", header lines
// ("name: value"), an empty line, the body.

#include <cctype>
#include <cstddef>
#include <cstdint>
#include <cstdlib>
#include <memory>
#include <string>
#include <string_view>
#include <vector>

#include "api/gateway.h"
#include "api/protocol.h"
#include "core/clock.h"
#include "service/service.h"
#include "store/sqlite_store.h"

namespace {

namespace api = baton::api;

// A gateway over a service that is never started: routing reads only the models.
api::Gateway& gateway() {
  static baton::SystemClock clock;
  static baton::service::Service service(
      [] {
        auto store = baton::store::SqliteStore::open(":memory:");
        if (!store) std::abort();
        return std::move(*store);
      }(),
      baton::service::ServiceOptions{}, clock);
  static api::Gateway gateway(
      service,
      [] {
        std::vector<api::ServedApi> apis;
        for (auto [service_name, model_name] : {std::pair{"states", "stepfunctions"},
                                                {"lambda", "lambda"},
                                                {"sqs", "sqs"},
                                                {"s3", "s3"}}) {
          auto overrides = api::embedded_model(std::string(model_name) + ".overrides");
          auto model = api::Model::parse(*api::embedded_model(model_name), overrides.value_or(""));
          if (!model) std::abort();  // a model baton carries must parse
          apis.push_back(api::ServedApi{service_name, std::move(*model), {}});
        }
        return apis;
      }(),
      api::GatewayOptions{});
  return gateway;
}

baton::net::HttpRequest request_of(std::string_view text) {
  baton::net::HttpRequest request;
  auto line = [&text] {
    std::string_view l = text.substr(0, text.find('\n'));
    text.remove_prefix(l.size() < text.size() ? l.size() + 1 : text.size());
    if (!l.empty() && l.back() == '\r') l.remove_suffix(1);
    return l;
  };
  std::string_view first = line();
  std::size_t space = first.find(' ');
  request.method = std::string(first.substr(0, space));
  request.target = space == std::string_view::npos ? "/" : std::string(first.substr(space + 1));
  for (std::string_view header = line(); !header.empty(); header = line()) {
    std::size_t colon = header.find(':');
    std::string name(header.substr(0, colon));
    for (char& c : name) c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
    std::string_view value = colon == std::string_view::npos ? "" : header.substr(colon + 1);
    while (!value.empty() && value.front() == ' ') value.remove_prefix(1);
    request.headers.emplace_back(std::move(name), std::string(value));
  }
  request.body = std::string(text);
  return request;
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  auto request = request_of(std::string_view(reinterpret_cast<const char*>(data), size));
  api::Gateway::Route route = gateway().route(request);
  if (route.api == nullptr || route.operation == nullptr) {
    static const auto kNoModel =
        *api::Model::parse(R"({"metadata":{"protocol":"json"},"operations":{},"shapes":{}})");
    const api::Model& model = route.api != nullptr ? *route.api->model : *kNoModel;
    (void)api::encode_error(model, route.wire, baton::Error{"UnknownOperation", route.unknown},
                            "fuzz");
    return 0;
  }
  const api::Model& model = *route.api->model;
  const api::Operation& op = *route.operation;
  auto input = route.wire == api::Protocol::Json ? api::decode_json(op.input, request.body)
               : route.wire == api::Protocol::Query
                   ? api::decode_query(op.input, route.form)
                   : api::decode_rest(model, op, route.labels, request);
  if (!input) {
    (void)api::encode_error(model, route.wire, input.error(), "fuzz");
  } else if (op.input != nullptr) {
    if (auto refused = api::validate(*op.input, *input, route.api->style)) {
      (void)api::encode_error(model, route.wire, *refused, "fuzz");
    }
  }
  return 0;
}
