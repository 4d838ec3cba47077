#include "ingest/progress_bar.h"

#include <fmt/format.h>

#include <algorithm>
#include <cstring>
#include <fstream>
#include <vector>

namespace icrm::ingest {

ProgressBar::ProgressBar(const Clock& clock, std::ostream& out, std::uint64_t total, bool enabled)
    : clock_(clock), out_(out), total_(total), enabled_(enabled), start_(clock.now()) {}

std::string ProgressBar::render(std::uint64_t rows, std::chrono::microseconds elapsed) const {
  constexpr int kWidth = 30;
  double secs = std::max(elapsed.count() / 1e6, 1e-6);
  double rate = rows / secs;
  std::string bar;
  if (total_ > 0) {
    double frac = std::min(1.0, static_cast<double>(rows) / static_cast<double>(total_));
    int filled = static_cast<int>(frac * kWidth);
    bar = fmt::format("[{}{}] {:3.0f}% ", std::string(static_cast<std::size_t>(filled), '#'),
                      std::string(static_cast<std::size_t>(kWidth - filled), '.'), frac * 100);
  }
  std::string eta;
  if (total_ > rows && rate > 0) eta = fmt::format("  ETA {:.0f}s", (total_ - rows) / rate);
  return fmt::format("{}{} rows  {:.0f} rows/s{}", bar, rows, rate, eta);
}

void ProgressBar::update(std::uint64_t rows) {
  if (!enabled_) return;
  Timestamp now = clock_.now();
  if (drawn_ && now - last_draw_ < kProgressRedraw) return;
  last_draw_ = now;
  drawn_ = true;
  out_ << "\r" << render(rows, now - start_) << "\x1b[K" << std::flush;
}

void ProgressBar::finish() {
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

}  // namespace icrm::ingest
