#include <iostream>
#include <memory>

#include "cli/command.h"
#include "cli/import_progress.h"
#include "core/clock.h"
#include "ingest/dataset_loader.h"
#include "store/database.h"

namespace icrm::cli {

void add_dataset_command(CLI::App& app) {
  struct Args {
    DbOption db;
    std::string name, file, events;
  };
  auto a = std::make_shared<Args>();
  auto* dataset = app.add_subcommand("dataset", "Public data sets mapped into CRM records.");
  dataset->require_subcommand(1);
  auto* cmd = dataset->add_subcommand(
      "load",
      "Load bank-marketing (leads), telco-churn (customers) or online-retail (products,\n"
      "customers, sales) from its original file; ends with the import's JSON summary line.\n"
      "A re-run skips what is already stored. See docs/datasets.md.");
  add_db_option(*cmd, a->db);
  cmd->add_option("name", a->name, "bank-marketing | telco-churn | online-retail")->required();
  cmd->add_option("--file", a->file, "The data set's CSV file")
      ->required()
      ->check(CLI::ExistingFile);
  cmd->add_option(
      "--as-events", a->events,
      "online-retail: also write the lines as a time-ordered purchase event stream (JSONL)");
  cmd->callback([a] {
    auto which = ingest::parse_dataset(a->name);
    if (!which) throw CLI::RuntimeError(report(which.error()));
    if (!a->events.empty() && *which != ingest::Dataset::kOnlineRetail)
      throw CLI::RuntimeError(
          report(Error::invalid("--as-events applies to online-retail only", "as-events")));
    // One connection and no checkpoint thread: with the file to itself the
    // load into a fresh database may use the rollback journal
    // (BulkWriter::use_rollback_journal), writing each page once.
    auto db = open_migrated_database(a->db, {.pool_size = 1, .sqlite_checkpoint_thread = false});
    if (!db) throw CLI::RuntimeError(report(db.error()));
    ImportProgress progress(a->file);
    ingest::DatasetOptions o{.dataset = *which, .file = a->file, .events_path = a->events};
    auto summary = ingest::load_dataset(**db, o, SystemClock::instance(), progress.reporter());
    progress.finish();
    if (!summary) throw CLI::RuntimeError(report(summary.error()));
    std::cout << summary->to_json() << std::endl;
  });
}

}  // namespace icrm::cli
