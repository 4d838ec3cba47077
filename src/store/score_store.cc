#include "store/score_store.h"

#include <soci/soci.h>

#include <algorithm>
#include <boost/json/parse.hpp>
#include <boost/json/serialize.hpp>
#include <cmath>

#include "store/model_registry.h"
#include "store/sql_support.h"

namespace icrm::store {
namespace {

constexpr const char* kColumns =
    "entity, entity_id, model_id, score, probability, rank, tier, factors, scored_at";

// The columns of one row, bound by reference to a prepared statement.
struct Row {
  long long id = 0;
  std::string entity;
  long long entity_id = 0, model_id = 0;
  double score = 0, probability = 0;
  long long rank = 0;
  std::string tier, factors, scored_at;

  void set(const ScoreRecord& r) {
    entity = r.entity;
    entity_id = r.entity_id;
    model_id = r.model_id;
    score = r.score;
    probability = r.probability;
    rank = r.rank;
    tier = r.tier;
    factors = boost::json::serialize(r.factors);
    scored_at = format_timestamp(r.scored_at);
  }
  ScoreRecord get() const {
    ScoreRecord r;
    r.id = id;
    r.entity = entity;
    r.entity_id = entity_id;
    r.model_id = model_id;
    r.score = score;
    r.probability = probability;
    r.rank = rank;
    r.tier = tier;
    boost::system::error_code ec;
    auto v = boost::json::parse(factors, ec);
    if (!ec && v.is_array()) r.factors = v.as_array();
    r.scored_at = parse_timestamp(scored_at).value_or(Timestamp{});
    return r;
  }
};

Status validate(const ScoreRecord& r) {
  if (!is_model_entity(r.entity))
    return Error::invalid("entity must be leads or customers, not \"" + r.entity + "\"", "entity");
  if (std::find(std::begin(kScoreTiers), std::end(kScoreTiers), r.tier) == std::end(kScoreTiers))
    return Error::invalid("tier must be hot, warm or cold, not \"" + r.tier + "\"", "tier");
  if (!std::isfinite(r.score) || !std::isfinite(r.probability))
    return Error::invalid("score and probability must be finite numbers", "score");
  return {};
}

}  // namespace

boost::json::object to_json(const ScoreRecord& s) {
  return {{"id", s.id},
          {"entity", s.entity},
          {"entity_id", s.entity_id},
          {"model_id", s.model_id},
          {"score", s.score},
          {"probability", s.probability},
          {"rank", s.rank},
          {"tier", s.tier},
          {"factors", s.factors},
          {"scored_at", format_timestamp(s.scored_at)}};
}

const char* const kListedScoreSchema =
    R"({"type":["object","null"],"properties":{"probability":{"type":"number"},"score":{"type":"number"},)"
    R"("rank":{"type":"integer"},"tier":{"enum":["hot","warm","cold"]},"model_id":{"type":"integer"},)"
    R"("model_version":{"type":"integer"},"scored_at":{"type":"string"}}})";

boost::json::object to_json(const ListedScore& s) {
  return {{"probability", s.probability},
          {"score", s.score},
          {"rank", s.rank},
          {"tier", s.tier},
          {"model_id", s.model_id},
          {"model_version", s.model_version},
          {"scored_at", format_timestamp(s.scored_at)}};
}

Status ScoreStore::record(std::span<const ScoreRecord> scores, Flush flush) {
  for (const auto& r : scores)
    if (auto v = validate(r); !v) return v;
  if (scores.empty()) return {};
  auto lease = db_.lease();
  if (!lease) return lease.error();
  soci::session& s = **lease;
  try {
    WriteTransaction tx(s, db_, flush);
    {
      // The statements end before COMMIT: SQLite refuses to commit while a
      // RETURNING statement is still open.
      Row row;
      soci::statement history =
          (s.prepare << std::string("INSERT INTO scores (") + kColumns +
                            ") VALUES (:e, :i, :m, :s, :p, :r, :t, :f, :a) RETURNING id",
           soci::use(row.entity), soci::use(row.entity_id), soci::use(row.model_id),
           soci::use(row.score), soci::use(row.probability), soci::use(row.rank),
           soci::use(row.tier), soci::use(row.factors), soci::use(row.scored_at),
           soci::into(row.id));
      // ON CONFLICT ... DO UPDATE: SQLite >= 3.24 and PostgreSQL >= 9.5 alike.
      soci::statement latest =
          (s.prepare
               << std::string("INSERT INTO latest_scores (score_id, ") + kColumns +
                      ") VALUES (:id, :e, :i, :m, :s, :p, :r, :t, :f, :a) "
                      "ON CONFLICT (entity, entity_id) DO UPDATE SET score_id = excluded.score_id, "
                      "model_id = excluded.model_id, score = excluded.score, "
                      "probability = excluded.probability, rank = excluded.rank, tier = "
                      "excluded.tier, "
                      "factors = excluded.factors, scored_at = excluded.scored_at",
           soci::use(row.id), soci::use(row.entity), soci::use(row.entity_id),
           soci::use(row.model_id), soci::use(row.score), soci::use(row.probability),
           soci::use(row.rank), soci::use(row.tier), soci::use(row.factors),
           soci::use(row.scored_at));
      for (const auto& r : scores) {
        row.set(r);
        history.execute(true);
        latest.execute(true);
      }
    }
    tx.commit();
  } catch (const std::exception& e) {
    return db_error(e, "cannot record scores");
  }
  return {};
}

Result<std::optional<ScoreRecord>> ScoreStore::latest(std::string_view entity, int64_t entity_id) {
  auto lease = db_.lease();
  if (!lease) return lease.error();
  try {
    Row row;
    std::string e(entity);
    long long id = entity_id;
    soci::statement st =
        ((**lease).prepare << std::string("SELECT score_id, ") + kColumns +
                                  " FROM latest_scores WHERE entity = :e AND entity_id = :i",
         soci::into(row.id), soci::into(row.entity), soci::into(row.entity_id),
         soci::into(row.model_id), soci::into(row.score), soci::into(row.probability),
         soci::into(row.rank), soci::into(row.tier), soci::into(row.factors),
         soci::into(row.scored_at), soci::use(e), soci::use(id));
    if (!st.execute(true)) return std::optional<ScoreRecord>{};
    return std::optional<ScoreRecord>(row.get());
  } catch (const std::exception& e) {
    return db_error(e, "cannot read the latest score");
  }
}

Result<std::vector<ScoreRecord>> ScoreStore::history(std::string_view entity, int64_t entity_id,
                                                     size_t limit, int64_t before_id) {
  if (limit == 0 || limit > kMaxScoreHistoryLimit)
    return Error::invalid("limit is between 1 and " + std::to_string(kMaxScoreHistoryLimit),
                          "limit");
  auto lease = db_.lease();
  if (!lease) return lease.error();
  std::vector<ScoreRecord> out;
  try {
    Row row;
    std::string e(entity);
    long long id = entity_id, lim = static_cast<long long>(limit), before = before_id;
    // Keyset paging in (scored_at, id) order; the cursor row is looked up by
    // id within this record's history, so another record's id pages nothing.
    soci::statement st =
        ((**lease).prepare << std::string("SELECT id, ") + kColumns +
                                  " FROM scores WHERE entity = :e AND entity_id = :i "
                                  "AND (:b = 0 OR EXISTS (SELECT 1 FROM scores c WHERE c.id = :b2 "
                                  "AND c.entity = scores.entity AND c.entity_id = scores.entity_id "
                                  "AND (scores.scored_at < c.scored_at OR (scores.scored_at = "
                                  "c.scored_at AND scores.id < c.id)))) "
                                  "ORDER BY scored_at DESC, id DESC LIMIT :lim",
         soci::into(row.id), soci::into(row.entity), soci::into(row.entity_id),
         soci::into(row.model_id), soci::into(row.score), soci::into(row.probability),
         soci::into(row.rank), soci::into(row.tier), soci::into(row.factors),
         soci::into(row.scored_at), soci::use(e), soci::use(id), soci::use(before),
         soci::use(before), soci::use(lim));
    st.execute();
    while (st.fetch()) out.push_back(row.get());
  } catch (const std::exception& e) {
    return db_error(e, "cannot read the score history");
  }
  return out;
}

Result<int64_t> ScoreStore::rank_among_latest(std::string_view entity, int64_t model_id,
                                              double score, int64_t entity_id) {
  auto lease = db_.lease();
  if (!lease) return lease.error();
  try {
    std::string e(entity);
    long long model = model_id, id = entity_id, higher = 0;
    (**lease) << "SELECT COUNT(*) FROM latest_scores WHERE entity = :e AND model_id = :m "
                 "AND score > :s AND entity_id <> :i",
        soci::into(higher), soci::use(e), soci::use(model), soci::use(score), soci::use(id);
    return static_cast<int64_t>(higher) + 1;
  } catch (const std::exception& e) {
    return db_error(e, "cannot rank a score");
  }
}

}  // namespace icrm::store

