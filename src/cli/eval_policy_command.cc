#include <fmt/format.h>

#include <boost/json.hpp>
#include <fstream>
#include <iostream>

#include "app/decision_service.h"
#include "cli/command.h"
#include "cli/progress.h"
#include "core/clock.h"
#include "decide/decision_log_file.h"
#include "decide/policy_evaluation.h"

namespace icrm::cli {
namespace {

struct EvalPolicyArgs {
  std::string log_path;
  std::string db_url;
  std::string report_path;
  std::string export_path;
};

// The decision log from the file, or from the database's decisions that
// have an outcome.
Result<std::vector<decide::LoggedDecision>> read_log(const EvalPolicyArgs& a) {
  if (!a.log_path.empty()) return decide::read_decision_log(a.log_path);
  auto db = open_migrated_database(DbOption{a.db_url});
  if (!db) return db.error();
  app::DecisionService service(**db, SystemClock::instance(), nullptr, 1);
  std::size_t other_features = 0;
  auto log = service.labelled_decisions(&other_features);
  if (log && other_features > 0) {
    std::cerr << fmt::format(
        "{} decision(s) with an outcome were logged with another feature set than the one in "
        "force ({} features) and are left out\n",
        other_features, service.features().size());
  }
  return log;
}

int run_eval_policy(const EvalPolicyArgs& a) {
  Progress progress;
  progress.update("reading " + (a.log_path.empty() ? "the decisions in the database" : a.log_path));
  auto log = read_log(a);
  if (!log) {
    progress.done();
    return report(log.error());
  }
  if (!a.export_path.empty()) {
    if (Status st = decide::write_decision_log(a.export_path, *log); !st) {
      progress.done();
      return report(st.error());
    }
  }
  if (log->empty()) {
    progress.done();
    return report(Error::invalid("the decision log holds no decision with an outcome yet", "log"));
  }
  progress.update(fmt::format("evaluating 3 policies on {} decisions", log->size()));
  auto estimates = decide::evaluate_policies(*log, decide::BanditConfig{});
  progress.done();
  double logged = 0;
  for (const auto& d : *log) logged += d.reward / static_cast<double>(log->size());
  std::cout << fmt::format("{} logged decisions, observed conversion rate {:.4f}\n\n", log->size(),
                           logged);
  std::cout << fmt::format("{:<8} {:>28} {:>28} {:>28} {:>8}\n", "policy", "IPS [95 % CI]",
                           "SNIPS [95 % CI]", "DR [95 % CI]", "ESS");
  auto cell = [](const decide::Estimate& e) {
    return fmt::format("{:.4f} [{:.4f}, {:.4f}]", e.value, e.ci_low, e.ci_high);
  };
  boost::json::object policies;
  for (const auto& p : estimates) {
    std::cout << fmt::format("{:<8} {:>28} {:>28} {:>28} {:>8.0f}\n", p.policy, cell(p.ips),
                             cell(p.snips), cell(p.dr), p.ips.effective_sample_size);
    policies[p.policy] = boost::json::object{{"ips", decide::to_json(p.ips)},
                                             {"snips", decide::to_json(p.snips)},
                                             {"dr", decide::to_json(p.dr)}};
  }
  std::cout
      << "\nESS: how many logged decisions the estimate effectively rests on; a small one means "
         "the\n"
         "log rarely did what the policy would do, and the interval is wide for that reason.\n";
  if (!a.report_path.empty()) {
    boost::json::object root{
        {"decisions", log->size()}, {"logged_conversion_rate", logged}, {"policies", policies}};
    std::ofstream file(a.report_path, std::ios::trunc);
    file << boost::json::serialize(root) << "\n";
    if (!file.flush()) return report(Error::unavailable("cannot write report " + a.report_path));
    std::cout << "report written to " << a.report_path << "\n";
  }
  return kExitOk;
}

}  // namespace

void add_eval_policy_command(CLI::App& app) {
  auto args = std::make_shared<EvalPolicyArgs>();
  auto* cmd = app.add_subcommand(
      "eval-policy",
      "Estimate, from a decision log, how candidate policies would have done.\n\n"
      "Every decision in the log carries the lead's context, the action taken, the probability "
      "the\n"
      "deciding policy gave that action (its propensity) and the outcome (1 converted, 0 not). "
      "From\n"
      "these, off-policy evaluation estimates the conversion rate each candidate would have had, "
      "had\n"
      "it decided instead: uniform random, the static Table VI rules, and the bandit (learned from "
      "the\n"
      "log by cross-fitting). Three estimators with 95 % intervals:\n"
      "  IPS    inverse propensity scoring, unbiased\n"
      "  SNIPS  self-normalised IPS, a little biased, less variance\n"
      "  DR     doubly robust: a reward model corrected by IPS, unbiased if either is right\n"
      "A policy the log never followed (a deterministic logger never explores) cannot be "
      "evaluated:\n"
      "log with exploration (the bandit does; `simulate` logs ε-soft rules).\n\n"
      "The log is NDJSON, one decision a line:\n"
      "  "
      "{\"probability\":0.31,\"tier\":\"high\",\"value\":1200,\"features\":[0,1],\"action\":"
      "\"call\",\n"
      "   \"propensity\":0.925,\"reward\":1}\n\n"
      "Example: insightcrm eval-policy --log decisions.jsonl --report ope.json\n"
      "         insightcrm eval-policy --db sqlite:data/insightcrm.db --export labels.jsonl");
  auto* log = cmd->add_option("--log", args->log_path, "The decision log (NDJSON)");
  auto* db = cmd->add_option(
      "--db", args->db_url,
      "Read the decision log from this database instead (the decisions with an outcome)");
  log->excludes(db);
  db->excludes(log);
  cmd->add_option("--export", args->export_path,
                  "Also write the log read as NDJSON (the feedback loop's training labels)");
  cmd->add_option("--report", args->report_path, "Write the estimates as JSON to this file");
  cmd->callback([args] {
    if (args->log_path.empty() && args->db_url.empty()) {
      throw CLI::ValidationError("eval-policy", "give --log FILE or --db URL");
    }
    if (int rc = run_eval_policy(*args); rc != kExitOk) throw CLI::RuntimeError(rc);
  });
}

}  // namespace icrm::cli
