#include <fmt/format.h>

#include <algorithm>
#include <chrono>
#include <fstream>
#include <iostream>
#include <memory>
#include <sstream>

#include "cli/command.h"
#include "cli/csv_options.h"
#include "cli/progress.h"
#include "core/clock.h"
#include "features/table.h"
#include "models/record_training.h"
#include "models/trainer.h"
#include "store/model_registry.h"

namespace icrm::cli {
namespace {

struct TrainArgs {
  std::string csv, target, positive, out = "model.json", report, time_column, weights;
  // Training on the CRM's records instead of a CSV.
  std::string entity;
  DbOption db;
  bool activate = false;
  std::size_t top = models::kDefaultTopFactors;
  bool out_given = false;
  std::vector<std::string> exclude, kinds;
  std::string model = "all";
  double split = 0.8, alpha = -1;
  std::uint64_t seed = 42;
  bool calibrate = false;
  bool verbose = false;
  std::size_t pca = 0;
  int threads = 1;
  models::BoosterParams booster;
  bool booster_given = false;  // a boosted-tree option was set on the command line
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
  std::cout << fmt::format(
      "{:<9} {:<16} {:>7} {:>7} {:>7} {:>7} {:>7} {:>7} {:>6} {:>7} {:>7} {:>7} {:>7} {:>7}\n",
      "model", "detail", "ROC-AUC", "PR-AUC", "logloss", "Brier", "acc@.5", "F1@.5", "thr",
      "acc@thr", "prec", "recall", "F1@thr", "lift10");
  for (const auto& r : run.results) {
    const auto& m = r.test;
    std::cout << fmt::format(
        "{:<9} {:<16} {:>7.4f} {:>7.4f} {:>7.4f} {:>7.4f} {:>7.4f} {:>7.4f} {:>6.3f} {:>7.4f} "
        "{:>7.4f} {:>7.4f} "
        "{:>7.4f} {:>7.2f}\n",
        r.kind == run.bundle.primary ? r.kind + "*" : r.kind, r.detail, m.roc_auc, m.pr_auc,
        m.log_loss, m.brier, m.at_half.accuracy(), m.at_half.f1(), m.threshold,
        m.at_threshold.accuracy(), m.at_threshold.precision(), m.at_threshold.recall(),
        m.at_threshold.f1(), m.lift_10);
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
    std::cout << fmt::format(
        "\nrule baseline F1 {:.4f} → best model ({}) F1 {:.4f} ({:+.4f}); ROC-AUC {:.4f} → "
        "{:.4f}\n",
        rule.at_threshold.f1(), best, best_f1, best_f1 - rule.at_threshold.f1(), rule.roc_auc, [&] {
          for (const auto& r : run.results)
            if (r.kind == best) return r.test.roc_auc;
          return 0.0;
        }());
  std::cout << fmt::format(
      "{} train / {} validation / {} test rows; thresholds chosen on validation rows; "
      "* = primary model for predict; {:.2f} s\n",
      run.rows_train, run.rows_valid, run.rows_test, run.seconds);
}

// The options both modes share; an Error for a bad --kind or --weights.
Result<models::TrainOptions> train_options(const TrainArgs& a) {
  models::TrainOptions o;
  o.target = a.target;
  o.positive = a.positive;
  for (auto& e : split_list(a.exclude)) o.exclude.insert(e);
  for (auto& k : split_list(a.kinds)) {
    auto eq = k.find('=');
    if (eq == std::string::npos) return Error::invalid("--kind takes COLUMN=KIND", "kind");
    auto kind = features::parse_column_kind(k.substr(eq + 1));
    if (!kind) return kind.error();
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
  if (a.booster_given) {  // exactly the setting asked for, whatever the size of the data
    o.large_data_booster.reset();
    o.booster_alternatives.clear();
  }
  if (!a.weights.empty()) {
    std::ifstream in(a.weights);
    if (!in) return Error::invalid("cannot read --weights " + a.weights, "weights");
    std::stringstream ss;
    ss << in.rdbuf();
    boost::system::error_code ec;
    auto v = boost::json::parse(ss.str(), ec);
    if (ec)
      return Error::invalid(
          fmt::format("--weights {}: not valid JSON ({})", a.weights, ec.message()), "weights");
    o.weights_config = std::move(v);
  }
  return o;
}

// Writes the model file and the JSON report where asked.
int write_outputs(const models::TrainingRun& run, const std::string& out,
                  const std::string& report_path, const boost::json::object& report_json) {
  if (!out.empty()) {
    if (auto saved = models::save_bundle(run.bundle, out); !saved) return report(saved.error());
    std::cout << "model written to " << out << "\n";
  }
  if (!report_path.empty()) {
    std::ofstream file(report_path, std::ios::trunc);
    file << boost::json::serialize(report_json) << "\n";
    if (!file.flush()) return report(Error::unavailable("cannot write report " + report_path));
    std::cout << "report written to " << report_path << "\n";
  }
  return kExitOk;
}

int run_train_csv(const TrainArgs& a) {
  Progress progress;
  auto csv = to_csv_options(a.csv_flags);
  if (!csv) return report(csv.error());
  auto o = train_options(a);
  if (!o) return report(o.error());
  if (o->target.empty()) return report(Error::invalid("--csv needs --target COLUMN", "target"));
  o->progress = [&](const std::string& line) { progress.update(line); };

  using Steady = std::chrono::steady_clock;
  auto since = [](Steady::time_point t) {
    return std::chrono::duration<double>(Steady::now() - t).count();
  };
  const auto start = Steady::now();
  progress.update("reading " + a.csv);
  auto table = features::read_csv_table(a.csv, {.csv = *csv});
  if (!table) return report(table.error());
  const double read_seconds = since(start);
  auto run = models::train_models(*table, *o);
  progress.done();
  if (!run) return report(run.error());
  for (const auto& w : run->warnings) std::cerr << "insightcrm: warning: " << w << "\n";
  print_table(*run);
  const auto written = Steady::now();
  int rc = write_outputs(*run, a.out, a.report, run->report());
  if (a.verbose) {
    std::cerr << fmt::format("timing: {:<28} {:7.3f} s\n", "read CSV", read_seconds);
    for (const auto& p : run->phases)
      std::cerr << fmt::format("timing: {:<28} {:7.3f} s  ({:.3f} CPU s on its thread)\n", p.name,
                               p.seconds, p.cpu_seconds);
    std::cerr << fmt::format("timing: {:<28} {:7.3f} s\n", "write model and report",
                             since(written));
    std::cerr << fmt::format("timing: {:<28} {:7.3f} s\n", "total", since(start));
  }
  return rc;
}

int run_train_records(const TrainArgs& a) {
  auto o = train_options(a);
  if (!o) return report(o.error());
  auto db = open_migrated_database(a.db);
  if (!db) return report(db.error());
  Progress progress;
  models::RecordTrainingOptions r;
  r.entity = a.entity;
  r.target = a.target;
  r.train = std::move(*o);
  r.activate = a.activate;
  r.top_factors = a.top;
  r.progress = [&](std::string_view stage, std::size_t done, std::size_t total) {
    progress.stage(stage, done, total);
  };
  auto result = models::train_on_records(**db, SystemClock::instance(), r);
  progress.done();
  if (!result) return report(result.error());
  for (const auto& w : result->warnings) std::cerr << "insightcrm: warning: " << w << "\n";
  const auto& m = result->model;
  std::cout << fmt::format("{} {}: {} labelled ({} positive), {} events used\n", m.entity, m.target,
                           result->labelled, result->positives, result->events_used);
  print_table(result->run);
  std::cout << fmt::format("\nregistered model {} {}/{} version {} ({}){}\n", m.id, m.entity,
                           m.target, m.version, m.kind,
                           m.active ? ", active" : ", not active (activate it to score with it)");
  if (const auto& s = result->scoring)
    std::cout << fmt::format("scored {} open {} with version {}: {} hot, {} warm, {} cold\n",
                             s->scored, m.entity, s->model_version, s->hot, s->warm, s->cold);
  boost::json::object report_json = result->run.report();
  report_json["model"] = store::to_json(m);
  return write_outputs(result->run, a.out_given ? a.out : std::string(), a.report, report_json);
}

int run_train(const TrainArgs& a) {
  if (a.csv.empty() == a.entity.empty())
    return report(
        Error::invalid("train on a CSV (--csv FILE --target COLUMN) or on the CRM's records "
                       "(--db URL --entity leads|customers), one of the two",
                       "csv"));
  return a.csv.empty() ? run_train_records(a) : run_train_csv(a);
}

}  // namespace

void add_train_command(CLI::App& app) {
  auto* cmd = app.add_subcommand(
      "train",
      "Train lead-scoring models and compare them with a rule-based baseline, on a CSV\n"
      "(--csv F --target COL: writes the model file for `predict`) or on the CRM's own\n"
      "records (--db URL --entity leads|customers: converted vs lost leads, churned vs\n"
      "other customers; registers a versioned model and scores every open record).\n"
      "Prints a table of held-out metrics.");
  auto a = std::make_shared<TrainArgs>();
  cmd->add_option("--csv", a->csv, "The CSV to learn from (header row required)");
  cmd->add_option("--target", a->target,
                  "The column to predict (with --entity: converted for leads, churned "
                  "for customers)");
  cmd->add_option("--entity", a->entity, "Train on the CRM's records: leads or customers")
      ->check(CLI::IsMember({"leads", "customers"}));
  add_db_option(*cmd, a->db);
  cmd->add_flag("--activate", a->activate,
                "With --entity: make the new version the active one (the first "
                "version always is)");
  cmd->add_option("--top", a->top, "With --entity: top factors kept per score")
      ->capture_default_str();
  cmd->add_option("--positive", a->positive,
                  "The target value that counts as success (default: yes/true/1, "
                  "else the rarer value)");
  cmd->add_option("--exclude", a->exclude, "Columns to leave out (leakage), comma-separated");
  cmd->add_option("--kind", a->kinds,
                  "Override a column's inferred kind: COLUMN=numeric|categorical|boolean|"
                  "datetime|excluded");
  cmd->add_option("--model", a->model, "weighted, lr, gbdt, hybrid, or all (comma-separated)")
      ->capture_default_str();
  cmd->add_option("--split", a->split, "Share of rows used for training (the rest is the test set)")
      ->check(CLI::Range(0.05, 0.95))
      ->capture_default_str();
  cmd->add_option("--seed", a->seed, "Seed for the split and the models")->capture_default_str();
  cmd->add_option("--time-column", a->time_column,
                  "Split by time on this column instead (train on the past)");
  cmd->add_option("--alpha", a->alpha,
                  "Hybrid weight α of the weighted score (default: chosen on validation)");
  cmd->add_option("--weights", a->weights,
                  "Expert weights for the weighted score: JSON {\"weights\": {\"feature\": w}}");
  cmd->add_flag("--calibrate", a->calibrate, "Also Platt-calibrate lr and gbdt probabilities");
  cmd->add_flag("--verbose", a->verbose,
                "With --csv: print wall time per phase (reading, schema, features, "
                "each model, writing) to stderr");
  cmd->add_option("--pca", a->pca, "Project features onto this many principal components");
  // Setting any of these trains exactly those trees (no leaf-wise trees on large data).
  const std::vector<CLI::Option*> booster_options = {
      cmd->add_option("--eta", a->booster.eta, "Boosted trees: learning rate")
          ->capture_default_str(),
      cmd->add_option("--max-depth", a->booster.max_depth, "Boosted trees: depth of each tree")
          ->capture_default_str(),
      cmd->add_option("--min-child-weight", a->booster.min_child_weight,
                      "Boosted trees: minimum hessian per leaf")
          ->capture_default_str(),
      cmd->add_option("--subsample", a->booster.subsample, "Boosted trees: share of rows per tree")
          ->capture_default_str(),
      cmd->add_option("--colsample", a->booster.colsample_bytree,
                      "Boosted trees: share of features per tree")
          ->capture_default_str()};
  cmd->add_option("--threads", a->threads, "Threads for boosted-tree training")
      ->capture_default_str();
  auto* out =
      cmd->add_option("--out", a->out, "Model file to write (with --entity: only when given)")
          ->capture_default_str();
  cmd->add_option("--report", a->report, "Also write the metrics as JSON here");
  add_csv_flags(*cmd, a->csv_flags);
  cmd->callback([a, out, booster_options] {
    a->out_given = out->count() > 0;
    a->booster_given = std::any_of(booster_options.begin(), booster_options.end(),
                                   [](const CLI::Option* o) { return o->count() > 0; });
    int rc = run_train(*a);
    if (rc != kExitOk) throw CLI::RuntimeError(rc);
  });
}

}  // namespace icrm::cli
