// How the trainer's defaults were chosen without looking at the test rows:
// for a data set, take the TRAINING part of the seed's stratified 80:20 split
// (the test rows never enter), and on it run `train_models` with each
// candidate setting over several repeated 80:20 splits of its own, reporting
// the mean held-out ROC-AUC of lr and gbdt per candidate.
//
//   build/bench/model_selection --csv F --target y [--exclude duration] [--seed 42] [--repeats 3]
//                               [--only name,name] [--models gbdt]
#include <fmt/format.h>

#include <cstdlib>
#include <functional>
#include <iostream>
#include <map>
#include <set>
#include <sstream>
#include <string>
#include <vector>

#include "features/table.h"
#include "features/value_parsing.h"
#include "models/split.h"
#include "models/trainer.h"

namespace {

using icrm::models::BoosterParams;
using icrm::models::TrainOptions;

struct Candidate {
  std::string name;
  std::function<void(TrainOptions&)> apply;
};

// A whole boosted-tree setting; the defaults are the first round's (depth 4,
// eta 0.05, 0.8 of the rows and columns).
struct Trees {
  double eta = 0.05;
  double subsample = 0.8;
  double colsample = 0.8;
  int depth = 4;
  int leaves = 0;
  double min_child_weight = 1;
  double lambda = 1;
  int max_bin = 256;
};

icrm::models::BoosterParams as_booster(const Trees& t) {
  icrm::models::BoosterParams p;
  p.eta = t.eta;
  p.subsample = t.subsample;
  p.colsample_bytree = t.colsample;
  p.max_depth = t.depth;
  p.max_leaves = t.leaves;
  p.min_child_weight = t.min_child_weight;
  p.lambda = t.lambda;
  p.max_bin = t.max_bin;
  return p;
}

Candidate trees(std::string name, Trees t) {
  return {std::move(name), [t](TrainOptions& o) {
            o.booster = as_booster(t);
            o.large_data_booster.reset();
            o.booster_alternatives.clear();
          }};
}

// Early-stopping patience for every boosted-tree setting tried.
Candidate patience(int rounds) {
  return {fmt::format("all-patience{}", rounds), [rounds](TrainOptions& o) {
            o.booster.early_stopping_rounds = rounds;
            if (o.large_data_booster) o.large_data_booster->early_stopping_rounds = rounds;
            for (auto& p : o.booster_alternatives) p.early_stopping_rounds = rounds;
          }};
}

// One change to every boosted-tree setting the trainer may use (the
// default, the large-data shape and any alternative).
Candidate every_shape(std::string name, std::function<void(BoosterParams&)> change) {
  return {std::move(name), [change](TrainOptions& o) {
            change(o.booster);
            if (o.large_data_booster) change(*o.large_data_booster);
            for (auto& p : o.booster_alternatives) change(p);
          }};
}

const std::vector<Candidate>& candidates() {
  static const std::vector<Candidate> all = {
      // The first round's candidates change one thing in the defaults of the
      // day (bench/README.md says which defaults each table had).
      {"current", [](TrainOptions&) {}},
      {"sentinel", [](TrainOptions& o) { o.fit.sentinel_missing = true; }},
      {"distinct32", [](TrainOptions& o) { o.fit.distinct_bins = 32; }},
      {"sentinel+distinct32",
       [](TrainOptions& o) {
         o.fit.sentinel_missing = true;
         o.fit.distinct_bins = 32;
       }},
      {"depth4", [](TrainOptions& o) { o.booster.max_depth = 4; }},
      {"depth6", [](TrainOptions& o) { o.booster.max_depth = 6; }},
      {"eta0.03", [](TrainOptions& o) { o.booster.eta = 0.03; }},
      {"eta0.1", [](TrainOptions& o) { o.booster.eta = 0.1; }},
      {"mcw5", [](TrainOptions& o) { o.booster.min_child_weight = 5; }},
      {"colsample0.5", [](TrainOptions& o) { o.booster.colsample_bytree = 0.5; }},
      {"patience80", [](TrainOptions& o) { o.booster.early_stopping_rounds = 80; }},
      // Patience for every tree setting tried (the defaults' and the alternatives').
      patience(5),
      patience(10),
      patience(15),
      patience(20),
      patience(25),
      {"lr-fine-grid",
       [](TrainOptions& o) { o.lr.c_grid = {0.001, 0.003, 0.01, 0.03, 0.1, 0.3, 1, 3}; }},
      {"lr-5-folds", [](TrainOptions& o) { o.lr.folds = 5; }},
      {"no-quantile-bins", [](TrainOptions& o) { o.fit.numeric_bins = 0; }},
      {"depth4+sentinel",
       [](TrainOptions& o) {
         o.booster.max_depth = 4;
         o.fit.sentinel_missing = true;
       }},
      {"depth4+mcw5",
       [](TrainOptions& o) {
         o.booster.max_depth = 4;
         o.booster.min_child_weight = 5;
       }},
      // Boosted-tree settings of the second round (bench/README.md), each
      // spelled out whole and alone (no alternative), so they mean the same
      // whatever the defaults become.
      trees("eta0.1+mcw5", {.eta = 0.1, .min_child_weight = 5}),
      trees("eta0.1+depth5", {.eta = 0.1, .depth = 5}),
      trees("eta0.1+depth3", {.eta = 0.1, .depth = 3}),
      trees("eta0.1+colsample0.5", {.eta = 0.1, .colsample = 0.5}),
      trees("eta0.1+maxbin64", {.eta = 0.1, .max_bin = 64}),
      trees("eta0.1+lambda10", {.eta = 0.1, .lambda = 10}),
      trees("hgb-like", {.eta = 0.1,
                         .subsample = 1,
                         .colsample = 1,
                         .depth = 0,
                         .leaves = 31,
                         .min_child_weight = 2,
                         .lambda = 0}),
      trees("hgb-like+eta0.05", {.subsample = 1,
                                 .colsample = 1,
                                 .depth = 0,
                                 .leaves = 31,
                                 .min_child_weight = 2,
                                 .lambda = 0}),
      trees("hgb-like+subsample0.8",
            {.eta = 0.1, .depth = 0, .leaves = 31, .min_child_weight = 2, .lambda = 0}),
      trees("hgb-like+lambda1", {.eta = 0.1,
                                 .subsample = 1,
                                 .colsample = 1,
                                 .depth = 0,
                                 .leaves = 31,
                                 .min_child_weight = 2}),
      trees("full-sample", {.subsample = 1, .colsample = 1}),
      trees("full-sample+eta0.1", {.eta = 0.1, .subsample = 1, .colsample = 1}),
      trees("leaves15-full+eta0.1", {.eta = 0.1,
                                     .subsample = 1,
                                     .colsample = 1,
                                     .depth = 0,
                                     .leaves = 15,
                                     .min_child_weight = 2}),
      trees("leaves15", {.depth = 0, .leaves = 15}),
      trees("leaves15+mcw2", {.depth = 0, .leaves = 15, .min_child_weight = 2}),
      trees("depth4+subsample0.6", {.subsample = 0.6}),
      trees("depth4+colsample0.6", {.colsample = 0.6}),
      // The defaults' depth-4 trees replaced by the first round's, keeping the
      // leaf-wise alternative; and the defaults without it.
      {"d4-subsampled+leafwise",
       [](TrainOptions& o) {
         o.booster = as_booster({});
         o.large_data_booster.reset();
         o.booster_alternatives = {icrm::models::leafwise_booster()};
       }},
      {"d4-only", [](TrainOptions& o) { o.large_data_booster.reset(); }},
      // Fifth round (branch models5): both shapes probed on every data set,
      // the models4 default, against one shape by the size of the data; and
      // the early-stopped trees kept instead of refitted on all rows.
      {"probe-both",
       [](TrainOptions& o) {
         o.large_data_booster.reset();
         o.booster_alternatives = {icrm::models::leafwise_booster()};
       }},
      {"leafwise-only",
       [](TrainOptions& o) {
         o.booster = icrm::models::leafwise_booster();
         o.large_data_booster.reset();
       }},
      {"no-refit", [](TrainOptions& o) { o.refit_trees = false; }},
      // Sixth round (branch models6): the trees read each categorical column
      // as one category code (native categorical splits) or its one-hot
      // features one by one (before); with both shapes.
      {"onehot-trees", [](TrainOptions& o) { o.category_splits = false; }},
      {"category-partitions",
       [](TrainOptions& o) {
         o.booster.max_cat_to_onehot = 4;
         if (o.large_data_booster) o.large_data_booster->max_cat_to_onehot = 4;
       }},
      {"onehot-trees+probe-both",
       [](TrainOptions& o) {
         o.category_splits = false;
         o.large_data_booster.reset();
         o.booster_alternatives = {icrm::models::leafwise_booster()};
       }},
      // Fewer Cs for logistic regression's cross-validation (12 fits → 9).
      {"lr-grid-0.03-3",
       [](TrainOptions& o) {
         o.lr.c_grid = {0.03, 0.3, 3};
       }},
      {"lr-grid-0.01-1",
       [](TrainOptions& o) {
         o.lr.c_grid = {0.01, 0.1, 1};
       }},
      // Sixth round (branch models6): two cross-validation folds instead of three.
      {"lr-2-folds", [](TrainOptions& o) { o.lr.folds = 2; }},
      {"probe-both+no-refit",
       [](TrainOptions& o) {
         o.large_data_booster.reset();
         o.booster_alternatives = {icrm::models::leafwise_booster()};
         o.refit_trees = false;
       }},
      // Seventh round (branch models7): one change to the trees of every
      // shape (depth 4 below large_data_rows, leaf-wise above), to close
      // the gap to HistGradientBoosting on bank marketing with duration.
      every_shape("shapes-mcw5", [](BoosterParams& p) { p.min_child_weight = 5; }),
      every_shape("shapes-mcw10", [](BoosterParams& p) { p.min_child_weight = 10; }),
      every_shape("shapes-lambda0", [](BoosterParams& p) { p.lambda = 0; }),
      every_shape("shapes-lambda5", [](BoosterParams& p) { p.lambda = 5; }),
      every_shape("shapes-maxbin128", [](BoosterParams& p) { p.max_bin = 128; }),
      every_shape("shapes-maxbin64", [](BoosterParams& p) { p.max_bin = 64; }),
      every_shape("shapes-eta0.05", [](BoosterParams& p) { p.eta = 0.05; }),
      every_shape("shapes-eta0.05+patience40",
                  [](BoosterParams& p) {
                    p.eta = 0.05;
                    p.early_stopping_rounds = 40;
                  }),
      every_shape("leafwise-15",
                  [](BoosterParams& p) {
                    if (p.max_leaves > 0) p.max_leaves = 15;
                  }),
      every_shape("leafwise-63",
                  [](BoosterParams& p) {
                    if (p.max_leaves > 0) p.max_leaves = 63;
                  }),
      {"depth4+sentinel+mcw5",
       [](TrainOptions& o) {
         o.booster.max_depth = 4;
         o.booster.min_child_weight = 5;
         o.fit.sentinel_missing = true;
       }},
  };
  return all;
}

std::vector<std::string> split_commas(const std::string& text) {
  std::vector<std::string> out;
  std::stringstream ss(text);
  for (std::string part; std::getline(ss, part, ',');)
    if (!part.empty()) out.push_back(part);
  return out;
}

}  // namespace