namespace icrm::store {

Result<std::map<int64_t, ListedScore>> ScoreStore::latest_of(std::string_view entity,
                                                             std::span<const int64_t> ids) {
  if (ids.size() > kMaxListedScoreIds)
    return Error::invalid("at most " + std::to_string(kMaxListedScoreIds) + " ids", "ids");
  std::map<int64_t, ListedScore> out;
  if (ids.empty()) return out;
  SqlParams params{SqlValue::of(std::string(entity))};
  std::string in;
  for (int64_t id : ids) {
    in += (in.empty() ? ":p" : ", :p") + std::to_string(params.size());
    params.push_back(SqlValue::of(id));
  }
  auto lease = db_.lease();
  if (!lease) return lease.error();
  try {
    // Through query_rows: a page's statement is kept on the connection (its
    // SQL differs only by the page's size), and the doubles come back exact.
    auto rows = query_rows(**lease,
                           "SELECT s.entity_id, s.probability, s.score, s.rank, s.tier, "
                           "s.model_id, m.version, s.scored_at "
                           "FROM latest_scores s JOIN models m ON m.id = s.model_id WHERE s.entity "
                           "= :p0 AND s.entity_id IN (" +
                               in + ")",
                           params, 8, /*real_columns=*/0b110);
    for (const auto& r : rows) {
      ListedScore l;
      l.probability = cell_double(r[1]);
      l.score = cell_double(r[2]);
      l.rank = cell_int(r[3]);
      l.tier = cell_text(r[4]);
      l.model_id = cell_int(r[5]);
      l.model_version = cell_int(r[6]);
      l.scored_at = cell_time(r[7]);
      out[cell_int(r[0])] = std::move(l);
    }
    return out;
  } catch (const std::exception& e) {
    return db_error(e, "cannot read the latest scores");
  }
}

}  // namespace icrm::store
