// The Lambda control plane: functions kept in the store (their code unpacked under the data
// folder) and run by the function host. Invoke is in invoke.cc.

#include "service/lambda/functions.h"

#include <filesystem>
#include <regex>
#include <set>

#include "core/crypto.h"
#include "core/random.h"
#include "runtime/code_archive.h"
#include "service/lambda/destinations.h"

namespace baton::service::lambda {

using json::Value;

namespace {

Value text(std::string_view s) { return Value::string(s); }

// Lambda's limits.
constexpr std::int64_t kMinTimeout = 1;
constexpr std::int64_t kMaxTimeout = 900;
constexpr std::int64_t kMinMemory = 128;
constexpr std::int64_t kMaxMemory = 10240;
constexpr std::size_t kMaxZipBytes = 50 * 1024 * 1024;

// "2018-09-13T17:57:24.925+0000", as Lambda writes LastModified.
std::string last_modified(std::int64_t ms) {
  std::string t = format_rfc3339_millis(Timestamp::from_millis(ms));
  return t.substr(0, t.size() - 1) + "+0000";
}

Unexpected<Error> invalid(const std::string& message) {
  return fail("InvalidParameterValueException", message);
}

// Members of the stored record that Lambda does not show.
bool internal_member(std::string_view name) {
  return name == "codeDir" || name == "reservedConcurrency" || name == "tags" || name == "policy";
}

}  // namespace

Result<FunctionRef> parse_function_ref(std::string_view text) {
  // A name, "ACCOUNT:function:NAME" or "arn:aws:lambda:REGION:ACCOUNT:function:NAME", each
  // with an optional ":QUALIFIER".
  static const std::regex pattern(
      R"(^(?:arn:aws[a-zA-Z-]*:lambda:([a-z0-9-]+):(\d{12}):function:|(\d{12}):function:)?)"
      R"(([a-zA-Z0-9_-]{1,64})(?::(\$LATEST|[a-zA-Z0-9_-]+))?$)");
  std::match_results<std::string_view::const_iterator> m;
  if (!std::regex_match(text.begin(), text.end(), m, pattern)) {
    return invalid("1 validation error detected: Value '" + std::string(text) +
                   "' at 'functionName' failed to satisfy constraint: Member must satisfy "
                   "regular expression pattern: (arn:(aws[a-zA-Z-]*)?:lambda:)?([a-z]{2}(-gov)?-"
                   "[a-z]+-\\d{1}:)?(\\d{12}:)?(function:)?([a-zA-Z0-9-_]+)(:(\\$LATEST|[a-zA-Z0-"
                   "9-_]+))?");
  }
  FunctionRef ref;
  ref.name = m[4].str();
  ref.qualifier = m[5].matched ? m[5].str() : "";
  return ref;
}

std::string Lambda::function_arn(const std::string& name) const {
  return "arn:aws:lambda:" + core.options.partition.region + ":" + core.options.partition.account +
         ":function:" + name;
}

Result<store::Resource> Lambda::requested_function(const Request& r) {
  auto name = r.required("FunctionName");
  if (!name) return Unexpected<Error>(name.error());
  return function_or_error(*name);
}

Result<store::Resource> Lambda::function_or_error(const std::string& reference) {
  auto ref = parse_function_ref(reference);
  if (!ref) return Unexpected<Error>(ref.error());
  auto found = core.store->resource(store::Kind::Function, function_arn(ref->name));
  if (!found) return Unexpected<Error>(found.error());
  if (!*found) {
    return fail("ResourceNotFoundException",
                "Function not found: " + function_arn(ref->name) +
                    (ref->qualifier.empty() ? "" : ":" + ref->qualifier));
  }
  return std::move(**found);
}

json::Value function_configuration(const json::Value& record) {
  json::ObjectBuilder out;
  for (const json::Member& m : record.members()) {
    if (!internal_member(m.name())) out.add(m.name(), m.value);
  }
  return out.build();
}

runtime::FunctionConfig function_config(const store::Resource& r) {
  const Value& rec = r.record;
  auto str = [&](std::string_view key) {
    const Value* v = rec.find(key);
    return v != nullptr && v->is_string() ? std::string(v->as_string()) : std::string();
  };
  auto num = [&](std::string_view key, std::int64_t fallback) {
    const Value* v = rec.find(key);
    return v != nullptr && v->is_int64() ? v->as_int64() : fallback;
  };
  runtime::FunctionConfig f;
  f.name = r.name;
  f.arn = r.arn;
  f.runtime = str("Runtime");
  f.handler = str("Handler");
  f.code_dir = str("codeDir");
  f.timeout_seconds = static_cast<int>(num("Timeout", 3));
  f.memory_mb = static_cast<int>(num("MemorySize", 128));
  f.reserved_concurrency = static_cast<int>(num("reservedConcurrency", -1));
  f.revision = str("RevisionId");
  if (const Value* env = rec.find("Environment"); env != nullptr && env->is_object()) {
    if (const Value* vars = env->find("Variables"); vars != nullptr && vars->is_object()) {
      for (const json::Member& m : vars->members()) {
        if (m.value.is_string()) f.environment[std::string(m.name())] = m.value.as_string();
      }
    }
  }
  return f;
}

// Reads the configuration members of a CreateFunction or UpdateFunctionConfiguration body
// into `out`, checking them as Lambda does.
static Expected<void, Error> read_configuration(const Request& r, json::ObjectBuilder& out,
                                                const Value* current) {
  auto keep = [&](std::string_view key, const Value& fallback) {
    if (const Value* v = r.field(key)) return out.add(key, *v), true;
    if (current != nullptr) {
      if (const Value* v = current->find(key)) return out.add(key, *v), true;
    }
    if (!fallback.is_null()) out.add(key, fallback);
    return false;
  };
  for (std::string_view key : {"Runtime", "Handler", "Role", "Description"}) {
    const Value* v = r.field(key);
    if (v != nullptr && !v->is_string()) {
      return fail("InvalidParameterValueException", std::string(key) + " must be a string");
    }
  }
  if (const Value* runtime = r.field("Runtime"); runtime != nullptr) {
    if (auto kind = runtime::runtime_kind(runtime->as_string()); !kind) {
      return Unexpected<Error>(kind.error());
    }
  }
  if (const Value* timeout = r.field("Timeout")) {
    if (!timeout->is_int64() || timeout->as_int64() < kMinTimeout ||
        timeout->as_int64() > kMaxTimeout) {
      // The published model says min 1 only; Lambda itself checks the maximum, in its
      // constraint check's words.
      return fail("ValidationException",
                  "1 validation error detected: Value '" + json::to_string(*timeout) +
                      "' at 'timeout' failed to satisfy constraint: Member must have value " +
                      (timeout->is_int64() && timeout->as_int64() < kMinTimeout
                           ? "greater than or equal to 1"
                           : "less than or equal to 900"));
    }
  }
  if (const Value* memory = r.field("MemorySize")) {
    if (!memory->is_int64() || memory->as_int64() < kMinMemory || memory->as_int64() > kMaxMemory) {
      return invalid(
          "'MemorySize' value failed to satisfy constraint: Member must have value "
          "greater than or equal to 128 and less than or equal to 10240");
    }
  }
  if (const Value* env = r.field("Environment")) {
    const Value* vars = env->is_object() ? env->find("Variables") : nullptr;
    if (!env->is_object() || (vars != nullptr && !vars->is_object())) {
      return invalid("Environment must be {\"Variables\": {\"NAME\": \"value\", ...}}");
    }
    if (vars != nullptr) {
      // Lambda's own variables, which a function may not set.
      static const std::set<std::string, std::less<>> kReserved = {
          "_HANDLER",
          "_X_AMZN_TRACE_ID",
          "AWS_DEFAULT_REGION",
          "AWS_REGION",
          "AWS_EXECUTION_ENV",
          "AWS_LAMBDA_FUNCTION_NAME",
          "AWS_LAMBDA_FUNCTION_MEMORY_SIZE",
          "AWS_LAMBDA_FUNCTION_VERSION",
          "AWS_LAMBDA_INITIALIZATION_TYPE",
          "AWS_LAMBDA_LOG_GROUP_NAME",
          "AWS_LAMBDA_LOG_STREAM_NAME",
          "AWS_ACCESS_KEY",
          "AWS_ACCESS_KEY_ID",
          "AWS_SECRET_ACCESS_KEY",
          "AWS_SESSION_TOKEN",
          "AWS_LAMBDA_RUNTIME_API",
          "LAMBDA_TASK_ROOT",
          "LAMBDA_RUNTIME_DIR"};
      std::string used;
      for (const json::Member& m : vars->members()) {
        if (kReserved.contains(m.name()))
          used += (used.empty() ? "" : ", ") + std::string(m.name());
      }
      if (!used.empty()) {
        return invalid(
            "Lambda was unable to configure your environment variables because the "
            "environment variables you have provided contains reserved keys that are "
            "currently not supported for modification. Reserved keys used in this "
            "request: " +
            used);
      }
      static const std::regex key_pattern("[a-zA-Z]([a-zA-Z0-9_])+");
      for (const json::Member& m : vars->members()) {
        std::string key(m.name());
        if (!std::regex_match(key, key_pattern) || !m.value.is_string()) {
          return invalid("Environment variable " + key +
                         " is not valid: names are letters, digits and _, values strings");
        }
      }
    }
  }
  if (const Value* dead_letter = r.field("DeadLetterConfig")) {
    const Value* target = dead_letter->is_object() ? dead_letter->find("TargetArn") : nullptr;
    if (target != nullptr && !target->is_string()) {
      return invalid("DeadLetterConfig.TargetArn must be the ARN of an SQS queue or SNS topic");
    }
    std::string arn = target != nullptr ? std::string(target->as_string()) : "";
    // An empty TargetArn takes the dead-letter target away.
    if (!arn.empty()) {
      if (!arn.starts_with("arn:")) {
        return invalid("Invalid dead letter ARN: ARNs must start with 'arn:': " + arn);
      }
      DestinationKind kind = destination_kind(arn);
      if (kind != DestinationKind::Queue && kind != DestinationKind::Topic) {
        return invalid("The dead-letter target " + arn +
                       " is neither an SQS queue nor an SNS topic: Lambda sends failed events "
                       "only to those");
      }
      out.add("DeadLetterConfig", json::ObjectBuilder().add("TargetArn", text(arn)).build());
    }
  } else if (current != nullptr) {
    if (const Value* kept = current->find("DeadLetterConfig")) out.add("DeadLetterConfig", *kept);
  }
  keep("Runtime", Value());
  keep("Role", Value());
  keep("Handler", Value());
  keep("Description", text(""));
  keep("Timeout", Value::integer(3));
  keep("MemorySize", Value::integer(128));
  keep("Environment", Value());  // Lambda shows no Environment until one is set
  return {};
}

void Lambda::create_function(const Request& r, Reply reply) {
  auto name = r.required("FunctionName");
  if (!name) return core.answer(reply, Unexpected<Error>(name.error()));
  auto ref = parse_function_ref(*name);
  if (!ref) return core.answer(reply, Unexpected<Error>(ref.error()));
  if (!r.field("Role")) return core.answer(reply, invalid("Role is required"));
  std::string arn = function_arn(ref->name);
  auto existing = core.store->resource(store::Kind::Function, arn);
  if (!existing) return core.answer(reply, Unexpected<Error>(existing.error()));
  if (*existing) {
    return core.answer(reply,
                       fail("ResourceConflictException", "Function already exist: " + ref->name));
  }
  const Value* runtime_name = r.field("Runtime");
  const Value* handler = r.field("Handler");
  if (runtime_name == nullptr || handler == nullptr) {
    return core.answer(reply, invalid("Runtime and Handler are mandatory parameters for functions "
                                      "created with Zip Package Type."));
  }
  json::ObjectBuilder record;
  record.add("FunctionName", text(ref->name));
  record.add("FunctionArn", text(arn));
  if (auto ok = read_configuration(r, record, nullptr); !ok) {
    return core.answer(reply, Unexpected<Error>(ok.error()));
  }
  // Checked before the code is unpacked: a function refused leaves nothing behind.
  runtime::FunctionConfig candidate;
  candidate.runtime = std::string(runtime_name->as_string());
  if (auto runnable = functions().check_runnable(candidate); !runnable) {
    return core.answer(reply, Unexpected<Error>(runnable.error()));
  }
  auto code = store_code(ref->name, r.field("Code"));
  if (!code) return core.answer(reply, Unexpected<Error>(code.error()));
  std::int64_t now = core.now_ms();
  record.add("CodeSize", Value::integer(code->size));
  record.add("CodeSha256", text(code->sha256));
  record.add("LastModified", text(last_modified(now)));
  record.add("Version", text("$LATEST"));
  record.add("TracingConfig", json::ObjectBuilder().add("Mode", text("PassThrough")).build());
  record.add("RevisionId", text(random_uuid()));
  record.add("State", text("Active"));
  record.add("LastUpdateStatus", text("Successful"));
  record.add("PackageType", text("Zip"));
  record.add("Architectures", Value::array({text("x86_64")}));
  record.add("EphemeralStorage", json::ObjectBuilder().add("Size", Value::integer(512)).build());
  record.add("LoggingConfig", json::ObjectBuilder()
                                  .add("LogFormat", text("Text"))
                                  .add("LogGroup", text("/aws/lambda/" + ref->name))
                                  .build());
  record.add("codeDir", text(code->dir));
  if (const Value* tags = r.field("Tags"); tags != nullptr && tags->is_object()) {
    record.add("tags", *tags);
  }
  store::Resource resource{store::Kind::Function, arn, ref->name, "", now, record.build()};
  Value configuration = function_configuration(resource.record);
  core.stage(store::ops::PutResource{std::move(resource)});
  core.answer(reply, configuration);
}

void Lambda::get_function(const Request& r, Reply reply) {
  auto found = requested_function(r);
  if (!found) return core.answer(reply, Unexpected<Error>(found.error()));
  json::ObjectBuilder out;
  out.add("Configuration", function_configuration(found->record));
  out.add("Code",
          json::ObjectBuilder()
              .add("RepositoryType", text("S3"))
              .add("Location",
                   text("file://" + std::string(found->record.find("codeDir")->as_string())))
              .build());
  if (const Value* tags = found->record.find("tags")) out.add("Tags", *tags);
  if (const Value* c = found->record.find("reservedConcurrency"); c != nullptr && c->is_int64()) {
    out.add("Concurrency", json::ObjectBuilder().add("ReservedConcurrentExecutions", *c).build());
  }
  core.answer(reply, out.build());
}

void Lambda::get_function_configuration(const Request& r, Reply reply) {
  auto found = requested_function(r);
  if (!found) return core.answer(reply, Unexpected<Error>(found.error()));
  core.answer(reply, function_configuration(found->record));
}

void Lambda::list_functions(const Request& r, Reply reply) {
  auto marker = r.string("Marker");
  if (!marker) return core.answer(reply, Unexpected<Error>(marker.error()));
  std::size_t limit = 50;
  if (const Value* max = r.field("MaxItems")) {
    if (!max->is_int64() || max->as_int64() < 1 || max->as_int64() > 10000) {
      return core.answer(reply, invalid("MaxItems must be between 1 and 10000"));
    }
    limit = static_cast<std::size_t>(max->as_int64());
  }
  std::string after;
  if (*marker && !(*marker)->empty()) {
    auto decoded = crypto::base64_decode(**marker);
    if (!decoded) return core.answer(reply, invalid("Invalid Marker: " + **marker));
    after = *decoded;
  }
  std::string next;
  auto found =
      core.store->resources(store::Kind::Function, "", store::PageRequest{after, limit}, next);
  if (!found) return core.answer(reply, Unexpected<Error>(found.error()));
  std::vector<Value> items;
  for (const store::Resource& f : *found) items.push_back(function_configuration(f.record));
  json::ObjectBuilder out;
  out.add("Functions", Value::array(std::move(items)));
  if (!next.empty()) out.add("NextMarker", text(crypto::base64_encode(next)));
  core.answer(reply, out.build());
}

void Lambda::delete_function(const Request& r, Reply reply) {
  auto found = requested_function(r);
  if (!found) return core.answer(reply, Unexpected<Error>(found.error()));
  // Its function URLs go with it.
  if (auto urls = delete_function_urls(found->arn); !urls) {
    return core.answer(reply, Unexpected<Error>(urls.error()));
  }
  functions().retire(found->name);
  core.stage(store::ops::DeleteResource{store::Kind::Function, found->arn});
  // Its configuration of asynchronous invocation goes with it.
  core.stage(store::ops::DeleteResource{store::Kind::EventInvokeConfig, found->arn + ":$LATEST"});
  std::string dir = core.options.code_dir + "/" + found->name;
  core.then([dir] {
    std::error_code ec;
    std::filesystem::remove_all(dir, ec);
  });
  core.answer(reply, Value::object({}));
}

void Lambda::update_function_code(const Request& r, Reply reply) {
  auto found = requested_function(r);
  if (!found) return core.answer(reply, Unexpected<Error>(found.error()));
  if (auto stale = check_revision(r, found->record); !stale) {
    return core.answer(reply, Unexpected<Error>(stale.error()));
  }
  Value body =
      json::ObjectBuilder()
          .add("ZipFile", r.body().find("ZipFile") != nullptr ? *r.body().find("ZipFile") : Value())
          .build();
  auto code = store_code(found->name, &body);
  if (!code) return core.answer(reply, Unexpected<Error>(code.error()));
  Value rec = found->record;
  rec = json::with_member(rec, "CodeSize", Value::integer(code->size));
  rec = json::with_member(rec, "CodeSha256", text(code->sha256));
  rec = json::with_member(rec, "codeDir", text(code->dir));
  save_function_update(std::move(*found), std::move(rec), reply);
}

void Lambda::update_function_configuration(const Request& r, Reply reply) {
  auto found = requested_function(r);
  if (!found) return core.answer(reply, Unexpected<Error>(found.error()));
  if (auto stale = check_revision(r, found->record); !stale) {
    return core.answer(reply, Unexpected<Error>(stale.error()));
  }
  json::ObjectBuilder changed;
  if (auto ok = read_configuration(r, changed, &found->record); !ok) {
    return core.answer(reply, Unexpected<Error>(ok.error()));
  }
  Value rec = found->record;
  Value changes = changed.build();
  for (const json::Member& m : changes.members()) {
    rec = json::with_member(rec, m.name(), m.value);
  }
  if (r.field("DeadLetterConfig") != nullptr && changes.find("DeadLetterConfig") == nullptr) {
    json::ObjectBuilder without;
    for (const json::Member& m : rec.members()) {
      if (m.name() != "DeadLetterConfig") without.add(m.name(), m.value);
    }
    rec = without.build();
  }
  store::Resource candidate = *found;
  candidate.record = rec;
  if (auto runnable = functions().check_runnable(function_config(candidate)); !runnable) {
    return core.answer(reply, Unexpected<Error>(runnable.error()));
  }
  save_function_update(std::move(*found), std::move(rec), reply);
}

void Lambda::put_function_concurrency(const Request& r, Reply reply) {
  auto found = requested_function(r);
  if (!found) return core.answer(reply, Unexpected<Error>(found.error()));
  const Value* reserved = r.field("ReservedConcurrentExecutions");
  if (reserved == nullptr || !reserved->is_int64() || reserved->as_int64() < 0) {
    return core.answer(reply,
                       invalid("ReservedConcurrentExecutions must be a number of 0 or more"));
  }
  Value rec = json::with_member(found->record, "reservedConcurrency", *reserved);
  found->record = rec;
  functions().retire(found->name);
  core.stage(store::ops::PutResource{std::move(*found)});
  core.answer(reply, json::ObjectBuilder().add("ReservedConcurrentExecutions", *reserved).build());
}

void Lambda::get_function_concurrency(const Request& r, Reply reply) {
  auto found = requested_function(r);
  if (!found) return core.answer(reply, Unexpected<Error>(found.error()));
  json::ObjectBuilder out;
  if (const Value* c = found->record.find("reservedConcurrency"); c != nullptr && c->is_int64()) {
    out.add("ReservedConcurrentExecutions", *c);
  }
  core.answer(reply, out.build());
}

void Lambda::delete_function_concurrency(const Request& r, Reply reply) {
  auto found = requested_function(r);
  if (!found) return core.answer(reply, Unexpected<Error>(found.error()));
  json::ObjectBuilder rec;
  for (const json::Member& m : found->record.members()) {
    if (m.name() != "reservedConcurrency") rec.add(m.name(), m.value);
  }
  found->record = rec.build();
  functions().retire(found->name);
  core.stage(store::ops::PutResource{std::move(*found)});
  core.answer(reply, Value::object({}));
}

// --- shared ---

runtime::FunctionHost& Lambda::functions() { return *core.options.functions; }

Expected<void, Error> Lambda::check_revision(const Request& r, const Value& record) {
  auto wanted = r.string("RevisionId");
  if (!wanted) return Unexpected<Error>(wanted.error());
  const Value* current = record.find("RevisionId");
  if (*wanted && current != nullptr && current->as_string() != **wanted) {
    return fail("PreconditionFailedException",
                "The Revision Id provided does not match the latest Revision Id. Call the "
                "GetFunction/GetAlias API to retrieve the latest Revision Id");
  }
  return {};
}

void Lambda::save_function_update(store::Resource function, Value record, const Reply& reply) {
  std::int64_t now = core.now_ms();
  record = json::with_member(record, "LastModified", text(last_modified(now)));
  record = json::with_member(record, "RevisionId", text(random_uuid()));
  function.record = record;
  // Sandboxes of the old code or configuration are not reused.
  functions().retire(function.name);
  Value configuration = function_configuration(record);
  core.stage(store::ops::PutResource{std::move(function)});
  core.answer(reply, configuration);
}

Result<StoredCode> Lambda::store_code(const std::string& name, const Value* code) {
  const Value* zip = code != nullptr && code->is_object() ? code->find("ZipFile") : nullptr;
  if (code != nullptr && code->is_object() &&
      (code->find("S3Bucket") != nullptr || code->find("ImageUri") != nullptr)) {
    return invalid(
        "baton takes a function's code as Code.ZipFile (base64 of a zip archive); "
        "S3 locations and container images are not reachable from here");
  }
  if (zip == nullptr || !zip->is_string()) {
    return invalid("Code.ZipFile is required: base64 of a zip archive of the function's code");
  }
  // A blob: the raw bytes of the archive.
  std::string_view bytes = zip->as_string();
  if (bytes.size() > kMaxZipBytes) {
    return fail("RequestTooLargeException",
                "Request must be smaller than 70167211 bytes for the CreateFunction operation");
  }
  StoredCode stored;
  std::string digest = crypto::hex_digest(crypto::Digest::SHA256, bytes);
  std::string raw;
  for (std::size_t i = 0; i + 1 < digest.size(); i += 2) {
    raw.push_back(static_cast<char>(std::stoi(digest.substr(i, 2), nullptr, 16)));
  }
  stored.sha256 = crypto::base64_encode(raw);
  stored.size = static_cast<std::int64_t>(bytes.size());
  // One folder per code version: sandboxes still running the old one keep their files. The same
  // archive again is the same files: they stay as they are, under the sandboxes running them.
  stored.dir = core.options.code_dir + "/" + name + "/" + digest.substr(0, 16);
  std::error_code ec;
  if (std::filesystem::is_directory(stored.dir, ec)) return stored;
  if (auto unpacked = runtime::unpack_zip(bytes, stored.dir); !unpacked) {
    return Unexpected<Error>(unpacked.error());
  }
  return stored;
}

}  // namespace baton::service::lambda
