#pragma once

// Execution history: events with AWS's type names and detail fields, so GetExecutionHistory is
// a direct read. Events are typed records; JSON is made only when asked for
// (history_json.h). Plain values.

#include <array>
#include <bit>
#include <cstddef>
#include <cstdint>
#include <string>
#include <string_view>
#include <utility>
#include <variant>
#include <vector>

#include "core/json.h"
#include "core/time.h"

namespace baton::engine {

// Every history event type of the Step Functions API model.
enum class HistoryEventType : std::uint8_t {
  ActivityFailed,
  ActivityScheduled,
  ActivityScheduleFailed,
  ActivityStarted,
  ActivitySucceeded,
  ActivityTimedOut,
  ChoiceStateEntered,
  ChoiceStateExited,
  ExecutionAborted,
  ExecutionFailed,
  ExecutionStarted,
  ExecutionSucceeded,
  ExecutionTimedOut,
  ExecutionRedriven,
  FailStateEntered,
  LambdaFunctionFailed,
  LambdaFunctionScheduled,
  LambdaFunctionScheduleFailed,
  LambdaFunctionStarted,
  LambdaFunctionStartFailed,
  LambdaFunctionSucceeded,
  LambdaFunctionTimedOut,
  MapIterationAborted,
  MapIterationFailed,
  MapIterationStarted,
  MapIterationSucceeded,
  MapStateAborted,
  MapStateEntered,
  MapStateExited,
  MapStateFailed,
  MapStateStarted,
  MapStateSucceeded,
  ParallelStateAborted,
  ParallelStateEntered,
  ParallelStateExited,
  ParallelStateFailed,
  ParallelStateStarted,
  ParallelStateSucceeded,
  PassStateEntered,
  PassStateExited,
  SucceedStateEntered,
  SucceedStateExited,
  TaskFailed,
  TaskScheduled,
  TaskStarted,
  TaskStartFailed,
  TaskStateAborted,
  TaskStateEntered,
  TaskStateExited,
  TaskSubmitFailed,
  TaskSubmitted,
  TaskSucceeded,
  TaskTimedOut,
  WaitStateAborted,
  WaitStateEntered,
  WaitStateExited,
  MapRunAborted,
  MapRunFailed,
  MapRunStarted,
  MapRunSucceeded,
  MapRunRedriven,
  EvaluationFailed,
};

std::string_view history_event_type_name(HistoryEventType type);
bool parse_history_event_type(std::string_view name, HistoryEventType& out);

// Detail shapes, one per group of event types that share AWS's fields. A json::Value that is
// null means the field is absent.
namespace details {
struct None {};
struct StateEntered {  // *StateEntered: stateEnteredEventDetails
  json::Value name, input;
};
struct StateExited {                             // *StateExited: stateExitedEventDetails
  json::Value name, output, assigned_variables;  // assigned_variables: object or null
};
struct ExecutionStarted {
  json::Value input, role_arn, state_machine_alias_arn, state_machine_version_arn;
};
struct Output {  // ExecutionSucceeded, ActivitySucceeded, LambdaFunctionSucceeded
  json::Value output;
};
struct ErrorCause {  // Execution{Failed,Aborted,TimedOut}, Activity*Failed/TimedOut, Lambda*...
  json::Value error, cause;
};
struct TaskScheduled {
  json::Value resource_type, resource, region, parameters;
  std::int64_t timeout_in_seconds = -1;
  std::int64_t heartbeat_in_seconds = -1;
};
struct TaskResource {  // TaskStarted
  json::Value resource_type, resource;
};
struct TaskOutput {  // TaskSubmitted, TaskSucceeded
  json::Value resource_type, resource, output;
};
struct TaskError {  // TaskFailed, TaskStartFailed, TaskSubmitFailed, TaskTimedOut
  json::Value resource_type, resource, error, cause;
};
struct FunctionScheduled {  // LambdaFunctionScheduled, ActivityScheduled
  json::Value resource, input;
  std::int64_t timeout_in_seconds = -1;
  std::int64_t heartbeat_in_seconds = -1;
};
struct ActivityStarted {
  json::Value worker_name;
};
struct MapStarted {  // MapStateStarted
  std::int64_t length = 0;
};
struct MapIteration {  // MapIteration*
  json::Value name;
  std::int64_t index = 0;
};
struct MapRun {  // MapRunStarted, MapRunRedriven
  json::Value map_run_arn;
  std::int64_t redrive_count = -1;
};
struct Redriven {  // ExecutionRedriven
  std::int64_t redrive_count = 0;
};
struct EvaluationFailed {
  json::Value error, cause, location, state;
};
}  // namespace details

using EventDetails =
    std::variant<details::None, details::StateEntered, details::StateExited,
                 details::ExecutionStarted, details::Output, details::ErrorCause,
                 details::TaskScheduled, details::TaskResource, details::TaskOutput,
                 details::TaskError, details::FunctionScheduled, details::ActivityStarted,
                 details::MapStarted, details::MapIteration, details::MapRun, details::Redriven,
                 details::EvaluationFailed>;

struct HistoryEvent {
  HistoryEventType type = HistoryEventType::ExecutionStarted;
  std::int64_t id = 0;
  std::int64_t previous_event_id = 0;
  Timestamp timestamp;
  EventDetails details;
};

// Events in order. They live in chunks of doubling size (16, 32, 64 ...): appending never
// moves the events already recorded, so a history of 400,000 events grows without copying
// itself, and a step of a few events makes one small allocation.
class History {
 public:
  History() = default;
  History(History&& other) noexcept { swap(other); }
  History& operator=(History&& other) noexcept {
    History(std::move(other)).swap(*this);
    return *this;
  }
  History(const History&) = delete;
  History& operator=(const History&) = delete;
  ~History() { clear(); }

