#include "cli/progress.h"

#include <unistd.h>

#include <cstdio>

namespace icrm::cli {

Progress::Progress() : enabled_(isatty(STDERR_FILENO) == 1) {}
Progress::~Progress() { done(); }

void Progress::update(const std::string& line) {
  if (!enabled_) return;
  std::fprintf(stderr, "\r%s", line.c_str());
  if (line.size() < last_width_) std::fprintf(stderr, "%*s", int(last_width_ - line.size()), "");
  std::fflush(stderr);
  last_width_ = line.size();
}

void Progress::done() {
  if (!enabled_ || last_width_ == 0) return;
  std::fprintf(stderr, "\r%*s\r", int(last_width_), "");
  std::fflush(stderr);
  last_width_ = 0;
}

}  // namespace icrm::cli
