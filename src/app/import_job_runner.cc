#include "app/import_job_runner.h"

#include <fmt/format.h>
#include <unistd.h>

#include <boost/json.hpp>
#include <cerrno>
#include <csignal>
#include <random>

namespace icrm::app {

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
  if (job.status == "succeeded")
    out["summary"] = std::move(summary);
  else
    out["summary"] = nullptr;
  return boost::json::serialize(out);
}

namespace {

std::optional<std::string> time_text(const std::optional<Timestamp>& t) {
  if (!t) return std::nullopt;
  return format_timestamp(*t);
}

std::optional<Timestamp> text_time(const std::optional<std::string>& s) {
  if (!s) return std::nullopt;
  auto t = parse_timestamp(*s);
  if (!t) return std::nullopt;
  return *t;
}

std::uint64_t count_of(const boost::json::object& o, std::string_view key) {
  auto* v = o.if_contains(key);
  if (v == nullptr) return 0;
  if (v->is_uint64()) return v->as_uint64();
  if (v->is_int64() && v->as_int64() >= 0) return static_cast<std::uint64_t>(v->as_int64());
  return 0;
}

std::string host_name() {
  char name[256] = {};
  if (::gethostname(name, sizeof name - 1) != 0) return "localhost";
  return name;
}

// Random once per process: tells this process from an earlier one that had
// the same pid (a container restarted, where the server is always pid 1).
const std::string& process_nonce() {
  static const std::string nonce = [] {
    std::random_device rd;
    return fmt::format("{:08x}{:08x}", rd(), rd());
  }();
  return nonce;
}

// "host:pid:nonce" -> whether that process is gone (a restart of this
// instance). Another host's jobs, and a live process's, are never touched.
bool orphaned_here(const std::string& runner, const std::string& host) {
  auto last = runner.rfind(':');
  if (last == std::string::npos || last == 0) return false;
  auto colon = runner.rfind(':', last - 1);
  if (colon == std::string::npos || runner.substr(0, colon) != host) return false;
  long pid = std::strtol(runner.c_str() + colon + 1, nullptr, 10);
  if (pid <= 0) return false;
  if (pid == ::getpid()) return runner.substr(last + 1) != process_nonce();
  return ::kill(static_cast<pid_t>(pid), 0) != 0 && errno == ESRCH;
}

}  // namespace

store::ImportJobRecord to_record(const ImportJob& job) {
  store::ImportJobRecord r;
  r.id = job.id;
  r.kind = job.kind;
  r.status = job.status;
  r.user_id = job.user_id;
  r.bytes = static_cast<int64_t>(job.bytes);
  r.rows_read = static_cast<int64_t>(job.rows_read);
  if (job.status == "succeeded") r.summary_json = job.summary.to_json();
  boost::json::array rejected;
  for (const RejectedRow& x : job.rejected)
    rejected.push_back(boost::json::object{{"row", x.row}, {"line", x.line}, {"error", x.error}});
  r.rejected_json = boost::json::serialize(rejected);
  r.error = job.error;
  r.created_at = text_time(job.created_at).value_or(Timestamp{});
  r.started_at = text_time(job.started_at);
  r.finished_at = text_time(job.finished_at);
  return r;
}

ImportJob from_record(const store::ImportJobRecord& r) {
  ImportJob job;
  job.id = r.id;
  job.kind = r.kind;
  job.status = r.status;
  job.user_id = r.user_id;
  job.bytes = static_cast<std::uint64_t>(r.bytes);
  job.rows_read = static_cast<std::uint64_t>(r.rows_read);
  boost::system::error_code ec;
  if (r.summary_json) {
    auto v = boost::json::parse(*r.summary_json, ec);
    if (!ec && v.is_object()) {
      const auto& o = v.as_object();
      job.summary.rows = count_of(o, "rows");
      job.summary.imported = count_of(o, "imported");
      job.summary.updated = count_of(o, "updated");
      job.summary.skipped = count_of(o, "skipped");
      job.summary.rejected = count_of(o, "rejected");
      if (auto* s = o.if_contains("seconds"); s && s->is_number())
        job.summary.seconds = s->to_number<double>();
    }
  }
  auto rejected = boost::json::parse(r.rejected_json, ec);
  if (!ec && rejected.is_array()) {
    for (const auto& x : rejected.as_array()) {
      if (!x.is_object()) continue;
      const auto& o = x.as_object();
      const auto* e = o.if_contains("error");
      job.rejected.push_back({count_of(o, "row"), count_of(o, "line"),
                              e && e->is_string() ? std::string(e->as_string()) : std::string()});
    }
  }
  job.error = r.error;
  job.created_at = format_timestamp(r.created_at);
  job.started_at = time_text(r.started_at);
  job.finished_at = time_text(r.finished_at);
  return job;
}

