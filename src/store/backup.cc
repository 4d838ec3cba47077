#include "store/backup.h"

#include <soci/soci.h>
#include <sqlite3.h>
#include <sys/wait.h>
#include <unistd.h>

#include <boost/url/parse.hpp>
#include <boost/url/url.hpp>
#include <filesystem>
#include <memory>
#include <thread>
#include <vector>

#include "store/private_file.h"

namespace icrm::store {
namespace {

namespace fs = std::filesystem;

// How often and how long a backup retries when SQLite reports the source busy.
constexpr int kSqliteBusyRetries = 100;
constexpr std::chrono::milliseconds kSqliteBusyPause{50};
constexpr int kSqliteBusyTimeoutMs = 5000;

struct SqliteCloser {
  void operator()(sqlite3* db) const { sqlite3_close_v2(db); }
};
using SqliteHandle = std::unique_ptr<sqlite3, SqliteCloser>;

Result<SqliteHandle> open_sqlite(const std::string& path, int flags) {
  sqlite3* raw = nullptr;
  int rc = sqlite3_open_v2(path.c_str(), &raw, flags, nullptr);
  SqliteHandle handle(raw);
  if (rc != SQLITE_OK) {
    return Error::unavailable("cannot open " + path + ": " +
                              (raw ? sqlite3_errmsg(raw) : sqlite3_errstr(rc)));
  }
  sqlite3_busy_timeout(raw, kSqliteBusyTimeoutMs);
  return handle;
}

// Copies every page of `from` into `to` in one step: one read transaction on
// the source, hence a consistent snapshot even while others write.
Status sqlite_copy(sqlite3* from, sqlite3* to, const std::string& what) {
  sqlite3_backup* b = sqlite3_backup_init(to, "main", from, "main");
  if (b == nullptr) return Error::unavailable(what + ": " + sqlite3_errmsg(to));
  int rc = SQLITE_OK;
  for (int attempt = 0; attempt < kSqliteBusyRetries; ++attempt) {
    rc = sqlite3_backup_step(b, -1);
    if (rc != SQLITE_BUSY && rc != SQLITE_LOCKED) break;
    std::this_thread::sleep_for(kSqliteBusyPause);
  }
  sqlite3_backup_finish(b);
  if (rc != SQLITE_DONE) return Error::unavailable(what + ": " + sqlite3_errstr(rc));
  if (sqlite3_errcode(to) != SQLITE_OK) return Error::unavailable(what + ": " + sqlite3_errmsg(to));
  return {};
}

// Runs one query returning a single text value.
std::optional<std::string> sqlite_scalar(sqlite3* db, const char* sql) {
  sqlite3_stmt* st = nullptr;
  if (sqlite3_prepare_v2(db, sql, -1, &st, nullptr) != SQLITE_OK) return std::nullopt;
  std::optional<std::string> out;
  if (sqlite3_step(st) == SQLITE_ROW && sqlite3_column_type(st, 0) != SQLITE_NULL) {
    out = reinterpret_cast<const char*>(sqlite3_column_text(st, 0));
  }
  sqlite3_finalize(st);
  return out;
}

// Checks that `db` is an intact InsightCRM database this binary can use.
Result<int> check_sqlite_file(sqlite3* db, const std::string& path) {
  auto integrity = sqlite_scalar(db, "PRAGMA integrity_check");
  if (!integrity || *integrity != "ok") {
    return Error::invalid(
        path + " is not an intact SQLite database (" + integrity.value_or(sqlite3_errmsg(db)) + ")",
        "in");
  }
  auto version = sqlite_scalar(db, "SELECT MAX(version) FROM schema_version");
  if (!version)
    return Error::invalid(path + " is not an InsightCRM database (no schema_version)", "in");
  return std::stoi(*version);
}

// Runs argv (no shell) with extra environment, waits, and reports a failure
// with what the program printed on stderr.
Status run_program(const std::vector<std::string>& argv,
                   const std::vector<std::pair<std::string, std::string>>& env) {
  int err_pipe[2];
  if (::pipe(err_pipe) != 0) return Error::internal("pipe failed");
  pid_t pid = ::fork();
  if (pid < 0) return Error::internal("fork failed");
  if (pid == 0) {
    ::close(err_pipe[0]);
    ::dup2(err_pipe[1], STDERR_FILENO);
    for (const auto& [k, v] : env) ::setenv(k.c_str(), v.c_str(), 1);
    std::vector<char*> args;
    std::vector<std::string> copy = argv;
    for (auto& a : copy) args.push_back(a.data());
    args.push_back(nullptr);
    ::execvp(args[0], args.data());
    std::string msg = "cannot run " + argv[0] + " (is postgresql-client installed?)\n";
    (void)!::write(STDERR_FILENO, msg.data(), msg.size());
    ::_exit(127);
  }
  ::close(err_pipe[1]);
  std::string err;
  char buf[4096];
  ssize_t n = 0;
  while ((n = ::read(err_pipe[0], buf, sizeof buf)) > 0) {
    if (err.size() < 16384) err.append(buf, static_cast<size_t>(n));
  }
  ::close(err_pipe[0]);
  int status = 0;
  ::waitpid(pid, &status, 0);
  if (WIFEXITED(status) && WEXITSTATUS(status) == 0) return {};
  while (!err.empty() && (err.back() == '\n' || err.back() == ' ')) err.pop_back();
  return Error::unavailable(argv[0] + " failed: " + (err.empty() ? "no message" : err));
}

// A libpq URL without its password (handed over in PGPASSWORD instead, so it
// does not show in the process list), plus the schema its options select.
struct PgTarget {
  std::string url;
  std::string password;
  std::string schema;
};

Result<PgTarget> pg_target(const std::string& url) {
  auto parsed = boost::urls::parse_uri(url);
  if (!parsed) return Error::invalid("malformed PostgreSQL URL", "db");
  boost::urls::url u(*parsed);
  PgTarget t;
  if (u.has_password()) {
    t.password = u.password();
    u.remove_password();
  }
  for (auto param : u.params()) {
    if (param.key != "options") continue;
    std::string value(param.value);
    auto at = value.find("search_path=");
    if (at == std::string::npos) continue;
    std::string schema = value.substr(at + 12);
    schema = schema.substr(0, schema.find_first_of(", "));
    t.schema = schema;
  }
  t.url = std::string(u.buffer());
  return t;
}

std::vector<std::pair<std::string, std::string>> pg_env(const PgTarget& t) {
  std::vector<std::pair<std::string, std::string>> env;
  if (!t.password.empty()) env.emplace_back("PGPASSWORD", t.password);
  return env;
}

std::string quote_identifier(const std::string& name) {
  std::string out = "\"";
  for (char c : name) {
    if (c == '"') out += '"';
    out += c;
  }
  return out + "\"";
}

}  // namespace

Result<std::optional<std::string>> first_nonempty_table(Database& db) {
  auto lease = db.lease();
  if (!lease) return lease.error();
  try {
    soci::session& s = **lease;
    std::vector<std::string> tables;
    std::string name;
    soci::statement st =
        db.engine() == Engine::kSqlite
            ? (s.prepare << "SELECT name FROM sqlite_master WHERE type = 'table' AND name NOT "
                            "LIKE 'sqlite_%' ORDER BY name",
               soci::into(name))
            : (s.prepare << "SELECT table_name FROM information_schema.tables WHERE "
                            "table_schema = current_schema() AND table_type = 'BASE TABLE' "
                            "ORDER BY table_name",
               soci::into(name));
    st.execute();
    while (st.fetch()) tables.push_back(name);
    for (const auto& t : tables) {
      if (t == "schema_version") continue;
      int one = 0;
      soci::indicator ind = soci::i_null;
      s << "SELECT 1 FROM " + quote_identifier(t) + " LIMIT 1", soci::into(one, ind);
      if (s.got_data() && ind == soci::i_ok) return std::optional<std::string>(t);
    }
  } catch (const std::exception& e) {
    return Error::unavailable(std::string("cannot inspect the database: ") + e.what());
  }
  return std::optional<std::string>();
}

Result<BackupReport> backup_database(const std::string& url, const std::string& out_path,
                                     bool overwrite) {
  auto parsed = parse_database_url(url);
  if (!parsed) return parsed.error();
  if (out_path.empty()) return Error::invalid("give the backup file with --out", "out");
  std::error_code ec;
  if (fs::exists(out_path, ec) && !overwrite) {
    return Error::conflict(out_path + " already exists; pass --force to overwrite it", "out");
  }
  auto parent = fs::path(out_path).parent_path();
  if (!parent.empty()) fs::create_directories(parent, ec);
  const std::string partial = out_path + ".partial";
  fs::remove(partial, ec);
  // Owner-only from the start (SQLite and pg_dump keep an existing file's mode).
  if (auto s = create_private_file(partial); !s) return s.error();

  BackupReport report;
  report.path = out_path;
  if (parsed->engine == Engine::kSqlite) {
    if (parsed->sqlite_path.empty())
      return Error::invalid("an in-memory database has nothing to back up", "db");
    if (!fs::exists(parsed->sqlite_path, ec)) {
      return Error::not_found("no database at " + parsed->sqlite_path);
    }
    auto src = open_sqlite(parsed->sqlite_path, SQLITE_OPEN_READONLY);
    if (!src) return src.error();
    {
      auto dst = open_sqlite(partial, SQLITE_OPEN_READWRITE | SQLITE_OPEN_CREATE);
      if (!dst) return dst.error();
      if (auto s = sqlite_copy(src->get(), dst->get(), "backup of " + parsed->sqlite_path); !s) {
        dst->reset();
        fs::remove(partial, ec);
        return s.error();
      }
      // A standalone file: no WAL beside it.
      sqlite_scalar(dst->get(), "PRAGMA journal_mode = DELETE");
      auto version = check_sqlite_file(dst->get(), partial);
      if (!version) {
        dst->reset();
        fs::remove(partial, ec);
        return version.error();
      }
      report.schema_version = *version;
    }
  } else {
    auto target = pg_target(url);
    if (!target) return target.error();
    std::vector<std::string> argv = {"pg_dump", "--format=custom", "--no-owner",
                                     "--file=" + partial, "--dbname=" + target->url};
    if (!target->schema.empty()) argv.push_back("--schema=" + target->schema);
    if (auto s = run_program(argv, pg_env(*target)); !s) {
      fs::remove(partial, ec);
      return s.error();
    }
  }
  if (auto s = durable_rename(partial, out_path); !s) {
    fs::remove(partial, ec);
    return s.error();
  }
  report.bytes = static_cast<int64_t>(fs::file_size(out_path, ec));
  return report;
}

Status restore_database(const std::string& url, const std::string& in_path, bool force) {
  auto parsed = parse_database_url(url);
  if (!parsed) return parsed.error();
  std::error_code ec;
  if (in_path.empty() || !fs::is_regular_file(in_path, ec)) {
    return Error::not_found("no backup file at '" + in_path + "'");
  }
  int backup_version = 0;
  if (parsed->engine == Engine::kSqlite) {
    if (parsed->sqlite_path.empty())
      return Error::invalid("cannot restore into an in-memory database", "db");
    auto src = open_sqlite(in_path, SQLITE_OPEN_READONLY);
    if (!src) return src.error();
    auto version = check_sqlite_file(src->get(), in_path);
    if (!version) return version.error();
    backup_version = *version;
  } else {
    if (auto listed = run_program({"pg_restore", "--list", in_path}, {}); !listed) {
      return Error::invalid(
          in_path + " is not a pg_dump custom-format backup: " + listed.error().message, "in");
    }
  }
  if (backup_version > Database::latest_schema_version()) {
    return Error::conflict("the backup is at schema version " + std::to_string(backup_version) +
                           ", newer than this binary knows; upgrade insightcrm first");
  }

  {
    auto db = Database::open({.url = url, .pool_size = 1});
    if (!db) return db.error();
    auto table = first_nonempty_table(**db);
    if (!table) return table.error();
    if (*table && !force) {
      return Error::conflict("the database " + (*db)->display_url() + " is not empty (table " +
                             **table +
                             " has rows); stop the server and pass --force to replace it");
    }
  }

  if (parsed->engine == Engine::kSqlite) {
    auto src = open_sqlite(in_path, SQLITE_OPEN_READONLY);
    if (!src) return src.error();
    if (auto s = create_private_file(parsed->sqlite_path); !s) return s;
    auto dst = open_sqlite(parsed->sqlite_path, SQLITE_OPEN_READWRITE | SQLITE_OPEN_CREATE);
    if (!dst) return dst.error();
    return sqlite_copy(src->get(), dst->get(), "restore into " + parsed->sqlite_path);
  }
  auto target = pg_target(url);
  if (!target) return target.error();
  return run_program({"pg_restore", "--clean", "--if-exists", "--no-owner", "--single-transaction",
                      "--exit-on-error", "--dbname=" + target->url, in_path},
                     pg_env(*target));
}

}  // namespace icrm::store
