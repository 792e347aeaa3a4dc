// The Succeed state.

#include "engine/interpreter.h"

namespace baton::engine {

void Interpreter::run_succeed(Frame& f) {
  const asl::State& s = state_of(f);
  auto effective = select(f, s.input_path, f.input);
  if (!effective) return raise_state(f, effective.error());
  auto output = select(f, s.output_path, *effective);
  if (!output) return raise_state(f, output.error());
  exit_state(f, std::move(*output), json::Value());
}

}  // namespace baton::engine
