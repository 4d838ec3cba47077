// The behaviour stream over HTTP (issue 6): events in, the log and its
// counters out, the custom event types and the alerts the stream raised.
//
//   POST /api/v1/events              admin, manager, rep   202 + counts and rejections
//   GET  /api/v1/events              any role              the log, newest first (cursor)
//   GET  /api/v1/events/stats        any role              {total, by_type, last_minute, ...}
//   GET  /api/v1/event-types         any role              built-in and custom types
//   POST /api/v1/event-types         admin                 201 + the registered type
//   GET  /api/v1/alerts              any role              anomalies and tier changes (cursor)
//
// POST takes a JSON array (Content-Type application/json) or NDJSON
// (application/x-ndjson), at most ingest::kMaxEventsPerRequest events. A bad
// event is rejected on its own, located by its index and field; the others
// go on. The 202 is sent once the accepted events are durable (committed by
// the group commit of app::EventAppender), so an acknowledged event
// survives kill -9. A body that cannot be split into events (malformed JSON,
// one event too many) is refused whole: 400 / 413.
#pragma once

#include "api/router.h"
#include "app/event_ingestor.h"
#include "app/live_scorer.h"
#include "store/database.h"

namespace icrm::api {

// REQUIRES: db and ingestor outlive the router.
// `scorer` (optional): live lead scoring, reported under "live_scoring" in
// the stats.
void add_event_routes(Router& router, store::Database& db, app::EventIngestor& ingestor,
                      const app::LiveScorer* scorer = nullptr);

}  // namespace icrm::api
