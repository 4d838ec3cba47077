// stream_bench: the in-process window operator on one core — events/s for
// apply() alone and for apply() plus a full feature extraction per event,
// allocations per event in steady state, and memory per tracked entity with
// the default windows. A plain main (not Google Benchmark) because it needs a
// replaced operator new to count allocations.
//   build/bench/stream_bench [entities=100000] [events=4000000]
#include <malloc.h>

#include <atomic>
#include <chrono>
#include <cstdio>
#include <cstdlib>
#include <ctime>
#include <new>
#include <random>
#include <string>
#include <vector>

#include "stream/feature_spec.h"
#include "stream/stream_monitor.h"
#include "stream/stream_state.h"

namespace {
std::atomic<long> g_allocations{0};
std::atomic<long> g_live_bytes{0};  // heap bytes held now (malloc's usable sizes)

void release(void* p) {
  if (p == nullptr) return;
  g_live_bytes.fetch_sub(static_cast<long>(malloc_usable_size(p)), std::memory_order_relaxed);
  std::free(p);
}
}  // namespace

void* operator new(std::size_t n) {
  g_allocations.fetch_add(1, std::memory_order_relaxed);
  if (void* p = std::malloc(n == 0 ? 1 : n)) {
    g_live_bytes.fetch_add(static_cast<long>(malloc_usable_size(p)), std::memory_order_relaxed);
    return p;
  }
  throw std::bad_alloc();
}
void operator delete(void* p) noexcept { release(p); }
void operator delete(void* p, std::size_t) noexcept { release(p); }

