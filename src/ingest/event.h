// One behavioural event (a page view, an email open, a purchase, ...) and its
// validation. Sources (HTTP, replay, Kafka) fill an EventInput with the text
// they received; validate_event() turns it into an Event or a located Error,
// one event at a time, so a bad event never sinks its batch.
#pragma once

#include <chrono>
#include <cstdint>
#include <optional>
#include <string>
#include <string_view>

#include "core/clock.h"
#include "core/result.h"
#include "core/time.h"
#include "ingest/event_type.h"

namespace icrm::ingest {

// Named limits on one event; each has a test one past it.
inline constexpr size_t kMaxEventIdBytes = 128;
inline constexpr size_t kMaxEntityBytes = 128;
inline constexpr size_t kMaxAttrsBytes = 4096;
inline constexpr size_t kMaxAttrKeys = 32;
// |value| at most this: values are kept as integer micro-units (exact sums), so
// the bound keeps sums of many events far from int64 overflow.
inline constexpr double kMaxAbsEventValue = 1e9;
inline constexpr int64_t kValueScale = 1'000'000;  // micro-units per unit
// How far ahead of the clock an event's timestamp may be (sender clock skew).
inline constexpr std::chrono::minutes kMaxFutureSkew{5};

// As received from a source, before validation.
struct EventInput {
  std::string id;               // idempotency key; empty: derived from content
  std::string entity;           // "lead:123", "customer:ext:17850", "visitor:ext:abc"
  std::string type;             // a built-in or registered type name
  std::string ts;               // ISO-8601 with a zone
  std::optional<double> value;  // default 1
  std::string attrs;            // a JSON object as text, or empty
};

// The same fields by view, for a source that already holds the text (a parsed
// HTTP body): nothing is copied until the event is valid. `attrs_keys` set
// means the source parsed `attrs` itself and found an object with that many
// keys, so validation does not parse it again.
struct EventFields {
  std::string_view id;
  std::string_view entity;
  std::string_view type;
  std::string_view ts;
  std::optional<double> value;
  std::string_view attrs;
  std::optional<size_t> attrs_keys;
};

// A valid event. `key` identifies it for de-duplication: the hash of the
// given id, or of the content when no id was given (so an identical
// re-delivery is recognised either way).
struct Event {
  std::string entity;
  EventTypeId type = kPageView;
  Timestamp ts{};
  double value = 1.0;
  uint64_t key = 0;
  std::string attrs;

  bool operator==(const Event&) const = default;
};

// The checks a source applies to one event, in this order: id length; entity
// syntax and length; known type; ts parses (zone required) and is at most
// kMaxFutureSkew after clock.now(); value finite and within kMaxAbsEventValue;
// attrs a JSON object within kMaxAttrsBytes and kMaxAttrKeys. The Error's
// field names the culprit ("id", "entity", "type", "ts", "value", "attrs").
Result<Event> validate_event(const EventFields& input, const EventTypeRegistry& types,
                             const Clock& clock);
Result<Event> validate_event(const EventInput& input, const EventTypeRegistry& types,
                             const Clock& clock);

// The entity reference syntax: kind ':' (digits | "ext:" external-id), kind one
// of lead, customer, visitor; the external id is printable ASCII without spaces.
Status check_entity_key(std::string_view entity);

// Idempotency keys: a 64-bit hash of the given id text, or of the event's
// content (entity, type name, ts, value, attrs). Stable across runs and
// machines (explicit byte order); never 0.
uint64_t event_key_from_id(std::string_view id);
uint64_t event_key_from_content(std::string_view entity, std::string_view type_name, Timestamp ts,
                                double value, std::string_view attrs);

// A value in integer micro-units. REQUIRES: finite, |value| <= kMaxAbsEventValue.
inline int64_t to_value_micros(double value) {
  return static_cast<int64_t>(value * static_cast<double>(kValueScale) + (value < 0 ? -0.5 : 0.5));
}

}  // namespace icrm::ingest
