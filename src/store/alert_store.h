// AlertStore: what the stream flagged (table alerts, migration 0007) —
// anomalies with what was expected and what was seen, and lead tier changes.
// Written by the stream's own thread as alerts happen, read by the API.
// Thread-safe as Database is.
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <vector>

#include "core/result.h"
#include "core/time.h"
#include "store/database.h"

namespace icrm::store {

struct AlertRecord {
  int64_t id = 0;    // set by the store
  std::string kind;  // entity_burst, entity_value, stream_spike, stream_collapse, tier_change
  std::optional<std::string> entity;      // none for whole-stream alerts
  std::optional<std::string> event_type;  // none for whole-stream alerts
  double expected = 0;
  double seen = 0;
  double sigma = 0;
  double gamma = 0;
  std::string message;
  std::string details = "{}";  // a JSON object
  Timestamp at{};              // when it happened
  Timestamp created_at{};
};

// A page of alerts, newest first.
struct AlertFilter {
  std::string kind;                   // "" for all
  std::string entity;                 // "" for all
  std::optional<Timestamp> from, to;  // at >= from, at < to
  int64_t before_id = 0;              // the cursor; 0 = from the newest
  int64_t after_id = 0;               // only alerts newer than this (a resuming client)
  size_t limit = 50;
  // Only alerts about no lead or about leads this user owns or nobody owns
  // (entity_visibility.h: what a rep sees).
  std::optional<int64_t> visible_to_owner;
};

inline constexpr size_t kMaxAlertListLimit = 500;

class AlertStore {
 public:
  explicit AlertStore(Database& db) : db_(db) {}

  // Stores the alert; returns it with its id.
  Result<AlertRecord> add(AlertRecord alert);
  Result<std::vector<AlertRecord>> list(const AlertFilter& filter);

 private:
  Database& db_;
};

}  // namespace icrm::store
