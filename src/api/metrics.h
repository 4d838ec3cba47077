// Metrics: the server's counters, rendered as Prometheus text at /metrics.
// Requests are counted by route *pattern* (never the raw path, whose
// cardinality a client controls), method and status; latency is a histogram
// per route and method; open connections and database pool use are gauges.
//
// Thread-safety: every method may be called from any thread.
#pragma once

#include <array>
#include <atomic>
#include <chrono>
#include <cstdint>
#include <functional>
#include <map>
#include <mutex>
#include <string>
#include <string_view>
#include <tuple>
#include <vector>

namespace icrm::api {

class Metrics {
 public:
  // Upper bounds of the latency histogram, in seconds.
  static constexpr std::array<double, 12> kLatencyBuckets = {
      0.0005, 0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1.0, 5.0};

  void record_request(std::string_view route, std::string_view method, int status,
                      std::chrono::nanoseconds latency);
  void connection_opened() {
    open_connections_.fetch_add(1);
    ++connections_total_;
  }
  void connection_closed() { open_connections_.fetch_sub(1); }
  int64_t open_connections() const { return open_connections_.load(); }
  // Counts a request the server refused before routing (bad HTTP, limits).
  void record_rejected(std::string_view reason);

  // Reports {in use, size} of the database pool when /metrics is rendered.
  void set_pool_gauge(std::function<std::pair<size_t, size_t>()> gauge);
  // A counter kept elsewhere (an event source's), read when /metrics is
  // rendered. `name` is a Prometheus metric name (icrm_..._total).
  void add_counter(std::string name, std::string help, std::function<int64_t()> read);

  // Prometheus text exposition format 0.0.4.
  std::string render() const;

 private:
  struct Histogram {
    std::array<uint64_t, kLatencyBuckets.size()> buckets{};
    uint64_t count = 0;
    double sum = 0;
  };

  mutable std::mutex mutex_;
  std::map<std::tuple<std::string, std::string, int>, uint64_t> requests_;  // GUARDED_BY(mutex_)
  std::map<std::pair<std::string, std::string>, Histogram> latency_;        // GUARDED_BY(mutex_)
  std::map<std::string, uint64_t> rejected_;                                // GUARDED_BY(mutex_)
  std::function<std::pair<size_t, size_t>()> pool_gauge_;                   // GUARDED_BY(mutex_)
  struct ExternalCounter {
    std::string name, help;
    std::function<int64_t()> read;
  };
  std::vector<ExternalCounter> counters_;  // GUARDED_BY(mutex_)
  std::atomic<int64_t> open_connections_{0};
  std::atomic<uint64_t> connections_total_{0};
};

}  // namespace icrm::api
