#include "stream/dedupe_set.h"

namespace icrm::stream {
namespace {

// Keys are hashes already, but callers may use raw counters (tests, tools);
// a multiplicative mix keeps linear probing free of long clusters either way.
inline uint64_t mixed(uint64_t key) { return key * 0x9E3779B97F4A7C15ULL; }

}  // namespace

DedupeSet::DedupeSet(size_t capacity) : capacity_(capacity) {
  size_t slots = 2;
  while (slots < 2 * capacity) slots *= 2;  // load factor <= 1/2 keeps probes short
  mask_ = slots - 1;
  table_.assign(slots, 0);
  order_.assign(capacity, Entry{});
}

bool DedupeSet::contains(uint64_t key) const {
  for (uint64_t i = home(key);; i = (i + 1) & mask_) {
    if (table_[i] == key) return true;
    if (table_[i] == 0) return false;
  }
}

void DedupeSet::insert(uint64_t key, int64_t ts_us) {
  if (size_ == capacity_) {
    pop_oldest();
    ++forced_evictions_;
  }
  uint64_t i = home(key);
  while (table_[i] != 0) i = (i + 1) & mask_;
  table_[i] = key;
  order_[(head_ + size_) % capacity_] = Entry{key, ts_us};
  ++size_;
}

void DedupeSet::expire(int64_t horizon_us) {
  while (size_ > 0 && order_[head_].ts_us < horizon_us) pop_oldest();
}

void DedupeSet::pop_oldest() {
  erase(order_[head_].key);
  order_[head_] = Entry{};
  head_ = (head_ + 1) % capacity_;
  --size_;
}

// Backward-shift deletion: no tombstones, so probe lengths never degrade.
void DedupeSet::erase(uint64_t key) {
  uint64_t i = home(key);
  while (table_[i] != key) {
    if (table_[i] == 0) return;
    i = (i + 1) & mask_;
  }
  for (uint64_t j = (i + 1) & mask_; table_[j] != 0; j = (j + 1) & mask_) {
    uint64_t h = home(table_[j]);
    // table_[j] may fill the hole at i unless its home lies cyclically in (i, j].
    if (((j - h) & mask_) >= ((j - i) & mask_)) {
      table_[i] = table_[j];
      i = j;
    }
  }
  table_[i] = 0;
}

uint64_t DedupeSet::home(uint64_t key) const { return (mixed(key) >> 20) & mask_; }

size_t DedupeSet::memory_bytes() const {
  return table_.capacity() * sizeof(uint64_t) + order_.capacity() * sizeof(Entry);
}

}  // namespace icrm::stream
