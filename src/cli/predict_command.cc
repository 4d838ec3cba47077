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
#include "models/table_scorer.h"

namespace icrm::cli {
namespace {

struct PredictArgs {
  std::string model, csv, out = "scores.csv", use;
  std::size_t top = models::kDefaultTopFactors;
  CsvFlags csv_flags;
};

int run_predict(const PredictArgs& a) {
  Progress progress;
  auto csv = to_csv_options(a.csv_flags);
  if (!csv) return report(csv.error());
  progress.update("loading " + a.model);
  auto bundle = models::load_bundle(a.model);
  if (!bundle) return report(bundle.error());
  const std::string kind = a.use.empty() ? bundle->primary : a.use;
  const models::ScoredModel* sm = bundle->find(kind);
  if (!sm)
    return report(Error::invalid(fmt::format("the model file has no \"{}\" model", kind), "use"));
  progress.update("reading " + a.csv);
  auto table = features::read_csv_table(a.csv, {.csv = *csv});
  if (!table) return report(table.error());
  if (table->rows == 0)
    return report(Error::invalid(a.csv + ": the CSV has a header but no data rows"));
  const auto& spec = bundle->spec;
  progress.update("scoring");
  auto scores = models::score_table(spec, *sm, *table, a.top);
  if (!scores) return report(Error::invalid(a.csv + ": " + scores.error().message));
  const std::size_t n = table->rows;
  for (std::size_t c = 0; c < spec.columns().size(); ++c)
    if (scores->counts.non_numeric[c] > 0)
      std::cerr << fmt::format(
          "insightcrm: warning: {} value(s) in numeric column \"{}\" are not numbers; "
          "treated as missing\n",
          scores->counts.non_numeric[c], spec.columns()[c].name);

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
  for (std::size_t r = 0; r < n; ++r) {
    line.clear();
    for (std::size_t c = 0; c < table->columns.size(); ++c) {
      ingest::append_csv_field(line, table->cells[c][r]);
      line += ',';
    }
    std::string text;
    for (const auto& f : scores->factors[r]) text += (text.empty() ? "" : "; ") + f.text();
    line += fmt::format("{:.6f},{:.1f},{},{},", scores->probability[r], scores->score[r] * 100,
                        scores->rank[r], scores->tier[r]);
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
  cmd->add_option("--csv", a->csv, "The rows to score (same columns as the training CSV)")
      ->required();
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
