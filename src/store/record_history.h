// RecordHistory: the timestamped facts the CRM's own tables hold about each
// lead or customer — messages (with response times), activities done, sales —
// read in bulk, so features can be computed as of any time (a training row
// sees only what happened before its label time). Read-only; each call leases
// its own connection.
#pragma once

#include <cstdint>
#include <string_view>
#include <unordered_map>
#include <vector>

#include "core/result.h"
#include "core/time.h"
#include "store/database.h"

namespace icrm::store {

enum class FactKind {
  kMessageIn,    // an inbound communication
  kMessageOut,   // an outbound one; value = its response_seconds, NaN when none
  kMeetingDone,  // an activity of that kind marked done; at = completed_at
  kCallDone,
  kOfferDone,
  kPurchase,  // a sale line; value = amount in major units
  kReturn,    // a sale line with a negative quantity; value = amount (negative)
};

struct RecordFact {
  int64_t entity_id = 0;
  FactKind kind = FactKind::kMessageIn;
  Timestamp at{};
  double value = 0;
};

class RecordHistory {
 public:
  explicit RecordHistory(Database& db) : db_(db) {}

  // Every fact about "leads" or "customers", ordered by entity id then time.
  Result<std::vector<RecordFact>> facts(std::string_view entity);
  // The facts about one lead or customer, in time order.
  Result<std::vector<RecordFact>> facts_of(std::string_view entity, int64_t id);
  // When each customer last became churned, from the audit log (the update
  // whose before-image was not churned and after-image is). Customers made
  // churned without an audited change (an import) are absent.
  Result<std::unordered_map<int64_t, Timestamp>> churn_times();

 private:
  Database& db_;
};

}  // namespace icrm::store
