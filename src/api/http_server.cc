#include "api/http_server.h"

#include <fmt/format.h>
#include <spdlog/spdlog.h>

#include <algorithm>
#include <boost/asio/bind_executor.hpp>
#include <boost/asio/dispatch.hpp>
#include <boost/asio/io_context.hpp>
#include <boost/asio/ip/tcp.hpp>
#include <boost/asio/post.hpp>
#include <boost/asio/signal_set.hpp>
#include <boost/asio/steady_timer.hpp>
#include <boost/asio/strand.hpp>
#include <boost/asio/write.hpp>
#include <boost/beast/core.hpp>
#include <boost/beast/http.hpp>
#include <deque>
#include <mutex>
#include <optional>
#include <sstream>
#include <thread>
#include <unordered_map>
#include <vector>

#include "api/problem.h"
#include "api/request_wire.h"
#include "api/response_stream.h"

namespace icrm::api {

namespace net = boost::asio;
namespace beast = boost::beast;
namespace http = beast::http;
using tcp = net::ip::tcp;

namespace {

// How long a closing connection keeps reading (and discarding) what the client
// still sends, so our last response is not destroyed by a TCP reset.
constexpr std::chrono::milliseconds kLingerTimeout{2000};
// Bytes asked of the socket while waiting for the first byte of a request.
constexpr std::size_t kFirstReadBytes = 4096;

using BeastResponse = http::response<http::string_body>;
using SteadyClock = std::chrono::steady_clock;

// A deadline kept on one steady_timer that is moved later without touching
// the timer. Re-arming an Asio timer cancels its wait, which costs a
// scheduler round trip per re-arm (and one more per cancel): per request the
// old code re-armed the read deadline three times (idle, header, body),
// cancelled it, armed the write deadline and cancelled it. Here arming only
// records when the deadline falls due; the timer's wait, when it ends before
// that, waits on. A wait lasts at most the session's timer step (the shortest
// header/read timeout), so a later phase's deadline (now + a timeout) is
// never earlier than the wait in progress and the timer is rarely touched.
// Owned by one Session; used on its strand only.
struct Deadline {
  explicit Deadline(const net::any_io_executor& executor) : timer(executor) {}
  net::steady_timer timer;
  SteadyClock::time_point due{};  // when it expires, while armed
  bool armed = false;
  bool waiting = false;  // timer.async_wait pending, ending at wait_end
  SteadyClock::time_point wait_end{};
  uint64_t generation = 0;  // voids the handler of a replaced wait
};

// The header of a streamed response: no length; the body ends when the
// connection closes (server-sent events) or with its last chunk (`chunked`).
std::string stream_head(const Response& r, unsigned version, bool chunked) {
  http::response<http::empty_body> head{static_cast<http::status>(r.status), version};
  head.set(http::field::server, "insightcrm");
  head.set(http::field::content_type, r.content_type);
  for (const auto& [name, value] : r.headers.fields()) head.insert(name, value);
  if (!head.count("X-Content-Type-Options")) head.set("X-Content-Type-Options", "nosniff");
  if (chunked) head.chunked(true);
  head.keep_alive(false);
  std::ostringstream out;
  out << head.base();
  return out.str();
}

BeastResponse to_beast(Response&& r, unsigned version, bool keep_alive) {
  BeastResponse res{static_cast<http::status>(r.status), version};
  res.set(http::field::server, "insightcrm");
  res.set(http::field::content_type, r.content_type);
  for (auto& [name, value] : r.headers.fields()) res.insert(name, value);
  if (!res.count("X-Content-Type-Options")) res.set("X-Content-Type-Options", "nosniff");
  bool no_body = r.status == 204 || r.status == 304 || (r.status >= 100 && r.status < 200);
  if (r.omit_body) {
    res.content_length(r.body.size());
  } else if (!no_body) {
    res.body() = std::move(r.body);
    res.prepare_payload();
  }
  res.keep_alive(keep_alive);
  return res;
}

}  // namespace

class Session;

class HttpServer::Impl {
 public:
  Impl(const ServerOptions& options, const Router& router, Metrics& metrics)
      : options_(options),
        router_(router),
        metrics_(metrics),
        acceptor_(ioc_),
        signals_(ioc_),
        grace_timer_(ioc_) {}

