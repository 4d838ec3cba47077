// Progress: lines of progress for long work (reading, training), shown on
// stderr only when it is a terminal, so scripts and pipes stay clean.
#pragma once

#include <cstddef>
#include <string>
#include <string_view>

namespace icrm::cli {

class Progress {
 public:
  Progress();
  ~Progress();
  // Replaces the current progress line.
  void update(const std::string& line);
  // A stage of known size as a bar, "scoring [########------------] 40% 1200/3000";
  // with total 0 the stage and the count so far ("reading events 52000").
  void stage(std::string_view name, std::size_t done, std::size_t total);
  // Clears the line (before printing results).
  void done();
  bool enabled() const { return enabled_; }
  // The text stage() draws, for tests.
  static std::string render(std::string_view name, std::size_t done, std::size_t total);

 private:
  bool enabled_;
  std::size_t last_width_ = 0;
};

}  // namespace icrm::cli
