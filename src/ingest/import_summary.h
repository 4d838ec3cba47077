// ImportSummary: what an import or data set load did, printed as the one
// final JSON line every load ends with:
// {"rows":..,"imported":..,"updated":..,"skipped":..,"rejected":..,"seconds":..}
#pragma once

#include <cstdint>
#include <string>

namespace icrm::ingest {

struct ImportSummary {
  std::uint64_t rows = 0;      // data rows read (not the header)
  std::uint64_t imported = 0;  // new records stored
  std::uint64_t updated = 0;   // existing records changed (--on-duplicate update)
  std::uint64_t skipped = 0;   // duplicates left alone (--on-duplicate skip)
  std::uint64_t rejected = 0;  // rows refused, each with a located reason
  double seconds = 0;

  std::string to_json() const;
};

}  // namespace icrm::ingest
