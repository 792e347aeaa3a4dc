#include "store/sqlite_store.h"

#include <sqlite3.h>

#include <charconv>
#include <map>
#include <set>

namespace baton::store {

namespace {

constexpr const char* kSchema = R"sql(
CREATE TABLE IF NOT EXISTS meta (key TEXT PRIMARY KEY, value TEXT);
CREATE TABLE IF NOT EXISTS resources (
  kind INTEGER NOT NULL, arn TEXT NOT NULL, name TEXT NOT NULL, parent_arn TEXT NOT NULL,
  created_ms INTEGER NOT NULL, record TEXT NOT NULL, PRIMARY KEY (kind, arn));
CREATE INDEX IF NOT EXISTS resources_by_name ON resources (kind, name);
CREATE INDEX IF NOT EXISTS resources_by_parent ON resources (kind, parent_arn, created_ms, arn);
CREATE TABLE IF NOT EXISTS executions (
  arn TEXT PRIMARY KEY, state_machine_arn TEXT NOT NULL, status TEXT NOT NULL,
  start_ms INTEGER NOT NULL, map_run_arn TEXT NOT NULL, record TEXT NOT NULL, state TEXT);
CREATE INDEX IF NOT EXISTS executions_by_machine
  ON executions (state_machine_arn, start_ms DESC, arn DESC);
CREATE INDEX IF NOT EXISTS executions_by_map_run ON executions (map_run_arn, start_ms DESC, arn DESC);
CREATE INDEX IF NOT EXISTS executions_running ON executions (status) WHERE status = 'RUNNING';
CREATE TABLE IF NOT EXISTS history (
  execution_arn TEXT NOT NULL, id INTEGER NOT NULL, event TEXT NOT NULL,
  PRIMARY KEY (execution_arn, id)) WITHOUT ROWID;
CREATE TABLE IF NOT EXISTS tasks (
  token TEXT PRIMARY KEY, execution_arn TEXT NOT NULL, activity_arn TEXT NOT NULL,
  status TEXT NOT NULL, created_ms INTEGER NOT NULL, record TEXT NOT NULL);
CREATE INDEX IF NOT EXISTS tasks_open ON tasks (status) WHERE status IN ('PENDING', 'STARTED');
CREATE TABLE IF NOT EXISTS timers (
  execution_arn TEXT NOT NULL, timer_id INTEGER NOT NULL, fire_ms INTEGER NOT NULL,
  PRIMARY KEY (execution_arn, timer_id)) WITHOUT ROWID;
CREATE TABLE IF NOT EXISTS outbox (
  token TEXT PRIMARY KEY, execution_arn TEXT NOT NULL, command TEXT NOT NULL);
CREATE TABLE IF NOT EXISTS tags (
  resource_arn TEXT NOT NULL, key TEXT NOT NULL, value TEXT NOT NULL,
  PRIMARY KEY (resource_arn, key)) WITHOUT ROWID;
CREATE TABLE IF NOT EXISTS entries (
  space TEXT NOT NULL, key BLOB NOT NULL, value BLOB NOT NULL,
  PRIMARY KEY (space, key)) WITHOUT ROWID;
INSERT OR IGNORE INTO meta (key, value) VALUES ('schema', '1');
)sql";

Unexpected<Error> store_error(sqlite3* db, std::string_view what) {
  return fail("StoreError", std::string(what) + ": " + sqlite3_errmsg(db));
}

// "<ms>|<arn>": a position in a listing ordered by time, then ARN.
std::string page_key(std::int64_t ms, const std::string& arn) {
  return std::to_string(ms) + "|" + arn;
}

bool split_page_key(const std::string& key, std::int64_t& ms, std::string& arn) {
  auto bar = key.find('|');
  if (bar == std::string::npos) return false;
  auto [ptr, ec] = std::from_chars(key.data(), key.data() + bar, ms);
  if (ec != std::errc() || ptr != key.data() + bar) return false;
  arn = key.substr(bar + 1);
  return true;
}

}  // namespace

// A prepared statement, reset when the scope ends.
class Statement {
 public:
  Statement(sqlite3* db, sqlite3_stmt* stmt) : db_(db), stmt_(stmt) {}
  Statement(const Statement&) = delete;
  Statement& operator=(const Statement&) = delete;
  Statement(Statement&& other) noexcept : db_(other.db_), stmt_(other.stmt_) {
    other.stmt_ = nullptr;
  }
  Statement& operator=(Statement&&) = delete;
  ~Statement() {
    if (stmt_ == nullptr) return;
    sqlite3_reset(stmt_);
    sqlite3_clear_bindings(stmt_);
  }

