// GET /api/v1/stream: the live server-sent event stream (sse_hub.h) — score
// changes, alerts, the per-second summary and anything else stages publish
// on the EventBus — for any signed-in user (policy resource event, read).
#pragma once

#include "api/router.h"
#include "api/sse_hub.h"

namespace icrm::api {

void add_stream_routes(Router& router, SseHub& hub);

}  // namespace icrm::api
