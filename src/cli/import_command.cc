#include <iostream>
#include <memory>

#include "cli/command.h"
#include "cli/import_progress.h"
#include "core/clock.h"
#include "ingest/importer.h"
#include "store/database.h"

namespace icrm::cli {
namespace {

struct ImportArgs {
  DbOption db;
  std::string kind, file, format = "auto", delimiter, encoding = "auto", key = "auto",
                          on_duplicate = "skip", rejects;
  std::vector<std::string> map;
  bool atomic = false, dry_run = false;
  std::size_t batch_rows = ingest::kDefaultBatchRows;
};

int run(const ImportArgs& a) {
  ingest::ImportOptions o;
  auto kind = store::parse_entity(a.kind);
  if (!kind) return report(kind.error());
  auto format = ingest::parse_input_format(a.format);
  if (!format) return report(format.error());
  auto encoding = ingest::parse_encoding(a.encoding);
  if (!encoding) return report(encoding.error());
  auto key = ingest::parse_duplicate_key(a.key);
  if (!key) return report(key.error());
  auto dup = ingest::parse_on_duplicate(a.on_duplicate);
  if (!dup) return report(dup.error());
  if (a.delimiter.size() > 1 && a.delimiter != "\\t" && a.delimiter != "tab")
    return report(Error::invalid("--delimiter must be one character (or \\t)", "delimiter"));
  o.kind = *kind;
  o.file = a.file;
  o.format = *format;
  o.encoding = *encoding;
  o.key = *key;
  o.on_duplicate = *dup;
  o.delimiter = a.delimiter.empty() ? '\0' : (a.delimiter.size() > 1 ? '\t' : a.delimiter[0]);
  o.map = a.map;
  o.rejects_path = a.rejects;
  o.atomic = a.atomic;
  o.dry_run = a.dry_run;
  o.batch_rows = a.batch_rows;

  auto db = open_migrated_database(a.db);
  if (!db) return report(db.error());

  ImportProgress progress(a.file);
  auto summary = ingest::run_import(**db, o, SystemClock::instance(), progress.reporter());
  progress.finish();
  if (!summary) return report(summary.error());
  if (progress.not_echoed() > 0)
    std::cerr << "... " << progress.not_echoed() << " more rejected row(s)"
              << (a.rejects.empty() ? " (use --rejects FILE to keep them all)" : " in " + a.rejects)
              << "\n";
  if (a.dry_run) std::cerr << "dry run: nothing was stored\n";
  if (a.atomic && summary->rejected > 0)
    std::cerr << "--atomic: " << summary->rejected << " row(s) rejected, nothing was stored\n";
  std::cout << summary->to_json() << std::endl;
  if (a.atomic && summary->rejected > 0) return kExitFailure;
  return kExitOk;
}

}  // namespace

void add_import_command(CLI::App& app) {
  auto a = std::make_shared<ImportArgs>();
  auto* cmd = app.add_subcommand(
      "import",
      "Import records from a CSV or JSONL file. Good rows are stored, bad rows are rejected\n"
      "with their row, column and reason; ends with a JSON summary line.");
  add_db_option(*cmd, a->db);
  cmd->add_option("--kind", a->kind,
                  "customers|leads|products|transactions|activities|communications")
      ->required();
  cmd->add_option("--file", a->file, "The file to import")->required()->check(CLI::ExistingFile);
  cmd->add_option("--format", a->format, "csv|jsonl (default: by file extension)");
  cmd->add_option("--delimiter", a->delimiter, "CSV delimiter (default: detected)");
  cmd->add_option("--encoding", a->encoding, "auto|utf-8|latin-1 (auto: UTF-8, else Windows-1252)");
  cmd->add_option("--map", a->map, "source=field: map a column to a field ('-' drops it)")
      ->take_all()
      ->allow_extra_args(false);
  cmd->add_option("--key", a->key, "external_id|email: what identifies a duplicate");
  cmd->add_option("--on-duplicate", a->on_duplicate, "skip|update|error")->capture_default_str();
  cmd->add_option("--rejects", a->rejects, "Write rejected rows here (CSV with an `error` column)");
  cmd->add_flag("--atomic", a->atomic, "Store all rows or none");
  cmd->add_flag("--dry-run", a->dry_run, "Validate and count, store nothing");
  cmd->add_option(
         "--batch-rows", a->batch_rows,
         "Rows per transaction: an interrupted import keeps the batches committed before it")
      ->check(CLI::Range(std::size_t{1}, std::size_t{10'000'000}))
      ->capture_default_str();
  cmd->callback([a] {
    int code = run(*a);
    if (code != kExitOk) throw CLI::RuntimeError(code);
  });
}

}  // namespace icrm::cli