  Status listen();
  void run_threads();
  void shutdown();
  void wait();
  void watch_signals();

  void register_session(Session* s, const std::weak_ptr<Session>& w);
  void unregister_session(Session* s);
  bool stopping() const { return stopping_.load(); }

  const ServerOptions options_;
  const BodyLimits body_limits_{options_.max_body_bytes, options_.max_upload_bytes,
                                options_.max_event_batch_bytes};
  const Router& router_;
  Metrics& metrics_;
  uint16_t port_ = 0;

 private:
  void do_accept();
  void begin_shutdown();  // on the I/O context
  void finish_if_drained();

  std::mutex mutex_;
  std::unordered_map<Session*, std::weak_ptr<Session>> sessions_;  // GUARDED_BY(mutex_)
  bool grace_timer_armed_ = false;                                 // GUARDED_BY(mutex_)
  std::atomic<bool> stopping_{false};
  net::io_context ioc_;
  tcp::acceptor acceptor_;
  net::signal_set signals_;
  net::steady_timer grace_timer_;
  std::vector<std::thread> threads_;
  std::once_flag joined_;
};

// One client connection. Lives as long as an asynchronous operation holds it
// (shared_ptr, the Beast idiom); all its handlers run on its strand.
class Session : public std::enable_shared_from_this<Session> {
  enum class ReadPhase { kIdle, kHeader, kBody, kLinger };

 public:
  Session(tcp::socket&& socket, HttpServer::Impl& server)
      : stream_(std::move(socket)), server_(server) {
    boost::system::error_code ec;
    auto ep = stream_.socket().remote_endpoint(ec);
    if (!ec) remote_ = ep.address().to_string();
    server_.metrics_.connection_opened();
  }
  ~Session() {
    server_.metrics_.connection_closed();
    server_.unregister_session(this);
  }

  void start() {
    server_.register_session(this, weak_from_this());
    net::dispatch(stream_.get_executor(), [self = shared_from_this()] { self->start_read(); });
  }

  // Called (through post) when the server begins shutting down.
  void on_server_stopping() {
    net::dispatch(stream_.get_executor(), [self = shared_from_this()] {
      self->stopping_ = true;
      if (self->streaming_) {
        // A stream has no end of its own: end it now.
        if (!self->stream_writing_ && self->stream_head_.empty()) self->end_stream();
        return;
      }
      // Idle means no byte of a request has been read; bytes already waiting
      // in the socket are a request in flight and will be answered.
      beast::error_code ec;
      bool bytes_waiting = self->stream_.socket().available(ec) > 0;
      // Cancel rather than close: a read that already took bytes off the
      // socket completes with them, and that request is answered.
      if (self->idle_ && self->queue_.empty() && !bytes_waiting) {
        self->stream_.socket().cancel(ec);
      }
    });
  }

  // Called when the grace period is over.
  void force_close() {
    net::dispatch(stream_.get_executor(), [self = shared_from_this()] { self->close(); });
  }

 private:
  void start_read() {
    if (closing_ || reading_ || read_closed_) return;
    if (stopping_) {
      if (!queue_.empty()) return;  // the last response closes the connection
      // A request already arriving is in flight: read it, answer it, close.
      beast::error_code ec;
      if (buffer_.size() == 0 && stream_.socket().available(ec) == 0) return linger_and_close();
    }
    reading_ = true;
    body_limit_ = start_request(parser_, server_.body_limits_);
    if (buffer_.size() > 0) return read_header();
    // Idle until the first byte of the next request: the idle timeout applies,
    // and a shutdown may close the connection here.
    idle_ = true;
    arm_read_deadline(server_.options_.idle_timeout, ReadPhase::kIdle);
    stream_.async_read_some(buffer_.prepare(kFirstReadBytes),
                            [self = shared_from_this()](beast::error_code ec, std::size_t n) {
                              self->idle_ = false;
                              if (ec) return self->close();
                              self->buffer_.commit(n);
                              self->read_header();
                            });
  }

