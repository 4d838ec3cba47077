// EntityLookup: which leads and customers exist, by id or external id, many
// at a time — what event ingestion asks to check the entity an event names
// (one query per kind for a whole batch, not one per event).
// Thread-safe as Database is.
#pragma once

#include <cstdint>
#include <span>
#include <string>
#include <utility>
#include <vector>

#include "core/result.h"
#include "store/database.h"

namespace icrm::store {

enum class EntityKind { kLead, kCustomer };

// Ids or external ids asked per query; longer lists are split.
inline constexpr size_t kMaxLookupKeysPerQuery = 500;

class EntityLookup {
 public:
  explicit EntityLookup(Database& db) : db_(db) {}

  // Those of `ids` that exist, in no particular order.
  Result<std::vector<int64_t>> existing_ids(EntityKind kind, std::span<const int64_t> ids);
  // (external id, id) for those of `external_ids` that exist.
  Result<std::vector<std::pair<std::string, int64_t>>> find_external_ids(
      EntityKind kind, std::span<const std::string> external_ids);

 private:
  Database& db_;
};

}  // namespace icrm::store
