// The command/event conversation of a workflow with services outside, with no token in anyone's
// payload: a task that waits for its token (events:putEvents.waitForTaskToken) and puts a
// command, DetailType "cmd.NAME", has the reference "EXECUTION_ARN#NAME#TOKEN" put first in the
// command's resources, which is its CloudEvent's subject. An event that comes back on any bus
// with type "evt.NAME.OUTCOME" and that subject answers the task: OUTCOME "succeeded" with the
// event's data as the task's output, "failed" with its data's error and cause, anything else
// (a "progress") as a heartbeat. The task's token is durable, so the conversation survives
// restarts; an answer that comes twice finds the task done, and is dropped.

#include "service/events/eventbridge.h"

namespace baton::service::events {

using json::Value;

namespace {

struct Answer {
  std::string token;
  std::string outcome;
  Value data;
};

// The answer an event carries, or nothing when it answers no conversation.
std::optional<Answer> reply_in(const Value& event) {
  std::string type = string_member(event, "detail-type");
  if (!type.starts_with("evt.")) return std::nullopt;
  const Value* resources = event.find("resources");
  if (resources == nullptr || !resources->is_array() || resources->size() == 0) return std::nullopt;
  const Value& subject = resources->as_array()[0];
  if (!subject.is_string()) return std::nullopt;
  // EXECUTION_ARN#NAME#TOKEN, NAME being the command's: evt.NAME.OUTCOME.
  std::string_view reference = subject.as_string();
  std::size_t second = reference.rfind('#');
  if (!reference.starts_with("arn:aws:states:") || second == std::string_view::npos ||
      second == 0) {
    return std::nullopt;
  }
  std::size_t first = reference.rfind('#', second - 1);
  if (first == std::string_view::npos) return std::nullopt;
  std::string_view name = reference.substr(first + 1, second - first - 1);
  std::string_view rest = std::string_view(type).substr(4);
  if (!rest.starts_with(name) || rest.size() <= name.size() + 1 || rest[name.size()] != '.') {
    return std::nullopt;
  }
  Answer reply;
  reply.token = std::string(reference.substr(second + 1));
  reply.outcome = std::string(rest.substr(name.size() + 1));
  // A CloudEvent's data, or an EventBridge event's detail.
  const Value* detail = event.find("detail");
  if (detail != nullptr && detail->is_object() && detail->find("specversion") != nullptr) {
    const Value* data = detail->find("data");
    reply.data = data != nullptr ? *data : Value();
  } else if (detail != nullptr) {
    reply.data = *detail;
  }
  return reply;
}

}  // namespace

void EventBridge::answer_conversation(const Value& event) {
  std::optional<Answer> reply = reply_in(event);
  if (!reply || !core.serves("states")) return;
  std::string operation;
  json::ObjectBuilder request;
  request.add("taskToken", text(reply->token));
  if (reply->outcome == "succeeded") {
    operation = "SendTaskSuccess";
    request.add("output", text(json::to_string(reply->data)));
  } else if (reply->outcome == "failed") {
    operation = "SendTaskFailure";
    std::string error = reply->data.is_object() ? string_member(reply->data, "error") : "";
    std::string cause = reply->data.is_object() ? string_member(reply->data, "cause") : "";
    request.add("error", text(error.empty() ? string_member(event, "detail-type") : error));
    request.add("cause", text(cause.empty() ? json::to_string(reply->data) : cause));
  } else {
    operation = "SendTaskHeartbeat";
  }
  std::string id = string_member(event, "id");
  core.call("states", operation, request.build(), [this, id](Result<Value> answered) {
    // A task already answered (the same event twice) or gone: nothing to resume.
    if (!answered) {
      core.warn("EventBridge: event " + id + " answers no waiting task (" + answered.error().name +
                ")");
    }
  });
}

}  // namespace baton::service::events
