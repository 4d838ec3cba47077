#include "store/statement_cache.h"

#include <soci/soci.h>
#include <soci/sqlite3/soci-sqlite3.h>
#include <sqlite3.h>

#include <cstdlib>
#include <mutex>
#include <shared_mutex>

#include "store/row_buffers.h"

namespace icrm::store {
namespace {

std::string cache_key(const std::string& sql, const SqlParams& params, size_t columns,
                      uint64_t real_columns) {
  std::string key;
  key.reserve(sql.size() + params.size() + 24);
  key += sql;
  key += '\0';
  for (const auto& p : params) {
    switch (p.kind) {
      case SqlValue::Kind::kNull:
        key += 'n';
        break;
      case SqlValue::Kind::kInt:
        key += 'i';
        break;
      case SqlValue::Kind::kDouble:
        key += 'd';
        break;
      case SqlValue::Kind::kText:
        key += 't';
        break;
    }
  }
  key += '\0';
  key += std::to_string(columns);
  key += '\0';
  key += std::to_string(real_columns);
  return key;
}

struct Registry {
  std::shared_mutex mutex;
  std::unordered_map<const soci::session*, std::unique_ptr<StatementCache>> caches;
};

Registry& registry() {
  static Registry* r = new Registry();  // never destroyed: outlives every Database
  return *r;
}

}  // namespace

// Everything a kept statement is bound to: SOCI binds into/use by address, so
// the buffers live as long as the statement.
struct StatementCache::Entry {
  explicit Entry(soci::session& s) : st(s) {}
  soci::statement st;
  RowBuffers row;
  SqlParams params;
  std::vector<soci::indicator> indicators;
};

StatementCache::StatementCache(Engine engine) : engine_(engine) {}

StatementCache::~StatementCache() = default;

std::vector<SqlRow> StatementCache::query(soci::session& s, const std::string& sql,
                                          const SqlParams& params, size_t columns,
                                          uint64_t real_columns) {
  if (expired_.exchange(false)) entries_.clear();
  std::string key = cache_key(sql, params, columns, real_columns);
  auto it = entries_.find(key);
  Entry* e = nullptr;
  if (it == entries_.end()) {
    if (entries_.size() >= kMaxCachedStatements) entries_.clear();
    auto fresh = std::make_unique<Entry>(s);
    fresh->row.bind(fresh->st, columns, real_columns);
    fresh->params = params;
    bind_params(fresh->st, fresh->params, fresh->indicators);
    fresh->st.alloc();
    fresh->st.prepare(sql, soci::details::st_repeatable_query);
    fresh->st.define_and_bind();
    e = entries_.emplace(std::move(key), std::move(fresh)).first->second.get();
  } else {
    e = it->second.get();
    // Same kinds in the same order (they are part of the key): only the values change.
    for (size_t i = 0; i < params.size(); ++i) {
      e->params[i].i = params[i].i;
      e->params[i].d = params[i].d;
      e->params[i].s = params[i].s;
    }
  }
  std::vector<SqlRow> rows;
  try {
    if (e->st.execute(true)) {
      do {
        rows.push_back(e->row.row());
      } while (e->st.fetch());
    }
  } catch (...) {
    // SQLite: the statement starts afresh next time. PostgreSQL: a failed
    // execution leaves the prepared statement as it was, and freeing it now
    // would be a DEALLOCATE the aborted transaction refuses.
    if (engine_ == Engine::kSqlite) {
      std::erase_if(entries_, [e](const auto& kv) { return kv.second.get() == e; });
    }
    throw;
  }
  if (engine_ == Engine::kSqlite) {
    // Done stepping: release the statement's read snapshot now rather than at
    // its next use, so a kept statement never holds back a WAL checkpoint.
    auto* backend = static_cast<soci::sqlite3_statement_backend*>(e->st.get_backend());
    if (backend != nullptr && backend->stmt_ != nullptr) sqlite3_reset(backend->stmt_);
  }
  return rows;
}

void attach_statement_cache(const soci::session& s, Engine engine) {
  // For measuring what the cache buys (bench/README.md): off, every query is
  // prepared each time, as before the cache.
  static const bool off = [] {
    const char* v = std::getenv("ICRM_STATEMENT_CACHE");
    return v != nullptr && std::string_view(v) == "off";
  }();
  if (off) return;
  auto& r = registry();
  std::unique_lock lock(r.mutex);
  r.caches[&s] = std::make_unique<StatementCache>(engine);
}

void detach_statement_cache(const soci::session& s) {
  auto& r = registry();
  std::unique_lock lock(r.mutex);
  r.caches.erase(&s);
}

void expire_statement_cache(const soci::session& s) {
  if (StatementCache* cache = statement_cache_for(s)) cache->expire();
}

StatementCache* statement_cache_for(const soci::session& s) {
  auto& r = registry();
  std::shared_lock lock(r.mutex);
  auto it = r.caches.find(&s);
  return it == r.caches.end() ? nullptr : it->second.get();
}

}  // namespace icrm::store
