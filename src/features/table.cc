#include "features/table.h"

#include <fmt/format.h>

namespace icrm::features {
namespace {

Result<Table> read_all(ingest::CsvReader& reader, const TableReadOptions& options) {
  Table table;
  table.columns = reader.header();
  table.cells.resize(table.columns.size());
  ingest::CsvRecord record;
  for (;;) {
    auto got = reader.next(record);
    if (!got) return got.error();
    if (!*got) break;
    if (table.rows == options.max_rows)
      return Error::too_large(fmt::format("more than {} data rows", options.max_rows));
    for (std::size_t c = 0; c < record.size(); ++c) table.cells[c].emplace_back(record[c]);
    ++table.rows;
  }
  return table;
}

}  // namespace

int Table::find(std::string_view name) const {
  for (std::size_t i = 0; i < columns.size(); ++i)
    if (columns[i] == name) return static_cast<int>(i);
  return -1;
}

Result<Table> read_csv_table(const std::string& path, const TableReadOptions& options) {
  auto reader = ingest::CsvReader::open(path, options.csv);
  if (!reader) return reader.error();
  auto table = read_all(**reader, options);
  if (!table) {
    Error e = table.error();
    e.message = fmt::format("{}: {}", path, e.message);
    return e;
  }
  return table;
}

Result<Table> read_csv_table_from_string(std::string text, const TableReadOptions& options) {
  auto reader = ingest::CsvReader::from_string(std::move(text), options.csv);
  if (!reader) return reader.error();
  return read_all(**reader, options);
}

}  // namespace icrm::features
