// Test support: a directory of one's own under the system temp directory,
// removed with the object. Names carry the process id, a counter and a random
// part, so tests running at once (ctest -j, two checkouts testing on one
// machine) never share a file.
//
//   icrm::testing::TempDir dir("icrm-backup");
//   auto csv = dir.write("leads.csv", "name\nAda\n");
//   run_cli({"export", "--out", dir.path("out.csv")});
#pragma once

#include <filesystem>
#include <string>
#include <string_view>

namespace icrm::testing {

// A process-wide unique token: "<pid>_<counter>_<random>".
std::string unique_suffix();

class TempDir {
 public:
  explicit TempDir(std::string_view prefix = "icrm-tmp");
  ~TempDir();
  TempDir(const TempDir&) = delete;
  TempDir& operator=(const TempDir&) = delete;

  const std::filesystem::path& dir() const { return path_; }
  // The path of `name` inside the directory (the file need not exist).
  std::string path(std::string_view name) const { return (path_ / name).string(); }
  // Writes `text` (bytes as given) to `name` inside the directory; returns its path.
  std::string write(std::string_view name, std::string_view text) const;

 private:
  std::filesystem::path path_;
};

}  // namespace icrm::testing