  Statement& bind(int index, std::string_view text) {
    sqlite3_bind_text(stmt_, index, text.data(), static_cast<int>(text.size()), SQLITE_TRANSIENT);
    return *this;
  }
  Statement& bind(int index, std::int64_t value) {
    sqlite3_bind_int64(stmt_, index, value);
    return *this;
  }
  Statement& bind_blob(int index, std::string_view bytes) {
    sqlite3_bind_blob(stmt_, index, bytes.data(), static_cast<int>(bytes.size()), SQLITE_TRANSIENT);
    return *this;
  }
  Statement& bind_null(int index) {
    sqlite3_bind_null(stmt_, index);
    return *this;
  }
  // SQLITE_ROW, SQLITE_DONE, or an error code.
  int step() { return sqlite3_step(stmt_); }
  std::string text(int column) const { return bytes(sqlite3_column_text(stmt_, column), column); }
  std::string blob(int column) const { return bytes(sqlite3_column_blob(stmt_, column), column); }
  bool is_null(int column) const { return sqlite3_column_type(stmt_, column) == SQLITE_NULL; }
  std::int64_t int64(int column) const { return sqlite3_column_int64(stmt_, column); }
  sqlite3* db() const { return db_; }

 private:
  // The column's bytes, read at `p` (sqlite3_column_text or _blob): they come before the length.
  std::string bytes(const void* p, int column) const {
    if (p == nullptr) return std::string();
    return std::string(static_cast<const char*>(p),
                       static_cast<std::size_t>(sqlite3_column_bytes(stmt_, column)));
  }

  sqlite3* db_;
  sqlite3_stmt* stmt_;
};

struct SqliteStore::Impl {
  sqlite3* db = nullptr;
  std::map<std::string, sqlite3_stmt*, std::less<>> statements;

  ~Impl() {
    for (auto& [sql, stmt] : statements) sqlite3_finalize(stmt);
    if (db != nullptr) sqlite3_close(db);
  }

  Result<Statement> prepare(std::string_view sql) {
    auto it = statements.find(sql);
    if (it == statements.end()) {
      sqlite3_stmt* stmt = nullptr;
      if (sqlite3_prepare_v2(db, sql.data(), static_cast<int>(sql.size()), &stmt, nullptr) !=
          SQLITE_OK) {
        return store_error(db, "cannot prepare a statement");
      }
      it = statements.emplace(std::string(sql), stmt).first;
    }
    return Statement(db, it->second);
  }

  Result<void> exec(const char* sql) {
    char* message = nullptr;
    if (sqlite3_exec(db, sql, nullptr, nullptr, &message) != SQLITE_OK) {
      std::string text = message != nullptr ? message : "unknown error";
      sqlite3_free(message);
      return fail("StoreError", text);
    }
    return {};
  }

  Result<void> run(Statement& s, std::string_view what) {
    int rc = s.step();
    if (rc != SQLITE_DONE && rc != SQLITE_ROW) return store_error(db, what);
    return {};
  }
};

