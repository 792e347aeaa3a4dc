#include "service/dead_letters.h"

#include "service/arn.h"

namespace baton::service {

using json::Value;

void send_dead_letter(Core& core, const std::string& who, const std::string& queue_arn,
                      const std::string& body,
                      const std::vector<std::pair<std::string, std::string>>& attributes) {
  json::ObjectBuilder listed;
  for (const auto& [name, value] : attributes) {
    listed.add(name, json::ObjectBuilder()
                         .add("DataType", Value::string("String"))
                         .add("StringValue", Value::string(value))
                         .build());
  }
  core.call("sqs", "SendMessage",
            json::ObjectBuilder()
                .add("QueueUrl", Value::string(queue_url(queue_arn)))
                .add("MessageBody", Value::string(body))
                .add("MessageAttributes", listed.build())
                .build(),
            [&core, who, queue_arn](Result<Value> sent) {
              if (!sent) {
                core.warn(who + ": dead-letter queue " + queue_arn + ": " + sent.error().cause);
              }
            });
}

}  // namespace baton::service
