// The checks and the answer every SQS batch shares.

#include "service/sqs/batch.h"

#include <algorithm>
#include <set>

namespace baton::service::sqs {

Result<std::vector<const json::Value*>> batch_entries(const Request& r,
                                                      std::string_view entry_shape) {
  std::vector<const json::Value*> out;
  const json::Value* entries = r.field("Entries");
  if (entries != nullptr && entries->is_array()) {
    for (const json::Value& e : entries->as_array()) out.push_back(&e);
  }
  if (out.empty()) {
    return fail("EmptyBatchRequest",
                "There should be at least one " + std::string(entry_shape) + " in the request.");
  }
  if (out.size() > 10) {
    return fail("TooManyEntriesInBatchRequest",
                "Maximum number of entries per request are 10. You have sent " +
                    std::to_string(out.size()) + ".");
  }
  std::set<std::string_view> ids;
  for (const json::Value* e : out) {
    const json::Value* id = e->is_object() ? e->find("Id") : nullptr;
    std::string_view text = id != nullptr && id->is_string() ? id->as_string() : "";
    bool valid =
        !text.empty() && text.size() <= 80 && std::all_of(text.begin(), text.end(), [](char c) {
          return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') ||
                 c == '-' || c == '_';
        });
    if (!valid) {
      return fail("InvalidBatchEntryId",
                  "A batch entry id can only contain alphanumeric characters, hyphens and "
                  "underscores. It can be at most 80 letters long.");
    }
    if (!ids.insert(text).second) {
      return fail("BatchEntryIdsNotDistinct", "Id " + std::string(text) + " repeated.");
    }
  }
  return out;
}

void BatchAnswer::failed(const std::string& id, const Error& error) {
  // Errors of the server's own making are the receiver's fault; the rest the sender's.
  bool sender = error.name != "InternalError" && error.name != "ServiceUnavailable";
  failures.push_back(json::ObjectBuilder()
                         .add("Id", json::Value::string(id))
                         .add("SenderFault", json::Value::boolean(sender))
                         .add("Code", json::Value::string(error.name))
                         .add("Message", json::Value::string(error.cause))
                         .build());
}

json::Value BatchAnswer::build() {
  return json::ObjectBuilder()
      .add("Successful", json::Value::array(std::move(successful)))
      .add("Failed", json::Value::array(std::move(failures)))
      .build();
}

}  // namespace baton::service::sqs
