#include "store/sql_support.h"

#include <soci/postgresql/soci-postgresql.h>
#include <soci/soci.h>
#include <soci/sqlite3/soci-sqlite3.h>

#include <cctype>
#include <charconv>

#include "store/row_buffers.h"
#include "store/statement_cache.h"

namespace icrm::store {

void bind_params(soci::statement& st, const SqlParams& params,
                 std::vector<soci::indicator>& indicators) {
  indicators.resize(params.size());
  for (size_t i = 0; i < params.size(); ++i) {
    // SOCI binds by non-const reference but only reads "use" values.
    auto& p = const_cast<SqlValue&>(params[i]);
    switch (p.kind) {
      case SqlValue::Kind::kNull:
        indicators[i] = soci::i_null;
        st.exchange(soci::use(p.s, indicators[i]));
        break;
      case SqlValue::Kind::kInt:
        indicators[i] = soci::i_ok;
        st.exchange(soci::use(p.i, indicators[i]));
        break;
      case SqlValue::Kind::kDouble:
        indicators[i] = soci::i_ok;
        st.exchange(soci::use(p.d, indicators[i]));
        break;
      case SqlValue::Kind::kText:
        indicators[i] = soci::i_ok;
        st.exchange(soci::use(p.s, indicators[i]));
        break;
    }
  }
}

namespace {

bool contains(std::string_view haystack, std::string_view needle) {
  return haystack.find(needle) != std::string_view::npos;
}

}  // namespace

void RowBuffers::bind(soci::statement& st, size_t columns, uint64_t reals_mask) {
  real_columns = reals_mask;
  text.assign(columns, std::string());
  reals.assign(columns, 0.0);
  nulls.assign(columns, soci::i_ok);
  for (size_t i = 0; i < columns; ++i) {
    if (i < 64 && (real_columns >> i & 1) != 0) {
      st.exchange(soci::into(reals[i], nulls[i]));
    } else {
      st.exchange(soci::into(text[i], nulls[i]));
    }
  }
}

SqlRow RowBuffers::row() const {
  SqlRow out(nulls.size());
  for (size_t i = 0; i < nulls.size(); ++i) {
    if (nulls[i] == soci::i_null) continue;
    if (i < 64 && (real_columns >> i & 1) != 0) {
      char buf[32];
      auto [end, ec] = std::to_chars(buf, buf + sizeof buf, reals[i]);  // shortest exact form
      out[i].emplace(buf, ec == std::errc() ? end : buf);
    } else {
      out[i] = text[i];
    }
  }
  return out;
}

std::vector<SqlRow> query_rows(soci::session& s, const std::string& sql, const SqlParams& params,
                               size_t columns, uint64_t real_columns) {
  if (StatementCache* cache = statement_cache_for(s))
    return cache->query(s, sql, params, columns, real_columns);
  soci::statement st(s);
  RowBuffers buffers;
  buffers.bind(st, columns, real_columns);
  std::vector<soci::indicator> indicators;
  bind_params(st, params, indicators);
  st.alloc();
  st.prepare(sql, soci::details::st_one_time_query);
  st.define_and_bind();
  std::vector<SqlRow> rows;
  if (st.execute(true)) {
    do {
      rows.push_back(buffers.row());
    } while (st.fetch());
  }
  return rows;
}

long long exec(soci::session& s, const std::string& sql, const SqlParams& params) {
  soci::statement st(s);
  std::vector<soci::indicator> indicators;
  bind_params(st, params, indicators);
  st.alloc();
  st.prepare(sql, soci::details::st_one_time_query);
  st.define_and_bind();
  st.execute(true);
  return st.get_affected_rows();
}

bool row_exists(soci::session& s, std::string_view table, int64_t id) {
  auto rows = query_rows(s, "SELECT 1 FROM " + std::string(table) + " WHERE id = :id",
                         {SqlValue::of(id)}, 1);
  return !rows.empty();
}

Status check_link(soci::session& s, std::string_view table, std::string_view field,
                  std::optional<int64_t> id, std::string_view noun) {
  if (!id || row_exists(s, table, *id)) return {};
  return Error::invalid(
      std::string(field) + " " + std::to_string(*id) + " is not a " + std::string(noun),
      std::string(field));
}

WriteTransaction::WriteTransaction(soci::session& s, Engine engine) : s_(s) { begin(engine); }

WriteTransaction::WriteTransaction(soci::session& s, const Database& db, Flush flush) : s_(s) {
  const bool unflushed = flush == Flush::kUnflushed;
  if (unflushed && db.engine() == Engine::kSqlite && db.sqlite_synchronous_full()) {
    s_ << "PRAGMA synchronous = NORMAL";  // outside the transaction; the commit reads it
    restore_full_ = true;
  }
  try {
    begin(db.engine());
    if (unflushed && db.engine() == Engine::kPostgres) s_ << "SET LOCAL synchronous_commit = off";
  } catch (...) {
    end();
    throw;
  }
}

void WriteTransaction::begin(Engine engine) {
  s_ << (engine == Engine::kSqlite ? "BEGIN IMMEDIATE" : "BEGIN");
  open_ = true;
}

void WriteTransaction::end() noexcept {
  if (open_) {
    open_ = false;
    try {
      s_ << "ROLLBACK";
    } catch (...) {
      // The connection is gone; the server drops the transaction with it.
    }
  }
  if (restore_full_) {
    restore_full_ = false;
    try {
      s_ << "PRAGMA synchronous = FULL";
    } catch (...) {
      // The connection is broken; it fails its next use.
    }
  }
}

WriteTransaction::~WriteTransaction() { end(); }

void WriteTransaction::commit() {
  s_ << "COMMIT";
  open_ = false;
  end();  // the pool's synchronous setting back
}

int64_t cell_int(const std::optional<std::string>& cell) { return cell_opt_int(cell).value_or(0); }

std::optional<int64_t> cell_opt_int(const std::optional<std::string>& cell) {
  if (!cell) return std::nullopt;
  int64_t v = 0;
  const char* end = cell->data() + cell->size();
  auto [ptr, ec] = std::from_chars(cell->data(), end, v);
  if (ec != std::errc()) return std::nullopt;
  return v;
}

double cell_double(const std::optional<std::string>& cell) {
  return cell_opt_double(cell).value_or(0.0);
}

std::optional<double> cell_opt_double(const std::optional<std::string>& cell) {
  if (!cell) return std::nullopt;
  double v = 0;
  const char* end = cell->data() + cell->size();
  auto [ptr, ec] = std::from_chars(cell->data(), end, v);
  if (ec != std::errc() || ptr != end) return std::nullopt;
  return v;
}

std::string cell_text(const std::optional<std::string>& cell) { return cell.value_or(""); }

std::optional<std::string> cell_opt_text(const std::optional<std::string>& cell) { return cell; }

Timestamp cell_time(const std::optional<std::string>& cell) {
  return cell_opt_time(cell).value_or(Timestamp{});
}

std::optional<Timestamp> cell_opt_time(const std::optional<std::string>& cell) {
  if (!cell) return std::nullopt;
  auto t = parse_timestamp(*cell);
  if (!t) return std::nullopt;
  return *t;
}

Error db_error(const std::exception& e, std::string_view what) {
  if (const auto* runner = dynamic_cast<const SqlRunnerError*>(&e)) {
    Error out = runner->error;
    out.message = std::string(what) + ": " + out.message;
    return out;
  }
  std::string message = e.what();
  bool unique = false, foreign = false, check = false, lost = false;
  if (const auto* pg = dynamic_cast<const soci::postgresql_soci_error*>(&e)) {
    std::string state = pg->sqlstate();
    unique = state == "23505";
    foreign = state == "23503";
    check = state == "23514" || state == "23502";
    lost = state.rfind("08", 0) == 0 || state == "57P01";
  } else if (dynamic_cast<const soci::sqlite3_soci_error*>(&e) != nullptr) {
    unique = contains(message, "UNIQUE constraint failed");
    foreign = contains(message, "FOREIGN KEY constraint failed");
    check =
        contains(message, "CHECK constraint failed") || contains(message, "NOT NULL constraint");
    lost = contains(message, "database is locked") || contains(message, "unable to open");
  }
  std::string prefix = std::string(what) + ": ";
  if (unique) return Error::conflict(prefix + "a record with the same unique key already exists");
  if (foreign) return Error::invalid(prefix + "a referenced record does not exist");
  if (check) return Error::invalid(prefix + "a value is outside what the schema allows");
  if (lost) return Error::unavailable(prefix + message);
  return Error::internal(prefix + message);
}

std::string like_pattern(std::string_view text) {
  std::string out = "%";
  for (char c : text) {
    if (c == '%' || c == '_' || c == '\\') out += '\\';
    out += static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
  }
  out += '%';
  return out;
}

}  // namespace icrm::store
