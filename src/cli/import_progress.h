// ImportProgress: the terminal side of a file import (`insightcrm import`,
// `insightcrm dataset load`) — the progress bar over the file's lines (rows,
// rows/s, ETA) and the first ingest::kMaxEchoedRejects refused rows on
// stderr, each printed above the bar.
#pragma once

#include <cstddef>
#include <cstdint>
#include <string>

#include "cli/progress.h"
#include "ingest/importer.h"

namespace icrm::cli {

class ImportProgress {
 public:
  // The bar's total is `file`'s line count, counted only when the bar shows.
  explicit ImportProgress(const std::string& file);
  ImportProgress(const ImportProgress&) = delete;
  ImportProgress& operator=(const ImportProgress&) = delete;

  // Reports to this object, which must outlive the import.
  ingest::ImportReporter reporter();
  // Erases the bar (after the import).
  void finish() { progress_.done(); }
  // Refused rows reported but not echoed (past kMaxEchoedRejects).
  std::size_t not_echoed() const;

 private:
  Progress progress_;
  std::uint64_t total_;
  std::size_t rejected_ = 0;
};

}  // namespace icrm::cli