  void read_header() {
    // The whole header must arrive within header_timeout of its first byte (slow-loris).
    arm_read_deadline(server_.options_.header_timeout, ReadPhase::kHeader);
    // Usually one read brought the whole header: parse it here rather than
    // through an operation that would complete at once (a scheduler round
    // trip). The parser applies the same limits either way.
    std::size_t parsed = 0;
    if (buffer_.size() > 0) {
      beast::error_code ec;
      parsed = parser_->put(buffer_.data(), ec);
      buffer_.consume(parsed);
      if (ec != http::error::need_more) return on_header(ec, parsed);
    }
    http::async_read_header(
        stream_, buffer_, *parser_,
        [self = shared_from_this(), parsed](beast::error_code ec, std::size_t n) {
          self->on_header(ec, parsed + n);
        });
  }

  void on_header(beast::error_code ec, std::size_t header_bytes) {
    if (ec) return on_read_error(ec, "header");
    if (auto limit = check_header(*parser_, header_bytes, server_.body_limits_, &body_limit_))
      return on_read_error(limit, "header");
    auto expect = parser_->get()[http::field::expect];
    if (!expect.empty() && beast::iequals(expect, "100-continue")) {
      static constexpr std::string_view kContinue = "HTTP/1.1 100 Continue\r\n\r\n";
      arm_write_deadline();
      net::async_write(stream_, net::buffer(kContinue.data(), kContinue.size()),
                       [self = shared_from_this()](beast::error_code ec, std::size_t) {
                         disarm(self->write_deadline_);
                         if (ec) return self->close();
                         self->read_body();
                       });
      return;
    }
    read_body();
  }

  void read_body() {
    // A request without a body (most GETs) is complete with its header:
    // answer it now instead of through a read that completes at once.
    if (parser_->is_done()) return on_read({});
    arm_read_deadline(server_.options_.read_timeout, ReadPhase::kBody);
    http::async_read(
        stream_, buffer_, *parser_,
        [self = shared_from_this()](beast::error_code ec, std::size_t) { self->on_read(ec); });
  }

  void on_read_error(beast::error_code ec, std::string_view phase) {
    reading_ = false;
    disarm(read_deadline_);
    if (ec == http::error::end_of_stream || ec == net::error::eof ||
        ec == net::error::connection_reset || ec == net::error::operation_aborted) {
      return close();
    }
    Response r;
    if (ec == http::error::header_limit) {
      server_.metrics_.record_rejected("header_too_large");
      r = problem_response(431, "The request headers are larger than " +
                                    std::to_string(kMaxHeaderBytes) + " bytes.");
    } else if (ec == http::error::body_limit) {
      server_.metrics_.record_rejected("body_too_large");
      r = problem_response(Error::too_large(
          "The request body is larger than " + std::to_string(body_limit_) + " bytes.", "body"));
    } else {
      server_.metrics_.record_rejected("malformed_http");
      r = problem_response(Error::invalid("The request is not valid HTTP/1.1: " + ec.message()));
    }
    // After a framing error the stream cannot be trusted: answer and close.
    enqueue(to_beast(std::move(r), 11, false));
  }

