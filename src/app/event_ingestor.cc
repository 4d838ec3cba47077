#include "app/event_ingestor.h"

#include <spdlog/spdlog.h>

#include <algorithm>

#include "store/event_store.h"

namespace icrm::app {

EventIngestor::EventIngestor(store::Database& db, const Clock& clock, stream::StreamConfig config,
                             ingest::ResolverOptions resolver)
    : db_(db), clock_(clock), config_(std::move(config)), resolver_(db, resolver) {}

EventIngestor::~EventIngestor() {
  appender_.reset();  // writes what is queued; the worker then applies it
  worker_.reset();
}

Result<std::unique_ptr<EventIngestor>> EventIngestor::start(store::Database& db, const Clock& clock,
                                                            EventBus& bus,
                                                            IngestorOptions options) {
  auto config = stream::StreamConfig::create(options.stream);
  if (!config) return config.error();
  auto monitor = stream::StreamMonitor::create(options.monitor);
  if (!monitor) return monitor.error();
  std::unique_ptr<EventIngestor> in(new EventIngestor(db, clock, *config, options.resolver));
  auto catalog = ingest::EventTypeCatalog::load(db);
  if (!catalog) return catalog.error();
  in->catalog_ = std::move(*catalog);

  auto started = std::chrono::steady_clock::now();
  stream::StreamState state(*config);
  store::EventStore log(db);
  auto replayed = stream::replay_event_log(log, *in->catalog_->snapshot(), state);
  if (!replayed) return replayed.error();
  in->replayed_ = *replayed;
  spdlog::info("stream state rebuilt from {} logged events ({} applied, {} entities) in {:.2f} s",
               replayed->rows, replayed->applied, state.entity_count(),
               std::chrono::duration<double>(std::chrono::steady_clock::now() - started).count());
  if (replayed->unknown_type > 0) {
    spdlog::warn("{} logged events have a type no longer registered; skipped",
                 replayed->unknown_type);
  }

  stream::Admission admission = state.admission();
  in->worker_ = std::make_unique<StreamWorker>(
      std::move(state), replayed->rows_by_type, std::move(*monitor),
      StreamWorkerOptions{.monitor = options.monitor,
                          .summary_interval = options.summary_interval,
                          .observer = options.observer},
      db, clock, bus, *in->catalog_);
  in->appender_ = std::make_unique<EventAppender>(db, *config, in->worker_.get(), &admission);
  return in;
}

Result<bool> EventIngestor::resolve_entity(std::string& entity) {
  std::string* one[] = {&entity};
  auto found = resolver_.resolve(one);
  if (!found) return found.error();
  return bool((*found)[0]);
}

void EventIngestor::ingest(ingest::ParsedEvents parsed,
                           std::shared_ptr<const ingest::EventTypeRegistry> types, IngestDone done,
                           std::optional<int64_t> submitted_by) {
  IngestReport report;
  report.received = parsed.received;
  report.rejected = std::move(parsed.rejected);

  std::vector<std::string*> entities;
  entities.reserve(parsed.events.size());
  for (ingest::Event& e : parsed.events) entities.push_back(&e.entity);
  auto found = resolver_.resolve(entities);
  if (!found) return done(found.error());
  // Keep the known ones, in order; name the others.
  size_t kept = 0;
  for (size_t i = 0; i < parsed.events.size(); ++i) {
    if (!(*found)[i]) {
      report.rejected.push_back(
          {parsed.positions[i], "entity", "no such record: '" + parsed.events[i].entity + "'"});
      continue;
    }
    if (kept != i) {
      parsed.events[kept] = std::move(parsed.events[i]);
      parsed.positions[kept] = parsed.positions[i];
    }
    ++kept;
  }
  parsed.events.resize(kept);
  std::sort(report.rejected.begin(), report.rejected.end(),
            [](const ingest::EventRejection& a, const ingest::EventRejection& b) {
              return a.index < b.index;
            });

  AppendBatch batch{std::move(parsed.events), std::move(types), clock_.now(), submitted_by};
  appender_->submit(std::move(batch), [report = std::move(report), done = std::move(done)](
                                          Result<AppendOutcome> outcome) mutable {
    if (!outcome) return done(outcome.error());
    report.accepted = static_cast<size_t>(outcome->stored);
    report.too_late = static_cast<size_t>(outcome->too_late);
    report.duplicates = static_cast<size_t>(outcome->duplicates);
    done(std::move(report));
  });
}

}  // namespace icrm::app
