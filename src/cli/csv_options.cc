#include "cli/csv_options.h"

namespace icrm::cli {

void add_csv_flags(CLI::App& cmd, CsvFlags& flags) {
  cmd.add_option("--delimiter", flags.delimiter, "Field delimiter: , ; tab | (default: detected)");
  cmd.add_option("--encoding", flags.encoding,
                 "auto (UTF-8, falling back to Windows-1252 per field), utf-8, latin1")
      ->capture_default_str();
}

Result<ingest::CsvOptions> to_csv_options(const CsvFlags& flags) {
  ingest::CsvOptions o;
  const std::string& d = flags.delimiter;
  if (d.empty())
    o.delimiter = '\0';
  else if (d == "tab" || d == "\\t" || d == "\t")
    o.delimiter = '\t';
  else if (d.size() == 1 && d != "\"" && d != "\n")
    o.delimiter = d[0];
  else
    return Error::invalid("--delimiter must be one character or \"tab\"", "delimiter");
  if (flags.encoding == "auto")
    o.encoding = ingest::CsvEncoding::kAuto;
  else if (flags.encoding == "utf-8" || flags.encoding == "utf8")
    o.encoding = ingest::CsvEncoding::kUtf8;
  else if (flags.encoding == "latin1" || flags.encoding == "windows-1252" ||
           flags.encoding == "cp1252")
    o.encoding = ingest::CsvEncoding::kWindows1252;
  else
    return Error::invalid("--encoding must be auto, utf-8 or latin1", "encoding");
  return o;
}

}  // namespace icrm::cli
