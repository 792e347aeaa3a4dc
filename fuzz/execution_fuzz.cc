// Runs arbitrary state machines: the bytes up to the first NUL are a definition, the rest its
// input. A definition that validates is executed by the engine to its end (or to 500 history
// events), with every task answered (every third one failing, every other success returning its
// payload twice, so values grow and nest), every timer fired and every child execution
// succeeding. The engine must never crash, and after every step its state must survive the
// codec through text as the store keeps it: encode(decode(parse(write(encode(s))))) ==
// encode(s), however deep or large the values the workflow made; every history event's text
// must read back too.

#include <cstddef>
#include <cstdint>
#include <cstdlib>
#include <deque>
#include <string>
#include <string_view>

#include "asl/parse.h"
#include "engine/history_json.h"
#include "engine/state_codec.h"
#include "engine/step.h"

namespace {

using baton::json::Value;
namespace engine = baton::engine;

constexpr int kMaxSteps = 300;

void check_codec(const engine::ExecutionState& state) {
  Value once = engine::encode_state(state);
  auto stored = baton::json::parse(baton::json::to_string(once), baton::json::kMaxStoredDepth);
  if (!stored) std::abort();  // a state the store could not read back
  auto decoded = engine::decode_state(*stored);
  if (!decoded) std::abort();  // a state the engine made that the codec cannot read back
  if (baton::json::to_string(engine::encode_state(*decoded)) != baton::json::to_string(once)) {
    std::abort();  // the codec loses something
  }
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  std::string_view bytes(reinterpret_cast<const char*>(data), size);
  std::size_t split = bytes.find('\0');
  std::string_view definition_text = bytes.substr(0, split);
  std::string_view input_text = split == std::string_view::npos ? "{}" : bytes.substr(split + 1);
  auto parsed = baton::asl::parse(definition_text);
  if (!parsed) return 0;
  const baton::asl::Definition& definition = *parsed->definition;
  auto input = baton::json::parse(input_text);

  baton::Timestamp now{1700000000, 0};
  engine::ExecutionIdentity identity;
  identity.name = "fuzz";
  identity.state_machine_name = "Fuzz";
  identity.state_machine_arn = "arn:aws:states:us-east-1:123456789012:stateMachine:Fuzz";
  identity.execution_arn = "arn:aws:states:us-east-1:123456789012:execution:Fuzz:fuzz";
  std::deque<engine::Event> pending;
  pending.push_back(
      engine::events::ExecutionStarted{now, identity, input ? *input : Value(), 7, 500});
  engine::ExecutionState state;
  int tasks = 0;
  for (int steps = 0; steps < kMaxSteps && !pending.empty(); ++steps) {
    engine::Event event = std::move(pending.front());
    pending.pop_front();
    auto step = engine::step(definition, std::move(state), std::move(event));
    if (!step) {
      state = std::move(step.error().state);
      continue;
    }
    state = std::move(step->state);
    for (const engine::HistoryEvent& e : step->history) {
      std::string text = baton::json::to_string(engine::history_event_json(e));
      if (!baton::json::parse(text, baton::json::kMaxStoredDepth)) std::abort();
    }
    check_codec(state);
    for (engine::Command& command : step->commands) {
      if (auto* invoke = std::get_if<engine::commands::InvokeTask>(&command)) {
        if (++tasks % 3 == 0) {
          pending.push_back(engine::events::TaskFailed{now, invoke->token, "Fuzz.Error", "no"});
        } else if (tasks % 2 == 0) {
          Value twice = Value::array({invoke->payload, invoke->payload});
          pending.push_back(engine::events::TaskSucceeded{now, invoke->token, twice});
        } else {
          pending.push_back(engine::events::TaskSucceeded{now, invoke->token, invoke->payload});
        }
      } else if (auto* timer = std::get_if<engine::commands::ScheduleTimer>(&command)) {
        if (now < timer->at) now = timer->at;
        pending.push_back(engine::events::TimerFired{now, timer->id});
      } else if (auto* child = std::get_if<engine::commands::StartChildExecution>(&command)) {
        pending.push_back(engine::events::ChildExecutionFinished{
            now, child->identity.execution_arn, "SUCCEEDED", child->input, {}, {}});
      }
    }
  }
  return 0;
}