namespace {

// What baton wrote itself: values of up to json::kMaxDepth levels, inside their record.
json::Value parse_record(const std::string& text) {
  auto v = json::parse(text, json::kMaxStoredDepth);
  return v ? *v : json::Value();
}

Resource read_resource(const Statement& s) {
  Resource r;
  r.kind = static_cast<Kind>(s.int64(0));
  r.arn = s.text(1);
  r.name = s.text(2);
  r.parent_arn = s.text(3);
  r.created_ms = s.int64(4);
  r.record = parse_record(s.text(5));
  return r;
}

Execution read_execution(const Statement& s) {
  Execution e;
  e.arn = s.text(0);
  e.state_machine_arn = s.text(1);
  e.status = s.text(2);
  e.start_ms = s.int64(3);
  e.map_run_arn = s.text(4);
  e.record = parse_record(s.text(5));
  if (!s.is_null(6)) e.state = parse_record(s.text(6));
  return e;
}

Task read_task(const Statement& s) {
  Task t;
  t.token = s.text(0);
  t.execution_arn = s.text(1);
  t.activity_arn = s.text(2);
  t.status = s.text(3);
  t.created_ms = s.int64(4);
  t.record = parse_record(s.text(5));
  return t;
}

// A query's one row (or none), read with `read`.
template <class Read>
auto one_row(Statement& s, sqlite3* db, std::string_view what, Read read)
    -> Result<std::optional<decltype(read(s))>> {
  int rc = s.step();
  if (rc == SQLITE_ROW) return std::optional(read(s));
  if (rc != SQLITE_DONE) return store_error(db, what);
  return std::optional<decltype(read(s))>();
}

// Every row of a query, read with `read`.
template <class Read>
auto all_rows(Statement& s, sqlite3* db, std::string_view what, Read read)
    -> Result<std::vector<decltype(read(s))>> {
  std::vector<decltype(read(s))> out;
  int rc = 0;
  while ((rc = s.step()) == SQLITE_ROW) out.push_back(read(s));
  if (rc != SQLITE_DONE) return store_error(db, what);
  return out;
}

// A page asked for with one row more than its limit: drops that row and gives the key to go
// on from in `next` ("" at the end).
template <class T, class Key>
void end_page(std::vector<T>& rows, std::size_t limit, std::string& next, Key key) {
  next.clear();
  if (rows.size() > limit) {
    rows.pop_back();
    next = key(rows.back());
  }
}

constexpr const char* kResourceColumns = "kind, arn, name, parent_arn, created_ms, record";
constexpr const char* kExecutionColumns =
    "arn, state_machine_arn, status, start_ms, map_run_arn, record, state";

}  // namespace

SqliteStore::SqliteStore() : impl_(std::make_unique<Impl>()) {}
SqliteStore::~SqliteStore() = default;

Result<std::unique_ptr<SqliteStore>> SqliteStore::open(const std::string& path,
                                                       const SqliteOptions& options) {
  std::unique_ptr<SqliteStore> store(new SqliteStore());
  sqlite3* db = nullptr;
  int rc = sqlite3_open_v2(
      path.c_str(), &db, SQLITE_OPEN_READWRITE | SQLITE_OPEN_CREATE | SQLITE_OPEN_NOMUTEX, nullptr);
  store->impl_->db = db;
  if (rc != SQLITE_OK) return store_error(db, "cannot open " + path);
  sqlite3_busy_timeout(db, 5000);
  // The write-ahead log and its index stay when baton stops, rather than being made again at
  // the next start: a restart on a full disk can then open the database and serve reads.
  int persist = 1;
  sqlite3_file_control(db, "main", SQLITE_FCNTL_PERSIST_WAL, &persist);
  std::string pragmas = "PRAGMA journal_mode=WAL; PRAGMA synchronous=" +
                        std::string(options.synchronous_full ? "FULL" : "NORMAL") +
                        "; PRAGMA temp_store=MEMORY; PRAGMA cache_size=-65536;";
  if (auto r = store->impl_->exec(pragmas.c_str()); !r) return Unexpected<Error>(r.error());
  if (auto r = store->impl_->exec(kSchema); !r) return Unexpected<Error>(r.error());
  return store;
}

