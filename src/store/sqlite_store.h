#pragma once

// The embedded store: one SQLite file in WAL mode. Each commit is one transaction, so a group
// of engine steps costs one fsync. Used from one thread (the service's).

#include <memory>
#include <string>

#include "store/store.h"

namespace baton::store {

struct SqliteOptions {
  // FULL: every commit survives power loss. NORMAL: survives a crash of the process, which
  // is what kill -9 tests; faster.
  bool synchronous_full = true;
};

class SqliteStore : public Store {
 public:
  // Opens (or creates) the database at `path`, creating its schema. Errors: StoreError.
  [[nodiscard]] static Result<std::unique_ptr<SqliteStore>> open(const std::string& path,
                                                                 const SqliteOptions& options = {});
  ~SqliteStore() override;

  Expected<void, Error> commit(const WriteBatch& batch) override;
  Result<std::optional<Resource>> resource(Kind kind, const std::string& arn) override;
  Result<std::optional<Resource>> resource_by_name(Kind kind, const std::string& name) override;
  Result<std::vector<Resource>> resources(Kind kind, const std::string& parent_arn,
                                          const PageRequest& page, std::string& next) override;
  Result<std::optional<Execution>> execution(const std::string& arn) override;
  Result<std::vector<Execution>> executions(const std::string& state_machine_arn,
                                            const std::string& map_run_arn,
                                            const std::string& status, const PageRequest& page,
                                            std::string& next) override;
  Result<std::map<std::string, std::int64_t>> execution_counts(
      const std::string& map_run_arn) override;
  Result<std::vector<Execution>> running_executions() override;
  Result<std::vector<std::string>> history(const std::string& arn, std::int64_t from,
                                           std::int64_t to, bool reverse,
                                           std::size_t limit) override;
  Result<std::optional<Task>> task(const std::string& token) override;
  Result<std::vector<Task>> open_tasks() override;
  Result<std::vector<Timer>> timers() override;
  Result<std::vector<OutboxEntry>> outbox() override;
  Result<std::vector<std::pair<std::string, std::string>>> tags(
      const std::string& resource_arn) override;
  Result<std::vector<Entry>> entries(const std::string& space, const std::string& after,
                                     std::size_t limit) override;
  Result<std::optional<std::string>> entry(const std::string& space,
                                           const std::string& key) override;

  // Looks for damage in the file: `full` runs SQLite's integrity_check (every page, and every
  // index against its table: slow on a large file), else quick_check (every page, no
  // cross-check). Returns the problems found, at most 100; none when the file is sound.
  Result<std::vector<std::string>> check_integrity(bool full);
  // The executions whose record, state or history cannot be read back, and what fails.
  std::vector<std::pair<std::string, std::string>> damaged_executions();

 private:
  SqliteStore();
  struct Impl;
  std::unique_ptr<Impl> impl_;
};

}  // namespace baton::store
