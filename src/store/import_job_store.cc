#include "store/import_job_store.h"

#include "store/sql_support.h"

namespace icrm::store {
namespace {

constexpr std::string_view kColumns =
    "id, kind, status, user_id, runner, bytes, rows_read, summary, rejected, error, created_at, "
    "started_at, finished_at";
constexpr size_t kColumnCount = 13;

ImportJobRecord from_row(const SqlRow& r) {
  ImportJobRecord j;
  j.id = cell_int(r[0]);
  j.kind = cell_text(r[1]);
  j.status = cell_text(r[2]);
  j.user_id = cell_int(r[3]);
  j.runner = cell_text(r[4]);
  j.bytes = cell_int(r[5]);
  j.rows_read = cell_int(r[6]);
  j.summary_json = cell_opt_text(r[7]);
  j.rejected_json = cell_opt_text(r[8]).value_or("[]");
  j.error = cell_opt_text(r[9]);
  j.created_at = cell_time(r[10]);
  j.started_at = cell_opt_time(r[11]);
  j.finished_at = cell_opt_time(r[12]);
  return j;
}

Error no_job(int64_t id) { return Error::not_found("no import job with id " + std::to_string(id)); }

}  // namespace

Result<ImportJobRecord> ImportJobStore::create(ImportJobRecord job) {
  return with_connection(
      db_, "storing an import job", [&](soci::session& s) -> Result<ImportJobRecord> {
        auto rows =
            query_rows(s,
                       "INSERT INTO import_jobs (kind, status, user_id, runner, bytes, created_at) "
                       "VALUES (:p0, 'queued', :p1, :p2, :p3, :p4) RETURNING id",
                       {SqlValue::of(job.kind), SqlValue::of(job.user_id), SqlValue::of(job.runner),
                        SqlValue::of(job.bytes), SqlValue::of(job.created_at)},
                       1);
        job.id = cell_int(rows.at(0)[0]);
        job.status = "queued";
        return job;
      });
}

Result<ImportJobRecord> ImportJobStore::get(int64_t id) {
  return with_connection(
      db_, "reading an import job", [&](soci::session& s) -> Result<ImportJobRecord> {
        auto rows =
            query_rows(s, "SELECT " + std::string(kColumns) + " FROM import_jobs WHERE id = :id",
                       {SqlValue::of(id)}, kColumnCount);
        if (rows.empty()) return no_job(id);
        return from_row(rows.front());
      });
}

Status ImportJobStore::start(int64_t id, Timestamp at) {
  return with_connection(db_, "starting an import job", [&](soci::session& s) -> Status {
    if (exec(s,
             "UPDATE import_jobs SET status = 'running', started_at = :p0 "
             "WHERE id = :p1 AND status = 'queued'",
             {SqlValue::of(at), SqlValue::of(id)}) == 1)
      return {};
    return Error::conflict("import job " + std::to_string(id) + " is not queued");
  });
}

Status ImportJobStore::finish(const ImportJobRecord& job) {
  if (job.status != "succeeded" && job.status != "failed") {
    return Error::invalid("an import job finishes as succeeded or failed, not " + job.status,
                          "status");
  }
  return with_connection(db_, "finishing an import job", [&](soci::session& s) -> Status {
    if (exec(s,
             "UPDATE import_jobs SET status = :p0, rows_read = :p1, summary = :p2, rejected = :p3, "
             "error = :p4, finished_at = :p5 WHERE id = :p6 AND status IN ('queued', 'running')",
             {SqlValue::of(job.status), SqlValue::of(job.rows_read), SqlValue::of(job.summary_json),
              SqlValue::of(job.rejected_json), SqlValue::of(job.error),
              SqlValue::of(job.finished_at), SqlValue::of(job.id)}) == 1)
      return {};
    return Error::conflict("import job " + std::to_string(job.id) + " has already finished");
  });
}

Result<std::vector<ImportJobRecord>> ImportJobStore::unfinished() {
  return with_connection(
      db_, "reading unfinished import jobs",
      [&](soci::session& s) -> Result<std::vector<ImportJobRecord>> {
        std::vector<ImportJobRecord> out;
        for (const auto& row :
             query_rows(s,
                        "SELECT " + std::string(kColumns) +
                            " FROM import_jobs WHERE status IN ('queued', 'running') ORDER BY id",
                        {}, kColumnCount))
          out.push_back(from_row(row));
        return out;
      });
}

Status ImportJobStore::fail(int64_t id, std::string_view reason, Timestamp at) {
  return with_connection(db_, "failing an import job", [&](soci::session& s) -> Status {
    if (exec(s,
             "UPDATE import_jobs SET status = 'failed', error = :p0, finished_at = :p1 "
             "WHERE id = :p2 AND status IN ('queued', 'running')",
             {SqlValue::of(std::string(reason)), SqlValue::of(at), SqlValue::of(id)}) == 1)
      return {};
    return Error::conflict("import job " + std::to_string(id) + " has already finished");
  });
}

}  // namespace icrm::store
