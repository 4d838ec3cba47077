#include "ingest/entity_resolver.h"

#include <charconv>
#include <string_view>

#include "store/entity_lookup.h"

namespace icrm::ingest {
namespace {

// A reference split into its parts (the syntax is already checked).
struct Reference {
  std::string_view kind;  // "lead", "customer", "visitor"
  bool external = false;
  std::string_view external_id;
  int64_t id = 0;
};

Reference split(std::string_view entity) {
  Reference r;
  size_t colon = entity.find(':');
  r.kind = entity.substr(0, colon);
  std::string_view rest = entity.substr(colon + 1);
  if (rest.substr(0, 4) == "ext:") {
    r.external = true;
    r.external_id = rest.substr(4);
  } else {
    std::from_chars(rest.data(), rest.data() + rest.size(), r.id);
  }
  return r;
}

std::string canonical(std::string_view kind, int64_t id) {
  std::string out(kind);
  out += ':';
  out += std::to_string(id);
  return out;
}

}  // namespace

EntityResolver::EntityResolver(store::Database& db, ResolverOptions options)
    : db_(db), options_(options) {}

size_t EntityResolver::cached() const {
  std::lock_guard lock(mutex_);
  return cache_.size();
}

Result<std::vector<bool>> EntityResolver::resolve(std::span<std::string* const> entities) {
  std::vector<bool> found(entities.size(), false);
  std::vector<size_t> misses;
  {
    std::lock_guard lock(mutex_);
    for (size_t i = 0; i < entities.size(); ++i) {
      std::string& e = *entities[i];
      if (e.compare(0, 8, "visitor:") == 0) {
        found[i] = options_.accept_visitors;
        continue;
      }
      auto it = cache_.find(e);
      if (it != cache_.end()) {
        e.assign(it->second);
        found[i] = true;
      } else {
        misses.push_back(i);
      }
    }
  }
  if (misses.empty()) return found;

  // One query per kind and form for the batch's misses.
  struct Wanted {
    std::vector<int64_t> ids;
    std::vector<std::string> external_ids;
  };
  Wanted wanted[2];  // leads, customers
  for (size_t i : misses) {
    Reference r = split(*entities[i]);
    Wanted& w = wanted[r.kind == "lead" ? 0 : 1];
    if (r.external) {
      w.external_ids.emplace_back(r.external_id);
    } else {
      w.ids.push_back(r.id);
    }
  }
  store::EntityLookup lookup(db_);
  std::unordered_map<std::string, std::string> resolved;  // reference -> canonical
  for (int k = 0; k < 2; ++k) {
    auto kind = k == 0 ? store::EntityKind::kLead : store::EntityKind::kCustomer;
    std::string_view name = k == 0 ? "lead" : "customer";
    auto ids = lookup.existing_ids(kind, wanted[k].ids);
    if (!ids) return ids.error();
    for (int64_t id : *ids) resolved.emplace(canonical(name, id), canonical(name, id));
    auto ext = lookup.find_external_ids(kind, wanted[k].external_ids);
    if (!ext) return ext.error();
    for (const auto& [external_id, id] : *ext) {
      resolved.emplace(std::string(name) + ":ext:" + external_id, canonical(name, id));
    }
  }
  std::lock_guard lock(mutex_);
  for (size_t i : misses) {
    std::string& e = *entities[i];
    // "lead:007" names lead 7: compare by the parsed id.
    Reference r = split(e);
    std::string key = r.external ? e : canonical(r.kind, r.id);
    auto it = resolved.find(key);
    if (it == resolved.end()) continue;
    if (cache_.size() >= options_.cache_entries) cache_.clear();
    cache_.emplace(e, it->second);
    e = it->second;
    found[i] = true;
  }
  return found;
}

}  // namespace icrm::ingest
