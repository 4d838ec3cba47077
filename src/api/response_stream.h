// ResponseStream: a response body that is not known when the handler
// returns — a server-sent event stream (sse_hub.h), or a download written a
// page at a time (a CSV export, csv_export_routes.h). A handler sets
// Response::stream; the server (http_server.cc, the only file with Beast)
// writes the header, then whatever the stream gives, until either end stops.
// The stream never sees a socket; the server never sees what a stream holds.
//
// Thread-safety: wake (given to open()) may be called from any thread; the
// server calls open(), take() and close() from its I/O threads, one at a time.
#pragma once

#include <functional>
#include <string>

namespace icrm::api {

class ResponseStream {
 public:
  virtual ~ResponseStream() = default;
  // After the header is written. `wake` is cheap and never blocks: it asks
  // the server to call take() soon (when data arrives, or the stream ends).
  virtual void open(std::function<void()> wake) = 0;
  // Appends what is waiting to `out`. false: the stream is over — the server
  // writes `out` and closes the connection.
  virtual bool take(std::string& out) = 0;
  // The connection is over (client gone, write timed out, server stopping).
  // Idempotent.
  virtual void close() = 0;

  // How the server frames the body. false (server-sent events): the bytes as
  // they come, the body ending with the connection. true (a download): HTTP/1.1
  // chunks, and the last, empty chunk only when take() has ended with
  // complete() — so a client can tell a whole download from one cut short.
  virtual bool chunked() const { return false; }
  // After take() returned false: whether the body is whole (not cut short by
  // an error).
  virtual bool complete() const { return true; }
};

}  // namespace icrm::api
