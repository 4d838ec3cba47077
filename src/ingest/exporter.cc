#include "ingest/exporter.h"

#include <fmt/format.h>

#include <boost/json.hpp>

#include "ingest/csv_writer.h"
#include "ingest/value_coercion.h"
#include "store/bulk_writer.h"

namespace icrm::ingest {

Result<ExportFormat> parse_export_format(std::string_view s) {
  if (s == "csv") return ExportFormat::kCsv;
  if (s == "jsonl" || s == "ndjson") return ExportFormat::kJsonl;
  return Error::invalid("--format must be csv or jsonl", "format");
}

std::string format_minor_units(int64_t minor) {
  uint64_t abs = minor < 0 ? 0 - static_cast<uint64_t>(minor) : static_cast<uint64_t>(minor);
  return fmt::format("{}{}.{:02}", minor < 0 ? "-" : "", abs / 100, abs % 100);
}

Result<std::uint64_t> export_records(store::Database& db, RecordKind kind, ExportFormat format,
                                     std::ostream& out) {
  const KindSpec& spec = kind_spec(kind);
  auto writer = store::BulkWriter::open(db);
  if (!writer) return writer.error();
  CsvWriter csv(out);
  std::vector<std::string_view> header;
  for (const auto& f : spec.fields) header.push_back(f.name);
  if (format == ExportFormat::kCsv) csv.write_row(header);
  std::uint64_t n = 0;
  std::vector<std::string> cells(spec.fields.size());
  std::vector<std::string_view> views(spec.fields.size());
  std::string line;
  auto st = (*writer)->export_rows(kind, [&](std::span<const std::optional<std::string_view>> row) {
    ++n;
    boost::json::object obj;
    for (std::size_t i = 0; i < spec.fields.size() && i < row.size(); ++i) {
      const FieldSpec& f = spec.fields[i];
      if (!row[i]) {
        cells[i].clear();
        continue;
      }
      std::string_view v = *row[i];
      if (f.type == FieldType::kMoney) {
        auto minor = parse_integer(v);
        cells[i] = minor ? format_minor_units(*minor) : std::string(v);
      } else if (format == ExportFormat::kCsv && f.type != FieldType::kInteger) {
        cells[i] = csv_formula_guarded(v);  // a number is a number; text may be a formula
      } else {
        cells[i] = std::string(v);
      }
      if (format == ExportFormat::kJsonl) {
        if (f.type == FieldType::kInteger) {
          auto iv = parse_integer(cells[i]);
          if (iv)
            obj[f.name] = *iv;
          else
            obj[f.name] = cells[i];
        } else if (f.type == FieldType::kAttributes) {
          auto a = parse_attributes(cells[i]);
          if (a) obj[f.name] = std::move(*a);
        } else {
          obj[f.name] = cells[i];
        }
      }
    }
    if (format == ExportFormat::kCsv) {
      for (std::size_t i = 0; i < cells.size(); ++i) {
        if (!row[i]) cells[i].clear();
        views[i] = cells[i];
      }
      csv.write_row(views);
    } else {
      line = boost::json::serialize(obj);
      line.push_back('\n');
      out.write(line.data(), static_cast<std::streamsize>(line.size()));
    }
  });
  if (!st) return st.error();
  out.flush();
  if (!out) return Error::unavailable("cannot write the export");
  return n;
}

}  // namespace icrm::ingest
