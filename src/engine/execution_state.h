#pragma once

// An execution as a plain value: where each of its threads is, what it waits for, and the
// random source that keeps it deterministic. Moved into engine::step and out again; it
// serialises to JSON and back losslessly (state_codec.h), which is what the store keeps.
//
// A thread of an execution is a Frame: the top level, each Parallel branch and each Map
// iteration. Frames are kept in one list, indexed by their id, so the state is a value whose
// copies are deep.

#include <cstdint>
#include <map>
#include <memory>
#include <optional>
#include <string>
#include <vector>

#include "asl/definition.h"
#include "core/json.h"
#include "core/random.h"
#include "core/time.h"
#include "engine/event.h"

namespace baton::engine {

enum class ExecutionStatus { RUNNING, SUCCEEDED, FAILED, TIMED_OUT, ABORTED };
std::string_view execution_status_name(ExecutionStatus status);

using FrameId = std::uint32_t;
inline constexpr FrameId kNoFrame = UINT32_MAX;

// Where a frame is in the life of its current state.
enum class Phase : std::uint8_t {
  Running,           // being advanced in this step
  AwaitingTask,      // a Task's resource is working
  AwaitingRetry,     // a Retrier's interval is running
  AwaitingTimer,     // a Wait state
  AwaitingChildren,  // a Parallel's branches or a Map's iterations are running
  Done,              // the frame's graph ended (its result is with the parent)
};

struct Frame {
  FrameId id = 0;
  FrameId parent = kNoFrame;  // the Parallel/Map frame that started this one
  std::uint32_t graph = 0;    // asl::Definition::graphs index
  asl::StateIndex state = 0;  // the current state
  Phase phase = Phase::Running;
  bool alive = true;
  bool queued = false;            // in this step's ready queue (not kept between steps)
  FrameId next_ready = kNoFrame;  // the frame queued after this one

  json::Value input;      // the current state's raw input
  json::Value effective;  // after InputPath (and Parameters, for tasks and branches)
  std::int64_t entered_event_id = 0;
  Timestamp entered_time;
  std::int64_t last_event_id = 0;  // previousEventId of this thread's next event

  // Retry bookkeeping for the current state.
  std::vector<std::int64_t> retry_attempts;  // per Retrier
  std::int64_t retry_count = 0;              // $$.State.RetryCount

  // The task in flight.
  std::string token;
  std::uint64_t timeout_timer = 0;     // 0: none
  std::uint64_t heartbeat_timer = 0;   // 0: none
  std::int64_t heartbeat_seconds = 0;  // as resolved when the task was sent
  std::uint64_t wait_timer = 0;        // Wait state or retry interval

  // Parallel / Map: the children.
  std::vector<json::Value> results;  // by branch or item index
  std::uint64_t results_bytes = 0;   // their size so far, for the payload quota (not kept)
  std::vector<FrameId> running;      // children not finished
  json::Value items;                 // Map: the items (an array)
  json::Value item_keys;             // Map over an object: its keys, by item index
  std::int64_t next_item = 0;        // Map: the next item to start
  std::int64_t max_concurrency = 0;  // Map: 0 = unbounded
  std::int64_t completed = 0;
  // Distributed Map: the Map Run, its tolerance and its failures so far.
  std::string map_run_arn;
  std::int64_t failed = 0;
  std::optional<std::int64_t> tolerated_failure_count;
  std::optional<double> tolerated_failure_percentage;

  // As a child: which branch or item this frame is.
  std::int64_t index = -1;
  json::Value item;  // Map iteration: $$.Map.Item.Value

  // Variables assigned in this thread (an object), read before the parent's.
  json::Value variables;
};

// What a timer is for.
struct TimerPurpose {
  enum class Kind : std::uint8_t { Wait, Retry, TaskTimeout, Heartbeat, ExecutionTimeout };
  Kind kind = Kind::Wait;
  FrameId frame = 0;
};

// The frames of an execution, by FrameId. Each frame has an allocation of its own, so a
// reference to one stays valid while frames are added; moving the list allocates nothing.
class FrameList {
 public:
  FrameList() = default;
  FrameList(const FrameList& other) { *this = other; }
  FrameList& operator=(const FrameList& other);
  FrameList(FrameList&&) noexcept = default;
  FrameList& operator=(FrameList&&) noexcept = default;
  ~FrameList() = default;

  Frame& operator[](FrameId id) { return *frames_[id]; }
  const Frame& operator[](FrameId id) const { return *frames_[id]; }
  std::size_t size() const { return frames_.size(); }
  bool empty() const { return frames_.empty(); }
  Frame& emplace_back() { return *frames_.emplace_back(std::make_unique<Frame>()); }

  template <class Slot, class F>
  class Iterator {
   public:
    explicit Iterator(Slot slot) : slot_(slot) {}
    F& operator*() const { return **slot_; }
    F* operator->() const { return slot_->get(); }
    Iterator& operator++() {
      ++slot_;
      return *this;
    }
    bool operator==(const Iterator& other) const { return slot_ == other.slot_; }

   private:
    Slot slot_;
  };
  using Slots = std::vector<std::unique_ptr<Frame>>;
  auto begin() { return Iterator<Slots::iterator, Frame>(frames_.begin()); }
  auto end() { return Iterator<Slots::iterator, Frame>(frames_.end()); }
  auto begin() const { return Iterator<Slots::const_iterator, const Frame>(frames_.begin()); }
  auto end() const { return Iterator<Slots::const_iterator, const Frame>(frames_.end()); }

 private:
  Slots frames_;
};

inline FrameList& FrameList::operator=(const FrameList& other) {
  if (this == &other) return *this;
  Slots copy;
  copy.reserve(other.frames_.size());
  for (const auto& f : other.frames_) copy.push_back(std::make_unique<Frame>(*f));
  frames_ = std::move(copy);
  return *this;
}

struct ExecutionState {
  ExecutionStatus status = ExecutionStatus::RUNNING;
  ExecutionIdentity identity;
  json::Value input;
  Timestamp start_time;
  std::int64_t redrive_count = 0;
  std::int64_t max_history_events = 25000;
  std::int64_t max_payload_bytes = kMaxPayloadBytes;  // 0: no payload quotas

  std::int64_t next_event_id = 1;
  std::uint64_t next_timer_id = 1;
  Random random;

  FrameList frames;                              // by FrameId; finished ones stay
  std::map<std::string, FrameId> tasks;          // token -> the frame awaiting it
  std::map<std::uint64_t, TimerPurpose> timers;  // timer id -> what it is for
  // Distributed Map child executions: ARN -> (the Map's frame, the item or batch index).
  std::map<std::string, std::pair<FrameId, std::int64_t>> children;
  std::uint32_t root_graph = 0;

  // Once the execution has ended.
  std::optional<json::Value> output;
  std::optional<std::string> error;
  std::optional<std::string> cause;
  Timestamp stop_time;
};

}  // namespace baton::engine