  void on_read(beast::error_code ec) {
    if (ec) return on_read_error(ec, "body");
    reading_ = false;
    disarm(read_deadline_);
    auto started = std::chrono::steady_clock::now();
    auto wire = to_request(*parser_, remote_);
    Request& req = wire.request;
    bool keep_alive = wire.keep_alive && !stopping_;
    Response res;
    std::string_view route = "unmatched";
    auto target = req.set_target(req.target);
    if (!target) {
      server_.metrics_.record_rejected("bad_target");
      res = target.error().code == ErrorCode::kTooLarge
                ? problem_response(414, target.error().message)
                : problem_response(target.error());
    } else {
      auto dispatched = server_.router_.dispatch(req);
      res = std::move(dispatched.response);
      route = dispatched.route;
    }
    int status = res.status;
    bool streamed = false;
    if (res.stream && !res.omit_body && status == 200 && !stopping_) {
      start_stream(std::move(res), wire.version);
      streamed = true;
    } else {
      if (res.stream) res.stream->close();  // HEAD, or the server is stopping
      res.stream.reset();
      enqueue(to_beast(std::move(res), wire.version, keep_alive));
    }
    // The method's canonical name: a client inventing methods cannot grow the metrics.
    server_.metrics_.record_request(route, method_name(req.method), status,
                                    std::chrono::steady_clock::now() - started);
    if (!streamed && keep_alive && queue_.size() < server_.options_.max_in_flight) start_read();
  }

  // A streamed response (response_stream.h): after the responses queued
  // before it, its header, then whatever the stream gives, one write at a
  // time, until it ends or the connection does. Nothing more is read but
  // the end of the connection.
  void start_stream(Response&& r, unsigned version) {
    streaming_ = true;
    read_closed_ = true;
    body_stream_ = std::move(r.stream);
    // Chunks are HTTP/1.1: an HTTP/1.0 client reads to the close.
    stream_chunked_ = body_stream_->chunked() && version >= 11;
    stream_head_ = stream_head(r, version, stream_chunked_);
    if (queue_.empty()) write_stream_head();  // else on_write starts it
  }

  void write_stream_head() {
    stream_out_ = std::move(stream_head_);
    stream_head_.clear();
    write_stream_out([](Session& s) {
      if (s.stopping_) return s.end_stream();
      std::weak_ptr<Session> weak = s.weak_from_this();
      auto executor = s.stream_.get_executor();
      s.body_stream_->open([weak, executor] {
        net::post(executor, [weak] {
          if (auto p = weak.lock()) p->pump_stream();
        });
      });
      s.watch_peer();
    });
  }

  void pump_stream() {
    if (!body_stream_ || stream_writing_ || closing_) return;
    stream_out_.clear();
    if (stream_chunked_) {
      stream_more_ = body_stream_->take(stream_chunk_);
      if (!stream_chunk_.empty()) {
        stream_out_ = fmt::format("{:x}\r\n", stream_chunk_.size());
        stream_out_ += stream_chunk_;
        stream_out_ += "\r\n";
        stream_chunk_.clear();
      }
      // The last chunk says the body is whole; a body cut short has none.
      if (!stream_more_ && body_stream_->complete()) stream_out_ += "0\r\n\r\n";
    } else {
      stream_more_ = body_stream_->take(stream_out_);
    }
    if (stream_out_.empty()) {
      if (!stream_more_) end_stream();
      return;
    }
    write_stream_out([](Session& s) {
      if (!s.stream_more_ || s.stopping_) return s.end_stream();
      s.pump_stream();
    });
  }

  // Writes stream_out_ (one write at a time), then `next`; closes on failure.
  template <typename Next>
  void write_stream_out(Next next) {
    stream_writing_ = true;
    arm_write_deadline();
    net::async_write(stream_, net::buffer(stream_out_),
                     [self = shared_from_this(), next](beast::error_code ec, std::size_t) {
                       disarm(self->write_deadline_);
                       self->stream_writing_ = false;
                       if (ec) return self->close();
                       next(*self);
                     });
  }

  void end_stream() {
    if (body_stream_) body_stream_->close();
    linger_and_close();
  }

  // The client sends nothing on a stream; a read ends when it goes away.
  void watch_peer() {
    watching_peer_ = true;
    stream_.async_read_some(net::buffer(drain_buffer_),
                            [self = shared_from_this()](beast::error_code ec, std::size_t) {
                              if (ec) return self->close_now();
                              self->watch_peer();
                            });
  }

