// API Gateway's $input and $util, as its mapping-template reference describes them
// (https://docs.aws.amazon.com/apigateway/latest/developerguide/api-gateway-mapping-template-reference.html),
// and the render() entry points.

#include <string>

#include "core/crypto.h"
#include "core/text.h"
#include "events/vtl_parse.h"
#include "events/vtl_render.h"

namespace baton::events::vtl {

namespace {

constexpr char kHex[] = "0123456789ABCDEF";

void append_unit_escape(std::uint32_t unit, std::string& out) {
  out += "\\u";
  for (int shift = 12; shift >= 0; shift -= 4) out += kHex[(unit >> shift) & 0xF];
}

// Apache Commons Lang's StringEscapeUtils.escapeJavaScript, which API Gateway's
// $util.escapeJavaScript is: \" \' \\ \/ \b \t \n \f \r, other control characters and every
// character past ASCII as \uXXXX (UTF-16 units, upper-case hex).
std::string escape_javascript(std::string_view s) {
  std::string out;
  for (std::size_t i = 0; i < s.size();) {
    unsigned char c = static_cast<unsigned char>(s[i]);
    if (c < 0x80) {
      ++i;
      switch (c) {
        case '"':
          out += "\\\"";
          break;
        case '\'':
          out += "\\'";
          break;
        case '\\':
          out += "\\\\";
          break;
        case '/':
          out += "\\/";
          break;
        case '\b':
          out += "\\b";
          break;
        case '\t':
          out += "\\t";
          break;
        case '\n':
          out += "\\n";
          break;
        case '\f':
          out += "\\f";
          break;
        case '\r':
          out += "\\r";
          break;
        default:
          if (c < 0x20) {
            append_unit_escape(c, out);
          } else {
            out += static_cast<char>(c);
          }
      }
      continue;
    }
    std::size_t n = (c >> 5) == 6 ? 2 : (c >> 4) == 14 ? 3 : (c >> 3) == 30 ? 4 : 1;
    if (i + n > s.size()) n = 1;
    std::uint32_t cp = n == 1 ? 0xFFFD : n == 2 ? (c & 0x1F) : n == 3 ? (c & 0x0F) : (c & 0x07);
    for (std::size_t k = 1; k < n; ++k) {
      cp = (cp << 6) | (static_cast<unsigned char>(s[i + k]) & 0x3F);
    }
    i += n;
    if (cp >= 0x10000) {
      cp -= 0x10000;
      append_unit_escape(0xD800 + (cp >> 10), out);
      append_unit_escape(0xDC00 + (cp & 0x3FF), out);
    } else {
      append_unit_escape(cp, out);
    }
  }
  return out;
}

// Java's URLEncoder.encode(s, "UTF-8"): application/x-www-form-urlencoded.
std::string url_encode(std::string_view s) {
  std::string out;
  for (char ch : s) {
    unsigned char c = static_cast<unsigned char>(ch);
    if (is_alpha(ch) || is_digit(ch) || ch == '.' || ch == '-' || ch == '*' || ch == '_') {
      out += ch;
    } else if (ch == ' ') {
      out += '+';
    } else {
      out += '%';
      out += kHex[c >> 4];
      out += kHex[c & 0xF];
    }
  }
  return out;
}

int hex_value(char c) {
  if (is_digit(c)) return c - '0';
  if (c >= 'a' && c <= 'f') return c - 'a' + 10;
  if (c >= 'A' && c <= 'F') return c - 'A' + 10;
  return -1;
}

// Java's URLDecoder.decode(s, "UTF-8"); nullopt where Java throws (a bad % escape).
std::optional<std::string> url_decode(std::string_view s) {
  std::string out;
  for (std::size_t i = 0; i < s.size(); ++i) {
    if (s[i] == '+') {
      out += ' ';
    } else if (s[i] == '%') {
      int high = i + 1 < s.size() ? hex_value(s[i + 1]) : -1;
      int low = i + 2 < s.size() ? hex_value(s[i + 2]) : -1;
      if (high < 0 || low < 0) return std::nullopt;
      out += static_cast<char>(high * 16 + low);
      i += 2;
    } else {
      out += s[i];
    }
  }
  return out;
}

// The text of a parameter's value as given ($input.params(name)).
std::string parameter_text(const json::Value& v) {
  return v.is_string() ? std::string(v.as_string()) : json::to_string(v);
}

}  // namespace

Result<const json::Value*> Renderer::body_json(const Accessor& accessor) {
  if (!body_) {
    // An empty body reads as an empty object, as for a GET without a payload.
    if (trim(variables_.input.body, " \t\r\n").empty()) {
      body_ = json::Value::object({});
    } else {
      auto parsed = json::parse(variables_.input.body);
      if (!parsed) {
        return error_at(accessor.position, "$input." + accessor.name +
                                               " needs a JSON body, and the body is not JSON (" +
                                               parsed.error().describe() + ")");
      }
      body_ = std::move(*parsed);
    }
  }
  return &*body_;
}

Result<std::optional<json::Value>> Renderer::select(const Accessor& accessor, const Value& path) {
  if (path.kind != Kind::String) {
    return error_at(accessor.position, "$input." + accessor.name + " takes a JSONPath string");
  }
  auto compiled = paths_.find(path.text());
  if (compiled == paths_.end()) {
    auto made = asl::Path::compile(path.text());
    if (!made || made->root() != asl::PathRoot::Input) {
      return error_at(accessor.position,
                      "invalid JSONPath '" + path.text() + "' given to $input." + accessor.name +
                          (made ? std::string(": it must start with $") : ": " + made.error()));
    }
    compiled = paths_.emplace(path.text(), std::move(*made)).first;
  }
  auto body = body_json(accessor);
  if (!body) return Unexpected(body.error());
  asl::Scope scope;
  scope.input = *body;
  auto result = compiled->second.evaluate_on(**body, scope);
  if (!result) return std::optional<json::Value>();  // no such node: null
  return std::optional<json::Value>(std::move(*result));
}

Value Renderer::params() {
  if (!params_) {
    Value all = heap_.new_map();
    const Input& input = variables_.input;
    const std::pair<std::string_view, const json::Value*> parts[] = {
        {"path", &input.path}, {"querystring", &input.querystring}, {"header", &input.header}};
    for (const auto& [name, json] : parts) {
      Value part = heap_.new_map();
      if (json->is_object()) {
        for (const json::Member& member : json->members()) {
          heap_.put(part, std::string(member.name()),
                    heap_.new_string(parameter_text(member.value)));
        }
      }
      heap_.put(all, std::string(name), part);
    }
    params_ = all;
  }
  return *params_;
}

Result<Value> Renderer::input_method(const Accessor& accessor, std::vector<Value>& args) {
  const std::string& name = accessor.name;
  if (name == "params" && args.empty()) return params();
  if (name == "params" && args.size() == 1) {
    // A path parameter, then a query-string parameter, then a header; "" when none is given.
    auto wanted = string_arg(accessor, args, 0);
    if (!wanted) return Unexpected(wanted.error());
    const Input& input = variables_.input;
    for (const json::Value* part : {&input.path, &input.querystring, &input.header}) {
      if (const json::Value* found = part->find(*wanted)) {
        return heap_.new_string(parameter_text(*found));
      }
    }
    if (input.header.is_object()) {  // header names are case-insensitive
      for (const json::Member& member : input.header.members()) {
        if (ascii_lower(member.name()) == ascii_lower(*wanted)) {
          return heap_.new_string(parameter_text(member.value));
        }
      }
    }
    return heap_.new_string("");
  }
  if ((name == "json" || name == "path") && args.size() == 1) {
    auto selected = select(accessor, args[0]);
    if (!selected) return Unexpected(selected.error());
    if (!*selected) return Value();
    if (name == "json") return heap_.new_string(json::to_string(**selected));
    return heap_.from_json(**selected);
  }
  return unsupported(Value::of_kind(Kind::Input), accessor, args.size());
}

Result<Value> Renderer::util_method(const Accessor& accessor, std::vector<Value>& args) {
  const std::string& name = accessor.name;
  if (args.size() != 1) return unsupported(Value::of_kind(Kind::Util), accessor, args.size());
  if (args[0].is_null()) return Value();  // each of them gives null for null
  auto arg = string_arg(accessor, args, 0);
  if (!arg) return Unexpected(arg.error());
  const std::string& s = *arg;
  if (name == "escapeJavaScript") return heap_.new_string(escape_javascript(s));
  if (name == "urlEncode") return heap_.new_string(url_encode(s));
  if (name == "base64Encode") return heap_.new_string(crypto::base64_encode(s));
  if (name == "urlDecode") {
    auto decoded = url_decode(s);
    if (!decoded) {
      return error_at(accessor.position, "$util.urlDecode: '" + s + "' has a bad % escape");
    }
    return heap_.new_string(std::move(*decoded));
  }
  if (name == "base64Decode") {
    auto decoded = crypto::base64_decode(s);
    if (!decoded)
      return error_at(accessor.position, "$util.base64Decode: '" + s + "' is not Base64");
    return heap_.new_string(std::move(*decoded));
  }
  if (name == "parseJson") {
    auto parsed = json::parse(s);
    if (!parsed) {
      return error_at(accessor.position,
                      "$util.parseJson: the text is not JSON (" + parsed.error().describe() + ")");
    }
    return heap_.from_json(*parsed);
  }
  return unsupported(Value::of_kind(Kind::Util), accessor, args.size());
}

Result<Rendered> render(const Template& t, const Variables& v) {
  return render(t, v, RenderOptions{});
}

Result<Rendered> render(const Template& t, const Variables& v, const RenderOptions& options) {
  Renderer renderer(t.program(), v, options);
  return renderer.run();
}

}  // namespace baton::events::vtl
