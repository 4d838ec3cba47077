// DedupeSet: the idempotency keys the stream has applied recently, so a
// re-delivered event (HTTP retry, Kafka redelivery after a broker failure) is
// recognised and not counted twice.
//
// The bound. Only keys of events that could still be applied need
// remembering: an event whose time is before watermark - allowed_lateness is
// refused as too late anyway, so its key may be forgotten (expire()). What is
// left is every event inside the lateness horizon, which is unbounded in a
// burst, so there is also a hard capacity: past it the oldest-inserted key is
// dropped (counted in forced_evictions()). Guarantee: a duplicate is caught
// when its original is among the last `capacity` applied events or is still
// inside the lateness horizon; otherwise it is refused as too late. Memory is
// fixed at construction: 8 bytes x 2 x capacity (rounded up to a power of
// two) for the table plus 16 bytes x capacity for the insertion order: 8 MiB
// for the default 2^18 keys (minutes of traffic at thousands of events/s,
// far more than a Kafka redelivery or an HTTP retry spans; the events table's
// unique key is the durable backstop).
// Not thread-safe; allocation-free after construction.
#pragma once

#include <cstddef>
#include <cstdint>
#include <vector>

namespace icrm::stream {

class DedupeSet {
 public:
  // REQUIRES: capacity >= 1.
  explicit DedupeSet(size_t capacity);

  bool contains(uint64_t key) const;
  // Remembers `key` (an event at ts_us). REQUIRES: key != 0 and !contains(key).
  void insert(uint64_t key, int64_t ts_us);
  // Forgets keys, oldest inserted first, while the oldest has ts_us < horizon_us.
  void expire(int64_t horizon_us);

  size_t size() const { return size_; }
  size_t capacity() const { return capacity_; }
  uint64_t forced_evictions() const { return forced_evictions_; }
  // Bytes held (fixed at construction).
  size_t memory_bytes() const;

  // Same keys in the same insertion order (and so the same table layout).
  bool operator==(const DedupeSet&) const = default;

 private:
  struct Entry {
    uint64_t key = 0;
    int64_t ts_us = 0;
    bool operator==(const Entry&) const = default;
  };
  uint64_t home(uint64_t key) const;  // the key's first slot
  void erase(uint64_t key);
  void pop_oldest();

  size_t capacity_;
  uint64_t mask_;
  std::vector<uint64_t> table_;  // linear probing, 0 = empty
  std::vector<Entry> order_;     // ring of inserted keys, oldest at head_
  size_t head_ = 0;
  size_t size_ = 0;
  uint64_t forced_evictions_ = 0;
};

}  // namespace icrm::stream
