// Between the event log and the stream: converting a validated ingest::Event
// to the row the log stores and back, and rebuilding a StreamState at start
// by replaying the log in arrival order (which reproduces every duplicate and
// too-late decision, so the rebuilt state equals the state before the restart).
#pragma once

#include <cstdint>

#include "core/result.h"
#include "ingest/event.h"
#include "ingest/event_type.h"
#include "store/event_store.h"

namespace icrm::ingest {

store::LoggedEvent to_logged_event(const ingest::Event& event,
                                   const ingest::EventTypeRegistry& types, Timestamp received_at,
                                   bool too_late);

// Errors: a type name the registry does not know (a custom type no longer registered).
Result<ingest::Event> from_logged_event(const store::LoggedEvent& row,
                                        const ingest::EventTypeRegistry& types);

}  // namespace icrm::ingest
