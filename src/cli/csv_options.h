// The CSV options shared by commands that read a user's CSV (train, predict).
#pragma once

#include <CLI/CLI.hpp>
#include <string>

#include "core/result.h"
#include "ingest/csv_reader.h"

namespace icrm::cli {

struct CsvFlags {
  std::string delimiter;  // "", ",", ";", "tab", "|"
  std::string encoding = "auto";
};
void add_csv_flags(CLI::App& cmd, CsvFlags& flags);
Result<ingest::CsvOptions> to_csv_options(const CsvFlags& flags);

}  // namespace icrm::cli
