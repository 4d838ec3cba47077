#include "models/numpy_random.h"

#include <numeric>
#include <utility>

namespace icrm::models {

NumpyRandomState::NumpyRandomState(std::uint32_t seed) {
  mt_[0] = seed;
  for (std::size_t i = 1; i < mt_.size(); ++i)
    mt_[i] = 1812433253u * (mt_[i - 1] ^ (mt_[i - 1] >> 30)) + static_cast<std::uint32_t>(i);
  pos_ = mt_.size();
}

void NumpyRandomState::reload() {
  constexpr std::size_t n = 624, m = 397;
  constexpr std::uint32_t upper = 0x80000000u, lower = 0x7fffffffu, matrix_a = 0x9908b0dfu;
  for (std::size_t i = 0; i < n; ++i) {
    std::uint32_t y = (mt_[i] & upper) | (mt_[(i + 1) % n] & lower);
    mt_[i] = mt_[(i + m) % n] ^ (y >> 1) ^ ((y & 1u) ? matrix_a : 0u);
  }
  pos_ = 0;
}

std::uint32_t NumpyRandomState::next_uint32() {
  if (pos_ >= mt_.size()) reload();
  std::uint32_t y = mt_[pos_++];
  y ^= y >> 11;
  y ^= (y << 7) & 0x9d2c5680u;
  y ^= (y << 15) & 0xefc60000u;
  y ^= y >> 18;
  return y;
}

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
