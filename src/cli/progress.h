// Progress: lines of progress for long work (reading, training), shown on
// stderr only when it is a terminal, so scripts and pipes stay clean.
#pragma once

#include <string>

namespace icrm::cli {

class Progress {
 public:
  Progress();
  ~Progress();
  // Replaces the current progress line.
  void update(const std::string& line);
  // Clears the line (before printing results).
  void done();
  bool enabled() const { return enabled_; }

 private:
  bool enabled_;
  std::size_t last_width_ = 0;
};

}  // namespace icrm::cli
