#include <fmt/format.h>

#include <algorithm>
#include <fstream>
#include <iostream>
#include <memory>
#include <numeric>

#include "cli/command.h"
#include "cli/csv_options.h"
#include "cli/progress.h"
#include "features/table.h"
#include "ingest/csv_writer.h"
#include "models/explanation.h"
#include "models/model_bundle.h"

namespace icrm::cli {
namespace {

struct PredictArgs {
  std::string model, csv, out = "scores.csv", use;
  std::size_t top = models::kDefaultTopFactors;
  CsvFlags csv_flags;
};

constexpr std::size_t kBatchRows = 4096;

int run_predict(const PredictArgs& a) {
  Progress progress;
  auto csv = to_csv_options(a.csv_flags);
  if (!csv) return report(csv.error());
  progress.update("loading " + a.model);
  auto bundle = models::load_bundle(a.model);
  if (!bundle) return report(bundle.error());
  const std::string kind = a.use.empty() ? bundle->primary : a.use;
  const models::ScoredModel* sm = bundle->find(kind);
  if (!sm) return report(Error::invalid(fmt::format("the model file has no \"{}\" model", kind), "use"));
  progress.update("reading " + a.csv);
  auto table = features::read_csv_table(a.csv, {.csv = *csv});
  if (!table) return report(table.error());
  if (table->rows == 0) return report(Error::invalid(a.csv + ": the CSV has a header but no data rows"));
  const auto& spec = bundle->spec;
  auto binding = spec.bind(table->columns);
  if (!binding) return report(Error::invalid(a.csv + ": " + binding.error().message));

  // Score in batches.
  progress.update("scoring");
  const std::size_t n = table->rows, d = spec.width();
  std::vector<double> score(n), probability(n);
  features::TransformCounts counts;
  counts.non_numeric.assign(spec.columns().size(), 0);
  counts.unseen_level.assign(spec.columns().size(), 0);
  std::vector<float> x(kBatchRows * d);
  std::vector<std::string_view> cells(spec.columns().size());
  for (std::size_t begin = 0; begin < n; begin += kBatchRows) {
    std::size_t rows = std::min(kBatchRows, n - begin);
    for (std::size_t i = 0; i < rows; ++i) {
      for (std::size_t c = 0; c < cells.size(); ++c) cells[c] = table->cells[(*binding)[c]][begin + i];
      spec.transform(cells, std::span<float>(x.data() + i * d, d), &counts);
    }
    sm->predict(x.data(), rows, d, score.data() + begin, probability.data() + begin);
  }
  for (std::size_t c = 0; c < cells.size(); ++c)
    if (counts.non_numeric[c] > 0)
      std::cerr << fmt::format("insightcrm: warning: {} value(s) in numeric column \"{}\" are not numbers; "
                               "treated as missing\n", counts.non_numeric[c], spec.columns()[c].name);

  std::vector<std::size_t> order(n);
  std::iota(order.begin(), order.end(), 0);
  std::stable_sort(order.begin(), order.end(), [&](std::size_t l, std::size_t r) { return score[l] > score[r]; });
  std::vector<std::size_t> rank(n);
  for (std::size_t i = 0; i < n; ++i) rank[order[i]] = i + 1;

  progress.update("writing " + a.out);
  std::ofstream out(a.out, std::ios::binary | std::ios::trunc);
  if (!out) return report(Error::invalid("cannot write " + a.out, "out"));
  std::string line;
  for (std::size_t c = 0; c < table->columns.size(); ++c) {
    ingest::append_csv_field(line, table->columns[c]);
    line += ',';
  }
  line += "probability,score,rank,tier,top_factors\n";
  out << line;
  std::vector<float> row(d);
  for (std::size_t r = 0; r < n; ++r) {
    line.clear();
    for (std::size_t c = 0; c < table->columns.size(); ++c) {
      ingest::append_csv_field(line, table->cells[c][r]);
      line += ',';
    }
    for (std::size_t c = 0; c < cells.size(); ++c) cells[c] = table->cells[(*binding)[c]][r];
    spec.transform(cells, row);
    auto factors = models::explain(*sm->model, spec, cells, row, a.top);
    std::string text;
    for (const auto& f : factors) text += (text.empty() ? "" : "; ") + f.text();
    const char* tier = probability[r] >= sm->threshold ? "hot" : probability[r] >= sm->warm_threshold ? "warm" : "cold";
    line += fmt::format("{:.6f},{:.1f},{},{},", probability[r], score[r] * 100, rank[r], tier);
    ingest::append_csv_field(line, text);
    line += '\n';
    out << line;
  }
  if (!out.flush()) return report(Error::unavailable("writing " + a.out + " failed"));
  progress.done();
  std::cout << fmt::format("scored {} rows with the {} model; written to {}\n", n, kind, a.out);
  return kExitOk;
}

}  // namespace

void add_predict_command(CLI::App& app) {
  auto* cmd = app.add_subcommand(
      "predict",
      "Score a CSV with a trained model file: adds probability, score (0-100), rank,\n"
      "tier (hot/warm/cold) and the top factors behind each score.");
  auto a = std::make_shared<PredictArgs>();
  cmd->add_option("--model", a->model, "Model file written by `insightcrm train`")->required();
  cmd->add_option("--csv", a->csv, "The rows to score (same columns as the training CSV)")->required();
  cmd->add_option("--out", a->out, "Where to write the scored CSV")->capture_default_str();
  cmd->add_option("--use", a->use, "Which model in the file to use (default: the primary one)");
  cmd->add_option("--top", a->top, "How many factors to list per row")->capture_default_str();
  add_csv_flags(*cmd, a->csv_flags);
  cmd->callback([a] {
    int rc = run_predict(*a);
    if (rc != kExitOk) throw CLI::RuntimeError(rc);
  });
}

}  // namespace icrm::cli
