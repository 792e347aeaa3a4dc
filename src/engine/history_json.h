#pragma once

// History events rendered as the Step Functions API returns them (GetExecutionHistory).

#include "core/json.h"
#include "core/time.h"
#include "engine/history.h"

namespace baton::engine {

struct HistoryOptions {
  bool include_execution_data = true;  // false drops input/output payloads
};

json::Value history_event_json(const HistoryEvent& event, const HistoryOptions& options = {});
json::Value history_json(const History& history, const HistoryOptions& options = {});

// A timestamp as the API writes it: epoch seconds, with milliseconds as a fraction.
json::Value epoch_seconds(Timestamp t);

}  // namespace baton::engine
