// The Choice state.

#include "asl/errors.h"
#include "engine/interpreter.h"

namespace baton::engine {

using json::Value;

void Interpreter::run_choice(Frame& f) {
  const asl::State& s = state_of(f);
  const auto& choice = s.as<asl::ChoiceState>();
  auto effective = select(f, s.input_path, f.input);
  if (!effective) return raise_state(f, effective.error());
  FrameVariables variables(state_, f.id);
  Value context;
  if (choice.reads_context) context = context_object(f, {});
  asl::Scope sc = scope(f, *effective, choice.reads_context ? &context : nullptr, variables);
  const asl::ChoiceBranch* taken = nullptr;
  for (const asl::ChoiceBranch& branch : choice.choices) {
    auto matched = asl::evaluate_choice_rule(branch.rule, sc);
    if (!matched) return raise_state(f, matched.error());
    if (*matched) {
      taken = &branch;
      break;
    }
  }
  if (taken == nullptr && !choice.default_state) {
    // What AWS reports, rather than the specification's States.NoChoiceMatched.
    return raise_state(f, Error{std::string(asl::errors::kRuntime),
                                "Failed to transition out of the state. The state does not point "
                                "to a next state."});
  }
  // A rule's Assign when it is taken; the state's own Assign only on the way to Default.
  auto assigned = evaluate_assign(f, taken != nullptr ? taken->assign : s.assign, *effective);
  if (!assigned) return raise(f, std::move(assigned).error());
  auto output = select(f, s.output_path, *effective);
  if (!output) return raise_state(f, output.error());
  exit_state(f, std::move(*output), *assigned,
             taken != nullptr ? taken->next : *choice.default_state);
}

}  // namespace baton::engine
