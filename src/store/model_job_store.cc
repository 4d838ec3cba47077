#include "store/model_job_store.h"

#include <soci/soci.h>

#include <boost/json/parse.hpp>
#include <boost/json/serialize.hpp>

#include "store/model_registry.h"
#include "store/sql_support.h"

namespace icrm::store {
namespace {

constexpr std::string_view kColumns =
    "id, entity, target, request, status, progress, model_id, error, requested_by, created_at, "
    "started_at, finished_at";
constexpr size_t kColumnCount = 12;

ModelJob from_row(const SqlRow& r) {
  ModelJob j;
  j.id = cell_int(r[0]);
  j.entity = cell_text(r[1]);
  j.target = cell_text(r[2]);
  boost::system::error_code ec;
  j.request = boost::json::parse(cell_text(r[3]), ec);
  if (ec) j.request = nullptr;
  j.status = cell_text(r[4]);
  j.progress = cell_opt_text(r[5]);
  j.model_id = cell_opt_int(r[6]);
  j.error = cell_opt_text(r[7]);
  j.requested_by = cell_opt_int(r[8]);
  j.created_at = cell_time(r[9]);
  j.started_at = cell_opt_time(r[10]);
  j.finished_at = cell_opt_time(r[11]);
  return j;
}

// Cut at a UTF-8 character boundary.
std::string clip(std::string_view text) {
  if (text.size() <= kMaxJobMessageLength) return std::string(text);
  size_t n = kMaxJobMessageLength;
  while (n > 0 && (static_cast<unsigned char>(text[n]) & 0xC0) == 0x80) --n;
  return std::string(text.substr(0, n));
}

// Runs an UPDATE guarded by the statuses the job may be in; a conflict when
// it is in another, not_found when there is no such job.
Status transition(Database& db, int64_t id, const std::string& update, SqlParams params,
                  std::string_view allowed, std::string_view to) {
  auto lease = db.lease();
  if (!lease) return lease.error();
  try {
    params.push_back(SqlValue::of(id));
    if (exec(**lease, update + " WHERE id = :id AND status IN (" + std::string(allowed) + ")",
             params) == 1)
      return {};
    auto rows =
        query_rows(**lease, "SELECT status FROM model_jobs WHERE id = :id", {SqlValue::of(id)}, 1);
    if (rows.empty()) return Error::not_found("no training job with id " + std::to_string(id));
    return Error::conflict("training job " + std::to_string(id) + " is " +
                           cell_text(rows.front()[0]) + "; it cannot become " + std::string(to));
  } catch (const std::exception& e) {
    return db_error(e, "cannot update the training job");
  }
}

}  // namespace

boost::json::object to_json(const ModelJob& j) {
  auto opt_text = [](const std::optional<std::string>& v) {
    return v ? boost::json::value(*v) : boost::json::value(nullptr);
  };
  auto opt_time = [](const std::optional<Timestamp>& v) {
    return v ? boost::json::value(format_timestamp(*v)) : boost::json::value(nullptr);
  };
  auto opt_int = [](const std::optional<int64_t>& v) {
    return v ? boost::json::value(*v) : boost::json::value(nullptr);
  };
  return {{"id", j.id},
          {"entity", j.entity},
          {"target", j.target},
          {"request", j.request},
          {"status", j.status},
          {"progress", opt_text(j.progress)},
          {"model_id", opt_int(j.model_id)},
          {"error", opt_text(j.error)},
          {"requested_by", opt_int(j.requested_by)},
          {"created_at", format_timestamp(j.created_at)},
          {"started_at", opt_time(j.started_at)},
          {"finished_at", opt_time(j.finished_at)}};
}

Result<ModelJob> ModelJobStore::create(std::string entity, std::string target,
                                       boost::json::value request,
                                       std::optional<int64_t> requested_by) {
  if (!is_model_entity(entity))
    return Error::invalid("entity must be leads or customers, not \"" + entity + "\"", "entity");
  if (target.empty() || target.size() > kMaxModelTargetLength)
    return Error::invalid("target must be 1 to " + std::to_string(kMaxModelTargetLength) + " bytes",
                          "target");
  auto lease = db_.lease();
  if (!lease) return lease.error();
  try {
    auto rows = query_rows(
        **lease,
        "INSERT INTO model_jobs (entity, target, request, status, requested_by, created_at) "
        "VALUES (:e, :t, :r, 'queued', :u, :c) RETURNING " +
            std::string(kColumns),
        {SqlValue::of(entity), SqlValue::of(target), SqlValue::of(boost::json::serialize(request)),
         SqlValue::of(requested_by), SqlValue::of(clock_.now())},
        kColumnCount);
    return from_row(rows.front());
  } catch (const std::exception& e) {
    return db_error(e, "cannot create the training job");
  }
}

Result<ModelJob> ModelJobStore::get(int64_t id) {
  auto lease = db_.lease();
  if (!lease) return lease.error();
  try {
    auto rows =
        query_rows(**lease, "SELECT " + std::string(kColumns) + " FROM model_jobs WHERE id = :id",
                   {SqlValue::of(id)}, kColumnCount);
    if (rows.empty()) return Error::not_found("no training job with id " + std::to_string(id));
    return from_row(rows.front());
  } catch (const std::exception& e) {
    return db_error(e, "cannot read the training job");
  }
}

Result<std::optional<ModelJob>> ModelJobStore::unfinished(std::string_view entity,
                                                          std::string_view target) {
  auto lease = db_.lease();
  if (!lease) return lease.error();
  try {
    auto rows = query_rows(**lease,
                           "SELECT " + std::string(kColumns) +
                               " FROM model_jobs WHERE entity = :e AND target = :t AND status IN "
                               "('queued', 'running') ORDER BY id LIMIT 1",
                           {SqlValue::of(std::string(entity)), SqlValue::of(std::string(target))},
                           kColumnCount);
    if (rows.empty()) return std::optional<ModelJob>{};
    return std::optional<ModelJob>(from_row(rows.front()));
  } catch (const std::exception& e) {
    return db_error(e, "cannot read training jobs");
  }
}

Status ModelJobStore::start(int64_t id) {
  return transition(db_, id, "UPDATE model_jobs SET status = 'running', started_at = :s",
                    {SqlValue::of(clock_.now())}, "'queued'", "running");
}

Status ModelJobStore::progress(int64_t id, std::string_view line) {
  return transition(db_, id, "UPDATE model_jobs SET progress = :p", {SqlValue::of(clip(line))},
                    "'running'", "running");
}

Status ModelJobStore::succeed(int64_t id, int64_t model_id) {
  return transition(db_, id,
                    "UPDATE model_jobs SET status = 'succeeded', model_id = :m, finished_at = :f",
                    {SqlValue::of(model_id), SqlValue::of(clock_.now())}, "'running'", "succeeded");
}

Status ModelJobStore::fail(int64_t id, std::string_view error) {
  return transition(
      db_, id, "UPDATE model_jobs SET status = 'failed', error = :e, finished_at = :f",
      {SqlValue::of(clip(error)), SqlValue::of(clock_.now())}, "'queued', 'running'", "failed");
}

}  // namespace icrm::store
