// Reading events from what a source sent — a JSON array or NDJSON (an HTTP
// body, a JSONL file), or one JSON object (a Kafka message) — into validated
// stream::Events. A bad event is rejected on its own with its position, the
// field at fault and why; its neighbours go on. Only a body that cannot be
// split into events at all (malformed JSON array, too many events) fails whole.
//
// An event is {"id"?, "entity", "type", "ts", "value"?, "attrs"?}; see
// stream/event.h for the rules each field must meet. Unknown fields reject
// the event (a typo such as "valeu" must not silently become the default 1).
#pragma once

#include <boost/json/object.hpp>
#include <cstddef>
#include <string>
#include <string_view>
#include <vector>

#include "core/clock.h"
#include "core/result.h"
#include "ingest/event.h"
#include "ingest/event_type.h"

namespace icrm::ingest {

// Events in one request (or one read of a file); one more is refused whole.
inline constexpr size_t kMaxEventsPerRequest = 10000;
// Nesting of arrays/objects inside one event (attrs may hold objects).
inline constexpr size_t kMaxEventJsonDepth = 16;

struct EventRejection {
  size_t index = 0;   // position in the input: array element, or non-empty NDJSON line
  std::string field;  // "entity", "ts", ... or "" for the event as a whole
  std::string reason;
  bool operator==(const EventRejection&) const = default;
};

struct ParsedEvents {
  std::vector<ingest::Event> events;  // the valid ones, in input order
  std::vector<size_t> positions;      // events[i] was input item positions[i]
  std::vector<EventRejection> rejected;
  size_t received = 0;  // items in the input
};

enum class EventBodyFormat { kJsonArray, kNdjson };

// Errors (the whole input): invalid_argument for JSON that cannot be split
// into items (with the byte offset), too_large past `max_events` items.
Result<ParsedEvents> read_events(std::string_view body, EventBodyFormat format,
                                 const ingest::EventTypeRegistry& types, const Clock& clock,
                                 size_t max_events = kMaxEventsPerRequest);

// One event from a parsed JSON object; the Error's field names the culprit.
Result<ingest::Event> read_event(const boost::json::object& object,
                                 const ingest::EventTypeRegistry& types, const Clock& clock);

}  // namespace icrm::ingest