Expected<void, Error> SqliteStore::commit(const WriteBatch& batch) {
  if (batch.empty()) return {};
  Impl& d = *impl_;
  if (auto r = d.exec("BEGIN IMMEDIATE"); !r) return Unexpected<Error>(r.error());
  auto apply = [&](const Op& op) -> Result<void> {
    return std::visit(
        [&](const auto& o) -> Result<void> {
          using T = std::decay_t<decltype(o)>;
          if constexpr (std::is_same_v<T, ops::PutResource>) {
            auto s = d.prepare(
                "INSERT OR REPLACE INTO resources (kind, arn, name, parent_arn, created_ms, "
                "record) VALUES (?, ?, ?, ?, ?, ?)");
            if (!s) return Unexpected<Error>(s.error());
            const Resource& r = o.resource;
            s->bind(1, static_cast<std::int64_t>(r.kind)).bind(2, r.arn).bind(3, r.name);
            s->bind(4, r.parent_arn).bind(5, r.created_ms).bind(6, json::to_string(r.record));
            return d.run(*s, "cannot store a resource");
          } else if constexpr (std::is_same_v<T, ops::DeleteResource>) {
            auto s = d.prepare("DELETE FROM resources WHERE kind = ? AND arn = ?");
            if (!s) return Unexpected<Error>(s.error());
            s->bind(1, static_cast<std::int64_t>(o.kind)).bind(2, o.arn);
            return d.run(*s, "cannot delete a resource");
          } else if constexpr (std::is_same_v<T, ops::PutExecution>) {
            auto s = d.prepare(
                "INSERT OR REPLACE INTO executions (arn, state_machine_arn, status, start_ms, "
                "map_run_arn, record, state) VALUES (?, ?, ?, ?, ?, ?, ?)");
            if (!s) return Unexpected<Error>(s.error());
            const Execution& e = o.execution;
            s->bind(1, e.arn).bind(2, e.state_machine_arn).bind(3, e.status).bind(4, e.start_ms);
            s->bind(5, e.map_run_arn).bind(6, json::to_string(e.record));
            if (e.state.is_null()) {
              s->bind_null(7);
            } else {
              s->bind(7, json::to_string(e.state));
            }
            return d.run(*s, "cannot store an execution");
          } else if constexpr (std::is_same_v<T, ops::UpdateExecutionState>) {
            auto s = d.prepare("UPDATE executions SET status = ?, state = ? WHERE arn = ?");
            if (!s) return Unexpected<Error>(s.error());
            s->bind(1, o.status);
            if (o.state.is_null()) {
              s->bind_null(2);
            } else {
              s->bind(2, json::to_string(o.state));
            }
            s->bind(3, o.arn);
            return d.run(*s, "cannot store an execution's state");
          } else if constexpr (std::is_same_v<T, ops::AppendHistory>) {
            auto s = d.prepare(
                "INSERT OR REPLACE INTO history (execution_arn, id, event) VALUES (?, ?, ?)");
            if (!s) return Unexpected<Error>(s.error());
            s->bind(1, o.execution_arn).bind(2, o.event_id).bind(3, o.event);
            return d.run(*s, "cannot store a history event");
          } else if constexpr (std::is_same_v<T, ops::PutTask>) {
            auto s = d.prepare(
                "INSERT OR REPLACE INTO tasks (token, execution_arn, activity_arn, status, "
                "created_ms, record) VALUES (?, ?, ?, ?, ?, ?)");
            if (!s) return Unexpected<Error>(s.error());
            const Task& t = o.task;
            s->bind(1, t.token).bind(2, t.execution_arn).bind(3, t.activity_arn);
            s->bind(4, t.status).bind(5, t.created_ms).bind(6, json::to_string(t.record));
            return d.run(*s, "cannot store a task");
          } else if constexpr (std::is_same_v<T, ops::PutTimer>) {
            auto s = d.prepare(
                "INSERT OR REPLACE INTO timers (execution_arn, timer_id, fire_ms) VALUES (?, ?, "
                "?)");
            if (!s) return Unexpected<Error>(s.error());
            s->bind(1, o.timer.execution_arn)
                .bind(2, static_cast<std::int64_t>(o.timer.timer_id))
                .bind(3, o.timer.fire_ms);
            return d.run(*s, "cannot store a timer");
          } else if constexpr (std::is_same_v<T, ops::DeleteTimer>) {
            auto s = d.prepare("DELETE FROM timers WHERE execution_arn = ? AND timer_id = ?");
            if (!s) return Unexpected<Error>(s.error());
            s->bind(1, o.execution_arn).bind(2, static_cast<std::int64_t>(o.timer_id));
            return d.run(*s, "cannot delete a timer");
          } else if constexpr (std::is_same_v<T, ops::AddOutbox>) {
            auto s = d.prepare(
                "INSERT OR REPLACE INTO outbox (token, execution_arn, command) VALUES (?, ?, ?)");
            if (!s) return Unexpected<Error>(s.error());
            s->bind(1, o.token).bind(2, o.execution_arn).bind(3, json::to_string(o.command));
            return d.run(*s, "cannot store a command");
          } else if constexpr (std::is_same_v<T, ops::DeleteOutbox>) {
            auto s = d.prepare("DELETE FROM outbox WHERE token = ?");
            if (!s) return Unexpected<Error>(s.error());
            s->bind(1, o.token);
            return d.run(*s, "cannot delete a command");
          } else if constexpr (std::is_same_v<T, ops::PutTag>) {
            auto s = d.prepare(
                "INSERT OR REPLACE INTO tags (resource_arn, key, value) VALUES (?, ?, ?)");
            if (!s) return Unexpected<Error>(s.error());
            s->bind(1, o.resource_arn).bind(2, o.key).bind(3, o.value);
            return d.run(*s, "cannot store a tag");
          } else if constexpr (std::is_same_v<T, ops::DeleteTag>) {
            auto s = d.prepare("DELETE FROM tags WHERE resource_arn = ? AND key = ?");
            if (!s) return Unexpected<Error>(s.error());
            s->bind(1, o.resource_arn).bind(2, o.key);
            return d.run(*s, "cannot delete a tag");
          } else if constexpr (std::is_same_v<T, ops::PutEntry>) {
            auto s =
                d.prepare("INSERT OR REPLACE INTO entries (space, key, value) VALUES (?, ?, ?)");
            if (!s) return Unexpected<Error>(s.error());
            s->bind(1, o.space).bind_blob(2, o.key).bind_blob(3, o.value);
            return d.run(*s, "cannot store an entry");
          } else if constexpr (std::is_same_v<T, ops::DeleteEntry>) {
            auto s = d.prepare("DELETE FROM entries WHERE space = ? AND key = ?");
            if (!s) return Unexpected<Error>(s.error());
            s->bind(1, o.space).bind_blob(2, o.key);
            return d.run(*s, "cannot delete an entry");
          } else {
            static_assert(std::is_same_v<T, ops::DeleteSpace>);
            auto s = d.prepare("DELETE FROM entries WHERE space = ?");
            if (!s) return Unexpected<Error>(s.error());
            s->bind(1, o.space);
            return d.run(*s, "cannot delete entries");
          }
        },
        op);
  };
  for (const Op& op : batch.ops) {
    if (auto r = apply(op); !r) {
      (void)d.exec("ROLLBACK");
      return Unexpected<Error>(r.error());
    }
  }
  if (auto r = d.exec("COMMIT"); !r) {
    (void)d.exec("ROLLBACK");
    return Unexpected<Error>(r.error());
  }
  return {};
}

