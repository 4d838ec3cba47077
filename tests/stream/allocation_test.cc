// The hot path allocates nothing per event in steady state: counted with a
// replaced global operator new (in this test binary only).
#include <gtest/gtest.h>

#include <atomic>
#include <cstdlib>
#include <new>
#include <vector>

#include "stream/feature_spec.h"
#include "stream/stream_monitor.h"
#include "stream/stream_state.h"

namespace {
std::atomic<long> g_allocations{0};
}  // namespace

void* operator new(std::size_t n) {
  g_allocations.fetch_add(1, std::memory_order_relaxed);
  if (void* p = std::malloc(n == 0 ? 1 : n)) return p;
  throw std::bad_alloc();
}
void operator delete(void* p) noexcept { std::free(p); }
void operator delete(void* p, std::size_t) noexcept { std::free(p); }

namespace icrm::stream {
namespace {

TEST(AllocationTest, SteadyStateApplyAndExtractAllocateNothing) {
  StreamState state(StreamConfig::defaults());
  ingest::EventTypeRegistry types;
  FeatureSpec spec(StreamConfig::defaults(), types);
  StreamMonitor monitor = *StreamMonitor::create(MonitorOptions{});
  std::vector<double> features(spec.size());
  std::vector<Anomaly> anomalies;
  anomalies.reserve(1024);
  std::vector<ingest::Event> events;
  Timestamp t0 = *parse_timestamp("2026-11-01T00:00:00Z");
  for (uint64_t i = 0; i < 200000; ++i) {
    ingest::Event e;
    e.entity = "customer:ext:" + std::to_string(100000 + i % 200);  // past the SSO length
    e.type = static_cast<ingest::EventTypeId>(i % ingest::kBuiltinTypeCount);
    e.ts = t0 + std::chrono::milliseconds(static_cast<int64_t>(i) * 500);
    e.value = static_cast<double>(i % 97);
    e.key = i + 1;
    events.push_back(e);
  }
  // Warm-up: every entity and type seen often enough to have turned dense.
  for (size_t i = 0; i < 40000; ++i) state.apply(events[i], &anomalies);
  state.for_each_entity([](std::string_view, const EntityState& e) {
    for (const TypeState& t : e.types) ASSERT_TRUE(t.dense());
  });
  anomalies.clear();
  long before = g_allocations.load();
  for (size_t i = 40000; i < events.size(); ++i) {
    ASSERT_EQ(state.apply(events[i], &anomalies), ApplyOutcome::kApplied);
    spec.extract(state.entity(events[i].entity), events[i].ts, features);
    monitor.record(events[i].ts, anomalies);
    if (anomalies.size() > 1000) anomalies.clear();
  }
  EXPECT_EQ(g_allocations.load() - before, 0);
}

TEST(AllocationTest, SteadyStateSparseTypesAllocateNothing) {
  StreamState state(StreamConfig::defaults());
  ingest::EventTypeRegistry types;
  FeatureSpec spec(StreamConfig::defaults(), types);
  std::vector<double> features(spec.size());
  std::vector<ingest::Event> events;
  Timestamp t0 = *parse_timestamp("2026-01-01T00:00:00Z");
  // 2,000 rare leads, each visiting about every 4 days for a year.
  for (uint64_t i = 0; i < 180000; ++i) {
    ingest::Event e;
    e.entity = "customer:ext:" + std::to_string(100000 + i % 2000);
    e.type = ingest::kPageView;
    e.ts = t0 + std::chrono::seconds(static_cast<int64_t>(i) * 175);
    e.key = i + 1;
    events.push_back(e);
  }
  for (size_t i = 0; i < 60000; ++i) state.apply(events[i]);
  long before = g_allocations.load();
  for (size_t i = 60000; i < events.size(); ++i) {
    ASSERT_EQ(state.apply(events[i]), ApplyOutcome::kApplied);
    spec.extract(state.entity(events[i].entity), events[i].ts, features);
  }
  EXPECT_EQ(g_allocations.load() - before, 0);
  EXPECT_FALSE(state.entity("customer:ext:100000")->find(ingest::kPageView)->dense());
}

}  // namespace
}  // namespace icrm::stream
