#include "models/trainer.h"

#include <fmt/format.h>
#include <fmt/ranges.h>

#include <atomic>
#include <chrono>
#include <cmath>
#include <ctime>
#include <future>
#include <map>
#include <mutex>

#include "core/clock.h"
#include "features/value_parsing.h"
#include "models/gbdt_model.h"
#include "models/hybrid_model.h"
#include "models/rule_baseline.h"
#include "models/split.h"
#include "models/weighted_score.h"

namespace icrm::models {
namespace {

using Clock = std::chrono::steady_clock;
double since(Clock::time_point t) {
  return std::chrono::duration<double>(Clock::now() - t).count();
}

// CPU seconds the calling thread has used so far.
double thread_cpu() {
  timespec ts{};
  clock_gettime(CLOCK_THREAD_CPUTIME_ID, &ts);
  return double(ts.tv_sec) + double(ts.tv_nsec) * 1e-9;
}

struct Labels {
  std::vector<float> y;  // per table row (0/1); NaN when the target is missing
  std::string positive;
  std::size_t missing = 0;
};

Result<Labels> make_labels(const features::Table& table, const TrainOptions& o) {
  int col = table.find(o.target);
  if (col < 0)
    return Error::invalid(fmt::format("the target column \"{}\" is not in the CSV (columns: {})",
                                      o.target, fmt::join(table.columns, ", ")),
                          "target");
  const auto& cells = table.cells[static_cast<std::size_t>(col)];
  std::map<std::string, std::size_t> counts;
  Labels labels;
  for (const auto& c : cells)
    if (!features::is_missing(c)) ++counts[std::string(trim_blanks(c))];
  if (counts.empty())
    return Error::invalid(fmt::format("the target column \"{}\" is empty", o.target), "target");
  if (!o.positive.empty()) {
    labels.positive = o.positive;
    if (!counts.count(o.positive))
      return Error::invalid(
          fmt::format("no row has {} = \"{}\"; the target has one class only for this "
                      "--positive",
                      o.target, o.positive),
          "positive");
    if (counts.size() < 2)
      return Error::invalid(
          fmt::format("the target \"{}\" has one value only (\"{}\")", o.target, o.positive),
          "target");
  } else {
    if (counts.size() == 1)
      return Error::invalid(
          fmt::format("the target \"{}\" has one value only (\"{}\"): nothing to learn", o.target,
                      counts.begin()->first),
          "target");
    if (counts.size() > 2)
      return Error::invalid(
          fmt::format("the target \"{}\" has {} different values; name the one that "
                      "counts as success with --positive",
                      o.target, counts.size()),
          "positive");
    auto a = counts.begin(), b = std::next(a);
    auto truthy = [](const std::string& v) {
      auto w = features::parse_bool_word(v);
      auto n = features::parse_number(v);
      return (w && *w == 1) || (n && *n == 1);
    };
    if (truthy(a->first))
      labels.positive = a->first;
    else if (truthy(b->first))
      labels.positive = b->first;
    else
      labels.positive = a->second <= b->second ? a->first : b->first;
  }
  labels.y.resize(table.rows);
  for (std::size_t r = 0; r < table.rows; ++r) {
    if (features::is_missing(cells[r])) {
      labels.y[r] = NAN;
      ++labels.missing;
    } else {
      labels.y[r] = trim_blanks(cells[r]) == labels.positive ? 1.f : 0.f;
    }
  }
  return labels;
}

struct GbdtRun {
  std::unique_ptr<GbdtModel> probe,
      final_model;  // final_model: null without a refit (the probe is final)
  // Scored on the trees' thread (off the main thread's path): the probe on the
  // validation rows, the saved model on the test rows.
  std::vector<double> validation_scores, test_scores;
  double seconds = 0;
  std::string detail;
  std::vector<TrainingRun::Phase> phases;  // on the boosted trees' threads
};

// How many XGBoost threads each of the boosted trees' boosters (the probe,
// the final fit) may use: `base` while the linear models train on the other
// core; once they are done, `alone` shared by the boosters still running.
// Every booster reads the same `per_booster`. The trees do not depend on it
// (XGBoost's hist method grows the same trees on any number of threads).
class TreeThreads {
 public:
  TreeThreads(int base, int alone)
      : per_booster(std::max(1, base)), base_(std::max(1, base)), alone_(std::max(base_, alone)) {}
  std::atomic<int> per_booster;

