// CsvReader: a streaming reader for the CSV files users bring (exports from
// other CRMs, spreadsheets, public data sets). Detects the delimiter, strips a
// BOM, accepts CRLF/LF/CR, follows RFC 4180 quoting, validates UTF-8 and
// transcodes Windows-1252/Latin-1 fields to UTF-8. Every limit is named and
// every error names the line and column it happened at.
//
// Not thread-safe; one reader per file. Fields handed out by next() stay valid
// until the following call to next().
#pragma once

#include <cstddef>
#include <cstdint>
#include <istream>
#include <memory>
#include <string>
#include <string_view>
#include <vector>

#include "core/result.h"
#include "core/text.h"

namespace icrm::ingest {

// Limits on what one file may contain. A record that breaks one is reported as
// an error and skipped; reading may continue with the next record.
inline constexpr std::size_t kMaxFieldBytes = 1 << 20;    // 1 MiB per field
inline constexpr std::size_t kMaxColumns = 4096;          // fields per record
inline constexpr std::size_t kMaxRecordBytes = 16 << 20;  // 16 MiB per record (line)
// How much of the file delimiter detection looks at.
inline constexpr std::size_t kSniffBytes = 64 << 10;
// Bytes asked of the input per read.
inline constexpr std::size_t kReadChunkBytes = 1 << 20;

enum class CsvEncoding {
  kAuto,         // UTF-8 where valid, otherwise the field is read as Windows-1252
  kUtf8,         // invalid UTF-8 is an error
  kWindows1252,  // every byte is Windows-1252 (a superset of Latin-1's printable range)
};

struct CsvOptions {
  char delimiter = '\0';  // '\0': detect among ',' ';' '\t' '|'
  char quote = '"';       // '\0': no quoting at all (quotes are ordinary characters)
  bool header = true;     // the first record names the columns
  CsvEncoding encoding = CsvEncoding::kAuto;
  std::size_t max_field_bytes = kMaxFieldBytes;
  std::size_t max_columns = kMaxColumns;
  std::size_t max_record_bytes = kMaxRecordBytes;
  // Refuse records whose field count differs from the header's.
  bool require_header_width = true;
  // Bytes per read of the input. Small reads let tests (and the fuzzer) put
  // a record across the reader's buffer refills.
  std::size_t read_chunk_bytes = kReadChunkBytes;
};

// One record; views into the reader's buffer, valid until the next next().
class CsvRecord {
 public:
  std::size_t size() const { return fields_.size(); }
  bool empty() const { return fields_.empty(); }
  std::string_view operator[](std::size_t i) const { return fields_[i]; }
  const std::vector<std::string_view>& fields() const { return fields_; }
  // Physical line (1-based) the record starts on.
  std::uint64_t line() const { return line_; }

 private:
  friend class CsvReader;
  std::vector<std::string_view> fields_;
  std::uint64_t line_ = 0;
};

class CsvReader {
 public:
  // Opens a file; reads the header (when options.header) and detects the
  // delimiter. Errors: not found, empty file, broken header.
  static Result<std::unique_ptr<CsvReader>> open(const std::string& path, CsvOptions options = {});
  // Reads from a stream the caller keeps alive for the reader's lifetime.
  static Result<std::unique_ptr<CsvReader>> from_stream(std::istream& in, CsvOptions options = {});
  // Reads from a string (tests, small uploads).
  static Result<std::unique_ptr<CsvReader>> from_string(std::string text, CsvOptions options = {});

  ~CsvReader();
  CsvReader(const CsvReader&) = delete;
  CsvReader& operator=(const CsvReader&) = delete;

  // Column names from the header (trimmed; empty names become "column_N"), or
  // "column_1".."column_N" after the first record when there is no header.
  const std::vector<std::string>& header() const { return header_; }
  char delimiter() const { return delimiter_; }

  // Reads the next record. Returns false at the end of the input. An Error
  // names the line and column; after a limit, width or encoding error the
  // reader is positioned at the following record and next() may be called
  // again. An unterminated quote or a read failure ends the input.
  Result<bool> next(CsvRecord& record);

  // Records returned so far (not counting the header).
  std::uint64_t records() const { return records_; }
  // Fields that were not valid UTF-8 and were read as Windows-1252.
  std::uint64_t transcoded_fields() const { return transcoded_fields_; }

 private:
  CsvReader(std::unique_ptr<std::istream> owned, std::istream* in, CsvOptions options);

  Status start();
  // Ensures at least `want` unread bytes are buffered unless the input ends.
  // Returns false when nothing is left to read.
  bool fill(std::size_t want);
  Result<bool> parse_record(CsvRecord& record);
  Status finish_field(CsvRecord& record, std::size_t begin, bool had_high_bytes);
  std::string location(std::uint64_t line, std::size_t column) const;

  std::unique_ptr<std::istream> owned_;
  std::istream* in_;
  CsvOptions options_;
  char delimiter_ = ',';
  std::vector<std::string> header_;

  std::string buf_;      // raw bytes read from the input
  std::size_t pos_ = 0;  // next unread byte in buf_
  bool eof_ = false;
  std::string out_;                // the current record's unescaped, transcoded fields
  std::vector<std::size_t> ends_;  // end offsets of the fields in out_
  std::uint64_t line_ = 1;
  std::uint64_t records_ = 0;
  std::uint64_t transcoded_fields_ = 0;
  bool have_pending_first_ = false;  // headerless input: the first record was read by start()
  CsvRecord pending_first_;
  std::string pending_storage_;
};

// Appends `bytes`, read as Windows-1252, to `out` as UTF-8.
void append_windows1252_as_utf8(std::string_view bytes, std::string& out);
// Picks the delimiter among ',' ';' '\t' '|' that splits the sample's first
// lines into the same number (> 1) of fields most consistently; ',' if none does.
char detect_delimiter(std::string_view sample, char quote = '"');

}  // namespace icrm::ingest
