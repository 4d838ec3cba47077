// Admission: the part of the stream's per-event decision that does not depend
// on any entity — is this event a duplicate (its key was admitted recently),
// is it too late (before watermark - allowed lateness), or is it admitted
// (and then it moves the watermark and is remembered). StreamState decides
// with one; the event log's writer keeps a second one in step, so it can
// flag a too-late row and refuse a duplicate *before* storing it, with the
// same answer StreamState gives when the stored event reaches it (both see
// the same stored events in the same order, and the rule is deterministic).
// Not thread-safe; allocation-free after construction; copyable (8 MiB with
// the default dedupe capacity).
#pragma once

#include <chrono>
#include <cstdint>

#include "stream/dedupe_set.h"
#include "stream/entity_state.h"

namespace icrm::stream {

enum class ApplyOutcome {
  kApplied,
  kDuplicate,    // its key was applied before: not counted again
  kTooLate,      // before watermark - allowed_lateness: flagged, not applied
  kInvalidType,  // a type id past kMaxEventTypes (a caller bug; events come validated)
};
std::string_view apply_outcome_name(ApplyOutcome outcome);

class Admission {
 public:
  Admission(std::chrono::microseconds allowed_lateness, size_t dedupe_capacity)
      : lateness_us_(allowed_lateness.count()), dedupe_(dedupe_capacity) {}

  // kApplied (and remembered), kDuplicate or kTooLate, in that order of checks.
  ApplyOutcome admit(uint64_t key, int64_t ts_us);

  // The newest admitted event time; kNoBucket before any.
  int64_t watermark_us() const { return watermark_us_; }
  const DedupeSet& dedupe() const { return dedupe_; }
  bool operator==(const Admission&) const = default;

 private:
  int64_t lateness_us_;
  DedupeSet dedupe_;
  int64_t watermark_us_ = kNoBucket;
};

}  // namespace icrm::stream