  std::size_t size() const { return size_; }
  bool empty() const { return size_ == 0; }
  HistoryEvent& operator[](std::size_t i) { return *slot(i); }
  const HistoryEvent& operator[](std::size_t i) const { return *slot(i); }
  HistoryEvent& back() { return *slot(size_ - 1); }
  const HistoryEvent& back() const { return *slot(size_ - 1); }

  HistoryEvent& emplace_back();
  void push_back(HistoryEvent&& event) { emplace_back() = std::move(event); }
  void clear();

  template <class H, class E>
  class Iterator {
   public:
    using difference_type = std::ptrdiff_t;
    using value_type = HistoryEvent;
    Iterator() = default;
    Iterator(H* history, std::size_t i) : history_(history), i_(i) {}
    E& operator*() const { return (*history_)[i_]; }
    E* operator->() const { return &(*history_)[i_]; }
    Iterator& operator++() {
      ++i_;
      return *this;
    }
    Iterator operator++(int) {
      Iterator before = *this;
      ++i_;
      return before;
    }
    bool operator==(const Iterator& other) const { return i_ == other.i_; }

   private:
    H* history_ = nullptr;
    std::size_t i_ = 0;
  };
  using iterator = Iterator<History, HistoryEvent>;
  using const_iterator = Iterator<const History, const HistoryEvent>;
  iterator begin() { return {this, 0}; }
  iterator end() { return {this, size_}; }
  const_iterator begin() const { return {this, 0}; }
  const_iterator end() const { return {this, size_}; }

 private:
  static constexpr std::size_t kFirstChunkLog2 = 4;  // 16 events

  // Chunk k holds events [16 * (2^k - 1), 16 * (2^(k+1) - 1)).
  static std::size_t chunk_of(std::size_t i) {
    return static_cast<std::size_t>(std::bit_width((i >> kFirstChunkLog2) + 1)) - 1;
  }
  static std::size_t chunk_start(std::size_t k) {
    return ((std::size_t{1} << k) - 1) << kFirstChunkLog2;
  }
  HistoryEvent* slot(std::size_t i) const {
    std::size_t k = chunk_of(i);
    return chunks_[k] + (i - chunk_start(k));
  }
  void swap(History& other) noexcept {
    chunks_.swap(other.chunks_);
    std::swap(size_, other.size_);
  }

  // Raw storage, allocated in order (null past the last); the first size_ events are
  // constructed. 40 chunks hold 16 * (2^40 - 1) events.
  std::array<HistoryEvent*, 40> chunks_{};
  std::size_t size_ = 0;
};

}  // namespace baton::engine
