#include "models/numpy_random.h"

#include <numeric>
#include <utility>

namespace icrm::models {

NumpyRandomState::NumpyRandomState(std::uint32_t seed) : engine_(seed) {}

std::uint32_t NumpyRandomState::next_uint32() { return static_cast<std::uint32_t>(engine_()); }

std::uint64_t NumpyRandomState::interval(std::uint64_t max) {
  if (max == 0) return 0;
  std::uint64_t mask = max;
  for (int shift : {1, 2, 4, 8, 16, 32}) mask |= mask >> shift;
  std::uint64_t value;
  if (max <= 0xffffffffULL) {
    while ((value = (next_uint32() & mask)) > max) {
    }
  } else {
    // numpy's next_uint64 for MT19937: two 32-bit draws, the first high.
    auto draw = [this] { return (std::uint64_t(next_uint32()) << 32) | next_uint32(); };
    while ((value = (draw() & mask)) > max) {
    }
  }
  return value;
}

std::vector<std::size_t> NumpyRandomState::permutation(std::size_t n) {
  std::vector<std::size_t> v(n);
  std::iota(v.begin(), v.end(), 0);
  for (std::size_t i = n; i-- > 1;) std::swap(v[i], v[interval(i)]);
  return v;
}

}  // namespace icrm::models
