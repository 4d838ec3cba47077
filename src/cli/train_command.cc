#include <fmt/format.h>

#include <fstream>
#include <iostream>
#include <memory>
#include <sstream>

#include "cli/command.h"
#include "cli/csv_options.h"
#include "cli/progress.h"
#include "features/table.h"
#include "models/trainer.h"

namespace icrm::cli {
namespace {

struct TrainArgs {
  std::string csv, target, positive, out = "model.json", report, time_column, weights;
  std::vector<std::string> exclude, kinds;
  std::string model = "all";
  double split = 0.8, alpha = -1;
  std::uint64_t seed = 42;
  bool calibrate = false;
  std::size_t pca = 0;
  int threads = 1;
  models::BoosterParams booster;
  CsvFlags csv_flags;
};

std::vector<std::string> split_list(const std::vector<std::string>& items) {
  std::vector<std::string> out;
  for (const auto& item : items) {
    std::stringstream ss(item);
    std::string part;
    while (std::getline(ss, part, ','))
      if (!part.empty()) out.push_back(part);
  }
  return out;
}

void print_table(const models::TrainingRun& run) {
  std::cout << fmt::format("{:<9} {:<16} {:>7} {:>7} {:>7} {:>7} {:>7} {:>7} {:>6} {:>7} {:>7} {:>7} {:>7} {:>7}\n",
                           "model", "detail", "ROC-AUC", "PR-AUC", "logloss", "Brier", "acc@.5", "F1@.5",
                           "thr", "acc@thr", "prec", "recall", "F1@thr", "lift10");
  for (const auto& r : run.results) {
    const auto& m = r.test;
    std::cout << fmt::format(
        "{:<9} {:<16} {:>7.4f} {:>7.4f} {:>7.4f} {:>7.4f} {:>7.4f} {:>7.4f} {:>6.3f} {:>7.4f} {:>7.4f} {:>7.4f} "
        "{:>7.4f} {:>7.2f}\n",
        r.kind == run.bundle.primary ? r.kind + "*" : r.kind, r.detail, m.roc_auc, m.pr_auc, m.log_loss, m.brier,
        m.at_half.accuracy(), m.at_half.f1(), m.threshold, m.at_threshold.accuracy(), m.at_threshold.precision(),
        m.at_threshold.recall(), m.at_threshold.f1(), m.lift_10);
  }
  const auto& rule = run.results.front().test;
  double best_f1 = 0;
  std::string best;
  for (const auto& r : run.results)
    if (r.kind != "rule" && r.test.at_threshold.f1() > best_f1) {
      best_f1 = r.test.at_threshold.f1();
      best = r.kind;
    }
  if (!best.empty())
    std::cout << fmt::format("\nrule baseline F1 {:.4f} → best model ({}) F1 {:.4f} ({:+.4f}); ROC-AUC {:.4f} → {:.4f}\n",
                             rule.at_threshold.f1(), best, best_f1, best_f1 - rule.at_threshold.f1(),
                             rule.roc_auc, [&] {
                               for (const auto& r : run.results)
                                 if (r.kind == best) return r.test.roc_auc;
                               return 0.0;
                             }());
  std::cout << fmt::format("{} train / {} validation / {} test rows; thresholds chosen on validation rows; "
                           "* = primary model for predict; {:.2f} s\n",
                           run.rows_train, run.rows_valid, run.rows_test, run.seconds);
}

int run_train(const TrainArgs& a) {
  Progress progress;
  auto csv = to_csv_options(a.csv_flags);
  if (!csv) return report(csv.error());
  models::TrainOptions o;
  o.target = a.target;
  o.positive = a.positive;
  for (auto& e : split_list(a.exclude)) o.exclude.insert(e);
  for (auto& k : split_list(a.kinds)) {
    auto eq = k.find('=');
    if (eq == std::string::npos) return report(Error::invalid("--kind takes COLUMN=KIND", "kind"));
    auto kind = features::parse_column_kind(k.substr(eq + 1));
    if (!kind) return report(kind.error());
    o.kinds[k.substr(0, eq)] = *kind;
  }
  if (a.model != "all") o.models = split_list({a.model});
  o.split = a.split;
  o.seed = a.seed;
  o.time_column = a.time_column;
  o.alpha = a.alpha;
  o.calibrate = a.calibrate;
  o.fit.pca_components = a.pca;
  o.booster = a.booster;
  o.booster.nthread = std::max(1, a.threads);
  if (!a.weights.empty()) {
    std::ifstream in(a.weights);
    if (!in) return report(Error::invalid("cannot read --weights " + a.weights, "weights"));
    std::stringstream ss;
    ss << in.rdbuf();
    boost::system::error_code ec;
    auto v = boost::json::parse(ss.str(), ec);
    if (ec) return report(Error::invalid(fmt::format("--weights {}: not valid JSON ({})", a.weights, ec.message()), "weights"));
    o.weights_config = std::move(v);
  }
  o.progress = [&](const std::string& line) { progress.update(line); };

  progress.update("reading " + a.csv);
  auto table = features::read_csv_table(a.csv, {.csv = *csv});
  if (!table) return report(table.error());
  auto run = models::train_models(*table, o);
  progress.done();
  if (!run) return report(run.error());
  for (const auto& w : run->warnings) std::cerr << "insightcrm: warning: " << w << "\n";
  print_table(*run);
  if (!a.out.empty()) {
    if (auto saved = models::save_bundle(run->bundle, a.out); !saved) return report(saved.error());
    std::cout << "model written to " << a.out << "\n";
  }
  if (!a.report.empty()) {
    std::ofstream out(a.report, std::ios::trunc);
    out << boost::json::serialize(run->report()) << "\n";
    if (!out.flush()) return report(Error::unavailable("cannot write report " + a.report));
    std::cout << "report written to " << a.report << "\n";
  }
  return kExitOk;
}

}  // namespace

void add_train_command(CLI::App& app) {
  auto* cmd = app.add_subcommand(
      "train",
      "Train lead-scoring models on a CSV and compare them with a rule-based baseline.\n"
      "Prints a table of held-out metrics; writes the model file for `predict`.");
  auto a = std::make_shared<TrainArgs>();
  cmd->add_option("--csv", a->csv, "The CSV to learn from (header row required)")->required();
  cmd->add_option("--target", a->target, "The column to predict")->required();
  cmd->add_option("--positive", a->positive, "The target value that counts as success (default: yes/true/1, "
                                             "else the rarer value)");
  cmd->add_option("--exclude", a->exclude, "Columns to leave out (leakage), comma-separated");
  cmd->add_option("--kind", a->kinds, "Override a column's inferred kind: COLUMN=numeric|categorical|boolean|"
                                      "datetime|excluded");
  cmd->add_option("--model", a->model, "weighted, lr, gbdt, hybrid, or all (comma-separated)")->capture_default_str();
  cmd->add_option("--split", a->split, "Share of rows used for training (the rest is the test set)")
      ->check(CLI::Range(0.05, 0.95))
      ->capture_default_str();
  cmd->add_option("--seed", a->seed, "Seed for the split and the models")->capture_default_str();
  cmd->add_option("--time-column", a->time_column, "Split by time on this column instead (train on the past)");
  cmd->add_option("--alpha", a->alpha, "Hybrid weight α of the weighted score (default: chosen on validation)");
  cmd->add_option("--weights", a->weights, "Expert weights for the weighted score: JSON {\"weights\": {\"feature\": w}}");
  cmd->add_flag("--calibrate", a->calibrate, "Also Platt-calibrate lr and gbdt probabilities");
  cmd->add_option("--pca", a->pca, "Project features onto this many principal components");
  cmd->add_option("--eta", a->booster.eta, "Boosted trees: learning rate")->capture_default_str();
  cmd->add_option("--max-depth", a->booster.max_depth, "Boosted trees: depth of each tree")->capture_default_str();
  cmd->add_option("--min-child-weight", a->booster.min_child_weight, "Boosted trees: minimum hessian per leaf")
      ->capture_default_str();
  cmd->add_option("--subsample", a->booster.subsample, "Boosted trees: share of rows per tree")->capture_default_str();
  cmd->add_option("--colsample", a->booster.colsample_bytree, "Boosted trees: share of features per tree")
      ->capture_default_str();
  cmd->add_option("--threads", a->threads, "Threads for boosted-tree training")->capture_default_str();
  cmd->add_option("--out", a->out, "Model file to write")->capture_default_str();
  cmd->add_option("--report", a->report, "Also write the metrics as JSON here");
  add_csv_flags(*cmd, a->csv_flags);
  cmd->callback([a] {
    int rc = run_train(*a);
    if (rc != kExitOk) throw CLI::RuntimeError(rc);
  });
}

}  // namespace icrm::cli
