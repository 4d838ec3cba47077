#include "ingest/csv_writer.h"

namespace icrm::ingest {

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
