// EntityResolver: the step between a valid event and the log that checks the
// entity it names exists and rewrites the reference to its canonical key,
// so one customer's events land in one window state whichever way a source
// names it: "customer:ext:17850" and "customer:17" both become "customer:17".
// Leads and customers are looked up in the store, a batch's misses in one
// query per kind; visitors ("visitor:ext:abc") have no record and are taken
// only when the operator allows anonymous visitors.
//
// Found references are cached (bounded: at kMaxResolverCacheEntries the cache
// is cleared and refills); unknown ones are not, since the record may be
// created a moment later. A record deleted after it was cached still resolves
// until the cache is cleared or the process restarts.
//
// Thread-safety: resolve() may be called from any thread.
#pragma once

#include <cstddef>
#include <mutex>
#include <span>
#include <string>
#include <unordered_map>
#include <vector>

#include "core/result.h"
#include "store/database.h"

namespace icrm::ingest {

inline constexpr size_t kMaxResolverCacheEntries = size_t{1} << 20;

struct ResolverOptions {
  bool accept_visitors = false;
  size_t cache_entries = kMaxResolverCacheEntries;
};

class EntityResolver {
 public:
  EntityResolver(store::Database& db, ResolverOptions options);

  // Rewrites each reference to its canonical key in place and returns, per
  // reference, whether it names an existing record (or an allowed visitor).
  // REQUIRES: each passed ingest::check_entity_key. Errors: the database.
  Result<std::vector<bool>> resolve(std::span<std::string* const> entities);

  size_t cached() const;

 private:
  store::Database& db_;
  ResolverOptions options_;
  mutable std::mutex mutex_;
  std::unordered_map<std::string, std::string>
      cache_;  // GUARDED_BY(mutex_): reference -> canonical
};

}  // namespace icrm::ingest
