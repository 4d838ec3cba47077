// ImportJobRunner: runs imports uploaded over the API (POST /api/v1/imports)
// on one background thread, so the upload answers at once (202) and the
// client polls the job for its progress, its counts and the rows it refused
// with their line and reason. The upload is spooled to a private file and
// read by the same importer as `insightcrm import` (ingest/importer.h), so
// mapping, validation, duplicates and batches are the CLI's.
//
// Every job is stored (store::ImportJobStore, table import_jobs) when it is
// queued, starts and finishes, so any instance sharing the database answers a
// poll, also after a restart. Progress while running (rows read so far) is
// only in the memory of the instance running it (the newest
// kMaxKeptImportJobs are kept there). An import cut off by a restart leaves
// whole batches: the restarted instance marks its previous process's
// unfinished jobs failed, saying so, and uploading the file again with
// on_duplicate=skip completes the import. Jobs of other live instances (same
// host, another process; or another host) are left alone.
//
// Thread-safety: every method may be called from any thread. The destructor
// lets the running import finish and marks queued ones failed.
#pragma once

#include <cstddef>
#include <cstdint>
#include <filesystem>
#include <map>
#include <mutex>
#include <optional>
#include <string>
#include <vector>

#include "app/import_spool.h"
#include "core/clock.h"
#include "core/result.h"
#include "core/work_queue.h"
#include "ingest/importer.h"
#include "store/database.h"
#include "store/import_job_store.h"

namespace icrm::app {

// Imports waiting behind the running one; more are refused (429).
inline constexpr std::size_t kMaxQueuedImports = 4;
// Refused rows a job keeps with their line and reason; the count goes on.
inline constexpr std::size_t kMaxReportedRejects = 1000;
// Jobs kept in memory for polling; older ones are read from the database.
inline constexpr std::size_t kMaxKeptImportJobs = 1000;
// The error of a job whose process ended before it finished.
inline constexpr std::string_view kImportInterrupted =
    "the server stopped before this import finished; whole batches were stored: upload the file "
    "again with on_duplicate=skip to complete it";

struct RejectedRow {
  std::uint64_t row = 0;   // data row, 1 = the first after the header
  std::uint64_t line = 0;  // line of the upload where it starts
  std::string error;       // column and reason
};

struct ImportJob {
  int64_t id = 0;
  std::string kind;
  std::string status = "queued";  // queued | running | succeeded | failed
  int64_t user_id = 0;            // who uploaded it
  std::uint64_t bytes = 0;        // size of the upload
  std::uint64_t rows_read = 0;    // progress while running
  ingest::ImportSummary summary;  // final counts once succeeded
  std::vector<RejectedRow> rejected;
  std::optional<std::string> error;  // why it failed
  std::string created_at;
  std::optional<std::string> started_at, finished_at;
};

// The stored form and back (summary and refused rows as JSON).
store::ImportJobRecord to_record(const ImportJob& job);
ImportJob from_record(const store::ImportJobRecord& record);

std::string to_json(const ImportJob& job);

class ImportJobRunner {
 public:
  // REQUIRES: db and clock outlive the runner. Uploads are spooled in a
  // private directory of this runner's under `spool_dir` (import_spool.h;
  // stale ones of crashed runners are removed here) and removed after their
  // import.
  ImportJobRunner(store::Database& db, const Clock& clock,
                  std::filesystem::path spool_dir = std::filesystem::temp_directory_path());
  ~ImportJobRunner();
  ImportJobRunner(const ImportJobRunner&) = delete;
  ImportJobRunner& operator=(const ImportJobRunner&) = delete;

  // Queues an import of `upload` with `options` (its file is set here).
  // Errors: the queue is full (rate limited), the spool file cannot be written.
  Result<ImportJob> submit(ingest::ImportOptions options, const std::string& upload,
                           int64_t user_id);
  // This instance's job from memory, any other from the database.
  std::optional<ImportJob> get(int64_t id) const;
  // Blocks until no import is queued or running (tests, shutdown).
  void wait_idle();

 private:
  struct Task {
    int64_t id;
    ingest::ImportOptions options;
  };
  void run(Task& task);
  template <typename Fn>
  void update(int64_t id, Fn&& fn);

  // Fails the unfinished jobs a previous process on this host left behind.
  void fail_orphans();
  void persist_finish(const ImportJob& job);

  store::Database& db_;
  const Clock& clock_;
  mutable store::ImportJobStore store_;
  std::string runner_name_;                     // "host:pid:nonce"
  Result<std::unique_ptr<ImportSpool>> spool_;  // or why there is none
  mutable std::mutex mu_;
  std::map<int64_t, ImportJob> jobs_;  // guarded by mu_
  WorkQueue<Task> queue_;              // started last, stopped first
};

}  // namespace icrm::app