  void enqueue(BeastResponse&& res) {
    if (!res.keep_alive()) read_closed_ = true;
    queue_.push_back(std::move(res));
    if (queue_.size() == 1) do_write();
  }

  void do_write() {
    arm_write_deadline();
    http::async_write(
        stream_, queue_.front(),
        [self = shared_from_this()](beast::error_code ec, std::size_t) { self->on_write(ec); });
  }

  void on_write(beast::error_code ec) {
    disarm(write_deadline_);
    if (ec) return close();
    bool keep_alive = queue_.front().keep_alive();
    queue_.pop_front();
    if (!keep_alive) return linger_and_close();
    if (queue_.empty() && !stream_head_.empty()) {
      if (stopping_) return end_stream();
      return write_stream_head();
    }
    if (!queue_.empty()) {
      do_write();
    } else if (stopping_ && idle_) {
      return close();  // everything answered; nothing in flight
    }
    // Reading paused while the queue was full; room again.
    if (!reading_ && queue_.size() < server_.options_.max_in_flight) start_read();
  }

  // Half-close and discard what the client still sends until it closes too
  // (bounded by kLingerTimeout), so it reads our last response in full.
  void linger_and_close() {
    if (closing_) return;
    closing_ = true;
    beast::error_code ec;
    stream_.socket().shutdown(tcp::socket::shutdown_send, ec);
    arm_read_deadline(kLingerTimeout, ReadPhase::kLinger);
    if (!watching_peer_) drain();  // else watch_peer's read already discards
  }

  void drain() {
    stream_.async_read_some(net::buffer(drain_buffer_),
                            [self = shared_from_this()](beast::error_code ec, std::size_t) {
                              if (ec) return self->close_now();
                              self->drain();
                            });
  }

  void close() {
    closing_ = true;
    close_now();
  }

  void close_now() {
    if (body_stream_) body_stream_->close();
    // Pending timer handlers hold the session; cancel them so it can end now.
    for (Deadline* d : {&read_deadline_, &write_deadline_}) {
      disarm(*d);
      d->timer.cancel();
    }
    beast::error_code ec;
    stream_.socket().shutdown(tcp::socket::shutdown_both, ec);
    stream_.close();
  }

  // Deadlines are our own, one for reading and one for writing: the stream's
  // built-in timeout is shared by both directions, so a deadline set for one
  // (idle, slow-loris) would cut a long write of the other. See Deadline.
  void arm_read_deadline(std::chrono::milliseconds after, ReadPhase phase) {
    read_phase_ = phase;
    read_after_ = after;
    arm(read_deadline_, after, &Session::on_read_deadline);
  }

  void on_read_deadline() {
    if (read_phase_ == ReadPhase::kIdle && !queue_.empty()) {
      // Not idle: the client is still taking our answers. Wait again.
      return arm_read_deadline(read_after_, read_phase_);
    }
    if (read_phase_ == ReadPhase::kHeader) server_.metrics_.record_rejected("header_timeout");
    if (read_phase_ == ReadPhase::kBody) server_.metrics_.record_rejected("read_timeout");
    // Too slow to deserve an answer it would read just as slowly.
    close();
  }

  void arm_write_deadline() {
    arm(write_deadline_, server_.options_.write_timeout, &Session::on_write_deadline);
  }

  void on_write_deadline() {
    server_.metrics_.record_rejected("write_timeout");
    close();
  }

  void arm(Deadline& d, SteadyClock::duration after, void (Session::*expired)()) {
    auto now = SteadyClock::now();
    d.due = now + after;
    d.armed = true;
    // The wait in progress ends first, then waits on until `due`.
    if (d.waiting && d.wait_end <= d.due) return;
    wait(d, now, expired);
  }

  // The wait in progress, if any, ends with nothing to do.
  static void disarm(Deadline& d) { d.armed = false; }

