#include "features/table.h"

#include <fmt/format.h>

#include <algorithm>
#include <filesystem>

namespace icrm::features {
namespace {

// Rows read before the column vectors are sized from the input's length.
constexpr std::size_t kRowsToEstimateFrom = 256;
constexpr std::size_t kMaxReserveBytesPerInputByte = 8;

// `input_bytes` (the file's size, 0 if unknown) lets the columns be reserved
// once from the first records' average length instead of growing by
// reallocation (which moved every cell several times on a 40,000-row file).
Result<Table> read_all(ingest::CsvReader& reader, const TableReadOptions& options,
                       std::size_t input_bytes) {
  Table table;
  table.columns = reader.header();
  table.cells.resize(table.columns.size());
  ingest::CsvRecord record;
  std::size_t record_bytes = 0;
  for (;;) {
    auto got = reader.next(record);
    if (!got) return got.error();
    if (!*got) break;
    if (table.rows == options.max_rows)
      return Error::too_large(fmt::format("more than {} data rows", options.max_rows));
    if (table.rows < kRowsToEstimateFrom) {
      for (std::size_t c = 0; c < record.size(); ++c) record_bytes += record[c].size() + 1;
    } else if (table.rows == kRowsToEstimateFrom && input_bytes > 0) {
      const double per_row = std::max(1.0, double(record_bytes) / double(kRowsToEstimateFrom));
      // Capped so that odd first rows cannot make it reserve more than a few
      // times the input (a cell costs sizeof(std::string) however short).
      const std::size_t cap = kMaxReserveBytesPerInputByte * input_bytes /
                              (sizeof(std::string) * std::max<std::size_t>(1, table.cells.size()));
      const auto expected =
          std::min({options.max_rows, cap, std::size_t(1.05 * double(input_bytes) / per_row) + 16});
      for (auto& column : table.cells) column.reserve(expected);
    }
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
  std::error_code ec;
  const auto bytes = std::filesystem::file_size(path, ec);
  auto table = read_all(**reader, options, ec ? 0 : static_cast<std::size_t>(bytes));
  if (!table) {
    Error e = table.error();
    e.message = fmt::format("{}: {}", path, e.message);
    return e;
  }
  return table;
}

Result<Table> read_csv_table_from_string(std::string text, const TableReadOptions& options) {
  const std::size_t bytes = text.size();
  auto reader = ingest::CsvReader::from_string(std::move(text), options.csv);
  if (!reader) return reader.error();
  return read_all(**reader, options, bytes);
}

}  // namespace icrm::features
