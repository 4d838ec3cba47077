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

}  // namespace icrm::ingest