  void wait(Deadline& d, SteadyClock::time_point now, void (Session::*expired)()) {
    d.wait_end = std::min(d.due, now + timer_step());
    d.waiting = true;
    uint64_t generation = ++d.generation;
    d.timer.expires_at(
        d.wait_end);  // ends a wait in progress, whose handler sees an old generation
    d.timer.async_wait([self = shared_from_this(), &d, generation, expired](beast::error_code ec) {
      if (generation != d.generation) return;
      d.waiting = false;
      if (ec || !d.armed) return;
      auto now = SteadyClock::now();
      if (now < d.due) return self->wait(d, now, expired);
      d.armed = false;
      ((*self).*expired)();
    });
  }

  SteadyClock::duration timer_step() const {
    return std::max<SteadyClock::duration>(
        std::min(server_.options_.header_timeout, server_.options_.read_timeout),
        std::chrono::milliseconds{1});
  }

  beast::tcp_stream stream_;
  Deadline read_deadline_{stream_.get_executor()};
  Deadline write_deadline_{stream_.get_executor()};
  ReadPhase read_phase_ = ReadPhase::kIdle;  // of read_deadline_
  std::chrono::milliseconds read_after_{0};  // its timeout
  HttpServer::Impl& server_;
  std::string remote_;
  beast::flat_buffer buffer_;
  std::optional<WireParser> parser_;
  std::size_t body_limit_ = 0;       // of the request being read
  std::deque<BeastResponse> queue_;  // responses not yet written, in request order
  std::array<char, 4096> drain_buffer_{};
  bool reading_ = false;
  bool idle_ = false;      // waiting for the first byte of a request
  bool stopping_ = false;  // the server is shutting down
  bool closing_ = false;
  bool read_closed_ = false;  // a response without keep-alive is queued: read no more
  // A streamed response (start_stream): its source, its header until written,
  // the bytes being written.
  std::shared_ptr<ResponseStream> body_stream_;
  std::string stream_head_;
  std::string stream_out_;
  std::string stream_chunk_;  // a chunk's data before its framing
  bool stream_chunked_ = false;
  bool streaming_ = false;
  bool stream_writing_ = false;
  bool stream_more_ = true;
  bool watching_peer_ = false;
};

Status HttpServer::Impl::listen() {
  boost::system::error_code ec;
  auto address = net::ip::make_address(options_.host, ec);
  if (ec) {
    return Error::invalid("'" + options_.host + "' is not an IP address", "host");
  }
  tcp::endpoint endpoint(address, options_.port);
  acceptor_.open(endpoint.protocol(), ec);
  if (!ec) acceptor_.set_option(net::socket_base::reuse_address(true), ec);
  if (!ec) acceptor_.bind(endpoint, ec);
  if (!ec) acceptor_.listen(net::socket_base::max_listen_connections, ec);
  if (ec) {
    return Error::unavailable("cannot listen on " + options_.host + ":" +
                              std::to_string(options_.port) + ": " + ec.message());
  }
  port_ = acceptor_.local_endpoint().port();
  if (options_.handle_signals) watch_signals();
  do_accept();
  return ok_status();
}

void HttpServer::Impl::do_accept() {
  acceptor_.async_accept(net::make_strand(ioc_),
                         [this](boost::system::error_code ec, tcp::socket socket) {
                           if (!ec) {
                             // Accepted just before the shutdown began: served like any other.
                             socket.set_option(tcp::no_delay(true), ec);
                             std::make_shared<Session>(std::move(socket), *this)->start();
                           } else if (ec == net::error::operation_aborted) {
                             return;
                           } else {
                             // Out of descriptors and the like: keep serving the connections we
                             // have.
                             spdlog::warn("accept failed: {}", ec.message());
                           }
                           if (!stopping_) do_accept();
                         });
}

void HttpServer::Impl::run_threads() {
  unsigned n = options_.threads != 0 ? options_.threads : std::thread::hardware_concurrency();
  if (n == 0) n = 1;
  for (unsigned i = 0; i < n; ++i) {
    threads_.emplace_back([this] { ioc_.run(); });
  }
}

void HttpServer::Impl::register_session(Session* s, const std::weak_ptr<Session>& w) {
  {
    std::lock_guard lock(mutex_);
    sessions_.emplace(s, w);
  }
  // Accepted just as the shutdown began: treat it like the others.
  if (stopping_) {
    if (auto p = w.lock()) p->on_server_stopping();
  }
}

void HttpServer::Impl::unregister_session(Session* s) {
  {
    std::lock_guard lock(mutex_);
    sessions_.erase(s);
  }
  if (stopping_) finish_if_drained();
}

void HttpServer::Impl::shutdown() {
  if (stopping_.exchange(true)) return;
  net::post(ioc_, [this] { begin_shutdown(); });
}

void HttpServer::Impl::begin_shutdown() {
  spdlog::info("shutting down: no new connections; finishing requests in flight");
  boost::system::error_code ec;
  // Connections the kernel completed but we have not accepted yet would be
  // reset by closing the acceptor: take them in, to be answered and closed.
  acceptor_.non_blocking(true, ec);
  for (;;) {
    tcp::socket socket(net::make_strand(ioc_));
    acceptor_.accept(socket, ec);
    if (ec) break;
    std::make_shared<Session>(std::move(socket), *this)->start();
  }
  acceptor_.close(ec);
  signals_.cancel(ec);
  std::vector<std::shared_ptr<Session>> live;
  {
    std::lock_guard lock(mutex_);
    for (auto& [ptr, weak] : sessions_) {
      if (auto s = weak.lock()) live.push_back(std::move(s));
    }
    grace_timer_armed_ = true;
    // The timer is touched only under mutex_: sessions end on any I/O thread.
    grace_timer_.expires_after(options_.shutdown_grace);
    grace_timer_.async_wait([this](boost::system::error_code ec) {
      if (ec) return;  // cancelled: every connection finished in time
      std::vector<std::shared_ptr<Session>> remaining;
      {
        std::lock_guard lock(mutex_);
        for (auto& [ptr, weak] : sessions_) {
          if (auto s = weak.lock()) remaining.push_back(std::move(s));
        }
      }
      if (!remaining.empty()) {
        spdlog::warn("shutdown grace period over; closing {} connection(s)", remaining.size());
      }
      for (auto& s : remaining) s->force_close();
    });
  }
  for (auto& s : live) s->on_server_stopping();
  live.clear();
  finish_if_drained();
}

void HttpServer::Impl::finish_if_drained() {
  std::lock_guard lock(mutex_);
  if (grace_timer_armed_ && sessions_.empty()) {
    grace_timer_.cancel();
    grace_timer_armed_ = false;
  }
}

void HttpServer::Impl::watch_signals() {
  boost::system::error_code ec;
  signals_.add(SIGTERM, ec);
  signals_.add(SIGINT, ec);
  signals_.async_wait([this](boost::system::error_code ec, int signal) {
    if (ec) return;
    spdlog::info("received signal {}", signal);
    shutdown();
  });
}

void HttpServer::Impl::wait() {
  std::call_once(joined_, [this] {
    for (auto& t : threads_) t.join();
  });
}

HttpServer::HttpServer(std::unique_ptr<Impl> impl) : impl_(std::move(impl)) {}

HttpServer::~HttpServer() {
  impl_->shutdown();
  impl_->wait();
}

Result<std::unique_ptr<HttpServer>> HttpServer::start(const ServerOptions& options,
                                                      const Router& router, Metrics& metrics) {
  auto impl = std::make_unique<Impl>(options, router, metrics);
  if (auto s = impl->listen(); !s) return s.error();
  impl->run_threads();
  return std::unique_ptr<HttpServer>(new HttpServer(std::move(impl)));
}

uint16_t HttpServer::port() const { return impl_->port_; }
const std::string& HttpServer::host() const { return impl_->options_.host; }
void HttpServer::shutdown() { impl_->shutdown(); }
void HttpServer::wait() { impl_->wait(); }

}  // namespace icrm::api