int main(int argc, char** argv) {
  std::map<std::string, std::string> args = {{"--seed", "42"}, {"--repeats", "3"}};
  for (int i = 1; i + 1 < argc; i += 2) args[argv[i]] = argv[i + 1];
  if (!args.count("--csv") || !args.count("--target")) {
    std::cerr << "usage: model_selection --csv F --target COL [--positive V] [--exclude a,b] "
                 "[--seed 42] [--repeats 3] [--only name,...]\n";
    return 2;
  }
  auto table = icrm::features::read_csv_table(args["--csv"]);
  if (!table) {
    std::cerr << table.error().to_string() << "\n";
    return 1;
  }
  const std::uint64_t seed = std::stoull(args["--seed"]);
  const int repeats = std::stoi(args["--repeats"]);
  const int target = table->find(args["--target"]);
  if (target < 0) {
    std::cerr << "no column " << args["--target"] << "\n";
    return 1;
  }
  // The outer split the trainer makes with this seed; keep its training rows only.
  const auto& cells = table->cells[static_cast<std::size_t>(target)];
  std::string positive = args.count("--positive") ? args["--positive"] : "yes";
  std::vector<float> y(table->rows);
  std::vector<std::size_t> rows(table->rows);
  for (std::size_t r = 0; r < table->rows; ++r) {
    y[r] = icrm::trim_blanks(cells[r]) == positive ? 1.f : 0.f;
    rows[r] = r;
  }
  auto outer = icrm::models::stratified_split(rows, y, 0.8, seed);
  icrm::features::Table train;
  train.columns = table->columns;
  train.cells.resize(table->columns.size());
  for (std::size_t c = 0; c < table->columns.size(); ++c)
    for (std::size_t r : outer.train) train.cells[c].push_back(table->cells[c][r]);
  train.rows = outer.train.size();

  std::set<std::string> only;
  if (args.count("--only"))
    for (auto& n : split_commas(args["--only"])) only.insert(n);
  std::cout << fmt::format("{} training rows of {} (seed {}); {} repeated 80:20 splits of them\n",
                           train.rows, table->rows, seed, repeats);
  std::cout << fmt::format("{:<22} {:>8} {:>8}\n", "candidate", "lr", "gbdt");
  for (const auto& c : candidates()) {
    if (!only.empty() && !only.count(c.name)) continue;
    double lr = 0, gbdt = 0;
    for (int k = 0; k < repeats; ++k) {
      TrainOptions o;
      o.target = args["--target"];
      o.positive = positive;
      if (args.count("--exclude"))
        for (auto& e : split_commas(args["--exclude"])) o.exclude.insert(e);
      o.models = args.count("--models") ? split_commas(args["--models"])
                                        : std::vector<std::string>{"lr", "gbdt"};
      o.seed = 1000 + static_cast<std::uint64_t>(k);
      c.apply(o);
      auto run = icrm::models::train_models(train, o);
      if (!run) {
        std::cerr << c.name << ": " << run.error().to_string() << "\n";
        return 1;
      }
      for (const auto& r : run->results) {
        if (r.kind == "lr") lr += r.test.roc_auc / repeats;
        if (r.kind == "gbdt") gbdt += r.test.roc_auc / repeats;
      }
    }
    std::cout << fmt::format("{:<22} {:>8.4f} {:>8.4f}\n", c.name, lr, gbdt) << std::flush;
  }
  return 0;
}
