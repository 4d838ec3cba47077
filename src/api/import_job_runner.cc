#include "api/import_job_runner.h"

#include <boost/json.hpp>
#include <fmt/format.h>
#include <unistd.h>

#include <fstream>

namespace icrm::api {

std::string to_json(const ImportJob& job) {
  boost::json::array rejected;
  for (const RejectedRow& r : job.rejected)
    rejected.push_back(boost::json::object{{"row", r.row}, {"line", r.line}, {"error", r.error}});
  auto opt = [](const std::optional<std::string>& s) -> boost::json::value {
    if (!s) return nullptr;
    return boost::json::string(*s);
  };
  boost::json::object summary;
  if (job.status == "succeeded") summary = boost::json::parse(job.summary.to_json()).as_object();
  boost::json::object out{{"id", job.id},
                          {"kind", job.kind},
                          {"status", job.status},
                          {"bytes", job.bytes},
                          {"rows_read", job.rows_read},
                          {"rejected_rows", std::move(rejected)},
                          {"rejected_rows_truncated", job.summary.rejected > job.rejected.size()},
                          {"error", opt(job.error)},
                          {"created_at", job.created_at},
                          {"started_at", opt(job.started_at)},
                          {"finished_at", opt(job.finished_at)}};
  if (job.status == "succeeded") out["summary"] = std::move(summary);
  else out["summary"] = nullptr;
  return boost::json::serialize(out);
}

ImportJobRunner::ImportJobRunner(store::Database& db, const Clock& clock, std::filesystem::path spool_dir)
    : db_(db), clock_(clock), spool_dir_(std::move(spool_dir)) {
  worker_ = std::thread([this] { work(); });
}

ImportJobRunner::~ImportJobRunner() {
  {
    std::lock_guard lock(mu_);
    stopping_ = true;
  }
  cv_.notify_all();
  worker_.join();
  std::lock_guard lock(mu_);
  for (Task& t : queue_) {
    std::error_code ec;
    std::filesystem::remove(t.options.file, ec);
  }
}

Result<ImportJob> ImportJobRunner::submit(ingest::ImportOptions options, const std::string& upload,
                                          int64_t user_id) {
  std::unique_lock lock(mu_);
  if (queue_.size() >= kMaxQueuedImports)
    return Error::rate_limited(fmt::format("{} imports are already waiting; try again when one has finished",
                                           queue_.size()));
  int64_t id = next_id_++;
  lock.unlock();
  std::error_code ec;
  std::filesystem::create_directories(spool_dir_, ec);
  auto path = spool_dir_ / fmt::format("icrm-import-{}-{}.upload", ::getpid(), id);
  {
    std::ofstream out(path, std::ios::binary | std::ios::trunc);
    out.write(upload.data(), static_cast<std::streamsize>(upload.size()));
    if (!out.flush()) {
      std::filesystem::remove(path, ec);
      return Error::unavailable("cannot spool the upload to " + path.string());
    }
  }
  options.file = path.string();
  options.rejects_path.clear();  // refused rows are kept in the job
  ImportJob job;
  job.id = id;
  job.kind = std::string(ingest::record_kind_name(options.kind));
  job.user_id = user_id;
  job.bytes = upload.size();
  job.created_at = format_timestamp(clock_.now());
  lock.lock();
  jobs_[id] = job;
  while (jobs_.size() > kMaxKeptImportJobs) jobs_.erase(jobs_.begin());
  queue_.push_back({id, std::move(options)});
  cv_.notify_all();
  return job;
}

std::optional<ImportJob> ImportJobRunner::get(int64_t id) const {
  std::lock_guard lock(mu_);
  auto it = jobs_.find(id);
  if (it == jobs_.end()) return std::nullopt;
  return it->second;
}

void ImportJobRunner::wait_idle() {
  std::unique_lock lock(mu_);
  cv_.wait(lock, [&] { return queue_.empty() && !busy_; });
}

template <typename Fn>
void ImportJobRunner::update(int64_t id, Fn&& fn) {
  std::lock_guard lock(mu_);
  auto it = jobs_.find(id);
  if (it != jobs_.end()) fn(it->second);
}

void ImportJobRunner::work() {
  std::unique_lock lock(mu_);
  while (true) {
    cv_.wait(lock, [&] { return stopping_ || !queue_.empty(); });
    if (stopping_) {
      for (Task& t : queue_) {
        auto it = jobs_.find(t.id);
        if (it != jobs_.end()) {
          it->second.status = "failed";
          it->second.error = "the server stopped before the import started; upload it again";
        }
      }
      return;
    }
    Task task = std::move(queue_.front());
    queue_.pop_front();
    busy_ = true;
    lock.unlock();
    run(task);
    std::error_code ec;
    std::filesystem::remove(task.options.file, ec);
    lock.lock();
    busy_ = false;
    cv_.notify_all();
  }
}

void ImportJobRunner::run(Task& task) {
  update(task.id, [&](ImportJob& j) {
    j.status = "running";
    j.started_at = format_timestamp(clock_.now());
  });
  ingest::ImportReporter reporter;
  // Progress is published every kProgressRows rows, not every row: the lock
  // is shared with pollers.
  constexpr std::uint64_t kProgressRows = 1000;
  reporter.progress = [&](std::uint64_t rows) {
    if (rows % kProgressRows == 0) update(task.id, [&](ImportJob& j) { j.rows_read = rows; });
  };
  reporter.rejected_at = [&](std::uint64_t row, std::uint64_t line, const std::string& error) {
    update(task.id, [&](ImportJob& j) {
      if (j.rejected.size() < kMaxReportedRejects) j.rejected.push_back({row, line, error});
    });
  };
  auto summary = ingest::run_import(db_, task.options, clock_, reporter);
  update(task.id, [&](ImportJob& j) {
    j.finished_at = format_timestamp(clock_.now());
    if (summary) {
      j.status = "succeeded";
      j.summary = *summary;
      j.rows_read = summary->rows;
    } else {
      j.status = "failed";
      j.error = summary.error().to_string();
    }
  });
}

}  // namespace icrm::api
