// RejectsWriter: the rows an import refused, as CSV with the source's own
// columns plus a last `error` column saying where and why ("row 12 (line 13),
// column 'email': ..."), so a user can fix the file and import it again.
#pragma once

#include <fstream>
#include <memory>
#include <string>
#include <string_view>
#include <vector>

#include "core/result.h"
#include "ingest/csv_writer.h"

namespace icrm::ingest {

class RejectsWriter {
 public:
  static Result<std::unique_ptr<RejectsWriter>> open(const std::string& path,
                                                     std::vector<std::string> columns);
  // `fields` may be shorter than the columns (a row the reader could not split).
  void write(std::span<const std::string_view> fields, std::string_view error);
  std::uint64_t written() const { return written_; }
  Status close();

 private:
  RejectsWriter() = default;
  std::ofstream out_;
  std::unique_ptr<CsvWriter> csv_;
  std::size_t width_ = 0;
  std::uint64_t written_ = 0;
  std::string path_;
  std::vector<std::string_view> row_;
};

}  // namespace icrm::ingest
