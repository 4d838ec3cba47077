// ModelJobStore: training runs requested over the API (table `model_jobs`,
// migration 0004), so a client can poll a job on any instance sharing the
// database. A job moves queued -> running -> succeeded | failed, once; a
// status change that does not follow that order is a conflict.
// Thread-safe as Database is.
#pragma once

#include <boost/json/value.hpp>
#include <cstdint>
#include <optional>
#include <string>
#include <string_view>

#include "core/clock.h"
#include "core/result.h"
#include "store/database.h"

namespace icrm::store {

// A progress line or an error message is cut to this many bytes.
inline constexpr size_t kMaxJobMessageLength = 2000;

struct ModelJob {
  int64_t id = 0;
  std::string entity;
  std::string target;
  boost::json::value request;  // the training options asked for
  std::string status;          // queued | running | succeeded | failed
  std::optional<std::string> progress;
  std::optional<int64_t> model_id;
  std::optional<std::string> error;
  std::optional<int64_t> requested_by;
  Timestamp created_at{};
  std::optional<Timestamp> started_at;
  std::optional<Timestamp> finished_at;
};

boost::json::object to_json(const ModelJob& job);

class ModelJobStore {
 public:
  ModelJobStore(Database& db, const Clock& clock) : db_(db), clock_(clock) {}

  // A new queued job.
  Result<ModelJob> create(std::string entity, std::string target, boost::json::value request,
                          std::optional<int64_t> requested_by);
  Result<ModelJob> get(int64_t id);
  // Jobs of (entity, target) still queued or running, oldest first.
  Result<std::optional<ModelJob>> unfinished(std::string_view entity, std::string_view target);
  // queued -> running.
  Status start(int64_t id);
  // Replaces the progress line of a running job.
  Status progress(int64_t id, std::string_view line);
  // running -> succeeded, with the model it registered.
  Status succeed(int64_t id, int64_t model_id);
  // queued | running -> failed, with the reason.
  Status fail(int64_t id, std::string_view error);

 private:
  Database& db_;
  const Clock& clock_;
};

}  // namespace icrm::store
