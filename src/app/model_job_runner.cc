#include "app/model_job_runner.h"

#include <fmt/format.h>

#include <boost/json/object.hpp>
#include <chrono>

#include "models/record_training.h"

namespace icrm::app {

ModelJobRunner::ModelJobRunner(store::Database& db, const Clock& clock)
    : db_(db), clock_(clock), queue_([this](Task& task) { run(task); }) {}

ModelJobRunner::~ModelJobRunner() {
  auto left = queue_.stop();
  store::ModelJobStore jobs(db_, clock_);
  for (const auto& task : left)
    (void)jobs.fail(task.job_id, "the server stopped before the job ran");
}

Result<store::ModelJob> ModelJobRunner::submit(ModelJobRequest request) {
  store::ModelJobStore jobs(db_, clock_);
  if (std::size_t waiting = queue_.waiting(); waiting >= kMaxQueuedModelJobs)
    return Error::rate_limited(
        fmt::format("{} model jobs are already waiting; try again later", waiting));
  if (request.action == ModelJobRequest::Action::kTrain) {
    auto unfinished = jobs.unfinished(request.entity, request.target);
    if (!unfinished) return unfinished.error();
    if (*unfinished)
      return Error::conflict(fmt::format("training job {} for {}/{} is still {}; poll it first",
                                         (*unfinished)->id, request.entity, request.target,
                                         (*unfinished)->status));
  }
  boost::json::object described{
      {"action", request.action == ModelJobRequest::Action::kTrain ? "train" : "score"}};
  if (request.action == ModelJobRequest::Action::kTrain) {
    boost::json::array kinds(request.train.models.begin(), request.train.models.end());
    described["models"] = std::move(kinds);
    described["seed"] = request.train.seed;
    described["split"] = request.train.split;
    described["activate"] = request.activate;
  }
  auto job =
      jobs.create(request.entity, request.target, std::move(described), request.actor.user_id);
  if (!job) return job.error();
  if (!queue_.push({job->id, std::move(request)})) {
    (void)jobs.fail(job->id, "the server is stopping");
    return Error::unavailable("the server is stopping; try again later");
  }
  return job;
}

void ModelJobRunner::wait_idle() { queue_.wait_idle(); }

void ModelJobRunner::run(const Task& task) {
  store::ModelJobStore jobs(db_, clock_);
  if (!jobs.start(task.job_id)) return;  // failed or gone meanwhile
  const auto& r = task.request;
  auto last = std::chrono::steady_clock::now() - kJobProgressInterval;
  models::StageProgress progress = [&](std::string_view stage, std::size_t done,
                                       std::size_t total) {
    auto now = std::chrono::steady_clock::now();
    if (now - last < kJobProgressInterval) return;
    last = now;
    std::string line(stage);
    if (total > 0) line += fmt::format(" {}/{}", done, total);
    (void)jobs.progress(task.job_id, line);
  };
  try {
    if (r.action == ModelJobRequest::Action::kTrain) {
      models::RecordTrainingOptions o;
      o.entity = r.entity;
      o.target = r.target;
      o.train = r.train;
      o.activate = r.activate;
      o.actor = r.actor;
      o.progress = progress;
      auto result = models::train_on_records(db_, clock_, o);
      if (!result) {
        (void)jobs.fail(task.job_id, result.error().message);
        return;
      }
      (void)jobs.succeed(task.job_id, result->model.id);
    } else {
      auto result = models::score_open_records(db_, clock_, r.entity, r.target,
                                               models::kDefaultTopFactors, progress);
      if (!result) {
        (void)jobs.fail(task.job_id, result.error().message);
        return;
      }
      (void)jobs.succeed(task.job_id, result->model_id);
    }
  } catch (const std::exception& e) {
    // A library failure that escaped its wrapper must not take the server down.
    (void)jobs.fail(task.job_id, std::string("internal error: ") + e.what());
  }
}

}  // namespace icrm::app
