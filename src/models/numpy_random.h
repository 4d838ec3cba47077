// NumpyRandomState: the Mersenne Twister (MT19937) and the integer draws of
// NumPy's legacy `np.random.RandomState(seed)`, bit for bit, so a split made
// here equals scikit-learn's `train_test_split(..., stratify=y,
// random_state=seed)` — the split the reference figures and every
// Python comparison use. Only what that split needs is reproduced:
// `permutation(n)` and the integer seed. The engine is std::mt19937: NumPy
// seeds an integer with MT's init_genrand, which is what mt19937(seed) does.
#pragma once

#include <cstddef>
#include <cstdint>
#include <random>
#include <vector>

namespace icrm::models {

class NumpyRandomState {
 public:
  // RandomState(seed) for 0 <= seed < 2^32 (NumPy's init_genrand).
  explicit NumpyRandomState(std::uint32_t seed);

  std::uint32_t next_uint32();
  // numpy's random_interval(max): uniform in [0, max] by masked rejection.
  std::uint64_t interval(std::uint64_t max);
  // RandomState.permutation(n): arange(n) shuffled by the legacy Fisher-Yates.
  std::vector<std::size_t> permutation(std::size_t n);

 private:
  std::mt19937 engine_;
};

}  // namespace icrm::models
