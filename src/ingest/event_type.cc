#include "ingest/event_type.h"

#include <string>

namespace icrm::ingest {

EventTypeRegistry::EventTypeRegistry() {
  names_.reserve(kMaxEventTypes);
  for (std::string_view name : kBuiltinTypeNames) names_.emplace_back(name);
}

Result<EventTypeId> EventTypeRegistry::register_type(std::string_view name) {
  if (auto existing = find(name)) return *existing;
  if (name.empty() || name.size() > kMaxEventTypeNameBytes) {
    return Error::invalid(
        "an event type name has 1 to " + std::to_string(kMaxEventTypeNameBytes) + " characters",
        "type");
  }
  if (name[0] < 'a' || name[0] > 'z') {
    return Error::invalid("an event type name starts with a lowercase letter", "type");
  }
  for (char c : name) {
    bool ok = (c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') || c == '_';
    if (!ok) {
      return Error::invalid("an event type name uses only a-z, 0-9 and '_'", "type");
    }
  }
  if (names_.size() >= kMaxEventTypes) {
    return Error::too_large(
        "at most " + std::to_string(kMaxEventTypes) + " event types can be registered", "type");
  }
  names_.emplace_back(name);
  return static_cast<EventTypeId>(names_.size() - 1);
}

std::optional<EventTypeId> EventTypeRegistry::find(std::string_view name) const {
  for (size_t i = 0; i < names_.size(); ++i) {
    if (names_[i] == name) return static_cast<EventTypeId>(i);
  }
  return std::nullopt;
}

}  // namespace icrm::ingest
