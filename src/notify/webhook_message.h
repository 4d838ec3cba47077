// The body every webhook POST carries: the bus message's data in an envelope
//   {"id": "evt_…", "topic": "decision", "created_at": "2026-…Z", "data": {…}}
// built once when the message enters the outbox, so every attempt sends (and
// signs) the same bytes.
#pragma once

#include <cstdint>
#include <string>
#include <string_view>

#include "core/result.h"
#include "core/time.h"

namespace icrm::notify {

// "evt_<unix micros>_<sequence>": unique per process and, by its time, across restarts.
std::string make_event_id(Timestamp at, uint64_t sequence);

// The envelope around `data` (JSON text; an invalid argument when it is not a JSON value).
Result<std::string> make_webhook_body(std::string_view topic, std::string_view event_id,
                                      std::string_view data, Timestamp at);

}  // namespace icrm::notify
