#include <fmt/format.h>

#include <fstream>
#include <iostream>

#include "cli/command.h"
#include "cli/progress.h"
#include "decide/decision_log_file.h"
#include "decide/simulation.h"

namespace icrm::cli {
namespace {

struct SimulateArgs {
  decide::SimulationOptions options;
  std::string report_path;
  std::string log_path;
};

void print_summary(const decide::SimulationReport& r) {
  std::cout << fmt::format("{} days, {} leads a day, seeds {}..{}\n\n", r.options.days,
                           r.options.leads_per_day, r.options.seed,
                           r.options.seed + static_cast<std::uint64_t>(r.options.seeds) - 1);
  std::cout << fmt::format("{:<8} {:>10} {:>12} {:>10} {:>12} {:>10}  {}\n", "policy", "converted",
                           "revenue €", "cost €", "net €", "automated",
                           "ΔC vs rules (95 % CI over seeds)");
  auto row = [&](const char* name, const decide::PolicyResult& p, const decide::Interval* dc) {
    std::string delta = dc ? fmt::format("{:+.1f} % [{:+.1f}, {:+.1f}]", 100 * dc->mean,
                                         100 * dc->ci_low, 100 * dc->ci_high)
                           : "—";
    std::cout << fmt::format("{:<8} {:>9.2f}% {:>12.0f} {:>10.0f} {:>12.0f} {:>9.1f}%  {}\n", name,
                             100 * p.conversion_rate, p.revenue, p.cost, p.net,
                             100 * p.automated_share, delta);
  };
  row("random", r.random, &r.delta_c_random);
  row("rules", r.rules, nullptr);
  row("bandit", r.bandit, &r.delta_c_bandit);
  std::cout << fmt::format(
      "\noff-policy check (ε-soft rules logged, bandit's final policy valued on a fresh cohort):\n"
      "  the true value was inside the 95 % interval in {} of {} seeds for DR, {} for IPS, {} for "
      "SNIPS\n",
      r.dr_covered, r.seeds.size(), r.ips_covered, r.snips_covered);
  const auto& s = r.seeds.front();
  std::cout << fmt::format(
      "  seed {}: true {:.4f}; DR {:.4f} [{:.4f}, {:.4f}]; IPS {:.4f} [{:.4f}, {:.4f}]\n", s.seed,
      s.ope.true_value, s.ope.dr.value, s.ope.dr.ci_low, s.ope.dr.ci_high, s.ope.ips.value,
      s.ope.ips.ci_low, s.ope.ips.ci_high);
}

int run_simulate(const SimulateArgs& a) {
  Progress progress;
  auto result = decide::simulate(a.options, [&](std::size_t done, std::size_t total) {
    progress.stage("simulating", done, total);
  });
  progress.done();
  if (!result) return report(result.error());
  print_summary(*result);
  if (!a.report_path.empty()) {
    std::ofstream file(a.report_path, std::ios::trunc);
    file << result->to_json() << "\n";
    if (!file.flush()) return report(Error::unavailable("cannot write report " + a.report_path));
    std::cout << "report written to " << a.report_path << "\n";
  }
  if (!a.log_path.empty()) {
    if (Status st = decide::write_decision_log(a.log_path, result->first_seed_log); !st)
      return report(st.error());
    std::cout << fmt::format(
        "{} logged decisions written to {} (try: insightcrm eval-policy --log {})\n",
        result->first_seed_log.size(), a.log_path, a.log_path);
  }
  return kExitOk;
}

}  // namespace

void add_simulate_command(CLI::App& app) {
  auto args = std::make_shared<SimulateArgs>();
  auto* cmd = app.add_subcommand(
      "simulate",
      "Play decision policies against the demo business's hidden truth and compare them.\n\n"
      "Runs the demo business forward day by day. Each day new leads arrive (drawn as `insightcrm "
      "demo`\n"
      "draws them), the scoring model's noisy probability puts each in a tier from the team's "
      "capacity,\n"
      "and a policy chooses the next step: call, email, offer or nurture. Whether the lead "
      "converts\n"
      "follows a hidden truth in which leads respond differently to different steps\n"
      "(docs/demo-data.md, \"Response to the next step\"). Three policies see the same leads and "
      "the\n"
      "same luck:\n"
      "  random  every step equally likely\n"
      "  rules   the static Table VI rules: High → call, Medium → email, Low → nurture\n"
      "  bandit  Thompson sampling that starts from the rules and learns from outcomes, which\n"
      "          arrive days after the decision\n"
      "It reports conversion rate, revenue, action costs and the share of steps that needed no\n"
      "person, and ΔC = (C_policy − C_rules)/C_rules with a 95 % interval over the seeds. It also "
      "logs an\n"
      "ε-soft run of the rules and checks whether off-policy evaluation (IPS, SNIPS, doubly "
      "robust)\n"
      "from that log predicts the bandit's true value.\n\n"
      "Example: insightcrm simulate --days 90 --seed 1 --report sim.json");
  cmd->add_option("--days", args->options.days, "Days to run the business forward")
      ->capture_default_str()
      ->check(CLI::Range(1, decide::kMaxSimulationDays));
  cmd->add_option("--seed", args->options.seed, "First seed; runs use seed, seed+1, ...")
      ->capture_default_str();
  cmd->add_option("--seeds", args->options.seeds, "How many seeds (the ΔC interval is over these)")
      ->capture_default_str()
      ->check(CLI::Range(2, decide::kMaxSimulationSeeds));
  cmd->add_option("--leads-per-day", args->options.leads_per_day, "New leads a day")
      ->capture_default_str()
      ->check(CLI::Range(1, decide::kMaxLeadsPerDay));
  cmd->add_option("--high-share", args->options.high_share,
                  "Capacity: the share of leads the reps can call (sets θ)")
      ->capture_default_str();
  cmd->add_option("--medium-share", args->options.medium_share,
                  "Capacity: the next share they can follow up (sets θ₁)")
      ->capture_default_str();
  cmd->add_option("--exploration", args->options.bandit.exploration,
                  "Share of uniform choices the bandit mixes in at the start; it falls towards "
                  "--exploration-floor, and every propensity stays above the current share/4")
      ->capture_default_str();
  cmd->add_option("--exploration-floor", args->options.bandit.exploration_floor,
                  "What the uniform share falls to as outcomes arrive (at most --exploration)")
      ->capture_default_str();
  cmd->add_option("--exploration-decay", args->options.bandit.exploration_decay,
                  "Outcomes after which the uniform share is half way down to the floor")
      ->capture_default_str();
  cmd->add_flag("--pooled,!--unpooled", args->options.bandit.pooled,
                "One model for all steps (shared weights plus each step's difference) instead of "
                "one independent model per step")
      ->capture_default_str();
  cmd->add_option("--posterior-scale", args->options.bandit.posterior_scale,
                  "Scale of each Thompson draw's spread around the posterior mean (1: plain "
                  "Thompson sampling)")
      ->capture_default_str();
  cmd->add_flag("--online-updates", args->options.online_updates,
                "Update the bandit one outcome at a time (one Newton step each) instead of the "
                "day's outcomes at once (batched Laplace)");
  cmd->add_option(
         "--prior-lift", args->options.bandit.tier_lift,
         "Table VI prior: the logit advantage the bandit first gives each tier's rule action")
      ->capture_default_str();
  cmd->add_option(
         "--prior-sd", args->options.bandit.prior_sd_tier,
         "How sure the bandit is of that prior (sd of each tier intercept; larger learns faster)")
      ->capture_default_str();
  cmd->add_option(
         "--prior-sd-feature", args->options.bandit.prior_sd_feature,
         "Prior sd of each lead feature's effect on a step (larger lets features matter sooner)")
      ->capture_default_str();
  cmd->add_option(
         "--prior-sd-difference", args->options.bandit.prior_sd_difference,
         "Pooled: prior sd of how much one step's response to the score and features differs from "
         "the shared one")
      ->capture_default_str();
  cmd->add_option("--log-exploration", args->options.rules_exploration,
                  "ε of the logged rules run that off-policy evaluation reads")
      ->capture_default_str();
  cmd->add_option("--report", args->report_path, "Write the full report as JSON to this file");
  cmd->add_option(
      "--log", args->log_path,
      "Write the first seed's logged ε-soft rules decisions as NDJSON, for eval-policy");
  cmd->callback([args] {
    if (int rc = run_simulate(*args); rc != kExitOk) throw CLI::RuntimeError(rc);
  });
}

}  // namespace icrm::cli
