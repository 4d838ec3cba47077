// Backup and restore of a whole InsightCRM database, consistent while the
// server keeps writing. SQLite: the online backup API (sqlite3_backup_*) under
// one read transaction, which in WAL mode does not block writers. PostgreSQL:
// pg_dump in custom format (one repeatable-read snapshot) and pg_restore.
// When a PostgreSQL URL selects a schema through
// `options=-csearch_path=NAME`, only that schema is dumped and restored.
//
// Restore refuses to overwrite a database that holds any row unless forced,
// and refuses a backup made by a newer schema than this binary knows.
#pragma once

#include <cstdint>
#include <optional>
#include <string>

#include "core/result.h"
#include "store/database.h"

namespace icrm::store {

struct BackupReport {
  std::string path;
  int64_t bytes = 0;
  int schema_version = 0;  // SQLite only; 0 when unknown
};

// Writes a backup of `url` to `out_path` (via a temporary file renamed into
// place, so a failed backup never leaves a half file under the final name).
// A conflict when `out_path` exists and !overwrite.
Result<BackupReport> backup_database(const std::string& url, const std::string& out_path,
                                     bool overwrite);

// Replaces the database at `url` with the backup in `in_path`. A conflict
// naming a table with rows when the database is not empty and !force.
// Stop the servers using the database first: their connections would see
// the data change under them.
Status restore_database(const std::string& url, const std::string& in_path, bool force);

// The first table (other than schema_version) that holds a row, or nothing
// when the database is empty.
Result<std::optional<std::string>> first_nonempty_table(Database& db);

}  // namespace icrm::store
