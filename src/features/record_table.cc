#include "features/record_table.h"

#include <fmt/format.h>

#include <algorithm>
#include <boost/json/serialize.hpp>
#include <cmath>
#include <optional>
#include <set>
#include <unordered_map>

#include "ingest/logged_event.h"
#include "store/customer_store.h"
#include "store/event_store.h"
#include "store/lead_store.h"
#include "store/record_history.h"
#include "stream/feature_spec.h"
#include "stream/stream_state.h"

namespace icrm::features {
namespace {

using store::FactKind;
using store::RecordFact;

constexpr std::size_t kEventPage = 50'000;
constexpr double kSecondsPerDay = 86400;

// One record before its features are laid out.
struct Record {
  int64_t id = 0;
  std::optional<std::string> external_id;
  std::vector<std::string> fields;  // cells, in field_names() order
  boost::json::object attributes;
  std::optional<bool> label;  // nullopt: not a training row
  bool open = false;          // scored
  Timestamp outcome{};        // as-of time of a labelled row that is not also open
  Timestamp last_change{};    // updated_at: how far the records reach in time
  Timestamp created_at{};
  std::optional<Timestamp> churned_at;  // customers
};

using Progress = std::function<void(std::string_view, std::size_t, std::size_t)>;
void report(const Progress& p, std::string_view stage, std::size_t done, std::size_t total) {
  if (p) p(stage, done, total);
}

std::string number_text(double v) {
  std::string out;
  append_number_text(out, v);
  return out;
}

std::string owner_text(const std::optional<int64_t>& owner) {
  return owner ? std::to_string(*owner) : std::string();
}

std::string attribute_text(const boost::json::value& v) {
  if (v.is_string()) return std::string(v.as_string());
  if (v.is_null()) return {};
  if (v.is_bool()) return v.as_bool() ? "true" : "false";
  if (v.is_double()) return number_text(v.as_double());
  return boost::json::serialize(v);  // integers (and anything a future schema allows)
}

template <typename T, typename Fn>
Status for_each_page(std::string_view stage, const Progress& progress, Fn&& list, T&& each) {
  store::ListQuery q;
  q.limit = store::kMaxListLimit;
  q.sort = "id";
  std::size_t done = 0;
  for (;;) {
    auto page = list(q);
    if (!page) return page.error();
    for (auto& item : page->items) each(item);
    done += page->items.size();
    report(progress, stage, done, 0);
    if (page->next_cursor.empty()) return {};
    q.cursor = page->next_cursor;
  }
}

// A lead's own fields as cells, in field_names("leads") order.
std::vector<std::string> lead_fields(const store::Lead& l) {
  return {l.source.value_or(""), l.company.value_or(""), owner_text(l.owner_id), l.currency,
          l.expected_value_minor ? number_text(double(*l.expected_value_minor) / 100.0) : ""};
}

Result<std::vector<Record>> read_leads(store::Database& db, const RecordTableOptions& o) {
  store::LeadStore leads(db, SystemClock::instance());
  std::vector<Record> out;
  auto st = for_each_page(
      "reading leads", o.progress, [&](const store::ListQuery& q) { return leads.list(q); },
      [&](const store::Lead& l) {
        Record r;
        r.id = l.id;
        r.external_id = l.external_id;
        r.fields = lead_fields(l);
        r.attributes = l.attributes;
        r.last_change = l.updated_at;
        switch (l.status) {
          case store::LeadStatus::kConverted:
            r.label = true;
            r.outcome = l.converted_at.value_or(l.updated_at);
            break;
          case store::LeadStatus::kLost:
            r.label = false;
            r.outcome = l.lost_at.value_or(l.updated_at);
            break;
          default:
            r.open = true;
        }
        out.push_back(std::move(r));
      });
  if (!st) return st.error();
  return out;
}

Result<std::vector<Record>> read_customers(store::Database& db, const RecordTableOptions& o) {
  store::RecordHistory history(db);
  auto churned_at = history.churn_times();
  if (!churned_at) return churned_at.error();
  store::CustomerStore customers(db, SystemClock::instance());
  std::vector<Record> out;
  auto st = for_each_page(
      "reading customers", o.progress, [&](const store::ListQuery& q) { return customers.list(q); },
      [&](const store::Customer& c) {
        Record r;
        r.id = c.id;
        r.external_id = c.external_id;
        r.fields = {c.country.value_or(""), c.company.value_or(""), owner_text(c.owner_id)};
        r.attributes = c.attributes;
        r.last_change = c.updated_at;
        r.created_at = c.created_at;
        if (c.status == store::CustomerStatus::kChurned) {
          // Without an audited status change, the last update is the best
          // estimate of when the customer churned.
          auto it = churned_at->find(c.id);
          r.churned_at = it != churned_at->end() ? it->second : c.updated_at;
        } else {
          r.open = true;  // labelled once the cutoff is known
        }
        out.push_back(std::move(r));
      });
  if (!st) return st.error();
  return out;
}

// The record's own fields, as columns (expected_value in major units).
const std::vector<std::string>& field_names(std::string_view entity) {
  static const std::vector<std::string> leads = {"source", "company", "owner", "currency",
                                                 "expected_value"};
  static const std::vector<std::string> customers = {"country", "company", "owner"};
  return entity == "leads" ? leads : customers;
}

// History aggregates: names, and values of one record's facts before t.
const std::vector<std::string>& aggregate_names(std::string_view entity) {
  static const std::vector<std::string> leads = {
      "messages_in",   "messages_out", "first_response_hours", "days_since_last_message",
      "meetings_done", "calls_done",   "offers_done"};
  static const std::vector<std::string> customers = {
      "purchase_rate_30d",   "purchase_rate_90d",    "spend_rate_90d",        "return_rate_90d",
      "days_since_purchase", "messages_in_rate_90d", "messages_out_rate_90d", "offer_rate_90d"};
  return entity == "leads" ? leads : customers;
}

// Where the store's history of each kind begins (the earliest fact of any record).
struct HistoryStart {
  Timestamp sales = Timestamp::max(), messages = Timestamp::max(), activities = Timestamp::max();
  explicit HistoryStart(const std::vector<RecordFact>& facts) {
    for (const auto& f : facts) {
      Timestamp& since = f.kind == FactKind::kPurchase || f.kind == FactKind::kReturn ? sales
                         : f.kind == FactKind::kMessageIn || f.kind == FactKind::kMessageOut
                             ? messages
                             : activities;
      since = std::min(since, f.at);
    }
  }
};

std::vector<std::string> aggregate_cells(std::string_view entity, std::span<const RecordFact> facts,
                                         Timestamp t, const HistoryStart& since) {
  auto days_before = [&](Timestamp at) {
    return double(std::chrono::duration_cast<std::chrono::seconds>(t - at).count()) /
           kSecondsPerDay;
  };
  if (entity == "leads") {
    double in = 0, out = 0, meetings = 0, calls = 0, offers = 0;
    double first_response = NAN, last_message = NAN;
    for (const auto& f : facts) {
      if (f.at >= t) break;  // facts are in time order
      switch (f.kind) {
        case FactKind::kMessageIn:
          ++in;
          last_message = days_before(f.at);
          break;
        case FactKind::kMessageOut:
          ++out;
          last_message = days_before(f.at);
          if (std::isnan(first_response) && !std::isnan(f.value)) first_response = f.value / 3600.0;
          break;
        case FactKind::kMeetingDone:
          ++meetings;
          break;
        case FactKind::kCallDone:
          ++calls;
          break;
        case FactKind::kOfferDone:
          ++offers;
          break;
        default:
          break;
      }
    }
    return {number_text(in),           number_text(out),      number_text(first_response),
            number_text(last_message), number_text(meetings), number_text(calls),
            number_text(offers)};
  }
  // Windowed counts become rates per 30 days over the part of the window the
  // store holds: a customer who churned two weeks after the data begins must
  // not look like a slow buyer because only two weeks of sales exist.
  auto observed_days = [&](Timestamp since, double window) {
    return std::min(window, days_before(since));
  };
  auto rate = [&](double count, Timestamp since, double window) {
    double days = observed_days(since, window);
    return days >= 1 ? count * 30.0 / days : NAN;
  };
  double p30 = 0, p90 = 0, spend90 = 0, returns90 = 0, in90 = 0, out90 = 0, offers90 = 0;
  double last_purchase = NAN;
  for (const auto& f : facts) {
    if (f.at >= t) break;
    double age = days_before(f.at);
    switch (f.kind) {
      case FactKind::kPurchase:
        last_purchase = age;
        if (age < 30) ++p30;
        if (age < 90) {
          ++p90;
          spend90 += f.value;
        }
        break;
      case FactKind::kReturn:
        if (age < 90) ++returns90;
        break;
      case FactKind::kMessageIn:
        if (age < 90) ++in90;
        break;
      case FactKind::kMessageOut:
        if (age < 90) ++out90;
        break;
      case FactKind::kOfferDone:
        if (age < 90) ++offers90;
        break;
      default:
        break;
    }
  }
  // Never bought since the sales begin: at least that long ago.
  if (std::isnan(last_purchase) && since.sales < t) last_purchase = days_before(since.sales);
  return {number_text(rate(p30, since.sales, 30)),
          number_text(rate(p90, since.sales, 90)),
          number_text(rate(spend90, since.sales, 90)),
          number_text(rate(returns90, since.sales, 90)),
          number_text(last_purchase),
          number_text(rate(in90, since.messages, 90)),
          number_text(rate(out90, since.messages, 90)),
          number_text(rate(offers90, since.activities, 90))};
}

// The behaviour aggregates from the event log, as of each requested time.
struct EventFeatures {
  std::vector<std::string> names;
  std::vector<std::vector<double>> rows;  // per request, in names order
  std::size_t used = 0, skipped = 0;
  std::uint64_t fingerprint = 0;
};

struct AsOf {
  std::size_t record;  // index into the records
  Timestamp t;
  std::size_t slot;  // index into EventFeatures::rows
};

// The events of these records, each renamed to its record's canonical key.
struct LoadedEvents {
  ingest::EventTypeRegistry types;
  std::vector<ingest::Event> events;
  std::set<ingest::EventTypeId> seen;
  std::size_t skipped = 0;
};

std::string entity_key(const RecordTableOptions& o, int64_t id) {
  return (o.entity == "leads" ? "lead:" : "customer:") + std::to_string(id);
}

Result<LoadedEvents> load_events(store::Database& db, const RecordTableOptions& o,
                                 const std::vector<Record>& records) {
  const std::string kind = o.entity == "leads" ? "lead" : "customer";
  // Events name a record by id ("lead:12") or external id ("lead:ext:A-7");
  // both become the canonical "lead:12".
  std::unordered_map<std::string, std::size_t> key_of;
  for (std::size_t i = 0; i < records.size(); ++i) {
    key_of[kind + ":" + std::to_string(records[i].id)] = i;
    if (records[i].external_id) key_of[kind + ":ext:" + *records[i].external_id] = i;
  }
  LoadedEvents out;
  store::EventStore log(db);
  int64_t after = 0;
  for (;;) {
    auto page = log.read_after(after, kEventPage);
    if (!page) return page.error();
    for (const auto& row : *page) {
      after = row.seq;
      auto it = key_of.find(row.entity);
      // Events stored too late were never applied live; a model must not see them either.
      if (it == key_of.end() || row.too_late) {
        if (row.entity.starts_with(kind + ":")) ++out.skipped;
        continue;
      }
      auto type = out.types.register_type(row.type);  // built-in names keep their fixed ids
      if (!type) {
        ++out.skipped;
        continue;
      }
      auto event = ingest::from_logged_event(row, out.types);
      if (!event) {
        ++out.skipped;
        continue;
      }
      event->entity = entity_key(o, records[it->second].id);
      out.seen.insert(*type);
      out.events.push_back(std::move(*event));
    }
    report(o.progress, "reading events", after, 0);
    if (page->size() < kEventPage) break;
  }
  // Event-time order, for the one pass event_features() makes.
  std::stable_sort(out.events.begin(), out.events.end(),
                   [](const ingest::Event& a, const ingest::Event& b) { return a.ts < b.ts; });
  return out;
}

// The behaviour aggregates of each request's record as of its time.
EventFeatures event_features(const RecordTableOptions& o, const LoadedEvents& loaded,
                             const std::vector<Record>& records, std::vector<AsOf> requests,
                             const std::set<std::string>& wanted) {
  EventFeatures out;
  out.skipped = loaded.skipped;
  const auto& events = loaded.events;
  stream::FeatureSpec spec(o.stream, loaded.types);
  out.fingerprint = spec.fingerprint();
  std::vector<std::size_t> picked;
  for (std::size_t j = 0; j < spec.size(); ++j) {
    const std::string& name = spec.names()[j];
    bool take = o.columns.empty()
                    ? loaded.seen.count(static_cast<ingest::EventTypeId>(j / spec.per_type())) > 0
                    : wanted.count(name) > 0;
    if (take) {
      picked.push_back(j);
      out.names.push_back(name);
    }
  }
  out.rows.assign(requests.size(), std::vector<double>(picked.size(), 0.0));
  if (picked.empty()) return out;
  // One pass in event-time order: before extracting a record as of t, apply
  // every event before t — and nothing at or after it.
  std::stable_sort(requests.begin(), requests.end(),
                   [](const AsOf& a, const AsOf& b) { return a.t < b.t; });
  stream::StreamState state(o.stream);
  std::vector<double> all(spec.size());
  std::size_t next = 0;
  for (std::size_t r = 0; r < requests.size(); ++r) {
    const AsOf& q = requests[r];
    for (; next < events.size() && events[next].ts < q.t; ++next) {
      if (state.apply(events[next]) == stream::ApplyOutcome::kApplied) ++out.used;
    }
    spec.extract(state.entity(entity_key(o, records[q.record].id)), q.t, all);
    for (std::size_t k = 0; k < picked.size(); ++k) out.rows[q.slot][k] = all[picked[k]];
    if (r % 1000 == 0) report(o.progress, "behaviour as of each outcome", r, requests.size());
  }
  return out;
}

}  // namespace

std::string_view default_target(std::string_view entity) {
  if (entity == "leads") return "converted";
  if (entity == "customers") return "churned";
  return {};
}

boost::json::object RecordTable::spec() const {
  boost::json::array columns;
  for (const auto& c : labelled.table.columns)
    if (c != target) columns.push_back(boost::json::value(c));
  boost::json::object kinds_json;
  for (const auto& [name, kind] : kinds) kinds_json[name] = column_kind_name(kind);
  return {
      {"entity", entity},
      {"target", target},
      {"columns", std::move(columns)},
      {"kinds", std::move(kinds_json)},
      {"event_features", boost::json::array(event_features.begin(), event_features.end())},
      {"stream_fingerprint", fmt::format("{:016x}", stream_fingerprint)},
      {"observed_at", format_timestamp(observed_at)},
      {"cutoff", entity == "customers" ? boost::json::value(format_timestamp(cutoff)) : nullptr},
      {"as_of", entity == "customers"
                    ? "labelled rows: customers there at the cutoff, as of the cutoff, 1 when they "
                      "churned after it; open rows as of observed_at"
                    : "labelled rows as of their outcome (conversion or loss); open rows as of "
                      "observed_at, when the data ends (the scoring time, or earlier)"}};
}

Result<RecordTable> build_record_table(store::Database& db, const RecordTableOptions& o) {
  if (default_target(o.entity).empty())
    return Error::invalid(fmt::format("--entity must be leads or customers, not \"{}\"", o.entity),
                          "entity");
  if (o.target != default_target(o.entity))
    return Error::invalid(fmt::format("{} are trained for the target \"{}\", not \"{}\"", o.entity,
                                      default_target(o.entity), o.target),
                          "target");
  auto records = o.entity == "leads" ? read_leads(db, o) : read_customers(db, o);
  if (!records) return records.error();

  report(o.progress, "reading history", 0, 0);
  store::RecordHistory history(db);
  auto facts = history.facts(o.entity);
  if (!facts) return facts.error();

  auto loaded = load_events(db, o, *records);
  if (!loaded) return loaded.error();

  // "Now" for open rows is when the data ends, if that is earlier than the
  // clock: a store loaded from an old export has nothing after its last day,
  // and measuring open records weeks after it (days since the last purchase,
  // say) while labelled ones are measured at their outcome would hand the
  // model the label through the as-of time.
  RecordTable out;
  out.entity = o.entity;
  out.target = o.target;
  Timestamp newest{};
  for (const auto& r : *records) newest = std::max(newest, r.last_change);
  for (const auto& f : *facts) newest = std::max(newest, f.at);
  if (!loaded->events.empty()) newest = std::max(newest, loaded->events.back().ts);
  out.observed_at =
      newest == Timestamp{} ? o.now : std::min(o.now, newest + std::chrono::microseconds(1));

  // Churn has a horizon: customers there at the cutoff (observed_at minus the
  // horizon), as of the cutoff, labelled by whether they churned after it.
  if (o.entity == "customers") {
    out.cutoff = out.observed_at - o.churn_horizon;
    for (auto& r : *records) {
      if (r.created_at >= out.cutoff || (r.churned_at && *r.churned_at < out.cutoff)) continue;
      r.label = r.churned_at.has_value();
      r.outcome = out.cutoff;
    }
  }

  // Which rows exist: labelled ones as of their outcome, open ones as of now.
  std::vector<AsOf> requests;
  std::vector<std::pair<std::size_t, bool>> rows;  // record, is the open row
  for (std::size_t i = 0; i < records->size(); ++i) {
    const Record& r = (*records)[i];
    if (r.label && !o.open_only) rows.push_back({i, false});
    if (r.open) rows.push_back({i, true});
  }
  auto as_of = [&](const Record& r, bool open_row) {
    return open_row ? out.observed_at : r.outcome;
  };
  for (std::size_t k = 0; k < rows.size(); ++k)
    requests.push_back({rows[k].first, as_of((*records)[rows[k].first], rows[k].second), k});

  // Columns: the record's fields, its attributes, history aggregates, behaviour.
  std::vector<std::string> attribute_columns;
  {
    std::set<std::string> keys;
    for (const auto& r : *records)
      for (const auto& kv : r.attributes)
        keys.insert(std::string(kAttributePrefix) + std::string(kv.key()));
    attribute_columns.assign(keys.begin(), keys.end());
  }
  std::set<std::string> wanted(o.columns.begin(), o.columns.end());
  auto events = event_features(o, *loaded, *records, requests, wanted);
  out.events_used = events.used;
  out.events_skipped = events.skipped;
  out.event_features = events.names;
  out.stream_fingerprint = events.fingerprint;

  std::vector<std::string> columns;
  columns.push_back(o.target);
  for (const auto& f : field_names(o.entity)) columns.push_back(f);
  for (const auto& a : attribute_columns) columns.push_back(a);
  const std::size_t attr_end = columns.size();
  for (const auto& a : aggregate_names(o.entity)) columns.push_back(a);
  for (const auto& e : events.names) columns.push_back(e);

  const HistoryStart since(*facts);
  // Lay the rows out, column by column.
  auto fill = [&](RecordRows& part, bool open_part) {
    part.table.columns = columns;
    part.table.cells.assign(columns.size(), {});
    for (std::size_t k = 0; k < rows.size(); ++k) {
      if (rows[k].second != open_part) continue;
      const Record& r = (*records)[rows[k].first];
      const Timestamp t = as_of(r, open_part);
      part.ids.push_back(r.id);
      part.as_of.push_back(t);
      std::size_t c = 0;
      part.table.cells[c++].push_back(open_part ? "" : (*r.label ? "1" : "0"));
      for (const auto& cell : r.fields) part.table.cells[c++].push_back(cell);
      for (; c < attr_end; ++c) {
        const auto* v =
            r.attributes.if_contains(std::string_view(columns[c]).substr(kAttributePrefix.size()));
        part.table.cells[c].push_back(v ? attribute_text(*v) : std::string());
      }
      auto begin =
          std::lower_bound(facts->begin(), facts->end(), r.id,
                           [](const RecordFact& f, int64_t id) { return f.entity_id < id; });
      auto end = std::upper_bound(begin, facts->end(), r.id,
                                  [](int64_t id, const RecordFact& f) { return id < f.entity_id; });
      for (auto& cell :
           aggregate_cells(o.entity, std::span<const RecordFact>(begin, end), t, since))
        part.table.cells[c++].push_back(std::move(cell));
      for (double v : events.rows[k]) part.table.cells[c++].push_back(number_text(v));
      ++part.table.rows;
    }
  };
  fill(out.labelled, false);
  fill(out.open, true);
  for (const auto& y : out.labelled.table.cells[0]) out.positives += y == "1";
  out.kinds["owner"] = ColumnKind::kCategorical;

  // Scoring: exactly the model's columns, in its order.
  if (!o.columns.empty()) {
    for (RecordRows* part : {&out.labelled, &out.open}) {
      Table t;
      t.rows = part->table.rows;
      for (const auto& name : o.columns) {
        t.columns.push_back(name);
        int c = part->table.find(name);
        t.cells.push_back(c >= 0 ? std::move(part->table.cells[static_cast<std::size_t>(c)])
                                 : std::vector<std::string>(t.rows));
      }
      part->table = std::move(t);
    }
  }
  return out;
}

Table lead_row(const store::Lead& lead, std::span<const store::RecordFact> facts, Timestamp t,
               const std::vector<std::string>& columns, const BehaviourLookup& behaviour) {
  const auto& fields = field_names("leads");
  const auto& aggregates = aggregate_names("leads");
  const std::vector<std::string> field_cells = lead_fields(lead);
  // Lead rows do not use where the history begins (customers' rates do).
  const std::vector<std::string> aggregate_cells_now =
      aggregate_cells("leads", facts, t, HistoryStart(std::vector<RecordFact>{}));
  Table out;
  out.rows = 1;
  out.columns = columns;
  out.cells.reserve(columns.size());
  for (const auto& name : columns) {
    std::string cell;
    if (auto f = std::find(fields.begin(), fields.end(), name); f != fields.end()) {
      cell = field_cells[static_cast<std::size_t>(f - fields.begin())];
    } else if (auto a = std::find(aggregates.begin(), aggregates.end(), name);
               a != aggregates.end()) {
      cell = aggregate_cells_now[static_cast<std::size_t>(a - aggregates.begin())];
    } else if (name.starts_with(kAttributePrefix)) {
      if (const auto* v =
              lead.attributes.if_contains(std::string_view(name).substr(kAttributePrefix.size())))
        cell = attribute_text(*v);
    } else if (auto v = behaviour(name)) {
      cell = number_text(*v);
    }
    out.cells.push_back({std::move(cell)});
  }
  return out;
}

void append_number_text(std::string& out, double v) {
  if (std::isfinite(v)) fmt::format_to(std::back_inserter(out), "{:.10g}", v);
}

}  // namespace icrm::features
