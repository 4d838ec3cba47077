// insightcrm decide --db URL: a decision for every open, scored lead that has
// no open next step (the batch trigger; the live one is serve's subscriber to
// re-scores). First infers the outcomes of pending decisions from the records
// (conversions, responses, the horizon), so the bandit decides with them.
#include <fmt/format.h>

#include <iostream>
#include <map>
#include <random>

#include "app/decision_service.h"
#include "cli/command.h"
#include "cli/progress.h"
#include "core/clock.h"

namespace icrm::cli {
namespace {

struct DecideArgs {
  DbOption db;
  uint64_t seed = 0;  // 0: from the system's random device
};

int run_decide(const DecideArgs& a) {
  auto db = open_migrated_database(a.db);
  if (!db) return report(db.error());
  uint64_t seed =
      a.seed != 0 ? a.seed : (uint64_t{std::random_device{}()} << 32) ^ std::random_device{}();
  decide::DecisionService service(**db, SystemClock::instance(), nullptr, seed);
  Progress progress;
  progress.update("inferring outcomes of pending decisions");
  auto closed = service.infer_outcomes();
  if (!closed) {
    progress.done();
    return report(closed.error());
  }
  auto leads = store::DecisionStore(**db).open_lead_scores();
  if (!leads) {
    progress.done();
    return report(leads.error());
  }
  size_t decided = 0, skipped = 0, done = 0;
  std::map<std::string, size_t> by_action;
  for (const auto& lead : *leads) {
    auto d = service.decide(lead.lead_id, decide::DecisionTrigger::kBatch);
    if (d) {
      ++decided;
      ++by_action[d->action];
    } else if (d.error().code == ErrorCode::kConflict) {
      ++skipped;  // an open next step already, or closed meanwhile
    } else {
      progress.done();
      return report(d.error());
    }
    progress.stage("deciding", ++done, leads->size());
  }
  progress.done();
  std::cout << fmt::format(
      "{} open scored leads: {} new decisions, {} left alone (a next step is open)\n",
      leads->size(), decided, skipped);
  for (const auto& [action, n] : by_action) std::cout << fmt::format("  {:<8} {}\n", action, n);
  if (*closed > 0)
    std::cout << fmt::format(
        "{} pending decisions got their outcome (the bandit learned from them)\n", *closed);
  return kExitOk;
}

}  // namespace

void add_decide_command(CLI::App& app) {
  auto args = std::make_shared<DecideArgs>();
  auto* cmd = app.add_subcommand(
      "decide",
      "Decide the next step for every open, scored lead.\n\n"
      "Each lead gets a priority tier from its latest score (θ, θ₁ from the decision settings), "
      "the\n"
      "utility of each step U = P·V − C, and the step the bandit chooses; the step becomes an\n"
      "activity for the lead's owner (or the rep with the most free capacity), due within the "
      "tier's\n"
      "service time. A lead whose next step is still open is left alone.\n\n"
      "Example: insightcrm decide --db sqlite:data/insightcrm.db");
  add_db_option(*cmd, args->db);
  cmd->add_option("--seed", args->seed, "Seed for the bandit's draws (default: random)");
  cmd->callback([args] {
    if (int rc = run_decide(*args); rc != kExitOk) throw CLI::RuntimeError(rc);
  });
}

}  // namespace icrm::cli
