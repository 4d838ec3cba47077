// Writing CSV: fields quoted only when needed (delimiter, quote, line break,
// leading/trailing space), quotes doubled, LF line ends — what CsvReader reads
// back as is. append_csv_field for one field; CsvWriter for whole rows on a
// stream (exports, rejects files).
#pragma once

#include <ostream>
#include <span>
#include <string>
#include <string_view>
#include <vector>

namespace icrm::ingest {

void append_csv_field(std::string& out, std::string_view field, char delimiter = ',');

class CsvWriter {
 public:
  explicit CsvWriter(std::ostream& out, char delimiter = ',') : out_(out), delimiter_(delimiter) {}
  void write_row(std::span<const std::string_view> fields);
  void write_row(const std::vector<std::string>& fields);

 private:
  std::ostream& out_;
  char delimiter_;
  std::string line_;
};

}  // namespace icrm::ingest
