#include "ingest/event.h"

#include <boost/json/parse.hpp>
#include <boost/json/value.hpp>
#include <cmath>
#include <cstring>
#include <string>

namespace icrm::ingest {
namespace {

// FNV-1a over bytes, then a splitmix64 finaliser so that near-identical inputs
// (ids "e1", "e2") spread over all 64 bits.
class KeyHasher {
 public:
  void bytes(std::string_view s) {
    for (unsigned char c : s) {
      h_ ^= c;
      h_ *= 1099511628211ULL;
    }
  }
  void u64(uint64_t v) {
    for (int i = 0; i < 8; ++i) {
      h_ ^= (v >> (8 * i)) & 0xff;
      h_ *= 1099511628211ULL;
    }
  }
  // A separator that cannot occur inside a field's length-prefixed bytes.
  void field(std::string_view s) {
    u64(s.size());
    bytes(s);
  }
  uint64_t finish() const {
    uint64_t x = h_;
    x ^= x >> 30;
    x *= 0xbf58476d1ce4e5b9ULL;
    x ^= x >> 27;
    x *= 0x94d049bb133111ebULL;
    x ^= x >> 31;
    return x == 0 ? 1 : x;  // 0 marks an empty slot in the dedupe table
  }

 private:
  uint64_t h_ = 14695981039346656037ULL;
};

bool is_digits(std::string_view s) {
  if (s.empty()) return false;
  for (char c : s) {
    if (c < '0' || c > '9') return false;
  }
  return true;
}

}  // namespace

uint64_t event_key_from_id(std::string_view id) {
  KeyHasher h;
  h.field("id");
  h.field(id);
  return h.finish();
}

uint64_t event_key_from_content(std::string_view entity, std::string_view type_name, Timestamp ts,
                                double value, std::string_view attrs) {
  KeyHasher h;
  h.field("content");
  h.field(entity);
  h.field(type_name);
  h.u64(static_cast<uint64_t>(to_unix_micros(ts)));
  h.u64(static_cast<uint64_t>(to_value_micros(value)));
  h.field(attrs);
  return h.finish();
}

Status check_entity_key(std::string_view entity) {
  if (entity.empty()) return Error::invalid("entity is required", "entity");
  if (entity.size() > kMaxEntityBytes) {
    return Error::too_large("entity is longer than " + std::to_string(kMaxEntityBytes) + " bytes",
                            "entity");
  }
  size_t colon = entity.find(':');
  std::string_view kind = entity.substr(0, colon);
  if (colon == std::string_view::npos ||
      (kind != "lead" && kind != "customer" && kind != "visitor")) {
    return Error::invalid("entity must start with 'lead:', 'customer:' or 'visitor:'", "entity");
  }
  std::string_view rest = entity.substr(colon + 1);
  if (is_digits(rest)) {
    if (rest.size() > 18) return Error::invalid("entity id is out of range", "entity");
    return ok_status();
  }
  if (rest.size() > 4 && rest.substr(0, 4) == "ext:") {
    for (char c : rest.substr(4)) {
      if (c <= ' ' || c > '~') {
        return Error::invalid("an external id is printable ASCII without spaces", "entity");
      }
    }
    return ok_status();
  }
  return Error::invalid("entity is kind:id or kind:ext:external-id", "entity");
}

Result<Event> validate_event(const EventInput& input, const EventTypeRegistry& types,
                             const Clock& clock) {
  return validate_event(EventFields{input.id, input.entity, input.type, input.ts, input.value,
                                    input.attrs, std::nullopt},
                        types, clock);
}

Result<Event> validate_event(const EventFields& input, const EventTypeRegistry& types,
                             const Clock& clock) {
  if (input.id.size() > kMaxEventIdBytes) {
    return Error::too_large("id is longer than " + std::to_string(kMaxEventIdBytes) + " bytes",
                            "id");
  }
  if (Status s = check_entity_key(input.entity); !s) return s.error();

  std::optional<EventTypeId> type = types.find(input.type);
  if (!type) {
    std::string shown(input.type.substr(0, kMaxEventTypeNameBytes));
    return Error::invalid("unknown event type '" + shown + "'", "type");
  }

  if (input.ts.empty()) return Error::invalid("ts is required", "ts");
  Result<Timestamp> ts = parse_timestamp(input.ts, /*assume_utc=*/false);
  if (!ts) return Error::invalid(ts.error().message, "ts");
  Timestamp latest =
      clock.now() + std::chrono::duration_cast<std::chrono::microseconds>(kMaxFutureSkew);
  if (*ts > latest) {
    return Error::invalid(
        "ts is more than 5 minutes in the future (now " + format_timestamp(clock.now()) + ")",
        "ts");
  }

  double value = input.value.value_or(1.0);
  if (!std::isfinite(value)) return Error::invalid("value is not a finite number", "value");
  if (std::fabs(value) > kMaxAbsEventValue) {
    return Error::invalid("value is outside [-1e9, 1e9]", "value");
  }

  if (input.attrs.size() > kMaxAttrsBytes) {
    return Error::too_large("attrs is larger than " + std::to_string(kMaxAttrsBytes) + " bytes",
                            "attrs");
  }
  if (input.attrs_keys) {
    if (*input.attrs_keys > kMaxAttrKeys) {
      return Error::too_large("attrs has more than " + std::to_string(kMaxAttrKeys) + " keys",
                              "attrs");
    }
  } else if (!input.attrs.empty()) {
    boost::system::error_code ec;
    boost::json::value parsed = boost::json::parse(input.attrs, ec);
    if (ec) return Error::invalid("attrs is not valid JSON: " + ec.message(), "attrs");
    if (!parsed.is_object()) return Error::invalid("attrs must be a JSON object", "attrs");
    if (parsed.as_object().size() > kMaxAttrKeys) {
      return Error::too_large("attrs has more than " + std::to_string(kMaxAttrKeys) + " keys",
                              "attrs");
    }
  }

  Event event;
  event.entity = std::string(input.entity);
  event.type = *type;
  event.ts = *ts;
  event.value = value;
  event.attrs = std::string(input.attrs);
  event.key = input.id.empty()
                  ? event_key_from_content(event.entity, input.type, event.ts, value, event.attrs)
                  : event_key_from_id(input.id);
  return event;
}

}  // namespace icrm::ingest
