#include "cli/command.h"

#include <iostream>

namespace icrm::cli {

void add_db_option(CLI::App& cmd, DbOption& db) {
  cmd.add_option("--db", db.url,
                 "Database URL: sqlite:PATH (embedded, the default) or "
                 "postgresql://user:pass@host:port/dbname")
      ->envname("INSIGHTCRM_DB")
      ->capture_default_str();
}

Result<std::unique_ptr<store::Database>> open_migrated_database(const DbOption& db,
                                                                store::DatabaseOptions options,
                                                                int* applied) {
  options.url = db.url;
  auto opened = store::Database::open(options);
  if (!opened) return opened.error();
  auto migrated = (*opened)->migrate();
  if (!migrated) return migrated.error();
  if (applied) *applied = *migrated;
  return opened;
}

int report(const Error& error) {
  std::cerr << "insightcrm: " << error.to_string() << "\n";
  return error.code == ErrorCode::kInvalidArgument ? kExitUsage : kExitFailure;
}

}  // namespace icrm::cli
