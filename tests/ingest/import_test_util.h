// Helpers for the import tests: temporary files (tests/support/temp_dir.h) and
// running an export on a test database.
#pragma once

#include <filesystem>
#include <fstream>
#include <sstream>
#include <string>

#include "core/clock.h"
#include "core/time.h"
#include "ingest/exporter.h"
#include "ingest/importer.h"
#include "tests/support/temp_dir.h"

namespace icrm::ingest::testing {

using icrm::testing::TempDir;

inline std::string read_file(const std::string& path) {
  std::ifstream in(path, std::ios::binary);
  std::stringstream ss;
  ss << in.rdbuf();
  return ss.str();
}

inline std::string export_text(store::Database& db, RecordKind kind,
                               ExportFormat f = ExportFormat::kCsv) {
  std::ostringstream out;
  auto n = export_records(db, kind, f, out);
  if (!n) return "ERROR: " + n.error().to_string();
  return out.str();
}

// A time as transactions.occurred_us holds it (decimal microseconds since the
// epoch, migration 0013), for comparing with a column read as text.
inline std::string micros_text(std::string_view iso) {
  auto t = parse_timestamp(iso);
  return t ? std::to_string(to_unix_micros(*t)) : "ERROR: " + t.error().message;
}

}  // namespace icrm::ingest::testing