Result<std::optional<Resource>> SqliteStore::resource(Kind kind, const std::string& arn) {
  static const std::string kSql =
      std::string("SELECT ") + kResourceColumns + " FROM resources WHERE kind = ? AND arn = ?";
  auto s = impl_->prepare(kSql);
  if (!s) return Unexpected<Error>(s.error());
  s->bind(1, static_cast<std::int64_t>(kind)).bind(2, arn);
  return one_row(*s, impl_->db, "cannot read a resource", read_resource);
}

Result<std::optional<Resource>> SqliteStore::resource_by_name(Kind kind, const std::string& name) {
  static const std::string kSql = std::string("SELECT ") + kResourceColumns +
                                  " FROM resources WHERE kind = ? AND name = ? LIMIT 1";
  auto s = impl_->prepare(kSql);
  if (!s) return Unexpected<Error>(s.error());
  s->bind(1, static_cast<std::int64_t>(kind)).bind(2, name);
  return one_row(*s, impl_->db, "cannot read a resource", read_resource);
}

Result<std::vector<Resource>> SqliteStore::resources(Kind kind, const std::string& parent_arn,
                                                     const PageRequest& page, std::string& next) {
  std::int64_t after_ms = -1;
  std::string after_arn;
  bool has_after = !page.after.empty() && split_page_key(page.after, after_ms, after_arn);
  auto s = impl_->prepare(
      std::string("SELECT ") + kResourceColumns +
      " FROM resources WHERE kind = ? AND (? = '' OR parent_arn = ?) AND (? = 0 OR created_ms > "
      "? OR (created_ms = ? AND arn > ?)) ORDER BY created_ms, arn LIMIT ?");
  if (!s) return Unexpected<Error>(s.error());
  s->bind(1, static_cast<std::int64_t>(kind)).bind(2, parent_arn).bind(3, parent_arn);
  s->bind(4, std::int64_t{has_after ? 1 : 0})
      .bind(5, after_ms)
      .bind(6, after_ms)
      .bind(7, after_arn);
  s->bind(8, static_cast<std::int64_t>(page.limit + 1));
  auto out = all_rows(*s, impl_->db, "cannot list resources", read_resource);
  if (!out) return out;
  end_page(*out, page.limit, next, [](const Resource& r) { return page_key(r.created_ms, r.arn); });
  return out;
}

Result<std::optional<Execution>> SqliteStore::execution(const std::string& arn) {
  static const std::string kSql =
      std::string("SELECT ") + kExecutionColumns + " FROM executions WHERE arn = ?";
  auto s = impl_->prepare(kSql);
  if (!s) return Unexpected<Error>(s.error());
  s->bind(1, arn);
  return one_row(*s, impl_->db, "cannot read an execution", read_execution);
}

