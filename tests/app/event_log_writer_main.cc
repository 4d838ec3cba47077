// A helper process for the kill -9 test: appends batches to the event log
// through the group-commit appender and prints "acked <batch>" the moment
// each batch is acknowledged, until it is killed.
//   event_log_writer DB_URL BATCH_SIZE
#include <cstdio>
#include <cstdlib>
#include <string>
#include <vector>

#include "app/event_appender.h"

int main(int argc, char** argv) {
  using namespace icrm;
  if (argc != 3) return 2;
  const size_t size = std::strtoull(argv[2], nullptr, 10);
  auto db = store::Database::open({.url = argv[1]});
  if (!db) {
    std::fprintf(stderr, "%s\n", db.error().to_string().c_str());
    return 1;
  }
  app::EventAppender appender(**db, stream::StreamConfig::defaults());
  auto types = std::make_shared<const ingest::EventTypeRegistry>();
  const Timestamp t0 = *parse_timestamp("2026-11-01T00:00:00Z");
  for (uint64_t b = 0; b < 1000000; ++b) {
    app::AppendBatch batch{std::vector<ingest::Event>(size), types, t0};
    for (size_t i = 0; i < size; ++i) {
      ingest::Event& e = batch.events[i];
      e.key = b * size + i + 1;
      e.entity = "lead:" + std::to_string(i % 17);
      e.type = ingest::kPageView;
      e.ts = t0 + std::chrono::seconds(static_cast<int64_t>(b * size + i));
    }
    auto r = appender.submit(std::move(batch)).get();
    if (!r) {
      std::fprintf(stderr, "%s\n", r.error().to_string().c_str());
      return 1;
    }
    std::printf("acked %llu\n", static_cast<unsigned long long>(b));
    std::fflush(stdout);
  }
  return 0;
}
