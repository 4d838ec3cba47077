// RawHttpClient: a blocking HTTP/1.1 client over a plain POSIX socket, for
// tests that must control every byte (pipelining, slow senders, garbage).
// Deliberately independent of the server's own code and of Beast.
#pragma once

#include <chrono>
#include <cstdint>
#include <map>
#include <optional>
#include <string>

namespace icrm::testing {

struct RawResponse {
  int status = 0;
  std::map<std::string, std::string> headers;  // names lower-cased
  std::string body;
  std::string header(const std::string& lower_name) const {
    auto it = headers.find(lower_name);
    return it == headers.end() ? std::string() : it->second;
  }
};

class RawHttpClient {
 public:
  // Connects to 127.0.0.1:port; connected() is false when refused.
  explicit RawHttpClient(uint16_t port,
                         std::chrono::milliseconds timeout = std::chrono::milliseconds(10'000));
  ~RawHttpClient();
  RawHttpClient(const RawHttpClient&) = delete;
  RawHttpClient& operator=(const RawHttpClient&) = delete;

  bool connected() const { return fd_ >= 0; }
  // Shrinks the receive buffer (call before much is sent to us).
  void set_receive_buffer(int bytes);
  bool send(const std::string& bytes);
  // Reads one response (Content-Length framed; HEAD when told); nullopt on
  // timeout, close or a response that does not parse.
  std::optional<RawResponse> read_response(bool head = false);
  // Reads until `needle` has arrived (a streamed body: server-sent events);
  // returns what came before it and the needle, leaving the rest buffered;
  // nullopt on timeout or close.
  std::optional<std::string> read_until(const std::string& needle);
  // True when the server closed the connection (EOF or reset) within the
  // timeout, discarding anything it still sent.
  bool closed_by_peer();

  // One request: "GET /path HTTP/1.1" plus Host, then read the answer.
  std::optional<RawResponse> request(const std::string& method, const std::string& target,
                                     const std::string& body = {},
                                     const std::string& extra_headers = {});

  static std::string build(const std::string& method, const std::string& target,
                           const std::string& body = {}, const std::string& extra_headers = {});

 private:
  bool fill();  // reads more into buffer_; false on EOF/error/timeout
  int fd_ = -1;
  std::string buffer_;
};

// Whether a TCP connection to 127.0.0.1:port is refused right now.
bool connection_refused(uint16_t port);

}  // namespace icrm::testing