Result<std::vector<Execution>> SqliteStore::executions(const std::string& state_machine_arn,
                                                       const std::string& map_run_arn,
                                                       const std::string& status,
                                                       const PageRequest& page, std::string& next) {
  std::int64_t after_ms = 0;
  std::string after_arn;
  bool has_after = !page.after.empty() && split_page_key(page.after, after_ms, after_arn);
  std::string column = map_run_arn.empty() ? "state_machine_arn" : "map_run_arn";
  // Without the state, which listings never need.
  auto s = impl_->prepare(
      "SELECT arn, state_machine_arn, status, start_ms, map_run_arn, record, NULL FROM "
      "executions WHERE " +
      column +
      " = ? AND (? = '' OR status = ?) AND (? = 0 OR start_ms < ? OR (start_ms = ? AND arn < "
      "?)) ORDER BY start_ms DESC, arn DESC LIMIT ?");
  if (!s) return Unexpected<Error>(s.error());
  s->bind(1, map_run_arn.empty() ? state_machine_arn : map_run_arn).bind(2, status).bind(3, status);
  s->bind(4, std::int64_t{has_after ? 1 : 0})
      .bind(5, after_ms)
      .bind(6, after_ms)
      .bind(7, after_arn);
  s->bind(8, static_cast<std::int64_t>(page.limit + 1));
  auto out = all_rows(*s, impl_->db, "cannot list executions", read_execution);
  if (!out) return out;
  end_page(*out, page.limit, next, [](const Execution& e) { return page_key(e.start_ms, e.arn); });
  return out;
}

Result<std::map<std::string, std::int64_t>> SqliteStore::execution_counts(
    const std::string& map_run_arn) {
  auto s = impl_->prepare(
      "SELECT status, COUNT(*) FROM executions WHERE map_run_arn = ? GROUP BY status");
  if (!s) return Unexpected<Error>(s.error());
  s->bind(1, map_run_arn);
  std::map<std::string, std::int64_t> out;
  int rc = 0;
  while ((rc = s->step()) == SQLITE_ROW) out[s->text(0)] = s->int64(1);
  if (rc != SQLITE_DONE) return store_error(impl_->db, "cannot count executions");
  return out;
}

Result<std::vector<Execution>> SqliteStore::running_executions() {
  auto s = impl_->prepare(std::string("SELECT ") + kExecutionColumns +
                          " FROM executions WHERE status = 'RUNNING'");
  if (!s) return Unexpected<Error>(s.error());
  return all_rows(*s, impl_->db, "cannot list running executions", read_execution);
}

Result<std::vector<std::string>> SqliteStore::history(const std::string& arn, std::int64_t from,
                                                      std::int64_t to, bool reverse,
                                                      std::size_t limit) {
  auto s = impl_->prepare(reverse ? "SELECT event FROM history WHERE execution_arn = ? AND id >= ? "
                                    "AND (? = 0 OR id <= ?) ORDER BY id DESC LIMIT ?"
                                  : "SELECT event FROM history WHERE execution_arn = ? AND id >= ? "
                                    "AND (? = 0 OR id <= ?) ORDER BY id LIMIT ?");
  if (!s) return Unexpected<Error>(s.error());
  s->bind(1, arn).bind(2, from).bind(3, to).bind(4, to).bind(5, static_cast<std::int64_t>(limit));
  return all_rows(*s, impl_->db, "cannot read history",
                  [](const Statement& row) { return row.text(0); });
}

Result<std::optional<Task>> SqliteStore::task(const std::string& token) {
  auto s = impl_->prepare(
      "SELECT token, execution_arn, activity_arn, status, created_ms, record FROM tasks WHERE "
      "token = ?");
  if (!s) return Unexpected<Error>(s.error());
  s->bind(1, token);
  return one_row(*s, impl_->db, "cannot read a task", read_task);
}

Result<std::vector<Task>> SqliteStore::open_tasks() {
  auto s = impl_->prepare(
      "SELECT token, execution_arn, activity_arn, status, created_ms, record FROM tasks WHERE "
      "status IN ('PENDING', 'STARTED') ORDER BY created_ms");
  if (!s) return Unexpected<Error>(s.error());
  return all_rows(*s, impl_->db, "cannot list tasks", read_task);
}

