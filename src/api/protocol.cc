// What the codecs share: timestamps, JSON writing by shape, and errors in each protocol's form.

#include "api/protocol.h"

#include <algorithm>
#include <cmath>
#include <cstdio>
#include <ctime>

#include "api/xml.h"
#include "core/crypto.h"
#include "core/time.h"

namespace baton::api {

namespace {

// Years 1 to 9999, as AWS's timestamps: a value past them (a client's 1e300) is written as the
// nearest of them rather than overflowing the integer conversions below.
double in_range(double seconds) {
  return std::isnan(seconds) ? 0 : std::clamp(seconds, -62135596800.0, 253402300799.0);
}

}  // namespace

namespace wire {

std::string iso8601(double seconds) {
  auto millis = static_cast<std::int64_t>(std::llround(in_range(seconds) * 1000));
  return format_rfc3339_millis(Timestamp::from_millis(millis));
}

std::string http_date(double seconds) {
  auto t = static_cast<std::time_t>(std::floor(in_range(seconds)));
  std::tm tm{};
  gmtime_r(&t, &tm);
  static constexpr const char* kDays[] = {"Sun", "Mon", "Tue", "Wed", "Thu", "Fri", "Sat"};
  static constexpr const char* kMonths[] = {"Jan", "Feb", "Mar", "Apr", "May", "Jun",
                                            "Jul", "Aug", "Sep", "Oct", "Nov", "Dec"};
  char text[96];  // room for any int the format could print
  std::snprintf(text, sizeof text, "%s, %02d %s %04d %02d:%02d:%02d GMT", kDays[tm.tm_wday],
                tm.tm_mday, kMonths[tm.tm_mon], tm.tm_year + 1900, tm.tm_hour, tm.tm_min,
                tm.tm_sec);
  return text;
}

std::optional<double> parse_timestamp(std::string_view text) {
  if (auto t = parse_rfc3339(text)) {
    return static_cast<double>(t->seconds) + static_cast<double>(t->nanos) / 1e9;
  }
  // Epoch seconds, as some clients send them in query strings.
  char* end = nullptr;
  std::string copy(text);
  double d = std::strtod(copy.c_str(), &end);
  if (!copy.empty() && end != nullptr && *end == '\0' && std::isfinite(d)) return d;
  return std::nullopt;
}

void write_json(std::string& out, const Shape& shape, const json::Value& value) {
  if ((!shape.holds_blob && !shape.renamed) || value.is_null()) {
    out += json::to_string(value);
    return;
  }
  switch (shape.type) {
    case ShapeType::Blob:
      out += json::to_string(json::Value::string(crypto::base64_encode(value.as_string())));
      return;
    case ShapeType::Structure: {
      out += '{';
      bool first = true;
      for (const json::Member& m : value.members()) {
        const Member* member = shape.find(m.name());
        if (!first) out += ',';
        first = false;
        bool renamed = shape.renamed && member != nullptr && !member->location_name.empty();
        out += json::to_string(json::Value::string(renamed ? member->location_name : m.name()));
        out += ':';
        if (member == nullptr) {
          out += json::to_string(m.value);
        } else {
          write_json(out, *member->shape, m.value);
        }
      }
      out += '}';
      return;
    }
    case ShapeType::List: {
      out += '[';
      bool first = true;
      for (const json::Value& item : value.as_array()) {
        if (!first) out += ',';
        first = false;
        write_json(out, *shape.element.shape, item);
      }
      out += ']';
      return;
    }
    case ShapeType::Map: {
      out += '{';
      bool first = true;
      for (const json::Member& m : value.members()) {
        if (!first) out += ',';
        first = false;
        out += json::to_string(json::Value::string(m.name()));
        out += ':';
        write_json(out, *shape.value.shape, m.value);
      }
      out += '}';
      return;
    }
    case ShapeType::Timestamp:
      if (shape.renamed && value.is_number()) {
        out += json::to_string(json::Value::string(iso8601(value.as_double())));
        return;
      }
      out += json::to_string(value);
      return;
    default:
      out += json::to_string(value);
  }
}

std::string json_content_type(const Model& model) {
  return "application/x-amz-json-" +
         (model.json_version().empty() ? std::string("1.0") : model.json_version());
}

}  // namespace wire

namespace {

struct StatusRow {
  std::string_view name;
  int status;
};

// Errors no model declares, by what they are.
constexpr StatusRow kStatuses[] = {
    {"InternalFailure", 500},
    {"InternalError", 500},
    {"ServiceException", 500},
    {"StoreError", 500},
    {"ServiceUnavailable", 503},
    {"RequestEntityTooLarge", 413},
    {"AccessDenied", 403},
    {"SignatureDoesNotMatch", 403},
    {"InvalidAccessKeyId", 403},
    {"RequestTimeTooSkewed", 403},
    {"InvalidSignatureException", 403},
    {"UnrecognizedClientException", 403},
    {"IncompleteSignatureException", 403},
    {"InvalidClientTokenId", 403},
    {"MissingAuthenticationToken", 403},
    {"MissingAuthenticationTokenException", 403},
    {"IncompleteSignature", 403},
    {"NoSuchBucket", 404},
    {"NoSuchKey", 404},
    {"MethodNotAllowed", 405},
};

bool is_rest(Protocol p) { return p == Protocol::RestJson || p == Protocol::RestXml; }

void fill_error_fields(const Shape* shape, const Error& error, json::ObjectBuilder& body,
                       net::HttpResponse& response) {
  if (shape == nullptr) return;
  for (const auto& [name, text] : error.fields) {
    const Member* member = shape->find(name);
    if (member != nullptr && member->location == Location::Header) {
      response.header(member->location_name, text);
    } else {
      body.add(name, json::Value::string(text));
    }
  }
}

}  // namespace

int error_status(const Model* model, const Error& error, Protocol wire) {
  if (model != nullptr) {
    if (const Shape* shape = model->exception(error.name); shape && shape->error_status != 0) {
      return shape->error_status;
    }
  }
  if (error.name == "UnknownOperationException") return is_rest(wire) ? 404 : 400;
  for (const StatusRow& row : kStatuses) {
    if (row.name == error.name) return row.status;
  }
  if (model != nullptr) {
    if (const Shape* shape = model->exception(error.name); shape && !shape->sender_fault) {
      return 500;
    }
  }
  return 400;
}

net::HttpResponse encode_error(const Model& model, Protocol wire, const Error& error,
                               const std::string& request_id) {
  net::HttpResponse response;
  response.status = error_status(&model, error, wire);
  const Shape* shape = model.exception(error.name);
  bool sender = response.status < 500;
  switch (wire) {
    case Protocol::Json: {
      response.header("Content-Type", wire::json_content_type(model));
      response.header("x-amzn-RequestId", request_id);
      response.header("X-Amzn-ErrorType", error.name);
      if (model.query_compatible()) {
        // What the SDKs read for the query protocol's error code (AWS.SimpleQueueService...).
        std::string code =
            shape != nullptr && !shape->error_code.empty() ? shape->error_code : error.name;
        response.header("x-amzn-query-error", code + (sender ? ";Sender" : ";Receiver"));
      }
      json::ObjectBuilder body;
      body.add("__type", json::Value::string(error.name));
      body.add("message", json::Value::string(error.cause));
      fill_error_fields(shape, error, body, response);
      response.body = json::to_string(body.build());
      return response;
    }
    case Protocol::RestJson: {
      response.header("Content-Type", "application/json");
      response.header("x-amzn-RequestId", request_id);
      response.header("x-amzn-ErrorType", error.name);
      json::ObjectBuilder body;
      if (shape == nullptr || shape->find("Type") != nullptr) {
        body.add("Type", json::Value::string(sender ? "User" : "Service"));
      }
      // The message's member as the model names it on the wire ("Message", or its locationName).
      const Member* message = shape != nullptr ? shape->find("Message") : nullptr;
      std::string key = message == nullptr               ? "message"
                        : message->location_name.empty() ? "Message"
                                                         : message->location_name;
      body.add(key, json::Value::string(error.cause));
      fill_error_fields(shape, error, body, response);
      response.body = json::to_string(body.build());
      return response;
    }
    case Protocol::Query: {
      response.header("Content-Type", "text/xml");
      std::string code =
          shape != nullptr && !shape->error_code.empty() ? shape->error_code : error.name;
      std::string& b = response.body;
      b = "<?xml version=\"1.0\"?><ErrorResponse xmlns=\"";
      xml::escape(b, model.xml_namespace());
      b += "\"><Error><Type>";
      b += sender ? "Sender" : "Receiver";
      b += "</Type><Code>";
      xml::escape(b, code);
      b += "</Code><Message>";
      xml::escape(b, error.cause);
      b += "</Message><Detail/></Error><RequestId>";
      xml::escape(b, request_id);
      b += "</RequestId></ErrorResponse>";
      return response;
    }
    case Protocol::RestXml: {
      response.header("Content-Type", "application/xml");
      response.header("x-amz-request-id", request_id);
      response.header("x-amz-id-2", request_id);
      std::string& b = response.body;
      b = "<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n<Error><Code>";
      xml::escape(b, error.name);
      b += "</Code><Message>";
      xml::escape(b, error.cause);
      b += "</Message>";
      for (const auto& [name, text] : error.fields) {
        b += "<" + name + ">";
        xml::escape(b, text);
        b += "</" + name + ">";
      }
      b += "<RequestId>";
      xml::escape(b, request_id);
      b += "</RequestId><HostId>";
      xml::escape(b, request_id);
      b += "</HostId></Error>";
      return response;
    }
  }
  return response;
}

}  // namespace baton::api
