// ModelJobRunner: runs training and scoring jobs requested over the API on
// one background thread, so a request that starts minutes of training
// answers at once (202) and the client polls the job. Jobs are recorded in
// the shared database (store/model_job_store.h) — queued, running with the
// trainer's latest progress line, then succeeded or failed — so a poll may
// land on any instance. One job runs at a time per instance: training is CPU
// bound, and a second one at once would only slow both down.
//
// Thread-safety: submit() from any thread. The destructor lets the running
// job finish and marks jobs still queued as failed.
#pragma once

#include <cstddef>
#include <cstdint>
#include <optional>
#include <string>

#include "core/clock.h"
#include "core/result.h"
#include "core/work_queue.h"
#include "models/trainer.h"
#include "store/actor.h"
#include "store/database.h"
#include "store/model_job_store.h"

namespace icrm::app {

// More queued jobs than this per instance are refused (503 with Retry-After).
inline constexpr std::size_t kMaxQueuedModelJobs = 8;
// Progress lines are written to the job row at most this often.
inline constexpr std::chrono::milliseconds kJobProgressInterval{500};

struct ModelJobRequest {
  enum class Action { kTrain, kScore } action = Action::kTrain;
  std::string entity;          // leads | customers
  std::string target;          // converted | churned
  models::TrainOptions train;  // kTrain: models, seed, split
  bool activate = false;       // kTrain
  store::Actor actor = store::Actor::system();
};

class ModelJobRunner {
 public:
  // REQUIRES: db and clock outlive the runner.
  ModelJobRunner(store::Database& db, const Clock& clock);
  ~ModelJobRunner();
  ModelJobRunner(const ModelJobRunner&) = delete;
  ModelJobRunner& operator=(const ModelJobRunner&) = delete;

  // Records the job as queued and hands it to the worker. Errors: a training
  // job of the same (entity, target) is unfinished (conflict), the queue is
  // full (rate limited), the database fails.
  Result<store::ModelJob> submit(ModelJobRequest request);

  // Blocks until no job is queued or running (tests, shutdown).
  void wait_idle();

 private:
  struct Task {
    int64_t job_id;
    ModelJobRequest request;
  };
  void run(const Task& task);

  store::Database& db_;
  const Clock& clock_;
  WorkQueue<Task> queue_;  // started last, stopped first
};

}  // namespace icrm::app
