// Lists of leads and customers carry each record's latest score (probability,
// score, rank, tier, model and its version) as "latest_score", or null when
// the record was never scored: one query per page against latest_scores, so
// a sales rep sees the ranking in the list itself (GET /api/v1/leads,
// GET /api/v1/customers; sort=rank orders by it).
#pragma once

#include <boost/json/array.hpp>
#include <cstdint>
#include <span>
#include <string>
#include <string_view>

#include "core/result.h"
#include "store/database.h"

namespace icrm::api {

// Sets items[i]["latest_score"] for the record ids[i] of `entity`.
// REQUIRES: items.size() == ids.size(), each item an object.
Status add_latest_scores(store::Database& db, std::string_view entity, std::span<const int64_t> ids,
                         boost::json::array& items);

// The `"latest_score":{...}` property for a listed item's JSON Schema.
std::string latest_score_property();

// A Crud<Record>::annotate_list that adds the latest scores of `entity`.
template <typename Record>
auto latest_score_annotator(store::Database& db, std::string_view entity) {
  return [&db, entity](const std::vector<Record>& records, boost::json::array& items) {
    std::vector<int64_t> ids;
    ids.reserve(records.size());
    for (const auto& r : records) ids.push_back(r.id);
    return add_latest_scores(db, entity, ids, items);
  };
}

}  // namespace icrm::api
