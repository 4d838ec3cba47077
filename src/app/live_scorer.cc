#include "app/live_scorer.h"

#include <fmt/format.h>
#include <spdlog/spdlog.h>

#include <algorithm>
#include <boost/json/serialize.hpp>
#include <charconv>
#include <cmath>
#include <iterator>

#include "features/record_table.h"
#include "models/record_training.h"
#include "models/table_scorer.h"
#include "store/alert_store.h"
#include "store/model_registry.h"
#include "store/score_store.h"
#include "stream/alert_format.h"

namespace icrm::app {
namespace {

constexpr std::string_view kLeadPrefix = "lead:";

// "lead:42" -> 42; 0 for anything else (customers, visitors, lead:ext:...).
int64_t lead_id_of(std::string_view entity) {
  if (!entity.starts_with(kLeadPrefix)) return 0;
  entity.remove_prefix(kLeadPrefix.size());
  int64_t id = 0;
  auto [end, ec] = std::from_chars(entity.data(), entity.data() + entity.size(), id);
  return ec == std::errc() && end == entity.data() + entity.size() && id > 0 ? id : 0;
}

int64_t micros_since(std::chrono::steady_clock::time_point t) {
  return std::chrono::duration_cast<std::chrono::microseconds>(std::chrono::steady_clock::now() - t)
      .count();
}

// A lead's owner in a message: the SSE stream shows it only to that user
// (and to roles that see every lead); null when the lead is unassigned.
boost::json::value owner_json(const std::optional<int64_t>& owner) {
  return owner ? boost::json::value(*owner) : boost::json::value(nullptr);
}

int64_t unix_second(Timestamp t) { return stream::floor_div(to_unix_micros(t), 1'000'000); }

}  // namespace

struct LiveScorer::ActiveModel {
  store::ModelRecord record;  // without its bundle text
  models::ModelBundle bundle;
  const models::ScoredModel* scorer = nullptr;
  std::vector<std::string> columns;  // the bundle spec's columns, in order
  // Per column: the stream feature (index in planned_for's names) that
  // features::lead_row fills it from, or -1 for a column lead_row fills from
  // the record (fields, attributes, history aggregates).
  std::vector<int> behaviour;
  // Held, not just pointed at: a freed spec's address could be reused by
  // the next one, which a bare pointer would take for the planned spec.
  std::shared_ptr<const stream::FeatureSpec> planned_for;
  // The row being scored, reused: behaviour cells as text, every cell's
  // view, the encoded features.
  std::vector<std::string> numbers;
  std::vector<std::string_view> views;
  std::vector<float> x;
};

LiveScorer::LiveScorer(store::Database& db, const Clock& clock, EventBus& bus,
                       LiveScoringOptions options)
    : db_(db), clock_(clock), bus_(bus), options_(options) {
  stats_.state = "no events yet";
  thread_ = std::thread([this] { run(); });
}

LiveScorer::~LiveScorer() {
  {
    std::lock_guard lock(pending_mutex_);
    stopping_ = true;
  }
  pending_cv_.notify_all();
  thread_.join();
}

void LiveScorer::run() {
  std::vector<Touched> round;
  std::unique_lock lock(pending_mutex_);
  for (;;) {
    pending_cv_.wait(lock, [this] { return stopping_ || (settled_ && !pending_.empty()); });
    if (pending_.empty() || !settled_) {
      idle_cv_.notify_all();
      return;  // stopping, and nothing complete is waiting
    }
    // Take everything waiting: a lead touched by several groups meanwhile
    // is in it once, with its newest features.
    round.swap(pending_);
    pending_.clear();
    pending_index_.clear();
    settled_ = false;
    Timestamp now = *pending_now_;
    scoring_ = true;
    lock.unlock();
    const auto began = std::chrono::steady_clock::now();
    score_round(round, now);
    const int64_t took = micros_since(began);
    {
      std::lock_guard stats_lock(stats_mutex_);
      ++stats_.rounds;
      stats_.round_micros += took;
      stats_.max_round_micros = std::max(stats_.max_round_micros, took);
    }
    round.clear();
    lock.lock();
    scoring_ = false;
    if (pending_.empty()) idle_cv_.notify_all();
  }
}

void LiveScorer::drain() {
  std::unique_lock lock(pending_mutex_);
  idle_cv_.wait(lock,
                [this] { return stopping_ || (!scoring_ && (pending_.empty() || !settled_)); });
}

void LiveScorer::count(int64_t LiveScoringStats::*field, int64_t n) {
  std::lock_guard lock(stats_mutex_);
  stats_.*field += n;
}

LiveScoringStats LiveScorer::stats() const {
  std::lock_guard lock(stats_mutex_);
  return stats_;
}

void LiveScorer::applied(std::span<const ingest::Event> events, const stream::StreamState& state,
                         const ingest::EventTypeRegistry& types, Timestamp now) {
  if (!spec_ || spec_types_ != types.size()) {
    spec_ = std::make_shared<const stream::FeatureSpec>(state.config(), types);
    spec_types_ = types.size();
  }
  // While no model can score, the features are not worth extracting: the
  // leads are only counted, until the next look for a model is due.
  const bool extract = model_loaded_.load() || refresh_model_.load() ||
                       to_unix_micros(now) >= next_model_check_us_.load();
  // Features as of now — or the stream's newest event time when that is
  // later (events may be up to kMaxFutureSkew ahead of the clock, and the
  // windows cannot be read before their newest bucket).
  Timestamp t = now;
  if (state.watermark_us() != stream::kNoBucket)
    t = std::max(t, from_unix_micros(state.watermark_us()));
  ++group_;
  std::lock_guard lock(pending_mutex_);
  int64_t last = 0;  // a run of one lead's events extracts once
  for (const ingest::Event& e : events) {
    int64_t id = lead_id_of(e.entity);
    if (id == 0 || id == last) continue;
    last = id;
    auto [it, added] = pending_index_.try_emplace(id, pending_.size());
    if (added) pending_.emplace_back();
    Touched& slot = pending_[it->second];
    if (!added && slot.group == group_) continue;  // already extracted for this group
    slot.lead_id = id;
    slot.t = t;
    slot.group = group_;
    if (!extract) {
      if (added) slot.spec.reset();
      continue;
    }
    slot.spec = spec_;
    slot.features.resize(spec_->size());
    spec_->extract(state.entity(e.entity), t, slot.features);
  }
}

void LiveScorer::settle(Timestamp now) {
  {
    std::lock_guard lock(pending_mutex_);
    if (pending_.empty()) return;
    pending_now_ = now;
    settled_ = true;
  }
  pending_cv_.notify_one();
}

void LiveScorer::ensure_model(Timestamp now) {
  bool due = !model_checked_at_ || refresh_model_.exchange(false) ||
             now - *model_checked_at_ >= options_.model_check || now < *model_checked_at_;
  if (!due) return;
  model_checked_at_ = now;
  next_model_check_us_ = to_unix_micros(now + options_.model_check);
  struct Publish {  // what applied() reads, set however this look ends
    LiveScorer* self;
    ~Publish() { self->model_loaded_ = self->model_ != nullptr; }
  } publish{this};
  store::ModelRegistry registry(db_, clock_);
  auto models = registry.list("leads", "converted");
  if (!models) {
    spdlog::warn("live scoring: cannot look up the active lead model: {}",
                 models.error().to_string());
    count(&LiveScoringStats::errors);
    return;  // keep the one we have
  }
  auto active =
      std::find_if(models->begin(), models->end(), [](const auto& m) { return m.active; });
  auto set_state = [&](int64_t id, std::string state) {
    std::lock_guard lock(stats_mutex_);
    stats_.model_id = id;
    stats_.state = std::move(state);
  };
  if (active == models->end()) {
    if (model_) spdlog::info("live scoring: no lead model is active any more; scoring stops");
    model_.reset();
    return set_state(0, "no active lead model");
  }
  if (model_ && model_->record.id == active->id) return;
  auto record = registry.get(active->id, /*with_bundle=*/true);
  if (!record) {
    count(&LiveScoringStats::errors);
    return;
  }
  auto bundle = models::bundle_from_json(record->bundle);
  const models::ScoredModel* scorer = bundle ? bundle->find(record->kind) : nullptr;
  if (!scorer) {
    model_.reset();
    std::string why =
        bundle ? fmt::format("model {} has no \"{}\" model in its bundle", record->id, record->kind)
               : bundle.error().to_string();
    spdlog::warn("live scoring: cannot use the active lead model: {}", why);
    return set_state(0, "active lead model unusable: " + why);
  }
  auto m = std::make_unique<ActiveModel>();
  record->bundle.clear();
  m->record = std::move(*record);
  m->bundle = std::move(*bundle);
  m->scorer = m->bundle.find(m->record.kind);  // the moved bundle's own
  for (const auto& c : m->bundle.spec.columns()) m->columns.push_back(c.name);
  spdlog::info("live scoring with lead model {} (version {}, {})", m->record.id, m->record.version,
               m->record.kind);
  set_state(m->record.id, "scoring");
  model_ = std::move(m);
}

void LiveScorer::plan_row(std::shared_ptr<const stream::FeatureSpec> planned, Timestamp t) {
  const stream::FeatureSpec& spec = *planned;
  std::unordered_map<std::string_view, int> index;
  for (std::size_t i = 0; i < spec.size(); ++i) index.emplace(spec.names()[i], static_cast<int>(i));
  // lead_row asks for a behaviour value exactly for the columns it does not
  // fill from the record: those are the columns to fill per score.
  std::unordered_map<std::string_view, int> asked;
  features::lead_row(store::Lead{}, {}, t, model_->columns,
                     [&](std::string_view name) -> std::optional<double> {
                       auto it = index.find(name);
                       asked.emplace(name, it == index.end() ? -1 : it->second);
                       return std::nullopt;
                     });
  const std::size_t n = model_->columns.size();
  model_->behaviour.assign(n, -1);
  for (std::size_t c = 0; c < n; ++c)
    if (auto it = asked.find(model_->columns[c]); it != asked.end())
      model_->behaviour[c] = it->second;
  model_->numbers.assign(n, {});
  model_->views.assign(n, {});
  model_->x.assign(model_->bundle.spec.width(), 0.f);
  model_->planned_for = std::move(planned);
  ++model_generation_;  // every lead's cached cells are for the old plan
}

LiveScorer::LiveScore LiveScorer::score_lead(LeadState& s, const Touched& touched) {
  ActiveModel& m = *model_;
  const std::size_t n = m.columns.size();
  // The record's cells as lead_row builds them, kept for a while: they change
  // only with the record, its history (both re-read every lead_refresh) and,
  // for the time-based aggregates, the clock.
  if (s.cells_generation != model_generation_ || touched.t - s.cells_at >= kLiveCellsMaxAge ||
      touched.t < s.cells_at) {
    features::Table row = features::lead_row(*s.lead, s.facts, touched.t, m.columns,
                                             [](std::string_view) { return std::nullopt; });
    s.cells.resize(n);
    for (std::size_t c = 0; c < n; ++c) s.cells[c] = std::move(row.cells[c][0]);
    s.cells_at = touched.t;
    s.cells_generation = model_generation_;
  }
  for (std::size_t c = 0; c < n; ++c) {
    const int f = m.behaviour[c];
    if (f < 0) {
      m.views[c] = s.cells[c];
      continue;
    }
    // As lead_row writes a number, so the encoding reads exactly what a
    // batch run's row holds.
    std::string& text = m.numbers[c];
    text.clear();
    features::append_number_text(text, touched.features[static_cast<std::size_t>(f)]);
    m.views[c] = text;
  }
  m.bundle.spec.transform(m.views, m.x);
  LiveScore out;
  m.scorer->predict(m.x.data(), 1, m.x.size(), &out.score, &out.probability);
  out.tier = models::priority_tier(*m.scorer, out.probability);
  return out;
}

LiveScorer::LeadState* LiveScorer::lead_state(int64_t id, Timestamp now) {
  auto it = leads_.find(id);
  bool stale = it == leads_.end() || now - it->second.loaded_at >= options_.lead_refresh ||
               now < it->second.loaded_at;
  if (!stale) return &it->second;
  const auto began = std::chrono::steady_clock::now();
  struct Timed {
    LiveScorer* self;
    std::chrono::steady_clock::time_point began;
    ~Timed() {
      std::lock_guard lock(self->stats_mutex_);
      ++self->stats_.loads;
      self->stats_.load_micros += micros_since(began);
    }
  } timed{this, began};
  if (it == leads_.end() && leads_.size() >= options_.max_cached_leads) leads_.clear();
  LeadState& s = leads_[id];
  auto lead = store::LeadStore(db_, clock_).get(id);
  if (!lead) {
    if (lead.error().code != ErrorCode::kNotFound) {
      spdlog::warn("live scoring: cannot read lead {}: {}", id, lead.error().to_string());
      count(&LiveScoringStats::errors);
      leads_.erase(id);
      return nullptr;
    }
    s.lead.reset();
  } else {
    s.lead = std::move(*lead);
  }
  auto facts = store::RecordHistory(db_).facts_of("leads", id);
  auto latest = store::ScoreStore(db_).latest("leads", id);
  if (!facts || !latest) {
    count(&LiveScoringStats::errors);
    leads_.erase(id);
    return nullptr;
  }
  s.facts = std::move(*facts);
  s.loaded_at = now;
  s.cells_generation = 0;  // built again from the record just read
  // Another writer (a batch scoring run) may have replaced the latest score.
  if (*latest && (!s.written_at || (*latest)->scored_at >= *s.written_at)) {
    s.tier = (*latest)->tier;
    s.probability = (*latest)->probability;
    s.written_at = (*latest)->scored_at;
  }
  return &s;
}

void LiveScorer::score_round(std::vector<Touched>& round, Timestamp now) {
  const std::size_t n = round.size();
  ensure_model(now);
  if (!model_) return count(&LiveScoringStats::skipped_no_model, static_cast<int64_t>(n));

  struct Change {
    store::ScoreRecord record;
    std::optional<std::string> previous_tier;
    double previous_probability = 0;
    std::optional<int64_t> owner_id;  // the lead's, for the stream's access filter
  };
  std::vector<Change> changes;
  int64_t rescored = 0, closed = 0, errors = 0, unextracted = 0;
  const std::string_view unit = model_->scorer->model->contribution_unit();
  for (std::size_t k = 0; k < n; ++k) {
    const Touched& touched = round[k];
    if (!touched.spec) {  // touched while no model could score
      ++unextracted;
      continue;
    }
    if (touched.spec != model_->planned_for) plan_row(touched.spec, touched.t);
    LeadState* s = lead_state(touched.lead_id, now);
    if (!s) continue;
    if (!s->lead || s->lead->status == store::LeadStatus::kConverted ||
        s->lead->status == store::LeadStatus::kLost) {
      ++closed;
      continue;
    }
    const LiveScore scored = score_lead(*s, touched);
    ++rescored;
    const double p = scored.probability;
    const std::string tier(scored.tier);
    bool tier_changed = s->tier && *s->tier != tier;
    bool interval_over = !s->written_at || now - *s->written_at >= options_.min_interval;
    bool moved = !s->tier || std::abs(p - s->probability) >= options_.min_change;
    if (!tier_changed && !(interval_over && moved)) continue;
    Change c;
    c.previous_tier = s->tier;
    c.previous_probability = s->probability;
    c.owner_id = s->lead->owner_id;
    c.record.entity = "leads";
    c.record.entity_id = touched.lead_id;
    c.record.model_id = model_->record.id;
    c.record.score = scored.score;
    c.record.probability = p;
    c.record.tier = tier;
    if (options_.top_factors > 0) {
      // The row scored last is this lead's (views and x are still its).
      c.record.factors =
          models::factors_json(models::explain(*model_->scorer->model, model_->bundle.spec,
                                               model_->views, model_->x, options_.top_factors),
                               unit);
    }
    c.record.scored_at = now;
    const auto rank_began = std::chrono::steady_clock::now();
    auto rank = store::ScoreStore(db_).rank_among_latest("leads", model_->record.id, c.record.score,
                                                         touched.lead_id);
    count(&LiveScoringStats::rank_micros, micros_since(rank_began));
    if (!rank) {
      ++errors;
      continue;
    }
    c.record.rank = *rank;
    s->tier = tier;
    s->probability = p;
    s->written_at = now;
    changes.push_back(std::move(c));
  }
  {
    std::lock_guard lock(stats_mutex_);
    stats_.rescored += rescored;
    stats_.skipped_closed += closed;
    stats_.skipped_no_model += unextracted;
    stats_.errors += errors;
  }
  if (changes.empty()) return;

  std::vector<store::ScoreRecord> records;
  records.reserve(changes.size());
  for (const Change& c : changes) records.push_back(c.record);
  const auto store_began = std::chrono::steady_clock::now();
  // Unflushed: the rows can be derived again from the event log and the
  // model, and a flush here would hold every frame of the round back by a
  // disk sync (docs/architecture.md "Live scoring").
  auto st = store::ScoreStore(db_).record(records, store::Flush::kUnflushed);
  {
    std::lock_guard lock(stats_mutex_);
    ++stats_.stores;
    stats_.store_micros += micros_since(store_began);
  }
  if (!st) {
    spdlog::warn("live scoring: cannot store {} score(s): {}", records.size(),
                 st.error().to_string());
    count(&LiveScoringStats::errors);
    for (const Change& c : changes) leads_.erase(c.record.entity_id);  // read again next time
    return;
  }
  count(&LiveScoringStats::rows_written, static_cast<int64_t>(changes.size()));
  const std::string ts = format_timestamp(now);
  for (const Change& c : changes) {
    const store::ScoreRecord& r = c.record;
    boost::json::object msg{{"lead_id", r.entity_id},
                            {"model_id", r.model_id},
                            {"probability", r.probability},
                            {"score", r.score},
                            {"rank", r.rank},
                            {"tier", r.tier},
                            {"previous_tier", c.previous_tier ? boost::json::value(*c.previous_tier)
                                                              : boost::json::value(nullptr)},
                            {"owner_id", owner_json(c.owner_id)},
                            {"ts", ts}};
    bus_.publish({"score", boost::json::serialize(msg)});
  }
  // The slow follow-ups after every frame of the round is out.
  store::AlertStore alerts(db_);
  for (const Change& c : changes) {
    const store::ScoreRecord& r = c.record;
    if (!c.previous_tier || *c.previous_tier == r.tier) continue;
    count(&LiveScoringStats::tier_changes);
    if (unix_second(now) != alert_second_) {
      alert_second_ = unix_second(now);
      alerts_this_second_ = 0;
    }
    if (alerts_this_second_ >= options_.max_tier_alerts_per_second) {
      count(&LiveScoringStats::tier_alerts_suppressed);
      continue;
    }
    ++alerts_this_second_;
    store::AlertRecord a;
    a.kind = "tier_change";
    a.entity = "lead:" + std::to_string(r.entity_id);
    a.expected = c.previous_probability;
    a.seen = r.probability;
    a.message =
        fmt::format("lead {} moved from {} to {} (P {:.2f} -> {:.2f}, rank {})", r.entity_id,
                    *c.previous_tier, r.tier, c.previous_probability, r.probability, r.rank);
    a.details = boost::json::serialize(boost::json::object{{"lead_id", r.entity_id},
                                                           {"model_id", r.model_id},
                                                           {"from", *c.previous_tier},
                                                           {"to", r.tier},
                                                           {"score", r.score},
                                                           {"rank", r.rank}});
    a.at = now;
    a.created_at = now;
    auto stored = alerts.add(std::move(a));
    if (!stored) {
      spdlog::warn("live scoring: cannot store a tier change alert: {}",
                   stored.error().to_string());
      count(&LiveScoringStats::errors);
      continue;
    }
    boost::json::object msg = stream::alert_to_json(*stored);
    msg["owner_id"] = owner_json(c.owner_id);
    bus_.publish({"alert", boost::json::serialize(msg)});
  }
}

}  // namespace icrm::app
