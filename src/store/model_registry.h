// ModelRegistry: the trained models of the CRM (table `models`, migration
// 0004), versioned per (entity, target) — "leads"/"converted",
// "customers"/"churned". Registering assigns the next version; exactly one
// version per pair is active, the one that scores records. Activation swaps
// the flag in one transaction (a partial unique index refuses a second active
// row), and both registering and activating are audited ("models" entity).
// Thread-safe as Database is: each call leases its own connection.
#pragma once

#include <boost/json/value.hpp>
#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "core/clock.h"
#include "core/result.h"
#include "store/actor.h"
#include "store/database.h"

namespace icrm::store {

// The record kinds models are trained for.
inline constexpr std::string_view kModelEntities[] = {"leads", "customers"};
bool is_model_entity(std::string_view entity);

inline constexpr size_t kMaxModelTargetLength = 64;
inline constexpr size_t kMaxModelKindLength = 32;
// A model file bigger than this is refused (XGBoost's JSON for a thousand deep
// trees stays far below it).
inline constexpr size_t kMaxModelBundleBytes = 256u << 20;

struct ModelRecord {
  int64_t id = 0;
  std::string entity;  // "leads" | "customers"
  std::string target;  // "converted", "churned"
  std::string kind;    // the model in the bundle that scores: lr, gbdt, hybrid, weighted, rule
  int64_t version = 0;
  Timestamp created_at{};
  std::optional<int64_t> created_by;
  boost::json::value metrics;       // the training report
  std::string bundle;               // the model file's JSON text; empty when not loaded
  boost::json::value feature_spec;  // how rows were built from records
  bool active = false;
};

// Without the bundle (it may be megabytes): what lists show.
boost::json::object to_json(const ModelRecord& m);

class ModelRegistry {
 public:
  ModelRegistry(Database& db, const Clock& clock) : db_(db), clock_(clock) {}

  // Stores `draft` as the next version for its (entity, target) and returns
  // it with id, version and created_at set. It becomes active when `activate`
  // is set or when no version of the pair is active yet.
  Result<ModelRecord> register_model(const Actor& actor, ModelRecord draft, bool activate);
  // not_found for an unknown id. The bundle is loaded only when asked.
  Result<ModelRecord> get(int64_t id, bool with_bundle = true);
  // Newest first, without bundles; empty filters match everything.
  Result<std::vector<ModelRecord>> list(std::string_view entity = {}, std::string_view target = {});
  // Makes `id` the active version of its pair (the previous one inactive).
  Result<ModelRecord> activate(const Actor& actor, int64_t id);
  // The active version of a pair with its bundle, or nullopt when none.
  Result<std::optional<ModelRecord>> active(std::string_view entity, std::string_view target);

 private:
  Database& db_;
  const Clock& clock_;
};

}  // namespace icrm::store
