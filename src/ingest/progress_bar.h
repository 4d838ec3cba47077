// ProgressBar: one self-rewriting line on a terminal (rows done, rows/s, ETA)
// while a long import runs. Draws at most every kProgressRedraw and only when
// enabled (the CLI enables it when stderr is a TTY), so logs and pipes stay clean.
#pragma once

#include <chrono>
#include <cstdint>
#include <ostream>

#include "core/clock.h"

namespace icrm::ingest {

inline constexpr std::chrono::milliseconds kProgressRedraw{100};

class ProgressBar {
 public:
  // `total` is an estimate of the rows to come (0: unknown, no ETA).
  ProgressBar(const Clock& clock, std::ostream& out, std::uint64_t total, bool enabled);
  void update(std::uint64_t rows);
  // Erases the bar.
  void finish();
  // The text of the bar (no carriage return), for tests.
  std::string render(std::uint64_t rows, std::chrono::microseconds elapsed) const;

 private:
  const Clock& clock_;
  std::ostream& out_;
  std::uint64_t total_;
  bool enabled_;
  Timestamp start_;
  Timestamp last_draw_{};
  bool drawn_ = false;
};

// Lines in a file (counting '\n'), a cheap estimate of its rows for the ETA.
std::uint64_t count_lines(const std::string& path);

}  // namespace icrm::ingest
