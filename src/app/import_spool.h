// ImportSpool: where an upload waits for its import (the importer reads a
// file). Each runner has a directory of its own under the spool directory
// (mkdtemp, 0700), holding an exclusive flock on it while it lives; each
// upload is a mkstemp file (0600) in it, removed after its import. Names are
// unpredictable and nobody else may read or replace them, so a shared /tmp
// is safe. A process that crashes leaves its directory unlocked: the next
// runner to start removes every such directory (open_spool), so uploads do
// not pile up in /tmp.
//
// Thread-safety: write() may be called from any thread.
#pragma once

#include <filesystem>
#include <memory>
#include <string>
#include <string_view>

#include "core/result.h"

namespace icrm::app {

// The prefix of a runner's directory under the spool directory.
inline constexpr std::string_view kSpoolDirPrefix = "insightcrm-imports-";

class ImportSpool {
 public:
  // Removes the unlocked (stale) directories of earlier runners under
  // `parent`, then makes this runner's own. Unavailable when it cannot.
  static Result<std::unique_ptr<ImportSpool>> open(const std::filesystem::path& parent);
  // Removes this runner's directory and what is left in it.
  ~ImportSpool();
  ImportSpool(const ImportSpool&) = delete;
  ImportSpool& operator=(const ImportSpool&) = delete;

  // Writes `bytes` to a new file of its own; returns its path.
  Result<std::string> write(std::string_view bytes) const;
  const std::filesystem::path& dir() const { return dir_; }

 private:
  ImportSpool(std::filesystem::path dir, int lock_fd) : dir_(std::move(dir)), lock_fd_(lock_fd) {}
  std::filesystem::path dir_;
  int lock_fd_;  // the directory, flock'ed LOCK_EX while this runner lives
};

// Removes the directories under `parent` whose runner has ended (no flock on
// them); returns how many. Errors are skipped: another process may be
// removing the same directory.
int remove_stale_spools(const std::filesystem::path& parent);

}  // namespace icrm::app
