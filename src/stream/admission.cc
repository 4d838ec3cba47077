#include "stream/admission.h"

namespace icrm::stream {

std::string_view apply_outcome_name(ApplyOutcome outcome) {
  switch (outcome) {
    case ApplyOutcome::kApplied:
      return "applied";
    case ApplyOutcome::kDuplicate:
      return "duplicate";
    case ApplyOutcome::kTooLate:
      return "too_late";
    case ApplyOutcome::kInvalidType:
      return "invalid_type";
  }
  return "unknown";
}

ApplyOutcome Admission::admit(uint64_t key, int64_t ts_us) {
  if (dedupe_.contains(key)) return ApplyOutcome::kDuplicate;
  if (watermark_us_ != kNoBucket && ts_us < watermark_us_ - lateness_us_) {
    return ApplyOutcome::kTooLate;
  }
  if (ts_us > watermark_us_) watermark_us_ = ts_us;
  dedupe_.expire(watermark_us_ - lateness_us_);
  dedupe_.insert(key, ts_us);
  return ApplyOutcome::kApplied;
}

}  // namespace icrm::stream
