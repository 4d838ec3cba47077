// Adapters that load the public data sets the product is evaluated on into
// CRM records, through the same bulk write path and with the same summary as
// `import` (see docs/datasets.md for every mapping decision):
//  - bank-marketing (UCI, bank-additional-full.csv, ';'): one lead per row,
//    every column an attribute, status converted when y=yes else lost.
//    `duration` is only known after the call's outcome (leakage): it is kept,
//    and named in the lead's kKnownAfterOutcomeAttribute so models leave it out.
//  - telco-churn (IBM): one customer per row, every column an attribute
//    (TotalCharges " " for new customers is left out), status churned when
//    Churn=Yes.
//  - online-retail (UCI): products by StockCode, customers by CustomerID with
//    their country, one transaction per invoice line (line_no = position in
//    the invoice), invoices starting with C are returns (negative quantity),
//    lines without a customer kept as anonymous sales. Money is GBP minor
//    units: unit price and line amount rounded half-even to the penny (only 4
//    lines at £0.001 are affected), so Σ amount = £9,747,747.93. Times are UK
//    local (GMT/BST) converted to UTC. Optionally writes the lines as a
//    time-ordered purchase event stream (JSONL) for replay.
// A re-run skips records already stored (by external id / sku / invoice line).
#pragma once

#include <string>

#include "core/clock.h"
#include "core/result.h"
#include "ingest/import_summary.h"
#include "ingest/importer.h"
#include "store/database.h"

namespace icrm::ingest {

enum class Dataset { kBankMarketing, kTelcoChurn, kOnlineRetail };
Result<Dataset> parse_dataset(std::string_view name);

// The attribute of a lead or customer listing (comma-separated) the
// attributes that are known only after the outcome and so must not be model
// features by default.
inline constexpr std::string_view kKnownAfterOutcomeAttribute = "_known_after_outcome";

struct DatasetOptions {
  Dataset dataset = Dataset::kOnlineRetail;
  std::string file;
  std::string events_path;  // online-retail: --as-events
  std::size_t batch_rows = kDefaultBatchRows;
};

Result<ImportSummary> load_dataset(store::Database& db, const DatasetOptions& options,
                                   const Clock& clock, const ImportReporter& reporter = {});

// "2011-06-01 12:30:00" as recorded in the UK (GMT in winter, BST from the
// last Sunday of March to the last Sunday of October) -> UTC.
Result<Timestamp> uk_local_to_utc(std::string_view local);

}  // namespace icrm::ingest
