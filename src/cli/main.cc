// insightcrm: the single binary of InsightCRM and its subcommands.
#include <CLI/CLI.hpp>

#include "cli/command.h"

int main(int argc, char** argv) {
  CLI::App app{
      "InsightCRM — an intelligent CRM for small and mid-size sales teams.\n"
      "Keeps customers, leads, activities, sales and communications, scores every lead,\n"
      "and tells the team who to call next.\n\n"
      "Start with `insightcrm serve --help`, or `make demo` from the source tree.",
      "insightcrm"};
  app.require_subcommand(1);
  app.set_version_flag("--version", ICRM_VERSION);

  icrm::cli::add_version_command(app);
  icrm::cli::add_migrate_command(app);
  icrm::cli::add_user_command(app);
  icrm::cli::add_backup_command(app);
  icrm::cli::add_restore_command(app);
  icrm::cli::add_serve_command(app);
  icrm::cli::add_train_command(app);
  icrm::cli::add_predict_command(app);
  icrm::cli::add_import_command(app);
  icrm::cli::add_export_command(app);
  icrm::cli::add_dataset_command(app);
  icrm::cli::add_demo_command(app);
  icrm::cli::add_simulate_command(app);
  icrm::cli::add_eval_policy_command(app);
  icrm::cli::add_decide_command(app);
  icrm::cli::add_replay_command(app);

  try {
    app.parse(argc, argv);
  } catch (const CLI::RuntimeError& e) {
    return e.get_exit_code();
  } catch (const CLI::ParseError& e) {
    return app.exit(e);
  }
  return 0;
}
