#include "notify/backoff.h"

#include <algorithm>

namespace icrm::notify {

std::optional<std::chrono::milliseconds> BackoffPolicy::delay_after(int attempts, Rng& rng) const {
  if (attempts >= max_attempts) return std::nullopt;
  int doublings = std::clamp(attempts - 1, 0, 40);
  double full =
      std::min(static_cast<double>(base.count()) * static_cast<double>(int64_t{1} << doublings),
               static_cast<double>(cap.count()));
  double factor = 1.0 - jitter * rng.uniform();
  return std::chrono::milliseconds(static_cast<int64_t>(full * factor));
}

}  // namespace icrm::notify
