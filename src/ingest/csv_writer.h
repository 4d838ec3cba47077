// Writing CSV fields: quoted only when needed (delimiter, quote, line break,
// leading/trailing space), quotes doubled — what CsvReader reads back as is.
#pragma once

#include <string>
#include <string_view>

namespace icrm::ingest {

void append_csv_field(std::string& out, std::string_view field, char delimiter = ',');

}  // namespace icrm::ingest
