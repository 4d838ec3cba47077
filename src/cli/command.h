// The subcommands of the `insightcrm` binary. Each lives in its own file and
// registers itself on the app through one add_*_command function listed in
// main.cc; a command's callback returns the process exit code.
#pragma once

#include <CLI/CLI.hpp>
#include <memory>
#include <string>

#include "core/error.h"
#include "core/result.h"
#include "store/database.h"

namespace icrm::cli {

// Exit codes shared by every subcommand.
inline constexpr int kExitOk = 0;
inline constexpr int kExitFailure = 1;  // the work failed (bad data, conflict, ...)
inline constexpr int kExitUsage = 2;    // the command line was wrong

// The --db option every command that touches the store has.
struct DbOption {
  std::string url = "sqlite:data/insightcrm.db";
};
void add_db_option(CLI::App& cmd, DbOption& db);

// The one way a command reaches the store: opens the database --db (or
// INSIGHTCRM_DB) names with `options` (their url is replaced by it) and
// applies pending migrations, so a fresh database is usable straight away and
// one newer than this binary is refused (store::Database::migrate's error).
// *applied, when given: how many migrations ran.
Result<std::unique_ptr<store::Database>> open_migrated_database(const DbOption& db,
                                                                store::DatabaseOptions options = {},
                                                                int* applied = nullptr);

// Prints an Error to stderr as "insightcrm: <message>" and returns the exit
// code for it: the one place a CLI turns an Error into text.
int report(const Error& error);

void add_version_command(CLI::App& app);
void add_migrate_command(CLI::App& app);
void add_user_command(CLI::App& app);
void add_backup_command(CLI::App& app);
void add_restore_command(CLI::App& app);
void add_serve_command(CLI::App& app);
void add_train_command(CLI::App& app);
void add_predict_command(CLI::App& app);
void add_import_command(CLI::App& app);
void add_export_command(CLI::App& app);
void add_dataset_command(CLI::App& app);
void add_demo_command(CLI::App& app);
void add_simulate_command(CLI::App& app);
void add_eval_policy_command(CLI::App& app);
void add_decide_command(CLI::App& app);
void add_replay_command(CLI::App& app);

}  // namespace icrm::cli
