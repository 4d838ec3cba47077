// How the trainer's defaults were chosen without looking at the test rows:
// for a data set, take the TRAINING part of the seed's stratified 80:20 split
// (the test rows never enter), and on it run `train_models` with each
// candidate setting over several repeated 80:20 splits of its own, reporting
// the mean held-out ROC-AUC of lr and gbdt per candidate.
//
//   build/bench/model_selection --csv F --target y [--exclude duration] [--seed 42] [--repeats 3]
//                               [--only name,name]
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

using icrm::models::TrainOptions;

struct Candidate {
  std::string name;
  std::function<void(TrainOptions&)> apply;
};

const std::vector<Candidate>& candidates() {
  static const std::vector<Candidate> all = {
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
      {"eta0.1+mcw5", [](TrainOptions& o) {
         o.booster.eta = 0.1;
         o.booster.min_child_weight = 5;
       }},
      {"eta0.1+depth5", [](TrainOptions& o) {
         o.booster.eta = 0.1;
         o.booster.max_depth = 5;
       }},
      {"eta0.1+depth3", [](TrainOptions& o) {
         o.booster.eta = 0.1;
         o.booster.max_depth = 3;
       }},
      {"eta0.1+colsample0.5", [](TrainOptions& o) {
         o.booster.eta = 0.1;
         o.booster.colsample_bytree = 0.5;
       }},
      {"eta0.1+maxbin64", [](TrainOptions& o) {
         o.booster.eta = 0.1;
         o.booster.max_bin = 64;
       }},
      {"eta0.1+lambda10", [](TrainOptions& o) {
         o.booster.eta = 0.1;
         o.booster.lambda = 10;
       }},
      {"hgb-like", [](TrainOptions& o) {
         o.booster.eta = 0.1;
         o.booster.max_depth = 0;
         o.booster.max_leaves = 31;
         o.booster.min_child_weight = 2;
         o.booster.lambda = 0;
         o.booster.subsample = 1;
         o.booster.colsample_bytree = 1;
       }},
      {"hgb-like+eta0.05", [](TrainOptions& o) {
         o.booster.eta = 0.05;
         o.booster.max_depth = 0;
         o.booster.max_leaves = 31;
         o.booster.min_child_weight = 2;
         o.booster.lambda = 0;
         o.booster.subsample = 1;
         o.booster.colsample_bytree = 1;
       }},
      {"hgb-like+subsample0.8", [](TrainOptions& o) {
         o.booster.eta = 0.1;
         o.booster.max_depth = 0;
         o.booster.max_leaves = 31;
         o.booster.min_child_weight = 2;
         o.booster.lambda = 0;
         o.booster.subsample = 0.8;
         o.booster.colsample_bytree = 0.8;
       }},
      {"hgb-like+lambda1", [](TrainOptions& o) {
         o.booster.eta = 0.1;
         o.booster.max_depth = 0;
         o.booster.max_leaves = 31;
         o.booster.min_child_weight = 2;
         o.booster.subsample = 1;
         o.booster.colsample_bytree = 1;
       }},
      {"full-sample", [](TrainOptions& o) {
         o.booster.subsample = 1;
         o.booster.colsample_bytree = 1;
       }},
      {"full-sample+eta0.1", [](TrainOptions& o) {
         o.booster.eta = 0.1;
         o.booster.subsample = 1;
         o.booster.colsample_bytree = 1;
       }},
      {"leaves15-full+eta0.1", [](TrainOptions& o) {
         o.booster.eta = 0.1;
         o.booster.max_depth = 0;
         o.booster.max_leaves = 15;
         o.booster.min_child_weight = 2;
         o.booster.subsample = 1;
         o.booster.colsample_bytree = 1;
       }},
      {"leaves15", [](TrainOptions& o) {
         o.booster.max_depth = 0;
         o.booster.max_leaves = 15;
       }},
      {"leaves15+mcw2", [](TrainOptions& o) {
         o.booster.max_depth = 0;
         o.booster.max_leaves = 15;
         o.booster.min_child_weight = 2;
       }},
      {"depth4+subsample0.6", [](TrainOptions& o) { o.booster.subsample = 0.6; }},
      {"depth4+colsample0.6", [](TrainOptions& o) { o.booster.colsample_bytree = 0.6; }},
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
    y[r] = icrm::features::trim_blanks(cells[r]) == positive ? 1.f : 0.f;
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
      o.models = {"lr", "gbdt"};
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