ImportJobRunner::ImportJobRunner(store::Database& db, const Clock& clock,
                                 std::filesystem::path spool_dir)
    : db_(db),
      clock_(clock),
      store_(db),
      runner_name_(fmt::format("{}:{}:{}", host_name(), ::getpid(), process_nonce())),
      spool_(ImportSpool::open(spool_dir)),
      queue_([this](Task& task) {
        run(task);
        std::error_code ec;
        std::filesystem::remove(task.options.file, ec);
      }) {
  fail_orphans();
}

void ImportJobRunner::fail_orphans() {
  // A database that cannot be read now is reported by the first poll or upload.
  auto jobs = store_.unfinished();
  if (!jobs) return;
  const std::string host = host_name();
  for (const auto& job : *jobs) {
    if (orphaned_here(job.runner, host))
      (void)store_.fail(job.id, kImportInterrupted, clock_.now());
  }
}

void ImportJobRunner::persist_finish(const ImportJob& job) {
  // The job in memory stays right for this instance; another instance (or this
  // one after a restart) would see the job unfinished, then failed as orphaned.
  (void)store_.finish(to_record(job));
}

ImportJobRunner::~ImportJobRunner() {
  auto left = queue_.stop();
  std::lock_guard lock(mu_);
  for (Task& t : left) {
    auto it = jobs_.find(t.id);
    if (it != jobs_.end()) {
      it->second.status = "failed";
      it->second.error = "the server stopped before the import started; upload it again";
      it->second.finished_at = format_timestamp(clock_.now());
      persist_finish(it->second);
    }
    std::error_code ec;
    std::filesystem::remove(t.options.file, ec);
  }
}

Result<ImportJob> ImportJobRunner::submit(ingest::ImportOptions options, const std::string& upload,
                                          int64_t user_id) {
  if (std::size_t waiting = queue_.waiting(); waiting >= kMaxQueuedImports)
    return Error::rate_limited(
        fmt::format("{} imports are already waiting; try again when one has finished", waiting));
  ImportJob job;
  job.kind = std::string(store::entity_name(options.kind));
  job.user_id = user_id;
  job.bytes = upload.size();
  job.created_at = format_timestamp(clock_.now());
  auto record = to_record(job);
  record.runner = runner_name_;
  auto stored = store_.create(std::move(record));
  if (!stored) return stored.error();
  const int64_t id = job.id = stored->id;
  auto path = spool_ ? (*spool_)->write(upload) : Result<std::string>(spool_.error());
  if (!path) {
    (void)store_.fail(id, "the upload could not be spooled", clock_.now());
    return Error::unavailable("cannot spool the upload: " + path.error().message);
  }
  options.file = std::move(*path);
  options.rejects_path.clear();  // refused rows are kept in the job
  {
    std::lock_guard lock(mu_);
    jobs_[id] = job;
    while (jobs_.size() > kMaxKeptImportJobs) jobs_.erase(jobs_.begin());
  }
  std::string file = options.file;
  if (!queue_.push({id, std::move(options)})) {
    std::error_code ec;
    std::filesystem::remove(file, ec);
    (void)store_.fail(id, "the server is stopping", clock_.now());
    std::lock_guard lock(mu_);
    jobs_.erase(id);  // get() then reads the stored, failed job, not "queued"
    return Error::unavailable("the server is stopping; try again later");
  }
  return job;
}

std::optional<ImportJob> ImportJobRunner::get(int64_t id) const {
  {
    std::lock_guard lock(mu_);
    auto it = jobs_.find(id);
    if (it != jobs_.end()) return it->second;
  }
  auto stored = store_.get(id);
  if (!stored) return std::nullopt;
  return from_record(*stored);
}

void ImportJobRunner::wait_idle() { queue_.wait_idle(); }

template <typename Fn>
void ImportJobRunner::update(int64_t id, Fn&& fn) {
  std::lock_guard lock(mu_);
  auto it = jobs_.find(id);
  if (it != jobs_.end()) fn(it->second);
}

void ImportJobRunner::run(Task& task) {
  const Timestamp started = clock_.now();
  (void)store_.start(task.id, started);
  update(task.id, [&](ImportJob& j) {
    j.status = "running";
    j.started_at = format_timestamp(started);
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
    persist_finish(j);
  });
}

}  // namespace icrm::app
