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

// Text a spreadsheet would run as a formula (CSV injection, OWASP): after
// any leading blanks (space, line breaks, no-break and ideographic spaces) it
// starts with = + - or @, or their full-width or small forms (＝ ＋ － ＠,
// ﹦ ﹢ ﹣ ﹫), or its leading blanks hold a tab or a carriage return.
bool csv_formula_like(std::string_view text);
// `text` as a spreadsheet may safely open it: formula-like text gets a
// leading apostrophe, which makes it plain text; other text is unchanged.
// Every CSV export (the API's and `insightcrm export`) writes text through it.
std::string csv_formula_guarded(std::string_view text);

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