  void boosters_side_by_side() {
    change([&] { running_ = 2; });
  }
  void probe_done() {
    change([&] { running_ = 1; });
  }
  void linear_models_done() {
    change([&] { linear_done_ = true; });
  }

 private:
  template <class F>
  void change(F f) {
    std::lock_guard lock(mutex_);
    f();
    per_booster = linear_done_ ? std::max(base_, alone_ / running_) : base_;
  }
  const int base_, alone_;
  std::mutex mutex_;
  int running_ = 1;           // GUARDED_BY(mutex_)
  bool linear_done_ = false;  // GUARDED_BY(mutex_)
};

// A promise of the final fit's rounds that is always kept: with no value
// set, its destructor sets 1 (the training run failed; the final fit waiting
// for it stops and is discarded).
struct RoundsPromise {
  std::promise<int> promise;
  std::shared_future<int> future = promise.get_future().share();
  bool kept = false;
  void set(int rounds) {
    promise.set_value(rounds);
    kept = true;
  }
  ~RoundsPromise() {
    if (!kept) promise.set_value(1);
  }
};

// The features boosted trees read: all but the threshold ("col>=q") and
// log1p features of numeric columns, which restate the value for linear
// models (a tree splits the value itself anywhere) and would make up most of
// the histogram work. With `category_blocks`, each categorical column's
// one-hot block is read as one category code (TreeInputs::groups), split by
// sets of categories. All features after PCA.
struct TreeInputs {
  std::vector<std::uint32_t> columns, groups;
};

TreeInputs tree_inputs(const features::FeatureSpec& spec, bool category_blocks) {
  TreeInputs out;
  if (spec.has_pca()) return out;
  auto add = [&](std::size_t column, std::size_t group) {
    out.columns.push_back(static_cast<std::uint32_t>(column));
    out.groups.push_back(static_cast<std::uint32_t>(group));
  };
  for (const auto& col : spec.columns()) {
    if (category_blocks && col.kind == features::ColumnKind::kCategorical && col.width > 1) {
      add(col.offset, col.width);
    } else if (col.kind != features::ColumnKind::kNumeric) {
      for (std::size_t j = 0; j < col.width; ++j) add(col.offset + j, 1);
    } else {
      add(col.offset, 1);
      if (col.missing_indicator) add(col.offset + (col.log_feature ? 2 : 1), 1);
    }
  }
  return out;
}

std::vector<float> gather(const std::vector<float>& y, const std::vector<std::size_t>& rows) {
  std::vector<float> out;
  out.reserve(rows.size());
  for (auto r : rows) out.push_back(y[r]);
  return out;
}

// `model`'s scores of the rows of `x`.
std::vector<double> scores_of(const Model& model, const features::Matrix& x) {
  std::vector<double> s(x.rows);
  model.score(x.data.data(), x.rows, x.cols, s.data());
  return s;
}

// The rows of `top` followed by those of `bottom` (same width).
features::Matrix stack(const features::Matrix& top, const features::Matrix& bottom) {
  features::Matrix out;
  out.rows = top.rows + bottom.rows;
  out.cols = top.cols;
  out.data.reserve(top.data.size() + bottom.data.size());
  out.data.insert(out.data.end(), top.data.begin(), top.data.end());
  out.data.insert(out.data.end(), bottom.data.begin(), bottom.data.end());
  return out;
}

}  // namespace

const std::set<std::string>& known_model_kinds() {
  static const std::set<std::string> kinds = {"weighted", "lr", "gbdt", "hybrid"};
  return kinds;
}

Result<TrainingRun> train_models(const features::Table& table, const TrainOptions& o) {
  const auto start = Clock::now();
  std::mutex say_mutex;  // boosted trees report from their own thread
  auto say = [&](const std::string& line) {
    std::lock_guard lock(say_mutex);
    if (o.progress) o.progress(line);
  };
  TrainingRun run;
  if (table.rows == 0) return Error::invalid("the CSV has a header but no data rows");
  if (!(o.split > 0 && o.split < 1))
    return Error::invalid("--split must be between 0 and 1", "split");
  for (const auto& m : o.models)
    if (!known_model_kinds().count(m))
      return Error::invalid(
          fmt::format("unknown model \"{}\" (weighted, lr, gbdt, hybrid, all)", m), "model");
  for (const auto& e : o.exclude)
    if (table.find(e) < 0)
      return Error::invalid(fmt::format("--exclude names \"{}\", which is not a column", e),
                            "exclude");
  for (const auto& [name, kind] : o.kinds)
    if (table.find(name) < 0) return Error::invalid(fmt::format("no column \"{}\"", name), "kind");

  auto labels = make_labels(table, o);
  if (!labels) return labels.error();
  const std::vector<float>& y = labels->y;
  run.rows_dropped = labels->missing;
  if (labels->missing > 0)
    run.warnings.push_back(
        fmt::format("{} row(s) have no value in the target \"{}\" and were left out",
                    labels->missing, o.target));
  std::vector<std::size_t> usable;
  for (std::size_t r = 0; r < table.rows; ++r)
    if (!std::isnan(y[r])) usable.push_back(r);
  if (usable.size() < kMinTrainingRows)
    return Error::invalid(fmt::format("{} labelled row(s) are too few to train on (need {})",
                                      usable.size(), kMinTrainingRows));

  // Split: test rows are never looked at until the end.
  Split outer;
  if (!o.time_column.empty()) {
    int tc = table.find(o.time_column);
    if (tc < 0)
      return Error::invalid(fmt::format("no time column \"{}\"", o.time_column), "time-column");
    std::vector<double> order(table.rows, 0);
    for (std::size_t r = 0; r < table.rows; ++r) {
      const auto& cell = table.cells[static_cast<std::size_t>(tc)][r];
      if (auto t = features::parse_datetime(cell))
        order[r] = double(*t);
      else if (auto n = features::parse_number(cell))
        order[r] = *n;
      else
        order[r] = -INFINITY;
    }
    outer = time_ordered_split(usable, order, o.split);
  } else {
    outer = stratified_split(usable, y, o.split, o.seed);
  }
  Split inner = stratified_split(outer.train, y, 1 - o.validation, o.seed + 1);
  auto count_pos = [&](const std::vector<std::size_t>& rows) {
    std::size_t p = 0;
    for (auto r : rows) p += y[r] > 0.5f;
    return p;
  };
  for (const auto* part : {&inner.train, &inner.test, &outer.test}) {
    auto p = count_pos(*part);
    if (p == 0 || p == part->size())
      return Error::invalid(
          "one of the training, validation or test parts has a single class; the data "
          "has too few rows of the rarer class");
  }
  run.rows_train = inner.train.size();
  run.rows_valid = inner.test.size();
  run.rows_test = outer.test.size();

  // Schema and features, fitted on the training rows only.
  features::InferenceOptions inference;
  inference.exclude = o.exclude;
  inference.exclude.insert(o.target);
  inference.override = o.kinds;
  auto phase = start;
  double phase_cpu = thread_cpu();
  auto lap = [&](std::string name) {
    const double cpu = thread_cpu();
    run.phases.push_back({std::move(name), since(phase), cpu - phase_cpu});
    phase = Clock::now();
    phase_cpu = cpu;
  };
  lap("labels and split");
  run.profiles = features::infer_schema(table, inference);
  lap("schema");
  std::vector<features::FitWarning> fit_warnings;
  auto spec = features::FeatureSpec::fit(table, run.profiles, outer.train, o.fit, &fit_warnings);
  if (!spec) return spec.error();
  for (auto& w : fit_warnings) run.warnings.push_back(w.message);
  say(fmt::format("{} rows: {} train, {} validation, {} test; {} features", usable.size(),
                  run.rows_train, run.rows_valid, run.rows_test, spec->width()));
  auto binding = spec->bind(table.columns);
  if (!binding) return binding.error();
  features::TransformCounts counts;
  // The fit and validation rows are encoded once each; all training rows
  // (for the final fits once hyperparameters are chosen) are the two stacked.
  features::Matrix x_fit = spec->transform_table(table, *binding, inner.train);
  features::Matrix x_val = spec->transform_table(table, *binding, inner.test);
  features::Matrix x_test = spec->transform_table(table, *binding, outer.test, &counts);
  features::Matrix x_all = stack(x_fit, x_val);
  std::vector<float> y_fit = gather(y, inner.train), y_val = gather(y, inner.test),
                     y_test = gather(y, outer.test);
  std::vector<float> y_all = y_fit;
  y_all.insert(y_all.end(), y_val.begin(), y_val.end());
  Dataset fit{&x_fit, y_fit}, val{&x_val, y_val}, all{&x_all, y_all};
  lap("features");

  double base_rate = double(count_pos(outer.train)) / double(outer.train.size());
  // `probe` was trained on the fit rows only: its validation scores set the
  // calibration and the threshold. `final` (same hyperparameters, all training
  // rows) is what is saved and tested.
  std::map<std::string, double> validation_auc;
  // `scored` (optional): the probe's validation scores and the final model's
  // test scores, already computed on another thread.
  auto finish = [&](const Model& probe, std::unique_ptr<Model> final_model, bool calibrate,
                    double seconds, std::string detail, GbdtRun* scored = nullptr) {
    ScoredModel sm;
    std::vector<double> vs =
        scored ? std::move(scored->validation_scores) : scores_of(probe, x_val);
    validation_auc[std::string(probe.kind())] = roc_auc(vs, y_val);
    if (calibrate || !probe.scores_are_probabilities())
      sm.calibration = PlattCalibrator::fit(vs, y_val);
    std::vector<double> vp(vs.size());
    for (std::size_t i = 0; i < vs.size(); ++i) vp[i] = sm.probability(vs[i]);
    sm.threshold = best_f1_threshold(vp, y_val);
    sm.warm_threshold = std::min(base_rate, sm.threshold);
    sm.model = std::move(final_model);
    std::vector<double> ts = scored ? std::move(scored->test_scores) : scores_of(*sm.model, x_test);
    std::vector<double> tp(ts.size());
    for (std::size_t i = 0; i < ts.size(); ++i) tp[i] = sm.probability(ts[i]);
    sm.test = evaluate(ts, tp, y_test, sm.threshold);
    run.results.push_back({std::string(sm.model->kind()), *sm.test, seconds, std::move(detail)});
    run.bundle.models.push_back(std::move(sm));
  };

  auto wants = [&](std::string_view k) {
    return std::find(o.models.begin(), o.models.end(), k) != o.models.end();
  };
  // Boosted trees train on their own thread while the linear models train on
  // this one (the two share nothing but read-only matrices); with
  // o.parallel off they train here, after the others.
  const TreeInputs tree_in = tree_inputs(*spec, o.category_splits);
  const auto& columns = tree_in.columns;
  const auto& groups = tree_in.groups;
  TreeThreads tree_threads(o.booster.nthread, o.tree_threads_alone);
  auto train_gbdt = [&]() -> Result<GbdtRun> {
    say("training boosted trees");
    auto t = Clock::now();
    // Every candidate setting on the fit rows, one after another on the same
    // data (built once), early-stopped on the validation rows; the best
    // validation ROC-AUC wins.
    std::vector<BoosterParams> candidates{o.booster};
    if (o.large_data_booster && x_fit.rows >= o.large_data_rows)
      candidates[0] = *o.large_data_booster;
    for (const auto& p : o.booster_alternatives) candidates.push_back(p);
    for (auto& p : candidates) {
      p.seed = o.seed;
      p.nthread = o.booster.nthread;
      p.thread_budget = &tree_threads.per_booster;
    }
    std::vector<TrainingRun::Phase> phases(candidates.size() + (o.refit_trees ? 1 : 0));
    auto describe = [&](const BoosterParams& params, int rounds) {
      return params.max_leaves > 0 ? fmt::format("{} trees, {} lv", rounds, params.max_leaves)
                                   : fmt::format("{} trees, d{}", rounds, params.max_depth);
    };
    // The final fit on all training rows: 1/(1 - validation) times as many
    // rounds as the chosen probe's.
    auto final_rounds = [&](const GbdtModel& probe) {
      return std::max(1,
                      static_cast<int>(std::lround(probe.booster().rounds() / (1 - o.validation))));
    };
    auto train_final = [&](BoosterParams params) -> Result<std::unique_ptr<GbdtModel>> {
      const auto t0 = Clock::now();
      const double cpu0 = thread_cpu();
      features::Matrix none;
      none.cols = x_all.cols;
      auto gbdt = GbdtModel::train(
          all, Dataset{&none, {}}, params,
          [&](int round, double) {
            if (round % 25 == 0) say(fmt::format("boosted trees: final fit, round {}", round));
          },
          columns, groups);
      phases.back() = {"gbdt final fit", since(t0), thread_cpu() - cpu0};
      return gbdt;
    };
    // With one setting, the final fit trains on a thread of its own while
    // the probe trains, and stops at the round the probe's early stopping
    // sets (each booster's trees depend only on its own rows).
    const bool side_by_side = o.refit_trees && o.parallel && candidates.size() == 1;
    std::future<Result<std::unique_ptr<GbdtModel>>> final_job;
    RoundsPromise stop_final;  // (destroyed first: a final fit waiting for its rounds is released
                               // before the join)
    if (side_by_side) {
      tree_threads.boosters_side_by_side();
      auto params = candidates[0];
      params.max_rounds =
          std::max(1, static_cast<int>(std::lround(params.max_rounds / (1 - o.validation))));
      params.stop_at_rounds = stop_final.future;
      final_job = std::async(std::launch::async, train_final, params);
    }
    auto probe_data = GbdtModel::booster_data(fit, val, columns, groups);
    if (!probe_data) return probe_data.error();
    std::unique_ptr<GbdtModel> probe;
    std::vector<double> probe_scores;  // on the validation rows
    std::size_t chosen = 0;
    double chosen_auc = -1;
    for (std::size_t i = 0; i < candidates.size(); ++i) {
      const auto t0 = Clock::now();
      const double cpu0 = thread_cpu();
      auto candidate = GbdtModel::train(
          *probe_data, candidates[i],
          [&](int round, double loss) {
            if (round % 25 == 0)
              say(fmt::format("boosted trees ({} of {}): round {}, validation log-loss {:.4f}",
                              i + 1, candidates.size(), round, loss));
          },
          columns, x_fit.cols, groups);
      if (!candidate) return candidate.error();
      std::vector<double> vs = scores_of(**candidate, x_val);
      const double auc = roc_auc(vs, y_val);
      phases[i] = {
          fmt::format("gbdt probe {} ({} rounds)", i + 1, (*candidate)->booster().rounds()),
          since(t0), thread_cpu() - cpu0};
      if (auc > chosen_auc) {
        chosen_auc = auc;
        chosen = i;
        probe = std::move(*candidate);
        probe_scores = std::move(vs);
      }
    }
    const auto& params = candidates[chosen];
    if (!o.refit_trees) {
      const int rounds = probe->booster().rounds();
      auto ts = scores_of(*probe, x_test);
      return GbdtRun{std::move(probe), nullptr,  std::move(probe_scores),
                     std::move(ts),    since(t), describe(params, rounds),
                     std::move(phases)};
    }
    *probe_data = BoosterData{};  // frees XGBoost's copy of the fit rows
    tree_threads.probe_done();
    Result<std::unique_ptr<GbdtModel>> gbdt = Error::internal("no final fit");
    if (side_by_side) {
      stop_final.set(final_rounds(*probe));
      gbdt = final_job.get();
    } else {
      auto final_params = params;
      final_params.max_rounds = final_rounds(*probe);
      gbdt = train_final(final_params);
    }
    if (!gbdt) return gbdt.error();
    const int rounds = (*gbdt)->booster().rounds();
    auto ts = scores_of(**gbdt, x_test);
    return GbdtRun{std::move(probe), std::move(*gbdt), std::move(probe_scores),
                   std::move(ts),    since(t),         describe(params, rounds),
                   std::move(phases)};
  };
  std::future<Result<GbdtRun>> gbdt_job;
  if (wants("gbdt"))
    gbdt_job = std::async(o.parallel ? std::launch::async : std::launch::deferred, train_gbdt);
  // (A future from std::async joins its thread when destroyed, and it is
  // declared after everything the thread reads, so an early return is safe.)

  // The rule baseline.
  {
    auto t = Clock::now();
    std::vector<std::size_t> group(spec->width());
    for (std::size_t j = 0; j < group.size(); ++j)
      group[j] = spec->has_pca() ? j : spec->column_of_feature(j);
    auto probe = RuleBaseline::learn(fit, spec->feature_names(), group);
    auto rule = RuleBaseline::learn(all, spec->feature_names(), group);
    std::string detail = fmt::format("{} rules", rule->rules().size());
    finish(*probe, std::move(rule), true, since(t), std::move(detail));
    lap("rule");
  }

  const bool need_lr = wants("lr") || wants("hybrid");
  const bool need_weighted = wants("weighted") || wants("hybrid");
  std::unique_ptr<WeightedScore> weighted_probe, weighted;
  std::unique_ptr<LogisticRegression> lr_probe, lr;
  double weighted_seconds = 0, lr_seconds = 0;
  if (need_weighted) {
    say("training the weighted score");
    auto t = Clock::now();
    for (auto* target : {&weighted_probe, &weighted}) {
      const Dataset& data = target == &weighted_probe ? fit : all;
      if (o.weights_config) {
        auto w = WeightedScore::from_config(*o.weights_config, spec->feature_names(), data);
        if (!w) return w.error();
        *target = std::move(*w);
      } else {
        *target = WeightedScore::learn(data);
      }
    }
    weighted_seconds = since(t);
    lap("weighted");
  }
  if (need_lr) {
    say("training logistic regression (choosing C by cross-validation)");
    auto t = Clock::now();
    auto lr_options = o.lr;
    lr_options.seed = o.seed;
    lr_options.parallel = o.parallel;
    auto probe = LogisticRegression::train(fit, lr_options);
    if (!probe) return probe.error();
    lr_probe = std::move(*probe);
    lr_options.c = lr_probe->c();
    lr_options.start = lr_probe->weights();
    lr_options.start.push_back(lr_probe->bias());
    auto final_lr = LogisticRegression::train(all, lr_options);
    if (!final_lr) return final_lr.error();
    lr = std::move(*final_lr);
    lr_seconds = since(t);
    lap("lr");
  }
  if (wants("weighted"))
    finish(*weighted_probe, std::make_unique<WeightedScore>(*weighted), true, weighted_seconds,
           o.weights_config ? "expert weights" : "learned weights");
  if (wants("lr"))
    finish(*lr_probe, std::make_unique<LogisticRegression>(*lr), o.calibrate, lr_seconds,
           fmt::format("C={:g}", lr->c()));
  if (wants("hybrid")) {
    auto t = Clock::now();
    auto probe =
        HybridModel::combine(std::make_unique<WeightedScore>(*weighted_probe),
                             std::make_unique<LogisticRegression>(*lr_probe), o.alpha, val);
    auto hybrid =
        HybridModel::combine(std::make_unique<WeightedScore>(*weighted),
                             std::make_unique<LogisticRegression>(*lr), probe->alpha(), val);
    std::string detail = fmt::format("alpha={:g}", hybrid->alpha());
    finish(*probe, std::move(hybrid), true, since(t) + weighted_seconds + lr_seconds,
           std::move(detail));
    lap("evaluate linear models");
  }
  if (gbdt_job.valid()) {
    tree_threads.linear_models_done();
    auto g = gbdt_job.get();
    if (!g) return g.error();
    lap(o.parallel ? "waiting for boosted trees" : "gbdt");
    for (auto& p : g->phases) run.phases.push_back(std::move(p));
    const Model& probe = *g->probe;
    auto final_model = g->final_model ? std::move(g->final_model) : std::move(g->probe);
    finish(probe, std::move(final_model), o.calibrate, g->seconds, std::move(g->detail), &*g);
    lap("evaluate gbdt");
  }

  // The primary model: the best ROC-AUC on validation rows (by the probes, which
  // never saw them), so the test rows stay untouched by any choice.
  double best = -1;
  for (const auto& [kind, auc] : validation_auc) {
    if (kind == "rule") continue;
    if (auc > best) {
      best = auc;
      run.bundle.primary = kind;
    }
  }
  if (run.bundle.primary.empty()) run.bundle.primary = "rule";
  run.bundle.target = o.target;
  run.bundle.positive = labels->positive;
  run.bundle.created_at = format_timestamp(SystemClock::instance().now());
  run.bundle.spec = std::move(*spec);
  run.seconds = since(start);
  return run;
}

boost::json::object TrainingRun::report() const {
  boost::json::array models;
  for (const auto& r : results)
    models.push_back({{"model", r.kind},
                      {"detail", r.detail},
                      {"seconds", r.seconds},
                      {"test", r.test.to_json()}});
  boost::json::array columns;
  for (const auto& p : profiles) {
    boost::json::object c{{"name", p.name},
                          {"kind", std::string(features::column_kind_name(p.kind))},
                          {"missing", p.missing},
                          {"distinct", p.distinct}};
    if (!p.why.empty()) c["why"] = p.why;
    columns.push_back(std::move(c));
  }
  return {{"target", bundle.target},
          {"positive", bundle.positive},
          {"rows",
           {{"train", rows_train},
            {"validation", rows_valid},
            {"test", rows_test},
            {"dropped", rows_dropped}}},
          {"primary", bundle.primary},
          {"features", boost::json::array(bundle.spec.feature_names().begin(),
                                          bundle.spec.feature_names().end())},
          {"columns", std::move(columns)},
          {"models", std::move(models)},
          {"warnings", boost::json::array(warnings.begin(), warnings.end())},
          {"seconds", seconds}};
}

}  // namespace icrm::models
