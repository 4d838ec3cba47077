#include "api/metrics.h"

#include <fmt/format.h>

namespace icrm::api {

namespace {

// Label values are route patterns and method names we produce ourselves, but
// escape anyway: the exposition format breaks on a stray quote.
std::string label(std::string_view v) {
  std::string out;
  for (char c : v) {
    if (c == '\\' || c == '"') out += '\\';
    if (c == '\n') {
      out += "\\n";
      continue;
    }
    out += c;
  }
  return out;
}

}  // namespace

void Metrics::record_request(std::string_view route, std::string_view method, int status,
                             std::chrono::nanoseconds latency) {
  double seconds = std::chrono::duration<double>(latency).count();
  std::lock_guard lock(mutex_);
  ++requests_[{std::string(route), std::string(method), status}];
  Histogram& h = latency_[{std::string(route), std::string(method)}];
  for (size_t i = 0; i < kLatencyBuckets.size(); ++i) {
    if (seconds <= kLatencyBuckets[i]) ++h.buckets[i];
  }
  ++h.count;
  h.sum += seconds;
}

void Metrics::record_rejected(std::string_view reason) {
  std::lock_guard lock(mutex_);
  ++rejected_[std::string(reason)];
}

void Metrics::set_pool_gauge(std::function<std::pair<size_t, size_t>()> gauge) {
  std::lock_guard lock(mutex_);
  pool_gauge_ = std::move(gauge);
}

void Metrics::add_counter(std::string name, std::string help, std::function<int64_t()> read) {
  std::lock_guard<std::mutex> lock(mutex_);
  counters_.push_back({std::move(name), std::move(help), std::move(read)});
}

std::string Metrics::render() const {
  std::string out;
  std::lock_guard lock(mutex_);
  out +=
      "# HELP icrm_http_requests_total HTTP requests answered, by route pattern, method and "
      "status.\n";
  out += "# TYPE icrm_http_requests_total counter\n";
  for (const auto& [key, n] : requests_) {
    const auto& [route, method, status] = key;
    out += fmt::format("icrm_http_requests_total{{route=\"{}\",method=\"{}\",status=\"{}\"}} {}\n",
                       label(route), label(method), status, n);
  }
  out +=
      "# HELP icrm_http_request_duration_seconds Time from a request's last byte read to its "
      "response handed to the socket.\n";
  out += "# TYPE icrm_http_request_duration_seconds histogram\n";
  for (const auto& [key, h] : latency_) {
    std::string labels =
        fmt::format("route=\"{}\",method=\"{}\"", label(key.first), label(key.second));
    for (size_t i = 0; i < kLatencyBuckets.size(); ++i) {
      out += fmt::format("icrm_http_request_duration_seconds_bucket{{{},le=\"{}\"}} {}\n", labels,
                         kLatencyBuckets[i], h.buckets[i]);
    }
    out += fmt::format("icrm_http_request_duration_seconds_bucket{{{},le=\"+Inf\"}} {}\n", labels,
                       h.count);
    out += fmt::format("icrm_http_request_duration_seconds_sum{{{}}} {}\n", labels, h.sum);
    out += fmt::format("icrm_http_request_duration_seconds_count{{{}}} {}\n", labels, h.count);
  }
  out +=
      "# HELP icrm_http_rejected_total Requests refused before routing (malformed HTTP, limits, "
      "timeouts).\n";
  out += "# TYPE icrm_http_rejected_total counter\n";
  for (const auto& [reason, n] : rejected_) {
    out += fmt::format("icrm_http_rejected_total{{reason=\"{}\"}} {}\n", label(reason), n);
  }
  out += "# HELP icrm_http_open_connections Client connections open now.\n";
  out += "# TYPE icrm_http_open_connections gauge\n";
  out += fmt::format("icrm_http_open_connections {}\n", open_connections_.load());
  out += "# HELP icrm_http_connections_total Client connections accepted.\n";
  out += "# TYPE icrm_http_connections_total counter\n";
  out += fmt::format("icrm_http_connections_total {}\n", connections_total_.load());
  if (pool_gauge_) {
    auto [in_use, size] = pool_gauge_();
    out += "# HELP icrm_db_pool_connections_in_use Database connections leased now.\n";
    out += "# TYPE icrm_db_pool_connections_in_use gauge\n";
    out += fmt::format("icrm_db_pool_connections_in_use {}\n", in_use);
    out += "# HELP icrm_db_pool_connections Database connections in the pool.\n";
    out += "# TYPE icrm_db_pool_connections gauge\n";
    out += fmt::format("icrm_db_pool_connections {}\n", size);
  }
  for (const ExternalCounter& c : counters_) {
    out += fmt::format("# HELP {} {}\n# TYPE {} counter\n{} {}\n", c.name, c.help, c.name, c.name,
                       c.read());
  }
  return out;
}

}  // namespace icrm::api
