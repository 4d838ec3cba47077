// Event types: the eight built-in behaviours plus names an admin registers,
// each mapped to a small integer id so per-entity state is indexed, not keyed
// by text. Not thread-safe: one owner registers; readers see a stable table
// once registration is done (the stream thread never registers).
#pragma once

#include <array>
#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "core/result.h"

namespace icrm::ingest {

using EventTypeId = uint16_t;

// Built-in ids are fixed forever (they appear in stored state and features).
inline constexpr EventTypeId kPageView = 0;
inline constexpr EventTypeId kEmailOpen = 1;
inline constexpr EventTypeId kEmailClick = 2;
inline constexpr EventTypeId kFormSubmit = 3;
inline constexpr EventTypeId kCall = 4;
inline constexpr EventTypeId kMeeting = 5;
inline constexpr EventTypeId kPurchase = 6;
inline constexpr EventTypeId kSupportContact = 7;
inline constexpr EventTypeId kBuiltinTypeCount = 8;

// All types, built-in and custom, together. Bounds per-entity memory.
inline constexpr size_t kMaxEventTypes = 64;
// A custom name: [a-z][a-z0-9_]*, at most this long (it becomes part of feature names).
inline constexpr size_t kMaxEventTypeNameBytes = 32;

inline constexpr std::array<std::string_view, kBuiltinTypeCount> kBuiltinTypeNames = {
    "page_view", "email_open", "email_click", "form_submit",
    "call",      "meeting",    "purchase",    "support_contact"};

class EventTypeRegistry {
 public:
  // Starts with the built-in types only.
  EventTypeRegistry();

  // Registers a custom type and returns its id; registering an existing name
  // returns its id again. Errors: a malformed name, more than kMaxEventTypes.
  Result<EventTypeId> register_type(std::string_view name);

  std::optional<EventTypeId> find(std::string_view name) const;
  // REQUIRES: id < size()
  std::string_view name(EventTypeId id) const { return names_[id]; }
  size_t size() const { return names_.size(); }

 private:
  std::vector<std::string> names_;  // indexed by id
};

}  // namespace icrm::ingest
