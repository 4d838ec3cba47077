// read_events (and through it ingest::validate_event) on arbitrary bytes,
// as a JSON array or as NDJSON (the first byte picks): every item is an
// event or a located rejection, and the counts add up.
#include <cstddef>
#include <cstdint>
#include <string_view>

#include "core/clock.h"
#include "core/time.h"
#include "ingest/event_reader.h"
#include "ingest/event_type.h"

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  if (size == 0) return 0;
  static const icrm::ingest::EventTypeRegistry* types = [] {
    auto* r = new icrm::ingest::EventTypeRegistry();
    (void)r->register_type("trial_started");
    return r;
  }();
  static const icrm::ManualClock clock(icrm::from_unix_micros(1'760'000'000'000'000));
  auto format = (data[0] & 1) ? icrm::ingest::EventBodyFormat::kNdjson
                              : icrm::ingest::EventBodyFormat::kJsonArray;
  std::string_view body(reinterpret_cast<const char*>(data + 1), size - 1);
  auto parsed = icrm::ingest::read_events(body, format, *types, clock, /*max_events=*/64);
  if (!parsed) return 0;
  if (parsed->events.size() != parsed->positions.size()) __builtin_trap();
  if (parsed->events.size() + parsed->rejected.size() != parsed->received) __builtin_trap();
  return 0;
}
