#include <iostream>

#include "cli/command.h"
#include "store/database.h"

namespace icrm::cli {

void add_version_command(CLI::App& app) {
  auto* cmd = app.add_subcommand("version", "Print the version and the schema version it expects");
  cmd->callback([] {
    std::cout << "insightcrm " << ICRM_VERSION << " (schema "
              << store::Database::latest_schema_version() << ")\n";
  });
}

}  // namespace icrm::cli
