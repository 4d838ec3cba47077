#include "cli/progress.h"

#include <unistd.h>

#include <algorithm>
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

std::string Progress::render(std::string_view name, std::size_t done, std::size_t total) {
  constexpr std::size_t kWidth = 24;
  std::string line(name);
  if (total > 0) {
    done = std::min(done, total);
    const std::size_t filled = done * kWidth / total;
    line += " [" + std::string(filled, '#') + std::string(kWidth - filled, '-') + "] ";
    line += std::to_string(done * 100 / total) + "% " + std::to_string(done) + "/" +
            std::to_string(total);
  } else if (done > 0) {
    line += " " + std::to_string(done);
  }
  return line;
}

void Progress::stage(std::string_view name, std::size_t done, std::size_t total) {
  if (enabled_) update(render(name, done, total));
}

void Progress::done() {
  if (!enabled_ || last_width_ == 0) return;
  std::fprintf(stderr, "\r%*s\r", int(last_width_), "");
  std::fflush(stderr);
  last_width_ = 0;
}

}  // namespace icrm::cli
