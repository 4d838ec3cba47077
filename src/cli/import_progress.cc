#include "cli/import_progress.h"

#include <iostream>

namespace icrm::cli {

ImportProgress::ImportProgress(const std::string& file)
    : total_(progress_.enabled() ? count_lines(file) : 0) {}

ingest::ImportReporter ImportProgress::reporter() {
  return {.progress = [this](std::uint64_t rows) { progress_.stage("", rows, total_, "rows"); },
          .rejected =
              [this](const std::string& error) {
                if (rejected_++ < ingest::kMaxEchoedRejects) {
                  progress_.done();
                  std::cerr << "rejected: " << error << "\n";
                }
              }};
}

std::size_t ImportProgress::not_echoed() const {
  return rejected_ > ingest::kMaxEchoedRejects ? rejected_ - ingest::kMaxEchoedRejects : 0;
}

}  // namespace icrm::cli
