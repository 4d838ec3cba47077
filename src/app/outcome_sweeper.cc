#include "app/outcome_sweeper.h"

#include <spdlog/spdlog.h>

namespace icrm::app {

OutcomeSweeper::OutcomeSweeper(DecisionService& service, const Clock& clock,
                               OutcomeSweepOptions options)
    : service_(service), clock_(clock), options_(options) {}

OutcomeSweeper::~OutcomeSweeper() { stop(); }

Result<int> OutcomeSweeper::tick() {
  const Timestamp now = clock_.now();
  if (swept_ && now < next_sweep_) return 0;
  swept_ = true;
  next_sweep_ = now + options_.interval;
  auto labelled = service_.infer_outcomes();
  std::lock_guard lock(mutex_);
  ++counters_.sweeps;
  if (!labelled) {
    ++counters_.failed;
    return labelled.error();
  }
  counters_.labelled += static_cast<uint64_t>(*labelled);
  return labelled;
}

void OutcomeSweeper::start() {
  thread_.start(options_.poll, [this] {
    auto labelled = tick();
    if (!labelled) {
      spdlog::error("outcome sweep: {}", labelled.error().message);
    } else if (*labelled > 0) {
      spdlog::info("outcome sweep: {} decision(s) got their outcome", *labelled);
    }
  });
}

void OutcomeSweeper::stop() { thread_.stop(); }

OutcomeSweeper::Counters OutcomeSweeper::counters() const {
  std::lock_guard lock(mutex_);
  return counters_;
}

}  // namespace icrm::app
