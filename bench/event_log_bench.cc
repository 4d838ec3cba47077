// event_log_bench: durable appends through EventAppender (group commit) into
// a fresh SQLite file with synchronous=FULL: events/s from `threads`
// submitters sending batches of `batch` events, each waiting for its
// acknowledgement before sending the next (as an HTTP handler answering 202 would).
//   build/bench/event_log_bench [threads=4] [batch=1000] [batches_per_thread=50] [dir=/tmp]
#include <sys/resource.h>
#include <unistd.h>

#include <chrono>
#include <cstdio>
#include <cstdlib>
#include <filesystem>
#include <string>
#include <thread>
#include <vector>

#include "app/event_appender.h"

int main(int argc, char** argv) {
  using namespace icrm;
  const int threads = argc > 1 ? std::atoi(argv[1]) : 4;
  const size_t batch = argc > 2 ? std::strtoull(argv[2], nullptr, 10) : 1000;
  const int batches = argc > 3 ? std::atoi(argv[3]) : 50;
  const std::string dir = argc > 4 ? argv[4] : "/tmp";
  const std::string path = dir + "/event_log_bench_" + std::to_string(::getpid()) + ".db";
  auto db = store::Database::open({.url = "sqlite:" + path});
  if (!db) {
    std::fprintf(stderr, "%s\n", db.error().to_string().c_str());
    return 1;
  }
  if (auto m = (*db)->migrate(); !m) {
    std::fprintf(stderr, "%s\n", m.error().to_string().c_str());
    return 1;
  }
  const Timestamp t0 = *parse_timestamp("2026-11-01T00:00:00Z");
  auto start = std::chrono::steady_clock::now();
  app::AppenderStats stats;
  {
    app::EventAppender appender(**db, stream::StreamConfig::defaults());
    auto types = std::make_shared<const ingest::EventTypeRegistry>();
    std::vector<std::thread> workers;
    for (int t = 0; t < threads; ++t) {
      workers.emplace_back([&, t] {
        for (int b = 0; b < batches; ++b) {
          app::AppendBatch events{std::vector<ingest::Event>(batch), types, t0};
          for (size_t i = 0; i < batch; ++i) {
            ingest::Event& e = events.events[i];
            e.key = (static_cast<uint64_t>(t) << 40) + static_cast<uint64_t>(b) * batch + i + 1;
            e.entity = "customer:" + std::to_string(10000 + (i * 7919 + b) % 50000);
            e.type = ingest::kPageView;
            e.ts = t0 + std::chrono::milliseconds(static_cast<int64_t>(b * batch + i));
            e.attrs = R"({"url":"/pricing"})";
          }
          auto r = appender.submit(std::move(events)).get();
          if (!r) {
            std::fprintf(stderr, "%s\n", r.error().to_string().c_str());
            std::exit(1);
          }
        }
      });
    }
    for (auto& w : workers) w.join();
    stats = appender.stats();
  }
  double s = std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count();
  // CPU time of the whole process (submitters + writer + SQLite): on a shared
  // machine wall time mostly measures the neighbours.
  rusage usage{};
  getrusage(RUSAGE_SELF, &usage);
  double cpu = static_cast<double>(usage.ru_utime.tv_sec + usage.ru_stime.tv_sec) +
               static_cast<double>(usage.ru_utime.tv_usec + usage.ru_stime.tv_usec) * 1e-6;
  std::printf(
      "event_log_bench: %lld events durable in %.2f s = %.0f events/s (wall); process CPU "
      "%.2f s = %.0f events per CPU-second; %lld commits "
      "for %lld batches (%.1f batches/commit), SQLite synchronous=FULL at %s\n",
      static_cast<long long>(stats.events_stored), s, static_cast<double>(stats.events_stored) / s,
      cpu, static_cast<double>(stats.events_stored) / cpu, static_cast<long long>(stats.commits),
      static_cast<long long>(stats.batches),
      static_cast<double>(stats.batches) / static_cast<double>(stats.commits), path.c_str());
  db->reset();
  std::filesystem::remove(path);
  std::filesystem::remove(path + "-wal");
  std::filesystem::remove(path + "-shm");
  return 0;
}
