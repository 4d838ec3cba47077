// Limits: every bound the API puts on what a client sends, each a named
// constant with a test that goes one past it (tests/api/). Values a deployment
// may want to change are defaults of ServerOptions; the rest are fixed.
#pragma once

#include <chrono>
#include <cstddef>

namespace icrm::api {

// Request body; `serve --max-body` overrides it. Larger bodies get 413 before
// their bytes are read (the Content-Length is checked against it).
inline constexpr std::size_t kDefaultMaxBodyBytes = 1024 * 1024;
// Body of an import upload (POST /api/v1/imports), which the server reads
// instead of kDefaultMaxBodyBytes for that route; `serve --max-upload`
// overrides it. Larger gets 413.
inline constexpr std::size_t kDefaultMaxUploadBytes = 64 * 1024 * 1024;
// The route that takes uploads.
inline constexpr const char* kImportUploadPath = "/api/v1/imports";
// Body of an event batch (POST /api/v1/events): up to 10,000 events
// (ingest::kMaxEventsPerRequest) of ~1.6 KiB each on average, which the 1 MiB
// default body would not hold; `serve --max-event-batch` overrides it.
// Larger gets 413.
inline constexpr std::size_t kDefaultMaxEventBatchBytes = 16 * 1024 * 1024;
// The route that takes event batches.
inline constexpr const char* kEventBatchPath = "/api/v1/events";
// Request line plus all header fields. Larger gets 431 and the connection closes.
inline constexpr std::size_t kMaxHeaderBytes = 16 * 1024;
// Nesting of arrays/objects in a JSON body; deeper gets 400 (a parser that
// recursed without bound would be a stack overflow waiting to happen).
inline constexpr std::size_t kMaxJsonDepth = 32;
// Any one string in a JSON body (a field may set a tighter bound of its own;
// the longest field, a message's body, store::kMaxBodyLength, fits).
inline constexpr std::size_t kMaxJsonStringBytes = 128 * 1024;
// Default bound for a string field read through JsonFields (names, emails, ...).
inline constexpr std::size_t kMaxStringFieldBytes = 1000;
// Items per page of a list; `limit` above this is refused with 400.
inline constexpr std::size_t kMaxPageSize = 500;
inline constexpr std::size_t kDefaultPageSize = 50;
// Requests of one connection read but not yet answered (HTTP pipelining). At
// the limit the server stops reading that connection until a response is sent.
inline constexpr std::size_t kMaxInFlightPerConnection = 8;
// The whole header block must arrive within this once its first byte has
// (slow-loris defence), and the body within kDefaultReadTimeout after it.
inline constexpr std::chrono::milliseconds kDefaultHeaderTimeout{10'000};
inline constexpr std::chrono::milliseconds kDefaultReadTimeout{30'000};
// A keep-alive connection with no request for this long is closed.
inline constexpr std::chrono::milliseconds kDefaultIdleTimeout{60'000};
// A response the client does not read within this is abandoned.
inline constexpr std::chrono::milliseconds kDefaultWriteTimeout{30'000};
// On SIGTERM, in-flight requests get this long to finish before being cut.
inline constexpr std::chrono::milliseconds kDefaultShutdownGrace{10'000};
// Query string parameters and the length of a request target.
inline constexpr std::size_t kMaxQueryParams = 64;
inline constexpr std::size_t kMaxTargetBytes = 8 * 1024;

}  // namespace icrm::api
