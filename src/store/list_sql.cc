#include "store/list_sql.h"

#include <soci/soci.h>

#include <boost/json/parse.hpp>
#include <boost/json/serialize.hpp>
#include <boost/json/value.hpp>
#include <charconv>

#include "store/validation.h"

namespace icrm::store {
namespace {

constexpr std::string_view kBase64Url =
    "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_";

std::string base64url_encode(std::string_view in) {
  std::string out;
  size_t i = 0;
  for (; i + 2 < in.size(); i += 3) {
    uint32_t n = (uint8_t(in[i]) << 16) | (uint8_t(in[i + 1]) << 8) | uint8_t(in[i + 2]);
    for (int k = 18; k >= 0; k -= 6) out += kBase64Url[(n >> k) & 63];
  }
  if (i + 1 == in.size()) {
    uint32_t n = uint8_t(in[i]) << 16;
    out += kBase64Url[(n >> 18) & 63];
    out += kBase64Url[(n >> 12) & 63];
  } else if (i + 2 == in.size()) {
    uint32_t n = (uint8_t(in[i]) << 16) | (uint8_t(in[i + 1]) << 8);
    out += kBase64Url[(n >> 18) & 63];
    out += kBase64Url[(n >> 12) & 63];
    out += kBase64Url[(n >> 6) & 63];
  }
  return out;
}

std::optional<std::string> base64url_decode(std::string_view in) {
  if (in.size() % 4 == 1) return std::nullopt;
  std::string out;
  uint32_t acc = 0;
  int bits = 0;
  for (char c : in) {
    auto pos = kBase64Url.find(c);
    if (pos == std::string_view::npos) return std::nullopt;
    acc = (acc << 6) | static_cast<uint32_t>(pos);
    bits += 6;
    if (bits >= 8) {
      bits -= 8;
      out += static_cast<char>((acc >> bits) & 0xFF);
    }
  }
  return out;
}

std::optional<int64_t> parse_int(std::string_view s) {
  int64_t v = 0;
  auto [ptr, ec] = std::from_chars(s.data(), s.data() + s.size(), v);
  if (ec != std::errc() || ptr != s.data() + s.size() || s.empty()) return std::nullopt;
  return v;
}

std::string_view order_expr(const ListField& f) {
  return f.sort_expr.empty() ? f.column : f.sort_expr;
}

const ListField* find_field(const ListSpec& spec, std::string_view name) {
  for (const auto& f : spec.fields) {
    if (f.name == name) return &f;
  }
  return nullptr;
}

std::string names_of(const ListSpec& spec, bool sortable) {
  std::string out;
  for (const auto& f : spec.fields) {
    if (sortable ? !f.sortable : !f.filterable) continue;
    if (!out.empty()) out += ", ";
    out += f.name;
  }
  return out;
}

// Fields that also take _from and _to.
bool has_range(FieldType t) {
  return t == FieldType::kInteger || t == FieldType::kTimestamp || t == FieldType::kMicros;
}

// A filter value as the SqlValue to compare the column with.
Result<SqlValue> filter_value(const std::string& key, const ListField& f, const std::string& raw) {
  switch (f.type) {
    case FieldType::kInteger: {
      auto v = parse_int(raw);
      if (!v)
        return Error::invalid(key + " must be an integer, not '" + raw.substr(0, 64) + "'", key);
      return SqlValue::of(*v);
    }
    case FieldType::kTimestamp: {
      auto t = parse_timestamp(raw);
      if (!t) return Error::invalid(key + ": " + t.error().message, key);
      return SqlValue::of(*t);
    }
    case FieldType::kMicros: {
      auto t = parse_timestamp(raw);
      if (!t) return Error::invalid(key + ": " + t.error().message, key);
      return SqlValue::of(to_unix_micros(*t));
    }
    case FieldType::kEnum: {
      for (auto v : f.values) {
        if (v == raw) return SqlValue::of(raw);
      }
      std::string allowed;
      for (auto v : f.values) allowed += (allowed.empty() ? "" : ", ") + std::string(v);
      return Error::invalid(
          key + " must be one of " + allowed + ", not '" + raw.substr(0, 64) + "'", key);
    }
    case FieldType::kCaselessText: {
      std::string lower = raw;
      for (char& c : lower) c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
      return SqlValue::of(lower);
    }
    case FieldType::kText:
      return SqlValue::of(raw);
  }
  return SqlValue::of(raw);
}

}  // namespace

ListCapabilities capabilities(const ListSpec& spec) {
  ListCapabilities out;
  for (const auto& f : spec.fields) {
    if (f.filterable) {
      out.filters.emplace_back(f.name);
      if (has_range(f.type)) {
        out.filters.push_back(std::string(f.name) + "_from");
        out.filters.push_back(std::string(f.name) + "_to");
      }
    }
    if (f.sortable) out.sorts.emplace_back(f.name);
  }
  return out;
}

Result<ListRows> run_list(Database& db, const ListSpec& spec, const ListQuery& query) {
  if (query.limit == 0 || query.limit > kMaxListLimit) {
    return Error::invalid("limit must be between 1 and " + std::to_string(kMaxListLimit), "limit");
  }
  if (auto s = check_text("q", query.q, kMaxSearchLength, false); !s) return s.error();

  // Sort.
  std::string sort = query.sort.empty() ? std::string(spec.default_sort) : query.sort;
  bool descending = !sort.empty() && sort[0] == '-';
  std::string sort_name = descending ? sort.substr(1) : sort;
  const ListField* sort_field = find_field(spec, sort_name);
  if (sort_field == nullptr || !sort_field->sortable) {
    return Error::invalid("cannot sort " + std::string(spec.entity) + " by '" +
                              query.sort.substr(0, 64) + "'; sortable: " + names_of(spec, true) +
                              " (prefix '-' for descending)",
                          "sort");
  }

  std::string where;
  SqlParams params;
  auto add_condition = [&where](const std::string& c) {
    where += where.empty() ? " WHERE " : " AND ";
    where += c;
  };

  // Filters.
  for (const auto& [key, raw] : query.filters) {
    const ListField* f = find_field(spec, key);
    std::string op = "=";
    if (f == nullptr) {
      for (std::string_view suffix : {"_from", "_to"}) {
        if (key.size() > suffix.size() && key.ends_with(suffix)) {
          const ListField* base = find_field(spec, key.substr(0, key.size() - suffix.size()));
          if (base != nullptr && has_range(base->type)) {
            f = base;
            op = suffix == "_from" ? ">=" : "<";
          }
        }
      }
    }
    if (f == nullptr || !f->filterable) {
      return Error::invalid("cannot filter " + std::string(spec.entity) + " by '" +
                                key.substr(0, 64) + "'; filterable: " + names_of(spec, false),
                            key);
    }
    if (auto s = check_text(key, raw, kMaxSearchLength, false); !s) return s.error();
    std::string column(f->column);
    if (f->type == FieldType::kInteger && op == "=" && raw == "null") {
      add_condition(column + " IS NULL");
      continue;
    }
    auto value = filter_value(key, *f, raw);
    if (!value) return value.error();
    if (f->type == FieldType::kCaselessText) column = "lower(" + column + ")";
    add_condition(column + " " + op + " :p" + std::to_string(params.size()));
    params.push_back(std::move(*value));
  }

  // Search.
  if (!trimmed(query.q).empty() && !spec.search_columns.empty()) {
    std::string any;
    std::string pattern = like_pattern(trimmed(query.q));
    for (auto column : spec.search_columns) {
      if (!any.empty()) any += " OR ";
      any += "lower(" + std::string(column) + ") LIKE :p" + std::to_string(params.size()) +
             " ESCAPE '\\'";
      params.push_back(SqlValue::of(pattern));
    }
    add_condition("(" + any + ")");
  }

  // Visibility.
  if (query.visible_to_owner) {
    if (spec.owner_column.empty()) {
      return Error::invalid(std::string(spec.entity) + " have no owner", "owner");
    }
    std::string column(spec.owner_column);
    add_condition("(" + column + " = :p" + std::to_string(params.size()) + " OR " + column +
                  " IS NULL)");
    params.push_back(SqlValue::of(*query.visible_to_owner));
  }

  // Cursor: the last row's sort key and id; continue strictly after it.
  std::string key_expr(order_expr(*sort_field));
  if (!query.cursor.empty()) {
    auto bad = [](std::string why) { return Error::invalid("invalid cursor: " + why, "cursor"); };
    if (query.cursor.size() > kMaxCursorLength) return bad("too long");
    auto text = base64url_decode(query.cursor);
    if (!text) return bad("not a cursor this server issued");
    boost::system::error_code ec;
    auto v = boost::json::parse(*text, ec);
    const boost::json::object* o = ec ? nullptr : v.if_object();
    const boost::json::value* s = o ? o->if_contains("s") : nullptr;
    const boost::json::value* k = o ? o->if_contains("k") : nullptr;
    const boost::json::value* i = o ? o->if_contains("i") : nullptr;
    if (!s || !s->is_string() || !k || !k->is_string() || !i || !i->is_int64()) {
      return bad("not a cursor this server issued");
    }
    if (s->get_string() != sort) {
      return bad("it was made for sort '" + std::string(s->get_string()) + "', not '" + sort + "'");
    }
    SqlValue key;
    if (sort_field->type == FieldType::kInteger || sort_field->type == FieldType::kMicros) {
      auto n = parse_int(k->get_string());
      if (!n) return bad("malformed key");
      key = SqlValue::of(*n);
    } else {
      key = SqlValue::of(std::string(k->get_string()));
    }
    const char* cmp = descending ? "<" : ">";
    std::string p0 = ":p" + std::to_string(params.size());
    std::string p1 = ":p" + std::to_string(params.size() + 1);
    std::string p2 = ":p" + std::to_string(params.size() + 2);
    add_condition("(" + key_expr + " " + cmp + " " + p0 + " OR (" + key_expr + " = " + p1 +
                  " AND id " + cmp + " " + p2 + "))");
    params.push_back(key);
    params.push_back(key);
    params.push_back(SqlValue::of(i->get_int64()));
  }

  const char* dir = descending ? " DESC" : " ASC";
  std::string sql = "SELECT " + std::string(spec.columns) + ", " + key_expr + ", id FROM " +
                    std::string(spec.table) + where + " ORDER BY " + key_expr + dir + ", id" + dir +
                    " LIMIT " + std::to_string(query.limit + 1);

  auto lease = db.lease();
  if (!lease) return lease.error();
  ListRows out;
  try {
    out.rows = query_rows(**lease, sql, params, spec.column_count + 2);
  } catch (const std::exception& e) {
    return db_error(e, "listing " + std::string(spec.entity));
  }
  if (out.rows.size() > query.limit) {
    out.rows.resize(query.limit);
    const SqlRow& last = out.rows.back();
    boost::json::object c{{"s", sort},
                          {"k", last[spec.column_count].value_or("")},
                          {"i", cell_int(last[spec.column_count + 1])}};
    out.next_cursor = base64url_encode(boost::json::serialize(c));
  }
  for (auto& row : out.rows) row.resize(spec.column_count);
  return out;
}

}  // namespace icrm::store
