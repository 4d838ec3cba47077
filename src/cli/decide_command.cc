// insightcrm decide --db URL: a decision for every open, scored lead that has
// no open next step (app::decide_open_leads, the batch trigger; the live one
// is serve's subscriber to re-scores).
#include <fmt/format.h>

#include <iostream>
#include <random>

#include "app/batch_decide.h"
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
  app::DecisionService service(**db, SystemClock::instance(), nullptr, seed);
  Progress progress;
  auto batch = app::decide_open_leads(
      **db, service, [&](std::string_view stage, std::size_t done, std::size_t total) {
        progress.stage(stage, done, total);
      });
  progress.done();
  if (!batch) return report(batch.error());
  std::cout << fmt::format(
      "{} open scored leads: {} new decisions, {} left alone (a next step is open)\n",
      batch->open_leads, batch->decided, batch->left_alone);
  for (const auto& [action, n] : batch->by_action)
    std::cout << fmt::format("  {:<8} {}\n", action, n);
  if (batch->outcomes > 0)
    std::cout << fmt::format(
        "{} pending decisions got their outcome (the bandit learned from them)\n", batch->outcomes);
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
