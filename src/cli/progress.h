// Progress: one self-rewriting line on stderr for long work (reading,
// training, importing, deciding): a stage's name, a bar with the share
// done, the count, the rate and an ETA, e.g.
//   "scoring [#########.....................]  30% 1200/4000  ETA 2s"
//   "[#######.......................]  25% 250 rows  250 rows/s  ETA 3s"
// Drawn only when enabled (by default when stderr is a terminal), so scripts
// and pipes stay clean; a stage is redrawn at most every kProgressRedraw, so
// a tight loop may report every item.
#pragma once

#include <chrono>
#include <cstdint>
#include <optional>
#include <ostream>
#include <string>
#include <string_view>

#include "core/clock.h"

namespace icrm::cli {

inline constexpr std::chrono::milliseconds kProgressRedraw{100};

class Progress {
 public:
  // On std::cerr by the system clock, enabled when stderr is a terminal.
  Progress();
  Progress(const Clock& clock, std::ostream& out, bool enabled);
  ~Progress();  // erases the line
  Progress(const Progress&) = delete;
  Progress& operator=(const Progress&) = delete;

  // Replaces the line with `text` at once (a step of unknown length).
  void update(std::string_view text);
  // `done` of `total` items of a stage (total 0: unknown, no bar nor ETA);
  // `unit` names the items and adds their rate ("rows"; empty: "done/total").
  // A new name restarts the rate and is drawn at once.
  void stage(std::string_view name, std::uint64_t done, std::uint64_t total,
             std::string_view unit = {});
  // Erases the line (before printing results or a message).
  void done();
  bool enabled() const { return enabled_; }

  // The text stage() draws (no carriage return), for tests.
  static std::string render(std::string_view name, std::uint64_t done, std::uint64_t total,
                            std::string_view unit, std::chrono::microseconds elapsed);

 private:
  void draw(const std::string& line, Timestamp now);

  const Clock& clock_;
  std::ostream& out_;
  bool enabled_;
  std::optional<std::string> stage_;  // the stage being drawn, since stage_start_
  Timestamp stage_start_{};
  Timestamp last_draw_{};
  bool drawn_ = false;
};

// Lines in a file (counting '\n'), a cheap estimate of its rows for the ETA.
std::uint64_t count_lines(const std::string& path);

}  // namespace icrm::cli
