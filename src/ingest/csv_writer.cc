#include "ingest/csv_writer.h"

namespace icrm::ingest {
namespace {

// The length of the blank at the start of `s` (0 when none).
std::size_t blank_at(std::string_view s) {
  // U+00A0 no-break space, U+3000 ideographic space.
  static constexpr std::string_view kWide[] = {"\xC2\xA0", "\xE3\x80\x80"};
  if (s.empty()) return 0;
  if (s[0] == ' ' || s[0] == '\t' || s[0] == '\r' || s[0] == '\n' || s[0] == '\v' || s[0] == '\f')
    return 1;
  for (auto w : kWide)
    if (s.starts_with(w)) return w.size();
  return 0;
}

bool formula_start(std::string_view s) {
  // U+FF1D U+FF0B U+FF0D U+FF20 (full-width = + - @), U+FE66 U+FE62 U+FE63
  // U+FE6B (their small forms): spreadsheets read them as the ASCII ones.
  static constexpr std::string_view kWide[] = {"\xEF\xBC\x9D", "\xEF\xBC\x8B", "\xEF\xBC\x8D",
                                               "\xEF\xBC\xA0", "\xEF\xB9\xA6", "\xEF\xB9\xA2",
                                               "\xEF\xB9\xA3", "\xEF\xB9\xAB"};
  if (s.empty()) return false;
  if (s[0] == '=' || s[0] == '+' || s[0] == '-' || s[0] == '@') return true;
  for (auto w : kWide)
    if (s.starts_with(w)) return true;
  return false;
}

}  // namespace

bool csv_formula_like(std::string_view text) {
  for (std::size_t n; (n = blank_at(text)) > 0; text.remove_prefix(n))
    if (text[0] == '\t' || text[0] == '\r') return true;
  return formula_start(text);
}

std::string csv_formula_guarded(std::string_view text) {
  std::string out;
  if (csv_formula_like(text)) out.push_back('\'');
  out.append(text);
  return out;
}

void append_csv_field(std::string& out, std::string_view field, char delimiter) {
  bool quote = !field.empty() && (field.front() == ' ' || field.back() == ' ');
  for (char c : field)
    if (c == delimiter || c == '"' || c == '\n' || c == '\r') {
      quote = true;
      break;
    }
  if (!quote) {
    out.append(field);
    return;
  }
  out.push_back('"');
  for (char c : field) {
    if (c == '"') out.push_back('"');
    out.push_back(c);
  }
  out.push_back('"');
}

void CsvWriter::write_row(std::span<const std::string_view> fields) {
  line_.clear();
  for (std::size_t i = 0; i < fields.size(); ++i) {
    if (i) line_.push_back(delimiter_);
    append_csv_field(line_, fields[i], delimiter_);
  }
  line_.push_back('\n');
  out_.write(line_.data(), static_cast<std::streamsize>(line_.size()));
}

void CsvWriter::write_row(const std::vector<std::string>& fields) {
  std::vector<std::string_view> views(fields.begin(), fields.end());
  write_row(views);
}

}  // namespace icrm::ingest
