// ScoreStore: the scores models gave to leads and customers (tables `scores`
// and `latest_scores`, migration 0004). A scoring run is recorded in one
// transaction: every score is appended to the history, and each record's
// latest score is replaced, so the history is kept and the latest one is a
// plain lookup (and lists can sort by rank). Thread-safe as Database is.
#pragma once

#include <boost/json/array.hpp>
#include <cstdint>
#include <map>
#include <optional>
#include <span>
#include <string>
#include <string_view>
#include <vector>

#include "core/result.h"
#include "core/time.h"
#include "store/database.h"

namespace icrm::store {

inline constexpr std::string_view kScoreTiers[] = {"hot", "warm", "cold"};
// At most this many history rows per history() call.
inline constexpr size_t kMaxScoreHistoryLimit = 1000;
// At most this many ids per latest_of() call (a list page is at most 500).
inline constexpr size_t kMaxListedScoreIds = 1000;

struct ScoreRecord {
  int64_t id = 0;      // set by the store
  std::string entity;  // "leads" | "customers"
  int64_t entity_id = 0;
  int64_t model_id = 0;
  double score = 0;        // the model's score, 0..1 (hybrid rank R(L) for hybrid)
  double probability = 0;  // P(y=1|x), calibrated where the model needs it
  int64_t rank = 0;        // 1 = most promising within its scoring run
  std::string tier;        // hot | warm | cold
  // Top factors, each {"column","value","contribution","text"}.
  boost::json::array factors;
  Timestamp scored_at{};
};

boost::json::object to_json(const ScoreRecord& s);

// A record's latest score as lists show it: no factors, and the version of
// the model that gave it.
struct ListedScore {
  double probability = 0;
  double score = 0;
  int64_t rank = 0;
  std::string tier;
  int64_t model_id = 0;
  int64_t model_version = 0;
  Timestamp scored_at{};
};

// {"probability","score","rank","tier","model_id","model_version","scored_at"}.
boost::json::object to_json(const ListedScore& s);
// The JSON Schema of that object, or null (for OpenAPI).
extern const char* const kListedScoreSchema;

class ScoreStore {
 public:
  explicit ScoreStore(Database& db) : db_(db) {}

  // Appends every score to the history and makes each one its record's
  // latest, all in one transaction (kUnflushed for the live scorer's rows,
  // which can be derived again: see Flush in store/database.h). Errors: an unknown entity or tier,
  // a model that does not exist.
  Status record(std::span<const ScoreRecord> scores, Flush flush = Flush::kFlushed);
  // The record's latest score, or nullopt when it was never scored.
  Result<std::optional<ScoreRecord>> latest(std::string_view entity, int64_t entity_id);
  // The latest scores of these records (one page of a list: at most
  // kMaxListedScoreIds ids), by id; records never scored are absent.
  Result<std::map<int64_t, ListedScore>> latest_of(std::string_view entity,
                                                   std::span<const int64_t> ids);
  // The record's scores, newest first, at most `limit` (<= kMaxScoreHistoryLimit);
  // with `before_id` (a row of this record's history, the previous page's
  // last) only those after it in that order.
  Result<std::vector<ScoreRecord>> history(std::string_view entity, int64_t entity_id, size_t limit,
                                           int64_t before_id = 0);
  // Where `score` stands among the latest scores `model_id` gave (`entity`),
  // leaving out `entity_id`'s own: 1 + the number of records scored higher.
  Result<int64_t> rank_among_latest(std::string_view entity, int64_t model_id, double score,
                                    int64_t entity_id);

 private:
  Database& db_;
};

}  // namespace icrm::store
