#include "ingest/csv_reader.h"

#include <fmt/format.h>

#include <algorithm>
#include <array>
#include <fstream>
#include <sstream>
#include <unordered_set>

#include "core/text.h"

namespace icrm::ingest {
namespace {

constexpr std::string_view kBom = "\xEF\xBB\xBF";
constexpr std::size_t kSniffLines = 20;

// Windows-1252 0x80..0x9F; the five undefined bytes keep their Latin-1 (C1) code point.
constexpr std::array<char16_t, 32> kCp1252High = {
    0x20AC, 0x0081, 0x201A, 0x0192, 0x201E, 0x2026, 0x2020, 0x2021, 0x02C6, 0x2030, 0x0160,
    0x2039, 0x0152, 0x008D, 0x017D, 0x008F, 0x0090, 0x2018, 0x2019, 0x201C, 0x201D, 0x2022,
    0x2013, 0x2014, 0x02DC, 0x2122, 0x0161, 0x203A, 0x0153, 0x009D, 0x017E, 0x0178};

std::string printable(char c) {
  if (c == '\t') return "TAB";
  if (static_cast<unsigned char>(c) < 0x20 || static_cast<unsigned char>(c) >= 0x7F)
    return fmt::format("byte 0x{:02X}", static_cast<unsigned char>(c));
  return fmt::format("'{}'", c);
}

}  // namespace

void append_windows1252_as_utf8(std::string_view bytes, std::string& out) {
  for (char ch : bytes) {
    auto c = static_cast<unsigned char>(ch);
    if (c < 0x80) {
      out.push_back(ch);
      continue;
    }
    std::uint32_t cp = (c < 0xA0) ? kCp1252High[c - 0x80] : c;
    if (cp < 0x800) {
      out.push_back(static_cast<char>(0xC0 | (cp >> 6)));
      out.push_back(static_cast<char>(0x80 | (cp & 0x3F)));
    } else {
      out.push_back(static_cast<char>(0xE0 | (cp >> 12)));
      out.push_back(static_cast<char>(0x80 | ((cp >> 6) & 0x3F)));
      out.push_back(static_cast<char>(0x80 | (cp & 0x3F)));
    }
  }
}

char detect_delimiter(std::string_view sample, char quote) {
  constexpr std::array<char, 4> kCandidates = {',', ';', '\t', '|'};
  // Split into lines outside quotes; the last line may be cut off by the sample.
  std::vector<std::string_view> lines;
  bool in_quotes = false;
  std::size_t start = 0;
  bool truncated = true;
  for (std::size_t i = 0; i < sample.size() && lines.size() < kSniffLines; ++i) {
    char c = sample[i];
    if (quote != '\0' && c == quote) in_quotes = !in_quotes;
    if (!in_quotes && (c == '\n' || c == '\r')) {
      if (i > start) lines.push_back(sample.substr(start, i - start));
      start = i + 1;
      if (lines.size() == kSniffLines) truncated = false;
    }
  }
  if (lines.size() < kSniffLines && start < sample.size()) {
    lines.push_back(sample.substr(start));
    truncated = sample.size() >= kSniffBytes;
  }
  if (truncated && lines.size() > 1) lines.pop_back();

  char best = ',';
  std::size_t best_consistent = 0, best_width = 0;
  for (char d : kCandidates) {
    std::vector<std::size_t> counts;
    for (auto line : lines) {
      std::size_t n = 0;
      bool q = false;
      for (char c : line) {
        if (quote != '\0' && c == quote)
          q = !q;
        else if (!q && c == d)
          ++n;
      }
      counts.push_back(n);
    }
    if (counts.empty() || counts[0] == 0) continue;
    auto consistent = static_cast<std::size_t>(std::count(counts.begin(), counts.end(), counts[0]));
    if (consistent > best_consistent || (consistent == best_consistent && counts[0] > best_width)) {
      best = d;
      best_consistent = consistent;
      best_width = counts[0];
    }
  }
  return best;
}

CsvReader::CsvReader(std::unique_ptr<std::istream> owned, std::istream* in, CsvOptions options)
    : owned_(std::move(owned)), in_(in), options_(options) {}

CsvReader::~CsvReader() = default;

Result<std::unique_ptr<CsvReader>> CsvReader::open(const std::string& path, CsvOptions options) {
  auto file = std::make_unique<std::ifstream>(path, std::ios::binary);
  if (!*file) return Error::not_found(fmt::format("cannot open {}", path));
  std::istream* raw = file.get();
  std::unique_ptr<CsvReader> reader(new CsvReader(std::move(file), raw, options));
  auto started = reader->start();
  if (!started) {
    Error e = started.error();
    e.message = fmt::format("{}: {}", path, e.message);
    return e;
  }
  return reader;
}

Result<std::unique_ptr<CsvReader>> CsvReader::from_stream(std::istream& in, CsvOptions options) {
  std::unique_ptr<CsvReader> reader(new CsvReader(nullptr, &in, options));
  if (auto started = reader->start(); !started) return started.error();
  return reader;
}

Result<std::unique_ptr<CsvReader>> CsvReader::from_string(std::string text, CsvOptions options) {
  auto stream = std::make_unique<std::istringstream>(std::move(text));
  std::istream* raw = stream.get();
  std::unique_ptr<CsvReader> reader(new CsvReader(std::move(stream), raw, options));
  if (auto started = reader->start(); !started) return started.error();
  return reader;
}

bool CsvReader::fill(std::size_t want) {
  if (pos_ > 0 && pos_ >= buf_.size() / 2) {
    buf_.erase(0, pos_);
    pos_ = 0;
  }
  while (buf_.size() - pos_ < want && !eof_) {
    std::size_t old = buf_.size();
    std::size_t chunk = options_.read_chunk_bytes;
    buf_.resize(old + chunk);
    in_->read(buf_.data() + old, static_cast<std::streamsize>(chunk));
    auto got = static_cast<std::size_t>(in_->gcount());
    buf_.resize(old + got);
    if (got < chunk) eof_ = true;
  }
  return pos_ < buf_.size();
}

std::string CsvReader::location(std::uint64_t line, std::size_t column) const {
  std::string where = fmt::format("line {}, column {}", line, column + 1);
  if (column < header_.size()) where += fmt::format(" (\"{}\")", header_[column]);
  return where;
}

Status CsvReader::start() {
  if (options_.max_field_bytes == 0 || options_.max_columns == 0 ||
      options_.max_record_bytes == 0 || options_.read_chunk_bytes == 0)
    return Error::invalid("CSV limits must be positive");
  // Only detection needs a sample; a BOM is three bytes.
  fill(options_.delimiter == '\0' ? kSniffBytes : kBom.size());
  if (buf_.compare(pos_, kBom.size(), kBom) == 0) pos_ += kBom.size();
  if (pos_ >= buf_.size()) return Error::invalid("the file is empty");
  delimiter_ = options_.delimiter != '\0'
                   ? options_.delimiter
                   : detect_delimiter(std::string_view(buf_).substr(pos_), options_.quote);
  if (delimiter_ == options_.quote || delimiter_ == '\n' || delimiter_ == '\r')
    return Error::invalid("the delimiter cannot be a quote or a line break", "delimiter");

  CsvRecord first;
  auto got = parse_record(first);
  if (!got) return got.error();
  if (!*got) return Error::invalid("the file has no records");
  if (options_.header) {
    std::unordered_set<std::string> seen;
    for (std::size_t i = 0; i < first.size(); ++i) {
      std::string name(trim_blanks(first[i]));
      if (name.empty()) name = fmt::format("column_{}", i + 1);
      std::string unique = name;
      for (int k = 2; seen.count(unique); ++k) unique = fmt::format("{}_{}", name, k);
      seen.insert(unique);
      header_.push_back(std::move(unique));
    }
  } else {
    for (std::size_t i = 0; i < first.size(); ++i)
      header_.push_back(fmt::format("column_{}", i + 1));
    // Keep the first record for the first next(); its views point into out_,
    // which the next parse would overwrite, so copy them.
    pending_storage_.assign(out_);
    pending_first_.line_ = first.line_;
    std::size_t begin = 0;
    for (std::size_t end : ends_) {
      pending_first_.fields_.emplace_back(pending_storage_.data() + begin, end - begin);
      begin = end;
    }
    have_pending_first_ = true;
  }
  return ok_status();
}

Status CsvReader::finish_field(CsvRecord& record, std::size_t begin, bool had_high_bytes) {
  if (had_high_bytes && options_.encoding != CsvEncoding::kWindows1252) {
    std::string_view field(out_.data() + begin, out_.size() - begin);
    if (!is_valid_utf8(field)) {
      if (options_.encoding == CsvEncoding::kUtf8)
        return Error::invalid(
            fmt::format("{}: not valid UTF-8", location(record.line_, ends_.size())),
            ends_.size() < header_.size() ? header_[ends_.size()] : "");
      std::string raw(field);
      out_.resize(begin);
      append_windows1252_as_utf8(raw, out_);
      ++transcoded_fields_;
    }
  } else if (had_high_bytes) {
    std::string raw(out_.data() + begin, out_.size() - begin);
    out_.resize(begin);
    append_windows1252_as_utf8(raw, out_);
  }
  ends_.push_back(out_.size());
  return ok_status();
}

Result<bool> CsvReader::parse_record(CsvRecord& record) {
  out_.clear();
  ends_.clear();
  record.fields_.clear();

  // Skip empty lines between records.
  for (;;) {
    if (!fill(1)) return false;
    char c = buf_[pos_];
    if (c == '\n') {
      ++pos_;
      ++line_;
    } else if (c == '\r') {
      ++pos_;
      if (fill(1) && buf_[pos_] == '\n') ++pos_;
      ++line_;
    } else {
      break;
    }
  }

  record.line_ = line_;
  const char delim = delimiter_;
  const char quote = options_.quote;
  std::array<bool, 256> stop{};  // what ends an unquoted field
  stop[static_cast<unsigned char>(delim)] = true;
  stop['\n'] = stop['\r'] = true;

  Error problem;
  bool failed = false;
  auto fail = [&](Error e) {
    if (!failed) {
      problem = std::move(e);
      failed = true;
    }
  };
  std::size_t record_bytes = 0;
  bool end_of_record = false;

  while (!end_of_record) {
    const std::size_t column = ends_.size();
    const std::size_t begin = out_.size();
    bool high = false;
    bool storing = !failed;
    if (column >= options_.max_columns) {
      fail(Error::too_large(
          fmt::format("line {}: more than {} columns", record.line_, options_.max_columns)));
      storing = false;
    }
    auto append = [&](const char* p, std::size_t n) {
      record_bytes += n;
      if (!storing) return;
      if (out_.size() - begin + n > options_.max_field_bytes) {
        fail(Error::too_large(fmt::format("{}: field longer than {} bytes",
                                          location(record.line_, column), options_.max_field_bytes),
                              column < header_.size() ? header_[column] : ""));
        storing = false;
        return;
      }
      if (record_bytes > options_.max_record_bytes) {
        fail(Error::too_large(fmt::format("line {}: record longer than {} bytes", record.line_,
                                          options_.max_record_bytes)));
        storing = false;
        return;
      }
      out_.append(p, n);
    };

    bool quoted = quote != '\0' && fill(1) && buf_[pos_] == quote;
    if (quoted) {
      ++pos_;
      for (;;) {
        if (!fill(1)) {
          return Error::invalid(
              fmt::format("{}: unterminated quoted field (the file ends inside quotes)",
                          location(record.line_, column)));
        }
        const char* p = buf_.data() + pos_;
        const char* end = buf_.data() + buf_.size();
        const char* q = p;
        unsigned char acc = 0;
        while (q < end && *q != quote && *q != '\n') acc |= static_cast<unsigned char>(*q++);
        high |= (acc & 0x80) != 0;
        append(p, static_cast<std::size_t>(q - p));
        pos_ += static_cast<std::size_t>(q - p);
        if (q == end) continue;
        if (*q == '\n') {
          append(q, 1);
          ++pos_;
          ++line_;
          continue;
        }
        // A quote: doubled means a literal quote, otherwise the field ends.
        ++pos_;
        if (fill(1) && buf_[pos_] == quote) {
          append(&quote, 1);
          ++pos_;
          continue;
        }
        break;
      }
      // After the closing quote only a delimiter or the end of the line may follow.
      if (fill(1)) {
        char c = buf_[pos_];
        if (c != delim && c != '\n' && c != '\r') {
          fail(Error::invalid(fmt::format("{}: unexpected {} after the closing quote",
                                          location(record.line_, column), printable(c)),
                              column < header_.size() ? header_[column] : ""));
          storing = false;
          // Skip the rest of this field as unquoted text.
          while (fill(1) && !stop[static_cast<unsigned char>(buf_[pos_])]) ++pos_;
        }
      }
    } else {
      for (;;) {
        if (!fill(1)) break;
        const char* p = buf_.data() + pos_;
        const char* end = buf_.data() + buf_.size();
        const char* q = p;
        unsigned char acc = 0;
        // A quote inside an unquoted field is an ordinary character.
        while (q < end && !stop[static_cast<unsigned char>(*q)])
          acc |= static_cast<unsigned char>(*q++);
        high |= (acc & 0x80) != 0;
        append(p, static_cast<std::size_t>(q - p));
        pos_ += static_cast<std::size_t>(q - p);
        if (q < end) break;
      }
    }

    if (storing) {
      if (auto s = finish_field(record, begin, high); !s) {
        fail(s.error());
        ends_.push_back(out_.size());
      }
    } else if (column < options_.max_columns) {
      ends_.push_back(out_.size());
    }

    // What ends the field: a delimiter, a line break, or the end of the input.
    if (!fill(1)) {
      end_of_record = true;
    } else {
      char c = buf_[pos_];
      if (c == delim) {
        ++pos_;
        record_bytes += 1;
        // A delimiter at the very end of the input still opens an empty last field.
        if (!fill(1)) {
          if (ends_.size() < options_.max_columns) ends_.push_back(out_.size());
          end_of_record = true;
        }
      } else {
        ++pos_;
        if (c == '\r' && fill(1) && buf_[pos_] == '\n') ++pos_;
        ++line_;
        end_of_record = true;
      }
    }
  }

  if (failed) return problem;
  std::size_t b = 0;
  record.fields_.reserve(ends_.size());
  for (std::size_t e : ends_) {
    record.fields_.emplace_back(out_.data() + b, e - b);
    b = e;
  }
  return true;
}

Result<bool> CsvReader::next(CsvRecord& record) {
  if (have_pending_first_) {
    have_pending_first_ = false;
    record = pending_first_;
    ++records_;
    return true;
  }
  auto got = parse_record(record);
  if (!got) return got;
  if (!*got) return false;
  ++records_;
  if (options_.require_header_width && record.size() != header_.size()) {
    return Error::invalid(fmt::format("line {}: expected {} fields like the header, found {}",
                                      record.line_, header_.size(), record.size()));
  }
  return true;
}

}  // namespace icrm::ingest
