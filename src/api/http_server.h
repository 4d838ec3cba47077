// HttpServer: HTTP/1.1 over Boost.Beast and Asio. Asynchronous: a few I/O
// threads (default: one per core) serve every connection, none has a thread
// of its own, so thousands of idle dashboard connections cost only memory.
// It reads requests within the limits of limits.h, hands each to the Router
// (a function, no I/O), writes the responses in order, and counts everything
// in Metrics. Beast is confined to http_server.cc and request_wire.cc (the
// parsing of a request's bytes, apart from the socket, so it can be fuzzed).
//
// Graceful shutdown (shutdown(), or SIGTERM/SIGINT with handle_signals):
// stop accepting, close idle keep-alive connections, let requests already
// being read or handled finish and answer them with `Connection: close`, then
// return from wait(). Connections still busy after shutdown_grace are cut.
//
// Thread-safety: shutdown() may be called from any thread; the Router and
// Metrics must outlive the server.
#pragma once

#include <chrono>
#include <cstdint>
#include <memory>
#include <string>

#include "api/limits.h"
#include "api/metrics.h"
#include "api/router.h"
#include "core/result.h"

namespace icrm::api {

struct ServerOptions {
  std::string host = "127.0.0.1";
  uint16_t port = 8080;  // 0: any free port; see HttpServer::port()
  unsigned threads = 0;  // 0: one per core
  std::size_t max_body_bytes = kDefaultMaxBodyBytes;
  // Body of POST kImportUploadPath (file uploads) instead of max_body_bytes.
  std::size_t max_upload_bytes = kDefaultMaxUploadBytes;
  // Body of POST kEventBatchPath (event batches) instead of max_body_bytes.
  std::size_t max_event_batch_bytes = kDefaultMaxEventBatchBytes;
  std::size_t max_in_flight = kMaxInFlightPerConnection;
  std::chrono::milliseconds header_timeout = kDefaultHeaderTimeout;
  std::chrono::milliseconds read_timeout = kDefaultReadTimeout;
  std::chrono::milliseconds idle_timeout = kDefaultIdleTimeout;
  std::chrono::milliseconds write_timeout = kDefaultWriteTimeout;
  std::chrono::milliseconds shutdown_grace = kDefaultShutdownGrace;
  // Shut down gracefully on the first SIGTERM or SIGINT (the process's
  // server; tests leave it off).
  bool handle_signals = false;
};

class HttpServer {
 public:
  // Binds, listens and starts the I/O threads. Unavailable when the address
  // cannot be bound (in use, not local, ...).
  static Result<std::unique_ptr<HttpServer>> start(const ServerOptions& options,
                                                   const Router& router, Metrics& metrics);
  // Shuts down gracefully and waits.
  ~HttpServer();

  uint16_t port() const;
  const std::string& host() const;
  // Begins the graceful shutdown; returns at once. Idempotent.
  void shutdown();
  // Blocks until shutdown has completed and the I/O threads have ended.
  void wait();

  class Impl;

 private:
  explicit HttpServer(std::unique_ptr<Impl> impl);
  std::unique_ptr<Impl> impl_;
};

}  // namespace icrm::api
