// Replaying a file of past events into the stream — `insightcrm replay`:
// JSONL (one event object per line, as POST /api/v1/events takes) or CSV with
// a header naming the event's fields (entity, type, ts, and optionally id,
// value; attrs as a JSON object text). Events go through the same pipeline
// as HTTP (EventIngestor: validation, entity check, durable group commit,
// live windows), in chunks of at most kMaxEventsPerRequest.
//
// Time is compressed by `speed`: an event whose time is d after the file's
// first event is sent d / speed after the start (0 = as fast as the store
// takes them). Bad lines are rejected one by one with their line number.
#pragma once

#include <chrono>
#include <cstdint>
#include <functional>
#include <string>

#include "app/event_ingestor.h"
#include "core/result.h"

namespace icrm::app {

struct FileReplayOptions {
  std::string path;
  enum class Format { kAuto, kJsonl, kCsv } format = Format::kAuto;  // auto: by extension
  double speed = 0;                                                  // 0: max
  // How the replay waits when paced; tests pass one that moves a ManualClock.
  std::function<void(std::chrono::microseconds)> sleep;
  // Called for each rejected line: its 1-based line number and why.
  std::function<void(uint64_t line, const std::string& field, const std::string& reason)> rejected;
};

struct FileReplaySummary {
  uint64_t lines = 0;  // events read (non-empty lines / CSV records)
  uint64_t accepted = 0;
  uint64_t duplicates = 0;
  uint64_t too_late = 0;
  uint64_t rejected = 0;
  double seconds = 0;
  std::string to_json() const;
};

// Errors: the file cannot be opened or read, the CSV header lacks entity,
// type or ts, or the store failed (what was acknowledged before stays).
Result<FileReplaySummary> replay_event_file(EventIngestor& ingestor,
                                            const FileReplayOptions& options);

}  // namespace icrm::app
