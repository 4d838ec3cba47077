#include <iostream>
#include <memory>

#include "cli/command.h"
#include "store/database.h"

namespace icrm::cli {

void add_migrate_command(CLI::App& app) {
  auto* cmd = app.add_subcommand(
      "migrate",
      "Apply pending schema migrations. `serve` does this at start too; run it by hand to\n"
      "upgrade a database before starting several instances on it.");
  auto db = std::make_shared<DbOption>();
  add_db_option(*cmd, *db);
  cmd->callback([db] {
    int applied = 0;
    auto opened = open_migrated_database(*db, {}, &applied);
    if (!opened) throw CLI::RuntimeError(report(opened.error()));
    std::cout << "applied " << applied << " migration(s); schema version "
              << store::Database::latest_schema_version() << " on " << (*opened)->display_url()
              << "\n";
  });
}

}  // namespace icrm::cli
