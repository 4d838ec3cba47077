#include "models/record_training.h"

#include <fmt/format.h>

#include <boost/json/serialize.hpp>

#include "features/record_table.h"
#include "models/table_scorer.h"
#include "store/score_store.h"

namespace icrm::models {
namespace {

void report(const StageProgress& p, std::string_view stage, std::size_t done = 0,
            std::size_t total = 0) {
  if (p) p(stage, done, total);
}

}  // namespace

boost::json::array factors_json(const std::vector<Factor>& factors, std::string_view unit) {
  boost::json::array out;
  for (const auto& f : factors)
    out.push_back(boost::json::object{{"column", f.column},
                                      {"value", f.value},
                                      {"contribution", f.contribution},
                                      {"unit", unit},
                                      {"text", f.text()},
                                      {"words", f.words(unit)}});
  return out;
}

namespace {

// Scores `rows` (open records as of `now`) with `model`, whose bundle is
// `bundle`, and records every score.
Result<ScoringSummary> score_rows(store::Database& db, const store::ModelRecord& model,
                                  const ModelBundle& bundle, const features::RecordRows& rows,
                                  Timestamp now, std::size_t top, const StageProgress& progress) {
  const ScoredModel* sm = bundle.find(model.kind);
  if (!sm)
    return Error::internal(
        fmt::format("model {} has no \"{}\" model in its bundle", model.id, model.kind));
  ScoringSummary summary;
  summary.model_id = model.id;
  summary.model_version = model.version;
  if (rows.table.rows == 0) return summary;
  report(progress, "scoring", 0, rows.table.rows);
  auto scores = score_table(bundle.spec, *sm, rows.table, top);
  if (!scores) return scores.error();
  const std::string_view unit = sm->model->contribution_unit();
  std::vector<store::ScoreRecord> records(rows.table.rows);
  for (std::size_t r = 0; r < records.size(); ++r) {
    auto& s = records[r];
    s.entity = model.entity;
    s.entity_id = rows.ids[r];
    s.model_id = model.id;
    s.score = scores->score[r];
    s.probability = scores->probability[r];
    s.rank = static_cast<int64_t>(scores->rank[r]);
    s.tier = std::string(scores->tier[r]);
    s.factors = factors_json(scores->factors[r], unit);
    s.scored_at = now;
    summary.hot += s.tier == "hot";
    summary.warm += s.tier == "warm";
    summary.cold += s.tier == "cold";
  }
  report(progress, "saving scores", 0, records.size());
  if (auto st = store::ScoreStore(db).record(records); !st) return st.error();
  summary.scored = records.size();
  report(progress, "scoring", records.size(), records.size());
  return summary;
}

}  // namespace

Result<ScoringSummary> score_open_records(store::Database& db, const Clock& clock,
                                          std::string_view entity, std::string_view target,
                                          std::size_t top_factors, const StageProgress& progress) {
  store::ModelRegistry registry(db, clock);
  auto active = registry.active(entity, target);
  if (!active) return active.error();
  if (!*active)
    return Error::not_found(
        fmt::format("no {} model for \"{}\" is active; train one first", entity, target));
  const store::ModelRecord& model = **active;
  auto bundle = bundle_from_json(model.bundle);
  if (!bundle) return bundle.error();
  features::RecordTableOptions o;
  o.entity = std::string(entity);
  o.target = std::string(target);
  o.now = clock.now();
  o.open_only = true;
  for (const auto& c : bundle->spec.columns()) o.columns.push_back(c.name);
  o.progress = progress;
  auto table = features::build_record_table(db, o);
  if (!table) return table.error();
  return score_rows(db, model, *bundle, table->open, o.now, top_factors, progress);
}

Result<RecordTrainingResult> train_on_records(store::Database& db, const Clock& clock,
                                              const RecordTrainingOptions& options) {
  const std::string target = options.target.empty()
                                 ? std::string(features::default_target(options.entity))
                                 : options.target;
  features::RecordTableOptions o;
  o.entity = options.entity;
  o.target = target;
  o.now = clock.now();
  o.progress = options.progress;
  auto table = features::build_record_table(db, o);
  if (!table) return table.error();

  RecordTrainingResult result;
  result.labelled = table->labelled.table.rows;
  result.positives = table->positives;
  result.events_used = table->events_used;
  if (result.labelled == 0)
    return Error::invalid(options.entity == "leads"
                              ? "no lead is converted or lost yet: there is nothing to learn from"
                              : "there are no customers to learn from");
  if (table->events_skipped > 0)
    result.warnings.push_back(
        fmt::format("{} event(s) were left out: their {} is unknown, or they were "
                    "stored too late to count",
                    table->events_skipped, options.entity == "leads" ? "lead" : "customer"));

  TrainOptions t = options.train;
  t.target = target;
  t.positive = "1";
  for (const auto& [name, kind] : table->kinds) t.kinds.try_emplace(name, kind);
  auto outer_progress = options.progress;
  t.progress = [outer_progress](const std::string& line) { report(outer_progress, line); };
  report(options.progress, "training");
  auto run = train_models(table->labelled.table, t);
  if (!run) return run.error();
  result.warnings.insert(result.warnings.end(), run->warnings.begin(), run->warnings.end());

  store::ModelRecord record;
  record.entity = options.entity;
  record.target = target;
  record.kind = run->bundle.primary;
  auto metrics = run->report();
  metrics["records"] = {{"labelled", result.labelled},
                        {"positives", result.positives},
                        {"open", table->open.table.rows},
                        {"events_used", result.events_used}};
  record.metrics = std::move(metrics);
  record.bundle = boost::json::serialize(bundle_to_json(run->bundle));
  record.feature_spec = table->spec();
  store::ModelRegistry registry(db, clock);
  report(options.progress, "registering the model");
  auto registered = registry.register_model(options.actor, std::move(record), options.activate);
  if (!registered) return registered.error();
  result.model = std::move(*registered);

  if (result.model.active) {
    auto scored = score_rows(db, result.model, run->bundle, table->open, o.now, options.top_factors,
                             options.progress);
    if (!scored) return scored.error();
    result.scoring = *scored;
  } else {
    // Another version stays active: refresh its scores as of now.
    auto scored = score_open_records(db, clock, options.entity, target, options.top_factors,
                                     options.progress);
    if (!scored) return scored.error();
    result.scoring = *scored;
  }
  result.run = std::move(*run);
  return result;
}

}  // namespace icrm::models
