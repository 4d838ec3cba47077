// ImportJobStore: imports uploaded over the API (table `import_jobs`,
// migration 0010), so a job can still be polled after the instance that ran
// it restarts. A job moves queued -> running -> succeeded | failed. Progress
// while running lives in the runner's memory (writing it here would compete
// with the import for SQLite's write lock); what is stored is each change of
// status and, at the end, the counts and the refused rows.
// Thread-safe as Database is.
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "core/result.h"
#include "core/time.h"
#include "store/database.h"

namespace icrm::store {

struct ImportJobRecord {
  int64_t id = 0;
  std::string kind;
  std::string status = "queued";  // queued | running | succeeded | failed
  int64_t user_id = 0;
  std::string runner;  // "host:pid:nonce" of the process that took the upload
  int64_t bytes = 0;
  int64_t rows_read = 0;
  std::optional<std::string> summary_json;  // the final summary line, once succeeded
  std::string rejected_json = "[]";         // [{row, line, error}, ...]
  std::optional<std::string> error;
  Timestamp created_at{};
  std::optional<Timestamp> started_at, finished_at;
};

class ImportJobStore {
 public:
  explicit ImportJobStore(Database& db) : db_(db) {}

  // Stores a new queued job; returns it with its id.
  Result<ImportJobRecord> create(ImportJobRecord job);
  Result<ImportJobRecord> get(int64_t id);
  // queued -> running.
  Status start(int64_t id, Timestamp at);
  // running -> succeeded | failed, with everything the job ended with.
  Status finish(const ImportJobRecord& job);
  // Jobs still queued or running, oldest first.
  Result<std::vector<ImportJobRecord>> unfinished();
  // queued | running -> failed with `reason`, whoever ran it (a job whose
  // process is gone). A conflict when it has already finished.
  Status fail(int64_t id, std::string_view reason, Timestamp at);

 private:
  Database& db_;
};

}  // namespace icrm::store
