// Exporter: every record of one kind as CSV or JSONL, with the columns import
// understands (the field names of record_schema.h), so an export imports back
// into identical records. Money is written as a decimal ("12.50"), custom
// attributes as one JSON object (a JSON text column in CSV). In CSV, text a
// spreadsheet would run as a formula gets a leading apostrophe
// (csv_formula_guarded), which an import keeps: JSONL carries such text as
// it is.
#pragma once

#include <cstdint>
#include <ostream>

#include "core/result.h"
#include "ingest/record_schema.h"
#include "store/database.h"

namespace icrm::ingest {

enum class ExportFormat { kCsv, kJsonl };
Result<ExportFormat> parse_export_format(std::string_view s);

// Returns the number of records written.
Result<std::uint64_t> export_records(store::Database& db, RecordKind kind, ExportFormat format,
                                     std::ostream& out);

// Minor units as a decimal with two places: -1234 -> "-12.34".
std::string format_minor_units(int64_t minor);

}  // namespace icrm::ingest
