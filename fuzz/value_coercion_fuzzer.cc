// The coercion of an imported row's cells (ingest/importer.cc does these per
// column): integers, money and scaled decimals, emails, choices, timestamps,
// the attributes JSON column and the inferred attributes of the other
// columns. The input is cells separated by NUL bytes, each valid UTF-8 as
// CsvReader hands them out. What the importer
// stores must read back: the serialized attributes parse as attributes again.
#include <cstddef>
#include <cstdint>
#include <string_view>
#include <vector>

#include "core/time.h"
#include "ingest/csv_reader.h"
#include "ingest/value_coercion.h"

namespace ingest = icrm::ingest;

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  std::string_view input(reinterpret_cast<const char*>(data), size);
  std::vector<std::string_view> cells;
  for (std::size_t pos = 0; pos <= input.size() && cells.size() < 32;) {
    std::size_t end = input.find('\0', pos);
    if (end == std::string_view::npos) end = input.size();
    cells.push_back(input.substr(pos, end - pos));
    pos = end + 1;
  }
  static const std::vector<std::string_view> kChoices = {"new", "contacted", "qualified"};
  boost::json::object attributes;
  for (std::size_t i = 0; i < cells.size(); ++i) {
    std::string_view cell = icrm::trim_blanks(cells[i]);
    // CsvReader hands out UTF-8 only (it transcodes or refuses the rest).
    if (!icrm::is_valid_utf8(cell)) continue;
    (void)ingest::parse_integer(cell);
    (void)ingest::parse_money(cell);
    (void)ingest::parse_scaled_decimal(cell, static_cast<int>(i % 7));
    (void)ingest::parse_email(cell);
    (void)ingest::parse_choice(cell, kChoices);
    (void)icrm::parse_timestamp(cell);
    if (auto m = ingest::parse_money(cell)) {
      // Minor units to whole units, as a report rounds them.
      (void)ingest::divide_round_half_even(*m, 100);
    }
    if (i == 0) {
      auto parsed = ingest::parse_attributes(cell);
      if (parsed) attributes = std::move(*parsed);
    } else if (!cell.empty()) {
      attributes["column_" + std::to_string(i)] = ingest::infer_attribute_value(cell);
    }
  }
  if (attributes.size() > ingest::kMaxAttributes) return 0;
  auto again = ingest::parse_attributes(ingest::serialize_attributes(attributes));
  if (!again || again->size() != attributes.size()) __builtin_trap();
  return 0;
}
