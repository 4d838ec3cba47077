// Table: a CSV file held in memory column by column, as the text it was
// written with, for schema inference and feature fitting. Modelling data sets
// (tens of thousands to a few million rows) fit; kMaxTableRows bounds it.
#pragma once

#include <cstddef>
#include <string>
#include <string_view>
#include <vector>

#include "core/result.h"
#include "ingest/csv_reader.h"

namespace icrm::features {

inline constexpr std::size_t kMaxTableRows = 20'000'000;

struct Table {
  std::vector<std::string> columns;
  std::vector<std::vector<std::string>> cells;  // cells[column][row]
  std::size_t rows = 0;

  // Index of a column by exact name, or -1.
  int find(std::string_view name) const;
};

struct TableReadOptions {
  ingest::CsvOptions csv;
  std::size_t max_rows = kMaxTableRows;
};

// Reads a whole CSV. A malformed record is an error naming its line: a model
// trained on silently dropped rows would be wrong in a way nobody sees.
Result<Table> read_csv_table(const std::string& path, const TableReadOptions& options = {});
Result<Table> read_csv_table_from_string(std::string text, const TableReadOptions& options = {});

}  // namespace icrm::features
