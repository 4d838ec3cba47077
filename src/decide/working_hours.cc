#include "decide/working_hours.h"

#include <chrono>
#include <cmath>

namespace icrm::decide {

Timestamp add_working_hours(Timestamp from, double service_hours, const WorkingDay& day) {
  using namespace std::chrono;
  auto left = microseconds(static_cast<int64_t>(std::llround(service_hours * 3600e6)));
  Timestamp t = from;
  // At most one iteration per calendar day.
  for (;;) {
    auto midnight = floor<days>(t);
    weekday wd{floor<days>(t)};
    Timestamp open = midnight + std::chrono::hours(day.start_hour);
    Timestamp close = midnight + std::chrono::hours(day.end_hour);
    bool workday = wd != Saturday && wd != Sunday;
    if (workday && t < close) {
      if (t < open) t = open;
      auto available = close - t;
      if (left <= available) return t + left;
      left -= duration_cast<microseconds>(available);
    }
    t = midnight + days(1);
  }
}

}  // namespace icrm::decide
