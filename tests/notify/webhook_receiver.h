// A webhook receiver as a customer would write one, on a free port of
// 127.0.0.1 (the project's own HttpServer and Router): POST /hook verifies
// the signature against its own clock and answers the next programmed status
// (200 when none is left); POST /moved answers a redirect to /hook.
#pragma once

#include <chrono>
#include <condition_variable>
#include <deque>
#include <initializer_list>
#include <memory>
#include <mutex>
#include <string>
#include <vector>

#include "api/http_server.h"
#include "api/metrics.h"
#include "api/router.h"
#include "core/clock.h"
#include "notify/http_poster.h"

namespace icrm::testing {

inline constexpr const char* kReceiverSecret = "whsec_test";

// What the receiver saw of one POST, and whether its signature held.
struct Received {
  std::string body;
  std::string event_id;
  std::string delivery_id;
  std::string content_type;
  bool signature_ok = false;
  std::string signature_error;
};

// Poster options for a receiver on loopback over http: both allowed, as a
// deployment with an intranet receiver allows them.
notify::CurlPosterOptions loopback_options();

class Receiver {
 public:
  explicit Receiver(const Clock& clock);
  ~Receiver();
  int port() const { return static_cast<int>(server_->port()); }
  // http://<host>:<port><path>; the host as written in a URL.
  std::string url(const std::string& host = "127.0.0.1", const std::string& path = "/hook") const;
  void answer(std::initializer_list<int> statuses);
  std::vector<Received> received() const;
  // For the one test with a background thread: true once `n` POSTs arrived.
  bool await(size_t n, std::chrono::seconds timeout);

 private:
  const Clock& clock_;
  api::Router router_;
  api::Metrics metrics_;
  std::unique_ptr<api::HttpServer> server_;
  mutable std::mutex mutex_;
  std::condition_variable arrived_;
  std::deque<int> statuses_;        // GUARDED_BY(mutex_)
  std::vector<Received> received_;  // GUARDED_BY(mutex_)
};

}  // namespace icrm::testing
