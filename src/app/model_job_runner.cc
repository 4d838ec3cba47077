#include "app/model_job_runner.h"

#include <fmt/format.h>

#include <boost/json/object.hpp>
#include <chrono>

#include "models/record_training.h"

namespace icrm::api {

ModelJobRunner::ModelJobRunner(store::Database& db, const Clock& clock)
    : db_(db), clock_(clock), worker_([this] { work(); }) {}

ModelJobRunner::~ModelJobRunner() {
  std::deque<Task> left;
  {
    std::lock_guard lock(mu_);
    stopping_ = true;
    left.swap(queue_);
  }
  cv_.notify_all();
  worker_.join();
  store::ModelJobStore jobs(db_, clock_);
  for (const auto& task : left)
    (void)jobs.fail(task.job_id, "the server stopped before the job ran");
}

Result<store::ModelJob> ModelJobRunner::submit(ModelJobRequest request) {
  store::ModelJobStore jobs(db_, clock_);
  {
    std::lock_guard lock(mu_);
    if (queue_.size() >= kMaxQueuedModelJobs)
      return Error::rate_limited(
          fmt::format("{} model jobs are already waiting; try again later", queue_.size()));
  }
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
  {
    std::lock_guard lock(mu_);
    queue_.push_back({job->id, std::move(request)});
  }
  cv_.notify_all();
  return job;
}

void ModelJobRunner::wait_idle() {
  std::unique_lock lock(mu_);
  cv_.wait(lock, [this] { return (queue_.empty() && !busy_) || stopping_; });
}

void ModelJobRunner::work() {
  for (;;) {
    Task task;
    {
      std::unique_lock lock(mu_);
      cv_.wait(lock, [this] { return stopping_ || !queue_.empty(); });
      if (stopping_) return;
      task = std::move(queue_.front());
      queue_.pop_front();
      busy_ = true;
    }
    run(task);
    {
      std::lock_guard lock(mu_);
      busy_ = false;
    }
    cv_.notify_all();
  }
}

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

}  // namespace icrm::api
