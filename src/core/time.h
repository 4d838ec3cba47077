// Time in InsightCRM: always UTC, microsecond precision in code
// (Timestamp), ISO-8601 text in SQL and JSON ("2026-11-23T09:30:00.000000Z").
#pragma once

#include <chrono>
#include <string>
#include <string_view>

#include "core/result.h"

namespace icrm {

using Timestamp = std::chrono::sys_time<std::chrono::microseconds>;

// Parses ISO-8601: "YYYY-MM-DD", "YYYY-MM-DDTHH:MM[:SS[.ffffff]]" with 'T' or a
// space, followed by "Z", "+HH:MM", "-HHMM" or nothing. A value without a zone
// is taken as UTC only when `assume_utc` is set, otherwise it is an error.
Result<Timestamp> parse_timestamp(std::string_view text, bool assume_utc = true);

// "2026-11-23T09:30:00.000000Z": fixed width, so text order is time order.
std::string format_timestamp(Timestamp t);
// The same text written into `out` without allocating (hot paths: the event
// log writes two per event). Years outside 0000-9999 are clamped to those.
inline constexpr size_t kTimestampTextBytes = 27;
void format_timestamp_to(Timestamp t, char (&out)[kTimestampTextBytes]);

// Microseconds since the Unix epoch, and back.
int64_t to_unix_micros(Timestamp t);
Timestamp from_unix_micros(int64_t us);

}  // namespace icrm
