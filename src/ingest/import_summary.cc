#include "ingest/import_summary.h"

#include <fmt/format.h>

namespace icrm::ingest {

std::string ImportSummary::to_json() const {
  return fmt::format(
      R"({{"rows":{},"imported":{},"updated":{},"skipped":{},"rejected":{},"seconds":{:.3f}}})",
      rows, imported, updated, skipped, rejected, seconds);
}

}  // namespace icrm::ingest
