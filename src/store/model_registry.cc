#include "store/model_registry.h"

#include <soci/soci.h>

#include <algorithm>
#include <boost/json/parse.hpp>
#include <boost/json/serialize.hpp>

#include "store/audit_log.h"
#include "store/sql_support.h"

namespace icrm::store {
namespace {

constexpr std::string_view kEntity = "models";
constexpr std::string_view kLightColumns =
    "id, entity, target, kind, version, created_at, created_by, metrics, feature_spec, active";
// Registering retries this often when another instance took the same version.
constexpr int kVersionAttempts = 3;

boost::json::value parse_or_null(const std::optional<std::string>& text) {
  if (!text || text->empty()) return nullptr;
  boost::system::error_code ec;
  auto v = boost::json::parse(*text, ec);
  return ec ? boost::json::value(nullptr) : v;
}

ModelRecord from_row(const SqlRow& r) {
  ModelRecord m;
  m.id = cell_int(r[0]);
  m.entity = cell_text(r[1]);
  m.target = cell_text(r[2]);
  m.kind = cell_text(r[3]);
  m.version = cell_int(r[4]);
  m.created_at = cell_time(r[5]);
  m.created_by = cell_opt_int(r[6]);
  m.metrics = parse_or_null(r[7]);
  m.feature_spec = parse_or_null(r[8]);
  m.active = cell_int(r[9]) != 0;
  if (r.size() > 10) m.bundle = cell_text(r[10]);
  return m;
}

std::optional<ModelRecord> select_one(soci::session& s, int64_t id, bool with_bundle) {
  std::string sql = "SELECT " + std::string(kLightColumns) + (with_bundle ? ", bundle" : "") +
                    " FROM models WHERE id = :id";
  auto rows = query_rows(s, sql, {SqlValue::of(id)}, with_bundle ? 11 : 10);
  if (rows.empty()) return std::nullopt;
  return from_row(rows.front());
}

Status validate(const ModelRecord& m) {
  if (!is_model_entity(m.entity))
    return Error::invalid("entity must be leads or customers, not \"" + m.entity + "\"", "entity");
  if (m.target.empty() || m.target.size() > kMaxModelTargetLength)
    return Error::invalid("target must be 1 to " + std::to_string(kMaxModelTargetLength) + " bytes",
                          "target");
  if (m.kind.empty() || m.kind.size() > kMaxModelKindLength)
    return Error::invalid("kind must be 1 to " + std::to_string(kMaxModelKindLength) + " bytes",
                          "kind");
  if (m.bundle.empty()) return Error::invalid("a model needs its bundle", "bundle");
  if (m.bundle.size() > kMaxModelBundleBytes)
    return Error::too_large(
        "the model bundle is larger than " + std::to_string(kMaxModelBundleBytes >> 20) + " MiB",
        "bundle");
  return {};
}

Error not_found(int64_t id) { return Error::not_found("no model with id " + std::to_string(id)); }

}  // namespace

bool is_model_entity(std::string_view entity) {
  return std::find(std::begin(kModelEntities), std::end(kModelEntities), entity) !=
         std::end(kModelEntities);
}

boost::json::object to_json(const ModelRecord& m) {
  boost::json::object o{
      {"id", m.id},         {"entity", m.entity},   {"target", m.target},
      {"kind", m.kind},     {"version", m.version}, {"created_at", format_timestamp(m.created_at)},
      {"active", m.active}, {"metrics", m.metrics}, {"feature_spec", m.feature_spec}};
  o["created_by"] = m.created_by ? boost::json::value(*m.created_by) : nullptr;
  return o;
}

Result<ModelRecord> ModelRegistry::register_model(const Actor& actor, ModelRecord m,
                                                  bool activate) {
  if (auto v = validate(m); !v) return v.error();
  auto lease = db_.lease();
  if (!lease) return lease.error();
  soci::session& s = **lease;
  for (int attempt = 1;; ++attempt) {
    try {
      WriteTransaction tx(s, db_.engine());
      auto latest =
          query_rows(s, "SELECT MAX(version) FROM models WHERE entity = :e AND target = :t",
                     {SqlValue::of(m.entity), SqlValue::of(m.target)}, 1);
      m.version = cell_opt_int(latest.front()[0]).value_or(0) + 1;
      auto active_rows =
          query_rows(s, "SELECT id FROM models WHERE entity = :e AND target = :t AND active = 1",
                     {SqlValue::of(m.entity), SqlValue::of(m.target)}, 1);
      m.active = activate || active_rows.empty();
      if (m.active && !active_rows.empty()) {
        exec(s, "UPDATE models SET active = 0 WHERE entity = :e AND target = :t AND active = 1",
             {SqlValue::of(m.entity), SqlValue::of(m.target)});
      }
      m.created_at = clock_.now();
      m.created_by = actor.user_id;
      auto rows = query_rows(
          s,
          "INSERT INTO models (entity, target, kind, version, created_at, created_by, metrics, "
          "bundle, "
          "feature_spec, active) VALUES (:e, :t, :k, :v, :c, :b, :m, :bundle, :f, :a) RETURNING id",
          {SqlValue::of(m.entity), SqlValue::of(m.target), SqlValue::of(m.kind),
           SqlValue::of(m.version), SqlValue::of(m.created_at), SqlValue::of(m.created_by),
           SqlValue::of(boost::json::serialize(m.metrics)), SqlValue::of(m.bundle),
           SqlValue::of(boost::json::serialize(m.feature_spec)),
           SqlValue::of(int64_t{m.active ? 1 : 0})},
          1);
      m.id = cell_int(rows.front()[0]);
      AuditLog::append_in(s, actor, m.created_at, "register", kEntity, m.id, nullptr, to_json(m));
      tx.commit();
      return m;
    } catch (const std::exception& e) {
      Error err = db_error(e, "cannot register the model");
      // Another instance registered the same version first: take the next one.
      if (err.code == ErrorCode::kConflict && attempt < kVersionAttempts) continue;
      return err;
    }
  }
}

Result<ModelRecord> ModelRegistry::get(int64_t id, bool with_bundle) {
  auto lease = db_.lease();
  if (!lease) return lease.error();
  try {
    auto m = select_one(**lease, id, with_bundle);
    if (!m) return not_found(id);
    return *m;
  } catch (const std::exception& e) {
    return db_error(e, "cannot read the model");
  }
}

Result<std::vector<ModelRecord>> ModelRegistry::list(std::string_view entity,
                                                     std::string_view target) {
  auto lease = db_.lease();
  if (!lease) return lease.error();
  try {
    std::string sql = "SELECT " + std::string(kLightColumns) + " FROM models WHERE 1 = 1";
    SqlParams params;
    if (!entity.empty()) {
      sql += " AND entity = :e";
      params.push_back(SqlValue::of(std::string(entity)));
    }
    if (!target.empty()) {
      sql += " AND target = :t";
      params.push_back(SqlValue::of(std::string(target)));
    }
    sql += " ORDER BY id DESC";
    std::vector<ModelRecord> out;
    for (const auto& r : query_rows(**lease, sql, params, 10)) out.push_back(from_row(r));
    return out;
  } catch (const std::exception& e) {
    return db_error(e, "cannot list models");
  }
}

Result<ModelRecord> ModelRegistry::activate(const Actor& actor, int64_t id) {
  auto lease = db_.lease();
  if (!lease) return lease.error();
  soci::session& s = **lease;
  try {
    WriteTransaction tx(s, db_.engine());
    auto m = select_one(s, id, false);
    if (!m) return not_found(id);
    if (m->active) return *m;
    auto before = to_json(*m);
    exec(s, "UPDATE models SET active = 0 WHERE entity = :e AND target = :t AND active = 1",
         {SqlValue::of(m->entity), SqlValue::of(m->target)});
    exec(s, "UPDATE models SET active = 1 WHERE id = :id", {SqlValue::of(id)});
    m->active = true;
    AuditLog::append_in(s, actor, clock_.now(), "activate", kEntity, id, before, to_json(*m));
    tx.commit();
    return *m;
  } catch (const std::exception& e) {
    return db_error(e, "cannot activate the model");
  }
}

Result<std::optional<ModelRecord>> ModelRegistry::active(std::string_view entity,
                                                         std::string_view target) {
  auto lease = db_.lease();
  if (!lease) return lease.error();
  try {
    auto rows =
        query_rows(**lease,
                   "SELECT " + std::string(kLightColumns) +
                       ", bundle FROM models WHERE entity = :e AND target = :t AND active = 1",
                   {SqlValue::of(std::string(entity)), SqlValue::of(std::string(target))}, 11);
    if (rows.empty()) return std::optional<ModelRecord>{};
    return std::optional<ModelRecord>(from_row(rows.front()));
  } catch (const std::exception& e) {
    return db_error(e, "cannot read the active model");
  }
}

}  // namespace icrm::store
