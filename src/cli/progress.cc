#include "cli/progress.h"

#include <fmt/format.h>
#include <unistd.h>

#include <algorithm>
#include <cstring>
#include <fstream>
#include <iostream>
#include <vector>

namespace icrm::cli {

Progress::Progress() : Progress(SystemClock::instance(), std::cerr, isatty(STDERR_FILENO) == 1) {}

Progress::Progress(const Clock& clock, std::ostream& out, bool enabled)
    : clock_(clock), out_(out), enabled_(enabled) {}

Progress::~Progress() { done(); }

std::string Progress::render(std::string_view name, std::uint64_t done, std::uint64_t total,
                             std::string_view unit, std::chrono::microseconds elapsed) {
  constexpr int kWidth = 30;
  std::string line(name);
  auto part = [&line](const std::string& text) {
    if (text.empty()) return;
    if (!line.empty()) line += ' ';
    line += text;
  };
  if (total > 0) {
    double frac = std::min(1.0, static_cast<double>(done) / static_cast<double>(total));
    int filled = static_cast<int>(frac * kWidth);
    part(fmt::format("[{}{}] {:3.0f}%", std::string(static_cast<std::size_t>(filled), '#'),
                     std::string(static_cast<std::size_t>(kWidth - filled), '.'), frac * 100));
  }
  const double secs = std::max(elapsed.count() / 1e6, 1e-6);
  const double rate = done / secs;
  if (!unit.empty()) {
    part(fmt::format("{} {}  {:.0f} {}/s", done, unit, rate, unit));
  } else if (total > 0) {
    part(fmt::format("{}/{}", std::min(done, total), total));
  } else if (done > 0) {
    part(std::to_string(done));
  }
  if (total > done && rate > 0) line += fmt::format("  ETA {:.0f}s", (total - done) / rate);
  return line;
}

void Progress::draw(const std::string& line, Timestamp now) {
  out_ << "\r" << line << "\x1b[K" << std::flush;
  last_draw_ = now;
  drawn_ = true;
}

void Progress::update(std::string_view text) {
  if (!enabled_) return;
  stage_.reset();
  draw(std::string(text), clock_.now());
}

void Progress::stage(std::string_view name, std::uint64_t done, std::uint64_t total,
                     std::string_view unit) {
  if (!enabled_) return;
  const Timestamp now = clock_.now();
  const bool last = total > 0 && done >= total;  // always drawn
  if (!stage_ || name != *stage_) {
    stage_ = std::string(name);
    stage_start_ = now;
  } else if (drawn_ && !last && now - last_draw_ < kProgressRedraw) {
    return;
  }
  draw(render(name, done, total, unit, now - stage_start_), now);
}

void Progress::done() {
  if (enabled_ && drawn_) out_ << "\r\x1b[K" << std::flush;
  drawn_ = false;
}

std::uint64_t count_lines(const std::string& path) {
  std::ifstream in(path, std::ios::binary);
  std::vector<char> buf(1 << 20);
  std::uint64_t n = 0;
  while (in) {
    in.read(buf.data(), static_cast<std::streamsize>(buf.size()));
    auto got = static_cast<std::size_t>(in.gcount());
    const char* p = buf.data();
    const char* end = p + got;
    while (
        (p = static_cast<const char*>(std::memchr(p, '\n', static_cast<std::size_t>(end - p))))) {
      ++n;
      ++p;
    }
  }
  return n;
}

}  // namespace icrm::cli
