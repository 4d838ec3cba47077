#include "stream/entity_state.h"

#include <algorithm>
#include <cmath>

namespace icrm::stream {
namespace {

int64_t slot_of(int64_t bucket, int64_t buckets) {
  int64_t m = bucket % buckets;
  return m < 0 ? m + buckets : m;
}

uint32_t tag_of(int64_t bucket) { return static_cast<uint32_t>(static_cast<uint64_t>(bucket)); }

void add_to_window(const StreamConfig& config, TypeState& s, size_t w, int64_t ts_us,
                   int64_t value_micros) {
  const int64_t buckets = config.buckets(w);
  const int64_t bucket = floor_div(ts_us, config.granularity_us(w));
  Bucket* ring = s.buckets.data() + config.bucket_offset(w);
  WindowTotals& t = s.windows[w];

  int64_t slot;  // of `bucket`; found from the head's slot without another division
  if (t.head == kNoBucket) {
    t.head = bucket;
    slot = slot_of(bucket, buckets);
  } else if (bucket > t.head) {
    // Slide: the buckets that the new head pushes out of the ring leave the totals.
    const int64_t gap = bucket - t.head;
    if (gap >= buckets) {
      t.count = 0;  // everything left; the stale slots are recognised by their tags
      t.sum = 0;
      slot = slot_of(bucket, buckets);
    } else {
      int64_t i_slot = slot_of(t.head, buckets);
      for (int64_t i = t.head + 1; i <= bucket; ++i) {
        if (++i_slot == buckets) i_slot = 0;
        const Bucket& old = ring[i_slot];
        if (old.tag == tag_of(i - buckets)) {
          t.count -= old.count;
          t.sum -= old.sum;
        }
      }
      slot = i_slot;
    }
    t.head = bucket;
  } else if (bucket <= t.head - buckets) {
    return;  // older than the ring: outside this window at any query time >= head
  } else {
    slot = slot_of(t.head, buckets) - (t.head - bucket);
    if (slot < 0) slot += buckets;
  }

  Bucket& b = ring[slot];
  if (b.tag != tag_of(bucket)) b = Bucket{0, 0, tag_of(bucket)};  // a stale slot: reuse it
  if (b.count != std::numeric_limits<uint32_t>::max()) {
    ++b.count;
    ++t.count;
  }
  int64_t after;
  if (__builtin_add_overflow(b.sum, value_micros, &after)) {
    after = value_micros > 0 ? std::numeric_limits<int64_t>::max()
                             : std::numeric_limits<int64_t>::min();
  }
  t.sum += static_cast<__int128>(after) - b.sum;  // totals stay the exact sum of the buckets
  b.sum = after;
}

void add_recent(const StreamConfig& config, TypeState& s, int64_t ts_us, uint64_t key,
                int64_t value_micros) {
  const size_t k = static_cast<size_t>(config.moving_average_k());
  auto less = [](const RecentValue& a, const RecentValue& b) {
    return a.ts_us != b.ts_us ? a.ts_us < b.ts_us : a.key < b.key;
  };
  RecentValue v{ts_us, key, value_micros};
  if (s.recent.size() == k) {
    if (!less(s.recent.front(), v)) return;  // older than all k kept: not among the last k
    s.recent_sum -= s.recent.front().value_micros;
    s.recent.erase(s.recent.begin());  // shifts in place; capacity stays k
  }
  if (s.recent.size() == s.recent.capacity()) {
    s.recent.reserve(std::min(k, std::max<size_t>(2, 2 * s.recent.size())));  // never past k
  }
  auto pos = std::upper_bound(s.recent.begin(), s.recent.end(), v, less);
  s.recent.insert(pos, v);
  s.recent_sum += value_micros;
}

// Events older than this can no longer be in any window at a time >= the
// newest event: for each window, before the first bucket its ring keeps.
int64_t sparse_keep_from(const StreamConfig& config, int64_t newest_us) {
  int64_t keep = std::numeric_limits<int64_t>::max();
  for (size_t w = 0; w < config.window_count(); ++w) {
    int64_t g = config.granularity_us(w);
    keep = std::min(keep, (floor_div(newest_us, g) - config.buckets(w) + 1) * g);
  }
  return keep;
}

void make_dense(const StreamConfig& config, TypeState& s) {
  s.buckets.assign(static_cast<size_t>(config.total_buckets()), Bucket{});
  s.windows.assign(config.window_count(), WindowTotals{});
  for (const RawValue& r : s.raw) {  // in time order, so heads only move forward
    for (size_t w = 0; w < config.window_count(); ++w)
      add_to_window(config, s, w, r.ts_us, r.value_micros);
  }
  std::vector<RawValue>().swap(s.raw);  // release it
}

void add_to_windows(const StreamConfig& config, TypeState& s, int64_t ts_us, int64_t value_micros) {
  if (!s.dense()) {
    const int64_t newest = std::max(s.last_ts_us, ts_us);
    const int64_t keep_from = sparse_keep_from(config, newest);
    if (ts_us < keep_from) return;  // outside every window for good
    auto first_kept = std::lower_bound(s.raw.begin(), s.raw.end(), keep_from,
                                       [](const RawValue& r, int64_t ts) { return r.ts_us < ts; });
    s.raw.erase(s.raw.begin(), first_kept);
    if (s.raw.size() < kSparseEventLimit) {
      if (s.raw.size() == s.raw.capacity()) {
        s.raw.reserve(std::min(kSparseEventLimit, std::max<size_t>(2, 2 * s.raw.size())));
      }
      auto pos = std::upper_bound(s.raw.begin(), s.raw.end(), ts_us,
                                  [](int64_t ts, const RawValue& r) { return ts < r.ts_us; });
      s.raw.insert(pos, RawValue{ts_us, value_micros});
      return;
    }
    make_dense(config, s);
  }
  for (size_t w = 0; w < config.window_count(); ++w)
    add_to_window(config, s, w, ts_us, value_micros);
}

}  // namespace

const TypeState* EntityState::find(ingest::EventTypeId type) const {
  for (const TypeState& t : types) {
    if (t.type == type) return &t;
  }
  return nullptr;
}

TypeState* EntityState::find(ingest::EventTypeId type) {
  for (TypeState& t : types) {
    if (t.type == type) return &t;
  }
  return nullptr;
}

size_t memory_bytes(const EntityState& entity) {
  size_t bytes = sizeof(EntityState) + entity.types.capacity() * sizeof(TypeState);
  for (const TypeState& t : entity.types) {
    bytes += t.raw.capacity() * sizeof(RawValue) + t.buckets.capacity() * sizeof(Bucket) +
             t.windows.capacity() * sizeof(WindowTotals) +
             t.recent.capacity() * sizeof(RecentValue);
  }
  return bytes;
}

TypeState make_type_state(const StreamConfig& config, ingest::EventTypeId type) {
  TypeState s;
  s.type = type;
  return s;
}

Findings apply_to_type(const StreamConfig& config, TypeState& s, int64_t ts_us,
                       int64_t value_micros, uint64_t key) {
  Findings found;
  add_to_windows(config, s, ts_us, value_micros);
  ++s.applied;
  if (ts_us > s.last_ts_us) s.last_ts_us = ts_us;
  add_recent(config, s, ts_us, key, value_micros);

  // Value rule, against the statistics before this value.
  const double x = static_cast<double>(value_micros) / static_cast<double>(ingest::kValueScale);
  if (s.values.n >= config.min_history()) {
    double sigma =
        std::max(s.values.sigma(), config.value_min_sigma_fraction() * std::fabs(s.values.mean));
    if (deviates(x, s.values.mean, sigma, config.gamma())) {
      found.items[found.size++] = {AnomalyKind::kEntityValue, s.values.mean, x, sigma};
    }
  }
  s.values.add(x);

  // Rate rule: events in the current rate bucket against the EWMA of earlier
  // buckets. Events for an already closed bucket (late) do not reopen it.
  const int64_t rb = floor_div(ts_us, config.rate_bucket_us());
  if (s.rate_bucket == kNoBucket) {
    s.rate_bucket = rb;
  } else if (rb > s.rate_bucket) {
    s.rate.add(static_cast<double>(s.rate_count), config.rate_alpha());
    s.rate.add_zeros(rb - s.rate_bucket - 1, config.rate_alpha());
    s.rate_bucket = rb;
    s.rate_count = 0;
    s.rate_fired = false;
  } else if (rb < s.rate_bucket) {
    return found;
  }
  ++s.rate_count;
  if (!s.rate_fired && s.rate.n >= config.min_history() &&
      s.rate_count >= config.rate_min_events()) {
    double sigma = std::max(s.rate.sigma(), config.rate_min_sigma());
    double seen = static_cast<double>(s.rate_count);
    if (seen > s.rate.mean && deviates(seen, s.rate.mean, sigma, config.gamma())) {
      found.items[found.size++] = {AnomalyKind::kEntityBurst, s.rate.mean, seen, sigma};
      s.rate_fired = true;
    }
  }
  return found;
}

WindowValue window_value_in_bucket(const StreamConfig& config, const TypeState& s, size_t w,
                                   int64_t q_bucket) {
  if (!s.dense()) {
    if (s.raw.empty()) return {};
    // The window's buckets (q - buckets, q], with q clamped to the newest
    // event's bucket as the rings do, start at this time:
    const int64_t g = config.granularity_us(w);
    const int64_t q = s.last_ts_us >= (q_bucket + 1) * g ? floor_div(s.last_ts_us, g) : q_bucket;
    const int64_t from = (q - config.buckets(w) + 1) * g;
    WindowValue v;
    __int128 sum = 0;
    for (auto r = s.raw.rbegin(); r != s.raw.rend() && r->ts_us >= from; ++r) {
      ++v.count;
      sum += r->value_micros;
    }
    v.sum = static_cast<double>(sum) / static_cast<double>(ingest::kValueScale);
    return v;
  }
  const WindowTotals& totals = s.windows[w];
  if (totals.head == kNoBucket) return {};
  const int64_t buckets = config.buckets(w);
  const int64_t q = q_bucket;
  int64_t count = totals.count;
  __int128 sum = totals.sum;
  if (q > totals.head) {
    if (q - totals.head >= buckets) return {};
    // Buckets head-buckets+1 .. q-buckets have left the window by time t.
    const Bucket* ring = s.buckets.data() + config.bucket_offset(w);
    int64_t i = totals.head - buckets + 1;
    int64_t i_slot = slot_of(i, buckets);
    for (; i <= q - buckets; ++i) {
      const Bucket& b = ring[i_slot];
      if (b.tag == tag_of(i)) {
        count -= b.count;
        sum -= b.sum;
      }
      if (++i_slot == buckets) i_slot = 0;
    }
  }
  return {count, static_cast<double>(sum) / static_cast<double>(ingest::kValueScale)};
}

WindowValue window_value(const StreamConfig& config, const TypeState& s, size_t w, Timestamp t) {
  return window_value_in_bucket(config, s, w,
                                floor_div(to_unix_micros(t), config.granularity_us(w)));
}

double recency_seconds(const StreamConfig& config, const TypeState* s, Timestamp t) {
  const double cap = static_cast<double>(config.longest_window().count()) / 1e6;
  if (s == nullptr || s->last_ts_us == kNoBucket) return cap;
  double seconds = static_cast<double>(to_unix_micros(t) - s->last_ts_us) / 1e6;
  return std::clamp(seconds, 0.0, cap);
}

double moving_average(const TypeState* s) {
  if (s == nullptr || s->recent.empty()) return 0;
  return static_cast<double>(s->recent_sum) / static_cast<double>(ingest::kValueScale) /
         static_cast<double>(s->recent.size());
}

}  // namespace icrm::stream
