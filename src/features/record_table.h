// RecordTable: the CRM's leads or customers as a features::Table, so the CSV
// workbench's whole pipeline (schema inference, FeatureSpec, every model)
// trains and scores on the CRM's own records. A row holds the record's
// fields, its custom attributes flattened to "attr.<key>" columns (kinds
// inferred like any CSV column), aggregates of its history in the CRM and the
// behaviour aggregates of its events (stream::FeatureSpec: counts_7d_page_view,
// ...). History aggregates — leads: messages in and out, first response time,
// days since the last message, meetings, calls and offers done; customers:
// purchases, spend, returns, messages and offers in the last 30/90 days as
// rates per 30 days over the part of the window the store holds (so a record
// whose outcome came soon after the data begins does not look inactive), and
// days since the last purchase.
//
// Point in time: a labelled row is built as of its outcome — a lead's
// conversion or loss, a customer's churn — from facts and events strictly
// before it, so nothing that happened after the outcome leaks into training;
// an open row (what gets scored) is built as of now — or as of when the data
// ends, if that is earlier (observed_at), since measuring open records after
// the data stops while labelled ones are measured at their outcome would leak
// the label through the as-of time itself.
//
// Labels: leads/converted — converted 1, lost 0, each as of its outcome; open
// leads (new, contacted, qualified) are scored, not labels.
// customers/churned — churn within a horizon (90 days by default): every
// customer there at the cutoff (observed_at minus the horizon; created
// before it, not churned before it) is a row as of the cutoff, 1 when it
// churned after the cutoff. All rows share one as-of time: measuring churned
// customers at their churn and the others at now lets the model tell them
// apart by the time of measurement itself (seasonality, the data's start),
// not by their behaviour. The not-churned customers are scored as of now:
// the chance they churn within the next horizon.
#pragma once

#include <boost/json/object.hpp>
#include <chrono>
#include <cstddef>
#include <cstdint>
#include <functional>
#include <map>
#include <optional>
#include <span>
#include <string>
#include <string_view>
#include <vector>

#include "core/result.h"
#include "core/time.h"
#include "features/schema.h"
#include "features/table.h"
#include "store/database.h"
#include "store/lead_store.h"
#include "store/record_history.h"
#include "stream/stream_config.h"

namespace icrm::features {

inline constexpr std::string_view kAttributePrefix = "attr.";

// The target a record kind is trained for ("" for an unknown entity).
std::string_view default_target(std::string_view entity);

struct RecordRows {
  Table table;
  std::vector<int64_t> ids;      // the record behind each row
  std::vector<Timestamp> as_of;  // the time its features describe
};

struct RecordTableOptions {
  std::string entity;  // "leads" | "customers"
  std::string target;  // "converted" for leads, "churned" for customers
  Timestamp now{};     // open rows are built as of this time
  // Scoring with a trained model: exactly these columns in this order, a
  // column the records no longer have left empty (missing). Empty: every
  // column the records have (training).
  std::vector<std::string> columns;
  // Only the open rows are needed (scoring): labelled rows are not built.
  bool open_only = false;
  // Customers: churn within this long after the cutoff counts.
  std::chrono::days churn_horizon{90};
  stream::StreamConfig stream = stream::StreamConfig::defaults();
  // Called as work advances: stage, done, total (0 when unknown).
  std::function<void(std::string_view stage, std::size_t done, std::size_t total)> progress;
};

struct RecordTable {
  std::string entity, target;
  RecordRows labelled;  // the target column holds "1" or "0"
  RecordRows open;      // the same columns; the target column is empty
  // Kinds inference cannot see (owner ids are categories, not quantities).
  std::map<std::string, ColumnKind> kinds;
  std::size_t positives = 0;
  std::size_t events_used = 0;              // events of these records applied
  std::size_t events_skipped = 0;           // events of unknown records, or stored too late
  std::vector<std::string> event_features;  // the behaviour columns
  std::uint64_t stream_fingerprint = 0;
  // What "now" is for open rows: the clock, or the time the data ends when
  // that is earlier (an old export loaded into the store).
  Timestamp observed_at{};
  Timestamp cutoff{};  // customers: observed_at - churn_horizon

  // What a model registered from this table records as its feature spec.
  boost::json::object spec() const;
};

Result<RecordTable> build_record_table(store::Database& db, const RecordTableOptions& options);

// One open lead's row for live scoring (models/live_scorer.h): the cells
// build_record_table gives an open lead as of t — its fields, attributes,
// history aggregates of `facts` (this lead's, in time order) and behaviour
// columns from `behaviour` (a stream::FeatureSpec name -> its value, nullopt
// when the live stream has no such feature) — in `columns` order (a model's
// columns), a column the lead lacks left empty (missing), as a batch run does.
using BehaviourLookup = std::function<std::optional<double>(std::string_view name)>;
Table lead_row(const store::Lead& lead, std::span<const store::RecordFact> facts, Timestamp t,
               const std::vector<std::string>& columns, const BehaviourLookup& behaviour);

// A number cell as a record table writes it ("%.10g"; empty, i.e. missing,
// when not finite), appended to `out` so a caller can reuse its buffer.
void append_number_text(std::string& out, double v);

}  // namespace icrm::features
