// Importer: one file of records (CSV or JSONL) into the store. Maps columns to
// fields, coerces and validates every cell, resolves links (customer by
// external id, product by sku, owner by user email) and duplicates (by
// external id or email) against the store and against earlier rows of the
// file, writes good rows in batches (each its own transaction, so an
// interrupted import leaves whole batches and a re-run with
// --on-duplicate skip completes it), and rejects bad rows with their row,
// line, column and reason. --atomic stores all or nothing; --dry-run stores
// nothing. Not thread-safe; one import per Importer.
#pragma once

#include <cstdint>
#include <functional>
#include <iosfwd>
#include <optional>
#include <string>
#include <vector>

#include "core/clock.h"
#include "core/result.h"
#include "ingest/csv_reader.h"
#include "ingest/header_mapping.h"
#include "ingest/import_summary.h"
#include "ingest/record_schema.h"
#include "store/database.h"

namespace icrm::ingest {

// Rows per transaction: large enough to amortise the commit (synchronous=FULL),
// small enough that an interrupted import loses little work.
inline constexpr std::size_t kDefaultBatchRows = 50'000;
// Located errors echoed on stderr before "... more in the rejects file".
inline constexpr std::size_t kMaxEchoedRejects = 10;
// Longest JSONL line accepted.
inline constexpr std::size_t kMaxJsonLineBytes = 1 << 20;

enum class InputFormat { kAuto, kCsv, kJsonl };
enum class DuplicateKey { kAuto, kExternalId, kEmail };
enum class OnDuplicate { kSkip, kUpdate, kError };

Result<InputFormat> parse_input_format(std::string_view s);
Result<DuplicateKey> parse_duplicate_key(std::string_view s);
Result<OnDuplicate> parse_on_duplicate(std::string_view s);
Result<CsvEncoding> parse_encoding(std::string_view s);

struct ImportOptions {
  RecordKind kind = RecordKind::kCustomers;
  std::string file;
  InputFormat format = InputFormat::kAuto;  // auto: .jsonl/.ndjson is JSONL, else CSV
  char delimiter = '\0';                    // '\0': detect
  CsvEncoding encoding = CsvEncoding::kAuto;
  std::vector<std::string> map;            // "source=target"
  DuplicateKey key = DuplicateKey::kAuto;  // auto: external_id when mapped, else email
  OnDuplicate on_duplicate = OnDuplicate::kSkip;
  std::string rejects_path;  // "" : no rejects file
  bool atomic = false;
  bool dry_run = false;
  std::size_t batch_rows = kDefaultBatchRows;
  std::string default_currency = "EUR";
  // Who the audit entry names; none: the system (the CLI).
  std::optional<std::int64_t> audit_user_id;
};

// Where the importer tells about progress and rejected rows.
struct ImportReporter {
  std::function<void(std::uint64_t rows)> progress;        // after every row
  std::function<void(const std::string& error)> rejected;  // each located error
  // The same error with its place apart: data row number (1 = first row after
  // the header) and the file's line where that row starts (0 when unknown).
  std::function<void(std::uint64_t row, std::uint64_t line, const std::string& error)> rejected_at;
};

// Runs the import. A bad row is counted and reported, not an Error; an Error
// means the import itself failed (file missing, header unusable, database
// down) — batches committed before it stay.
Result<ImportSummary> run_import(store::Database& db, const ImportOptions& options,
                                 const Clock& clock, const ImportReporter& reporter = {});

}  // namespace icrm::ingest
