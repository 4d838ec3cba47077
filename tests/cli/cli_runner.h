// Runs the built `insightcrm` binary as a subprocess, the way a user would,
// and captures its exit code, stdout and stderr. ICRM_BINARY is set by CMake.
#pragma once

#include <string>
#include <vector>

namespace icrm::testing {

struct CliRun {
  int exit_code = -1;
  std::string out;
  std::string err;
};

// `args` are passed as separate arguments (no shell interpretation); `input`
// is fed to stdin.
CliRun run_cli(const std::vector<std::string>& args, const std::string& input = "");

}  // namespace icrm::testing
