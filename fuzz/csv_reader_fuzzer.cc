// CsvReader on arbitrary bytes. The first byte picks the options (delimiter,
// quoting, header, encoding, small limits so the limit paths are reached),
// the second the size of the reader's reads; the rest is the file. Every record is read, errors
// included, and each record the reader accepts must come back the same through CsvWriter's quoting
// (the writer and the reader are each other's inverse).
#include <cstddef>
#include <cstdint>
#include <string>
#include <vector>

#include "ingest/csv_reader.h"
#include "ingest/csv_writer.h"

using icrm::ingest::CsvEncoding;
using icrm::ingest::CsvOptions;
using icrm::ingest::CsvReader;
using icrm::ingest::CsvRecord;

namespace {

constexpr int kMaxRecords = 4096;

// Appends `fields` as one line as CsvWriter writes it.
void append_line(std::string& text, const CsvRecord& record, char delimiter) {
  for (std::size_t i = 0; i < record.size(); ++i) {
    if (i) text.push_back(delimiter);
    icrm::ingest::append_csv_field(text, record[i], delimiter);
  }
  text.push_back('\n');
}

// Reads `text` back with the same delimiter and compares with `expected`.
void check_round_trip(const std::string& text, char delimiter,
                      const std::vector<std::vector<std::string>>& expected) {
  if (expected.empty()) return;
  CsvOptions o;
  o.delimiter = delimiter;
  o.encoding = CsvEncoding::kUtf8;
  o.require_header_width = false;
  o.read_chunk_bytes = 4096;  // a 1 MiB buffer per input would be most of the run time
  auto reader = CsvReader::from_string(text, o);
  if (!reader) __builtin_trap();
  CsvRecord again;
  for (const auto& fields : expected) {
    auto got = (*reader)->next(again);
    if (!got || !*got || again.size() != fields.size()) __builtin_trap();
    for (std::size_t i = 0; i < fields.size(); ++i) {
      if (again[i] != fields[i]) __builtin_trap();
    }
  }
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  if (size < 2) return 0;
  const std::uint8_t flags = data[0];
  CsvOptions o;
  static constexpr char kDelimiters[] = {'\0', ',', ';', '\t'};
  o.delimiter = kDelimiters[flags & 3];
  o.quote = (flags & 4) ? '\0' : '"';
  o.header = (flags & 8) == 0;
  o.encoding = static_cast<CsvEncoding>((flags >> 4) % 3);
  if (flags & 0x40) {
    o.max_field_bytes = 16;
    o.max_columns = 8;
    o.max_record_bytes = 64;
  }
  o.require_header_width = (flags & 0x80) == 0;
  // Small reads put records across the buffer's refills.
  static constexpr std::size_t kChunks[] = {1, 3, 16, 4096};
  o.read_chunk_bytes = kChunks[data[1] & 3];
  std::string text(reinterpret_cast<const char*>(data + 2), size - 2);

  auto reader = CsvReader::from_string(std::move(text), o);
  if (!reader) return 0;
  CsvRecord record;
  // As an export does, a header line first (a data line first could start
  // with U+FEFF, which a reader takes for a byte order mark).
  std::string written = "id,name\n";
  std::vector<std::vector<std::string>> expected;
  for (int i = 0; i < kMaxRecords; ++i) {
    auto got = (*reader)->next(record);
    if (!got) {
      // Past an unterminated quote the input is over; other errors skip a record.
      if (got.error().message.find("unterminated") != std::string::npos) break;
      continue;
    }
    if (!*got) break;
    // A line of one empty field is an empty line, which the reader skips.
    if (o.quote != '"' || record.size() < 2) continue;
    if (expected.empty()) written[2] = (*reader)->delimiter();
    append_line(written, record, (*reader)->delimiter());
    expected.emplace_back(record.fields().begin(), record.fields().end());
  }
  check_round_trip(written, (*reader)->delimiter(), expected);
  return 0;
}