namespace icrm::stream {
namespace {

// Per-core figures use this thread's CPU time: the machine is shared, and
// wall time would charge other people's compile jobs to the stream.
double cpu_seconds() {
  timespec ts{};
  clock_gettime(CLOCK_THREAD_CPUTIME_ID, &ts);
  return static_cast<double>(ts.tv_sec) + static_cast<double>(ts.tv_nsec) * 1e-9;
}

// A month of traffic: Zipf-ish entity popularity, mostly page views and email
// events, times advancing with a little disorder (some late, a few duplicates).
std::vector<ingest::Event> make_events(size_t entities, size_t count, Timestamp t0) {
  std::mt19937_64 rng(42);
  std::vector<ingest::Event> events;
  events.reserve(count);
  const int64_t span_us = 30LL * 86400 * 1'000'000;
  const ingest::EventTypeId mix[] = {
      ingest::kPageView,  ingest::kPageView,  ingest::kPageView,   ingest::kPageView,
      ingest::kEmailOpen, ingest::kEmailOpen, ingest::kEmailClick, ingest::kFormSubmit,
      ingest::kCall,      ingest::kMeeting,   ingest::kPurchase,   ingest::kSupportContact};
  for (size_t i = 0; i < count; ++i) {
    ingest::Event e;
    double u = std::uniform_real_distribution<double>(0, 1)(rng);
    size_t entity = static_cast<size_t>(static_cast<double>(entities) * u * u);
    e.entity = "customer:ext:" + std::to_string(1000000 + entity);
    e.type = mix[rng() % 12];
    int64_t at = span_us / static_cast<int64_t>(count) * static_cast<int64_t>(i);
    e.ts = t0 + std::chrono::microseconds(at - static_cast<int64_t>(rng() % 120'000'000));
    e.value = e.type == ingest::kPurchase ? static_cast<double>(rng() % 50000) / 100 : 1.0;
    e.key = 1 + rng();
    if (i > 0 && rng() % 100 == 0) e = events[i - 1 - rng() % std::min<size_t>(i, 10)];
    events.push_back(std::move(e));
  }
  return events;
}

int run(size_t entities, size_t count) {
  const Timestamp t0 = *parse_timestamp("2026-11-01T00:00:00Z");
  std::printf(
      "stream_bench: %zu entities, %zu events, default windows (1h/1m, 24h/1h, 7d/6h, 30d/1d), "
      "k=10\n",
      entities, count);
  std::vector<ingest::Event> events = make_events(entities, count, t0);
  StreamConfig config = StreamConfig::defaults();
  ingest::EventTypeRegistry types;
  FeatureSpec spec(config, types);
  std::vector<double> features(spec.size());
  std::vector<Anomaly> anomalies;
  anomalies.reserve(1 << 16);

  // 1. apply() alone: a warm-up pass over the first half creates the
  //    entities; the second half is the measured steady state.
  {
    StreamState state(config);
    const size_t half = count / 2;
    long anomaly_count = 0;
    for (size_t i = 0; i < half; ++i) state.apply(events[i], &anomalies);
    anomaly_count += static_cast<long>(anomalies.size());
    anomalies.clear();
    long allocs = g_allocations.load();
    double start = cpu_seconds();
    for (size_t i = half; i < count; ++i) {
      state.apply(events[i], &anomalies);
      if (anomalies.size() > 60000) {
        anomaly_count += static_cast<long>(anomalies.size());
        anomalies.clear();
      }
    }
    double s = cpu_seconds() - start;
    anomaly_count += static_cast<long>(anomalies.size());
    anomalies.clear();
    long new_allocs = g_allocations.load() - allocs;
    std::printf(
        "apply:                 %.0f events/s per core (%.1f ns/event, thread CPU time), %.4f "
        "allocations/event "
        "(%ld in %zu events; new entity/type pairs allocate)\n",
        static_cast<double>(count - half) / s, s * 1e9 / static_cast<double>(count - half),
        static_cast<double>(new_allocs) / static_cast<double>(count - half), new_allocs,
        count - half);
    std::printf(
        "                       applied %lld, duplicates %lld, too late %lld, %zu entities, "
        "%ld anomalies (each allocates its entity string)\n",
        static_cast<long long>(state.counters().applied),
        static_cast<long long>(state.counters().duplicates),
        static_cast<long long>(state.counters().too_late), state.entity_count(), anomaly_count);

    // 2. The same events again, re-keyed and a month later so they apply, now
    //    with the entity's full feature vector extracted after each one (what
    //    live re-scoring needs).
    for (ingest::Event& e : events) {
      e.key ^= 0x9e3779b97f4a7c15ULL;
      e.ts += std::chrono::hours(24 * 30);
    }
    allocs = g_allocations.load();
    start = cpu_seconds();
    for (size_t i = 0; i < count; ++i) {
      state.apply(events[i], &anomalies);
      spec.extract(state.entity(events[i].entity), events[i].ts, features);
      if (anomalies.size() > 60000) anomalies.clear();
    }
    s = cpu_seconds() - start;
    new_allocs = g_allocations.load() - allocs;
    std::printf(
        "apply + %zu features:  %.0f events/s per core (%.1f ns/event, thread CPU time), %.4f "
        "allocations/event "
        "(%ld in %zu events)\n",
        spec.size(), static_cast<double>(count) / s, s * 1e9 / static_cast<double>(count),
        static_cast<double>(new_allocs) / static_cast<double>(count), new_allocs, count);

    // 3. Memory per entity as held (memory_bytes): average over the live entities.
    size_t total = 0, types_held = 0;
    state.for_each_entity([&](std::string_view, const EntityState& e) {
      total += memory_bytes(e);
      types_held += e.types.size();
    });
    std::printf(
        "state held:            %.0f bytes/entity on average (%.2f event types/entity), "
        "dedupe table %zu bytes fixed\n",
        static_cast<double>(total) / static_cast<double>(state.entity_count()),
        static_cast<double>(types_held) / static_cast<double>(state.entity_count()),
        state.dedupe().memory_bytes());
  }

  // 4. Memory per tracked entity, as heap bytes held at the allocator (map
  //    node and bucket share, key string, type vector, rings), for entities
  //    with 1 event type and with all 8.
  for (int with_types : {1, 8}) {
    StreamOptions o;
    o.dedupe_capacity = 1;
    StreamState state(*StreamConfig::create(o));
    const int n = 10000;
    std::vector<ingest::Event> batch;
    batch.reserve(static_cast<size_t>(n * with_types));
    uint64_t key = 1;
    for (int i = 0; i < n; ++i) {
      for (int t = 0; t < with_types; ++t) {
        ingest::Event e;
        e.entity = "customer:ext:" + std::to_string(1000000 + i);
        e.type = static_cast<ingest::EventTypeId>(t);
        e.ts = t0;
        e.key = key++;
        batch.push_back(std::move(e));
      }
    }
    long before = g_live_bytes.load();
    for (const ingest::Event& e : batch) state.apply(e);
    long held = g_live_bytes.load() - before;
    std::printf(
        "memory/entity, %d type%s %.0f heap bytes per entity (memory_bytes() of one: %zu)\n",
        with_types, with_types == 1 ? ": " : "s:", static_cast<double>(held) / n,
        memory_bytes(*state.entity("customer:ext:1000000")));
  }
  return 0;
}

}  // namespace
}  // namespace icrm::stream

int main(int argc, char** argv) {
  size_t entities = argc > 1 ? std::strtoull(argv[1], nullptr, 10) : 100000;
  size_t events = argc > 2 ? std::strtoull(argv[2], nullptr, 10) : 4000000;
  return icrm::stream::run(entities, events);
}
