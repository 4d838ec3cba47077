#include "api/stream_routes.h"

#include "api/auth_middleware.h"

namespace icrm::api {

void add_stream_routes(Router& router, SseHub& hub) {
  router.add(
      Method::kGet, "/api/v1/stream",
      [&hub](const Request& request) -> Result<Response> {
        auto caller = require_caller(request);
        if (!caller) return caller.error();
        if (auto a = authorize(**caller, auth::Action::kRead, auth::Resource::kEvent); !a)
          return a.error();
        std::optional<uint64_t> last;
        if (auto header = request.headers.get("Last-Event-ID")) {
          auto id = parse_last_event_id(*header);
          if (!id) return id.error();
          last = *id;
        }
        // The frames about the leads the caller's role may list.
        const SseViewer viewer{auth::list_scope((*caller)->role, auth::Resource::kLead),
                               (*caller)->user_id};
        auto stream = hub.connect(last, viewer);
        if (!stream) return stream.error();
        Response r;
        r.content_type = "text/event-stream; charset=utf-8";
        r.headers.set("Cache-Control", "no-cache");
        r.headers.set("X-Accel-Buffering", "no");  // proxies must not hold frames back
        r.stream = std::move(*stream);
        return r;
      },
      {.summary = "Live server-sent events: `score` (a lead's score changed), `alert`, `summary` "
                  "(each second) and any other topic stages publish (e.g. `decision`), each "
                  "with an id; send Last-Event-ID to resume from the recent ones kept. Frames "
                  "are filtered by the caller's role: admins, managers and viewers get every "
                  "frame; a sales rep gets the stream-wide ones (`summary`, alerts about the "
                  "whole stream) and those about leads it owns or that are unassigned (the "
                  "leads it may list; the frame's `owner_id` says whose), never another rep's; "
                  "a frame about a record whose owner it does not carry (an anomaly alert on "
                  "one lead) goes only to roles that see every record. Resuming with "
                  "Last-Event-ID replays only the frames the caller may see",
       .tag = "events",
       .responses = {200, 400, 503}});
}

}  // namespace icrm::api