Result<std::vector<Timer>> SqliteStore::timers() {
  auto s = impl_->prepare("SELECT execution_arn, timer_id, fire_ms FROM timers");
  if (!s) return Unexpected<Error>(s.error());
  return all_rows(*s, impl_->db, "cannot list timers", [](const Statement& row) {
    return Timer{row.text(0), static_cast<std::uint64_t>(row.int64(1)), row.int64(2)};
  });
}

Result<std::vector<OutboxEntry>> SqliteStore::outbox() {
  auto s = impl_->prepare("SELECT token, execution_arn, command FROM outbox");
  if (!s) return Unexpected<Error>(s.error());
  return all_rows(*s, impl_->db, "cannot list commands", [](const Statement& row) {
    return OutboxEntry{row.text(0), row.text(1), parse_record(row.text(2))};
  });
}

Result<std::vector<std::pair<std::string, std::string>>> SqliteStore::tags(
    const std::string& resource_arn) {
  auto s = impl_->prepare("SELECT key, value FROM tags WHERE resource_arn = ? ORDER BY key");
  if (!s) return Unexpected<Error>(s.error());
  s->bind(1, resource_arn);
  return all_rows(*s, impl_->db, "cannot list tags", [](const Statement& row) {
    return std::pair<std::string, std::string>(row.text(0), row.text(1));
  });
}

Result<std::vector<Entry>> SqliteStore::entries(const std::string& space, const std::string& after,
                                                std::size_t limit) {
  auto s = impl_->prepare(
      "SELECT key, value FROM entries WHERE space = ? AND key > ? ORDER BY key LIMIT ?");
  if (!s) return Unexpected<Error>(s.error());
  s->bind(1, space).bind_blob(2, after).bind(3, static_cast<std::int64_t>(limit));
  return all_rows(*s, impl_->db, "cannot list entries", [](const Statement& row) {
    return Entry{row.blob(0), row.blob(1)};
  });
}

Result<std::optional<std::string>> SqliteStore::entry(const std::string& space,
                                                      const std::string& key) {
  auto s = impl_->prepare("SELECT value FROM entries WHERE space = ? AND key = ?");
  if (!s) return Unexpected<Error>(s.error());
  s->bind(1, space).bind_blob(2, key);
  return one_row(*s, impl_->db, "cannot read an entry",
                 [](const Statement& row) { return row.blob(0); });
}

Result<std::vector<std::string>> SqliteStore::check_integrity(bool full) {
  auto s = impl_->prepare(full ? "PRAGMA integrity_check(100)" : "PRAGMA quick_check(100)");
  if (!s) return Unexpected<Error>(s.error());
  std::vector<std::string> problems;
  int rc = SQLITE_ROW;
  while ((rc = s->step()) == SQLITE_ROW) {
    std::string line = s->text(0);
    if (line != "ok") problems.push_back(std::move(line));
  }
  // A page too damaged to check at all is itself the answer.
  if (rc != SQLITE_DONE) problems.push_back(sqlite3_errmsg(impl_->db));
  return problems;
}

std::vector<std::pair<std::string, std::string>> SqliteStore::damaged_executions() {
  Impl& d = *impl_;
  std::vector<std::pair<std::string, std::string>> damaged;
  // Every execution named anywhere: in its table, or in some history. A listing that breaks on
  // a damaged page keeps what it read before it.
  std::set<std::string> arns;
  for (const char* sql :
       {"SELECT arn FROM executions", "SELECT DISTINCT execution_arn FROM history",
        "SELECT arn FROM executions ORDER BY arn"}) {
    auto s = d.prepare(sql);
    if (!s) continue;
    while (s->step() == SQLITE_ROW) arns.insert(s->text(0));
  }
  for (const std::string& arn : arns) {
    // Reading every byte of the row and of its history: a damaged page fails the step.
    auto row =
        d.prepare("SELECT length(record) + ifnull(length(state), 0) FROM executions WHERE arn = ?");
    auto events = d.prepare("SELECT sum(length(event)) FROM history WHERE execution_arn = ?");
    if (!row || !events) continue;
    row->bind(1, arn);
    events->bind(1, arn);
    auto read = d.run(*row, "its record");
    if (read) read = d.run(*events, "its history");
    if (!read) damaged.emplace_back(arn, read.error().cause);
  }
  return damaged;
}

}  // namespace baton::store
