// Files that hold the system of record's data outside a database server — a
// SQLite database, a backup — are created readable and writable by their
// owner only (0600, whatever the umask: customer data and password hashes),
// and a finished file is put in place durably (its data synced, renamed, the
// rename synced), so a crash leaves the old file or the whole new one.
#pragma once

#include <string>
#include <string_view>

#include "core/result.h"

namespace icrm::store {

// Creates `path` empty with mode 0600 when it does not exist; an existing
// file is left as it is (its mode is the deployment's choice).
Status create_private_file(const std::string& path);

// fsync of the directory holding `path`, so an entry created or renamed there
// survives a crash.
Status sync_directory_of(const std::string& path);

// fsync(from), rename(from, to), then fsync of to's directory.
Status durable_rename(const std::string& from, const std::string& to);

// fsync (fdatasync when `data_only`), retried when a signal interrupts it:
// 0, or -1 with errno set.
int sync_descriptor(int fd, bool data_only = false);
// Unavailable: "<what> <path>: <the text of errno>".
Error io_error(std::string_view what, const std::string& path);

}  // namespace icrm::store
