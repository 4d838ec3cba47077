// `insightcrm backup`: a consistent copy of a live database.
#include <iostream>
#include <memory>

#include "cli/command.h"
#include "store/backup.h"

namespace icrm::cli {

void add_backup_command(CLI::App& app) {
  struct Options {
    DbOption db;
    std::string out;
    bool force = false;
  };
  auto o = std::make_shared<Options>();
  auto* cmd = app.add_subcommand(
      "backup",
      "Copy the whole database to a file while the server keeps running.\n"
      "  SQLite:     a SQLite file made with the online backup API (one consistent snapshot;\n"
      "              writers are not blocked). Open it with `sqlite3 FILE` to inspect it.\n"
      "  PostgreSQL: pg_dump custom format (needs pg_dump on PATH); inspect with pg_restore "
      "--list.\n"
      "Restore with `insightcrm restore --db URL --in FILE`. Example:\n"
      "  insightcrm backup --db sqlite:data/insightcrm.db --out backups/crm-$(date +%F).db");
  add_db_option(*cmd, o->db);
  cmd->add_option("--out", o->out, "The backup file to write")->required();
  cmd->add_flag("--force", o->force, "Overwrite --out if it exists");
  cmd->callback([o] {
    auto report = store::backup_database(o->db.url, o->out, o->force);
    if (!report) throw CLI::RuntimeError(cli::report(report.error()));
    std::cout << "backed up to " << report->path << " (" << report->bytes << " bytes";
    if (report->schema_version > 0) std::cout << ", schema version " << report->schema_version;
    std::cout << ")\n";
  });
}

void add_restore_command(CLI::App& app) {
  struct Options {
    DbOption db;
    std::string in;
    bool force = false;
  };
  auto o = std::make_shared<Options>();
  auto* cmd = app.add_subcommand(
      "restore",
      "Replace the database with a backup made by `insightcrm backup`.\n"
      "Refuses a database that holds any row unless --force is given; stop every server using\n"
      "the database first. A backup from a newer insightcrm is refused. Example:\n"
      "  insightcrm restore --db sqlite:data/insightcrm.db --in backups/crm-2026-11-23.db --force");
  add_db_option(*cmd, o->db);
  cmd->add_option("--in", o->in, "The backup file to restore")->required();
  cmd->add_flag("--force", o->force, "Overwrite a database that is not empty");
  cmd->callback([o] {
    if (auto s = store::restore_database(o->db.url, o->in, o->force); !s) {
      throw CLI::RuntimeError(report(s.error()));
    }
    auto db = open_migrated_database(o->db);
    if (!db) throw CLI::RuntimeError(report(db.error()));
    std::cout << "restored " << o->in << " into " << (*db)->display_url() << "\n";
  });
}

}  // namespace icrm::cli
