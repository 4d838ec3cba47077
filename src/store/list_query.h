// The one way every repository lists records, and what the REST API passes
// through from `?limit=&cursor=&q=&sort=&<field>=`: a page of at most `limit`
// items in a stable order, and an opaque cursor for the next page.
//
// Paging is keyset-based (the cursor holds the last item's sort key and id),
// so a page never repeats or skips a record when rows are added meanwhile.
// A cursor is valid only with the sort it was made for. Each repository
// documents its sortable and filterable fields; anything else, a malformed
// value, a bad cursor or a limit out of range is Error::invalid naming the
// field ("sort", "cursor", "limit", or the filter's name).
#pragma once

#include <cstddef>
#include <cstdint>
#include <map>
#include <optional>
#include <string>
#include <vector>

namespace icrm::store {

inline constexpr size_t kDefaultListLimit = 50;
inline constexpr size_t kMaxListLimit = 500;
inline constexpr size_t kMaxSearchLength = 200;   // q, in bytes
inline constexpr size_t kMaxCursorLength = 1024;  // an encoded cursor, in bytes

struct ListQuery {
  size_t limit = kDefaultListLimit;  // 1..kMaxListLimit
  std::string cursor;                // from the previous Page; empty for the first page
  // Exact matches on a field ("status" -> "qualified"); "null" matches an
  // absent id ("owner_id" -> "null"). Time and number fields also take
  // "<field>_from" (inclusive) and "<field>_to" (exclusive) bounds.
  std::map<std::string, std::string> filters;
  // Case-insensitive substring search over the record's name, e-mail and
  // company (or subject, for activities and messages). ASCII letters fold on
  // both engines; other letters compare as written.
  std::string q;
  // A sortable field, "-field" for descending; empty: the repository's default.
  std::string sort;
  // Only records owned by this user or by nobody (what a rep may see).
  std::optional<int64_t> visible_to_owner;
};

// What a repository's list() accepts, for documentation (the API's OpenAPI
// description lists these as query parameters).
struct ListCapabilities {
  std::vector<std::string> filters;  // with the _from/_to forms of times and numbers
  std::vector<std::string> sorts;
};

template <typename T>
struct Page {
  std::vector<T> items;
  std::string next_cursor;  // empty on the last page
};

}  // namespace icrm::store
