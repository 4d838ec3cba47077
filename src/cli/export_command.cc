#include <pwd.h>
#include <unistd.h>

#include <fstream>
#include <iostream>
#include <memory>

#include "cli/command.h"
#include "core/clock.h"
#include "ingest/exporter.h"
#include "store/audit_log.h"
#include "store/database.h"

namespace icrm::cli {
namespace {

// Who ran the command: the CLI has no signed-in user, so the audit entry
// names the operating-system account (the actor itself is "system").
std::string os_user() {
  const passwd* pw = getpwuid(geteuid());
  return pw != nullptr && pw->pw_name != nullptr ? pw->pw_name : "uid " + std::to_string(geteuid());
}

}  // namespace

void add_export_command(CLI::App& app) {
  struct Args {
    DbOption db;
    std::string kind, format = "csv", output;
  };
  auto a = std::make_shared<Args>();
  auto* cmd = app.add_subcommand(
      "export", "Write every record of one kind as CSV or JSONL, in the columns `import` reads.");
  add_db_option(*cmd, a->db);
  cmd->add_option("--kind", a->kind,
                  "customers|leads|products|transactions|activities|communications")
      ->required();
  cmd->add_option("--format", a->format, "csv|jsonl")->capture_default_str();
  cmd->add_option("--output,-o", a->output, "Write to this file instead of stdout");
  cmd->callback([a] {
    auto kind = store::parse_entity(a->kind);
    if (!kind) throw CLI::RuntimeError(report(kind.error()));
    auto format = ingest::parse_export_format(a->format);
    if (!format) throw CLI::RuntimeError(report(format.error()));
    auto db = open_migrated_database(a->db);
    if (!db) throw CLI::RuntimeError(report(db.error()));
    std::ofstream file;
    if (!a->output.empty()) {
      file.open(a->output, std::ios::binary | std::ios::trunc);
      if (!file) throw CLI::RuntimeError(report(Error::unavailable("cannot write " + a->output)));
    }
    std::ostream& out = a->output.empty() ? std::cout : file;
    auto n = ingest::export_records(**db, *kind, *format, out);
    if (!n) throw CLI::RuntimeError(report(n.error()));
    // Who took how many records, and where to; never the records.
    store::AuditLog audit(**db, SystemClock::instance());
    auto logged = audit.append_export(
        store::Actor::system(), std::string(store::entity_name(*kind)), static_cast<int64_t>(*n),
        {{"format", a->format},
         {"via", "cli"},
         {"os_user", os_user()},
         {"output", a->output.empty() ? std::string("stdout") : a->output}});
    if (!logged) throw CLI::RuntimeError(report(logged.error()));
    std::cerr << "exported " << *n << " " << a->kind << "\n";
  });
}

}  // namespace icrm::cli
