// The real server on port 0: keep-alive, pipelining, every connection limit
// one past its bound, hostile input, graceful shutdown.
#include "api/http_server.h"

#include <gtest/gtest.h>

#include <atomic>
#include <random>
#include <thread>

#include "api/json_body.h"
#include "api/response_stream.h"
#include "tests/api/raw_http_client.h"

namespace icrm::api {
namespace {

using icrm::testing::connection_refused;
using icrm::testing::RawHttpClient;
using namespace std::chrono_literals;

constexpr std::size_t kBigBody = 8 * 1024 * 1024;

class HttpServerTest : public ::testing::Test {
 protected:
  void SetUp() override {
    router_.add(Method::kGet, "/hello", [](const Request& r) -> Result<Response> {
      return Response::text(200, "text/plain",
                            "hello " + std::string(r.query_param("i").value_or("")));
    });
    router_.add(Method::kPost, "/echo", [](const Request& r) -> Result<Response> {
      return Response::text(200, "text/plain", "n=" + std::to_string(r.body.size()));
    });
    router_.add(Method::kPost, "/json", [](const Request& r) -> Result<Response> {
      auto obj = parse_json_body(r);
      if (!obj) return obj.error();
      JsonFields f(*obj);
      auto name = f.string("name", Presence::kRequired);
      if (auto s = f.finish(); !s) return s.error();
      return Response::json(201, "{}");
    });
    router_.add(Method::kGet, "/big", [this](const Request&) -> Result<Response> {
      big_calls_.fetch_add(1);
      return Response::text(200, "application/octet-stream", std::string(kBigBody, 'b'));
    });
    options_.port = 0;
    options_.threads = 2;
    options_.header_timeout = 300ms;
    options_.read_timeout = 300ms;
    options_.idle_timeout = 500ms;
    options_.shutdown_grace = 5s;
  }

  void start() {
    auto s = HttpServer::start(options_, router_, metrics_);
    ASSERT_TRUE(s) << s.error().to_string();
    server_ = std::move(s).value();
  }
  uint16_t port() const { return server_->port(); }

  Router router_;
  Metrics metrics_;
  ServerOptions options_;
  std::atomic<int> big_calls_{0};
  std::unique_ptr<HttpServer> server_;
};

TEST_F(HttpServerTest, ServesSeveralRequestsOnOneKeepAliveConnection) {
  start();
  RawHttpClient c(port());
  ASSERT_TRUE(c.connected());
  for (int i = 0; i < 3; ++i) {
    auto r = c.request("GET", "/hello?i=" + std::to_string(i));
    ASSERT_TRUE(r);
    EXPECT_EQ(r->status, 200);
    EXPECT_EQ(r->body, "hello " + std::to_string(i));
    EXPECT_EQ(r->header("server"), "insightcrm");
  }
  auto head = c.request("HEAD", "/hello");
  ASSERT_TRUE(head);
  EXPECT_EQ(head->header("content-length"), "6");
  auto after = c.request("GET", "/nowhere");
  ASSERT_TRUE(after);
  EXPECT_EQ(after->status, 404);
  EXPECT_EQ(after->header("content-type"), "application/problem+json");
}

TEST_F(HttpServerTest, PipelinedRequestsAreAnsweredInOrder) {
  start();
  RawHttpClient c(port());
  std::string burst;
  const int n = static_cast<int>(2 * kMaxInFlightPerConnection + 3);
  for (int i = 0; i < n; ++i) burst += RawHttpClient::build("GET", "/hello?i=" + std::to_string(i));
  ASSERT_TRUE(c.send(burst));
  for (int i = 0; i < n; ++i) {
    auto r = c.read_response();
    ASSERT_TRUE(r) << i;
    EXPECT_EQ(r->body, "hello " + std::to_string(i));
  }
}

TEST_F(HttpServerTest, InFlightLimitOnePast) {
  start();
  RawHttpClient c(port(), 20s);
  c.set_receive_buffer(64 * 1024);
  // Large answers the client does not read: the first write cannot finish, so
  // the server holds answered-but-unsent requests until its limit, then stops reading.
  const int n = static_cast<int>(kMaxInFlightPerConnection + 4);
  std::string burst;
  for (int i = 0; i < n; ++i) burst += RawHttpClient::build("GET", "/big");
  ASSERT_TRUE(c.send(burst));
  auto deadline = std::chrono::steady_clock::now() + 10s;
  while (big_calls_.load() < static_cast<int>(kMaxInFlightPerConnection) &&
         std::chrono::steady_clock::now() < deadline) {
    std::this_thread::sleep_for(5ms);
  }
  EXPECT_EQ(big_calls_.load(), static_cast<int>(kMaxInFlightPerConnection));
  // Nothing may be read past the limit while the client reads nothing.
  std::this_thread::sleep_for(300ms);
  EXPECT_EQ(big_calls_.load(), static_cast<int>(kMaxInFlightPerConnection));
  for (int i = 0; i < n; ++i) {
    auto r = c.read_response();
    ASSERT_TRUE(r) << i;
    EXPECT_EQ(r->body.size(), kBigBody);
  }
  EXPECT_EQ(big_calls_.load(), n);
}

TEST_F(HttpServerTest, BodyLimitOnePast) {
  start();
  RawHttpClient c(port());
  auto at = c.request("POST", "/echo", std::string(kDefaultMaxBodyBytes, 'x'));
  ASSERT_TRUE(at);
  EXPECT_EQ(at->status, 200);
  EXPECT_EQ(at->body, "n=" + std::to_string(kDefaultMaxBodyBytes));
  auto past = c.request("POST", "/echo", std::string(kDefaultMaxBodyBytes + 1, 'x'));
  ASSERT_TRUE(past);
  EXPECT_EQ(past->status, 413);
  EXPECT_EQ(past->header("content-type"), "application/problem+json");
  EXPECT_EQ(past->header("connection"), "close");
  EXPECT_TRUE(c.closed_by_peer());
}

TEST_F(HttpServerTest, ConfiguredBodyLimitOnePast) {
  options_.max_body_bytes = 100;
  start();
  RawHttpClient c(port());
  EXPECT_EQ(c.request("POST", "/echo", std::string(100, 'x'))->status, 200);
  EXPECT_EQ(c.request("POST", "/echo", std::string(101, 'x'))->status, 413);
}

// POST /api/v1/imports reads up to max_upload_bytes instead, at and one past;
// every other route keeps max_body_bytes.
TEST_F(HttpServerTest, UploadLimitOnePast) {
  router_.add(Method::kPost, kImportUploadPath, [](const Request& r) -> Result<Response> {
    return Response::text(200, "text/plain", "n=" + std::to_string(r.body.size()));
  });
  options_.max_body_bytes = 100;
  options_.max_upload_bytes = 1000;
  start();
  RawHttpClient c(port());
  auto at =
      c.request("POST", std::string(kImportUploadPath) + "?kind=leads", std::string(1000, 'x'));
  ASSERT_TRUE(at);
  EXPECT_EQ(at->status, 200);
  EXPECT_EQ(at->body, "n=1000");
  EXPECT_EQ(c.request("POST", "/echo", std::string(101, 'x'))->status, 413);
  RawHttpClient d(port());
  EXPECT_EQ(d.request("POST", kImportUploadPath, std::string(1001, 'x'))->status, 413);
}

// POST /api/v1/events reads up to max_event_batch_bytes, at and one past.
TEST_F(HttpServerTest, EventBatchLimitOnePast) {
  router_.add(Method::kPost, kEventBatchPath, [](const Request& r) -> Result<Response> {
    return Response::text(200, "text/plain", "n=" + std::to_string(r.body.size()));
  });
  options_.max_body_bytes = 100;
  options_.max_event_batch_bytes = 2000;
  start();
  RawHttpClient c(port());
  auto at = c.request("POST", kEventBatchPath, std::string(2000, 'x'));
  ASSERT_TRUE(at);
  EXPECT_EQ(at->status, 200);
  EXPECT_EQ(at->body, "n=2000");
  EXPECT_EQ(c.request("POST", "/echo", std::string(101, 'x'))->status, 413);
  RawHttpClient d(port());
  EXPECT_EQ(d.request("POST", kEventBatchPath, std::string(2001, 'x'))->status, 413);
}

TEST_F(HttpServerTest, ChunkedBodyPastTheLimitIs413) {
  options_.max_body_bytes = 100;
  start();
  RawHttpClient c(port());
  std::string req = "POST /echo HTTP/1.1\r\nHost: x\r\nTransfer-Encoding: chunked\r\n\r\n";
  req += "64\r\n" + std::string(100, 'a') + "\r\n1\r\nb\r\n0\r\n\r\n";
  ASSERT_TRUE(c.send(req));
  auto r = c.read_response();
  ASSERT_TRUE(r);
  EXPECT_EQ(r->status, 413);
}

TEST_F(HttpServerTest, HeaderLimitOnePast) {
  start();
  auto request_of_size = [](std::size_t total) {
    std::string head = "GET /hello HTTP/1.1\r\nHost: localhost\r\nX-Pad: ";
    std::string tail = "\r\n\r\n";
    return head + std::string(total - head.size() - tail.size(), 'p') + tail;
  };
  RawHttpClient ok(port());
  ASSERT_TRUE(ok.send(request_of_size(kMaxHeaderBytes)));
  auto r = ok.read_response();
  ASSERT_TRUE(r);
  EXPECT_EQ(r->status, 200);
  RawHttpClient past(port());
  ASSERT_TRUE(past.send(request_of_size(kMaxHeaderBytes + 1)));
  auto r2 = past.read_response();
  ASSERT_TRUE(r2);
  EXPECT_EQ(r2->status, 431);
  EXPECT_TRUE(past.closed_by_peer());
}

TEST_F(HttpServerTest, TargetPastItsLimitIs414) {
  start();
  RawHttpClient c(port());
  std::string target = "/hello?i=";
  target += std::string(kMaxTargetBytes + 1 - target.size(), 'x');
  auto r = c.request("GET", target);
  ASSERT_TRUE(r);
  EXPECT_EQ(r->status, 414);
  target.pop_back();
  EXPECT_EQ(c.request("GET", target)->status, 200);
}

TEST_F(HttpServerTest, SlowLorisHeadersAreCutAtTheDeadline) {
  start();
  RawHttpClient c(port(), 5s);
  auto started = std::chrono::steady_clock::now();
  ASSERT_TRUE(c.send("GET /hello HTTP/1.1\r\nHost: x\r\n"));
  // One header byte every 20 ms: each byte is progress, but the whole header
  // never arrives within options_.header_timeout.
  bool cut = false;
  for (int i = 0; i < 100 && !cut; ++i) {
    std::this_thread::sleep_for(20ms);
    cut = !c.send("X");
  }
  EXPECT_TRUE(cut || c.closed_by_peer());
  auto elapsed = std::chrono::steady_clock::now() - started;
  EXPECT_LT(elapsed, options_.header_timeout + 1500ms);
  EXPECT_GE(elapsed, options_.header_timeout);
}

TEST_F(HttpServerTest, HeadersJustWithinTheDeadlineAreServed) {
  start();
  RawHttpClient c(port());
  ASSERT_TRUE(c.send("GET /hello HTTP/1.1\r\n"));
  std::this_thread::sleep_for(options_.header_timeout / 3);
  ASSERT_TRUE(c.send("Host: x\r\n\r\n"));
  auto r = c.read_response();
  ASSERT_TRUE(r);
  EXPECT_EQ(r->status, 200);
}

TEST_F(HttpServerTest, BodyThatStopsArrivingIsCutAtTheReadTimeout) {
  start();
  RawHttpClient c(port(), 5s);
  ASSERT_TRUE(c.send("POST /echo HTTP/1.1\r\nHost: x\r\nContent-Length: 10\r\n\r\n12345"));
  auto started = std::chrono::steady_clock::now();
  EXPECT_TRUE(c.closed_by_peer());
  EXPECT_LT(std::chrono::steady_clock::now() - started, options_.read_timeout + 1500ms);
}

TEST_F(HttpServerTest, IdleKeepAliveConnectionIsClosed) {
  start();
  RawHttpClient c(port(), 5s);
  ASSERT_EQ(c.request("GET", "/hello")->status, 200);
  auto started = std::chrono::steady_clock::now();
  EXPECT_TRUE(c.closed_by_peer());
  auto elapsed = std::chrono::steady_clock::now() - started;
  EXPECT_GE(elapsed, options_.idle_timeout - 50ms);
  EXPECT_LT(elapsed, options_.idle_timeout + 1500ms);
}

TEST_F(HttpServerTest, MalformedHttpGets400AndTheConnectionCloses) {
  start();
  for (std::string garbage :
       {std::string("\x16\x03\x01\x02\x00\x01\x00\x01\xfc\x03\x03", 11),
        std::string("HELLO\r\n\r\n"), std::string("GET /hello HTTP/9.9\r\n\r\n"),
        std::string("GET /hello HTTP/1.1\r\nContent-Length: -5\r\n\r\n"),
        std::string("GET /hello HTTP/1.1\r\nBad Header\r\n\r\n")}) {
    RawHttpClient c(port(), 3s);
    ASSERT_TRUE(c.send(garbage));
    auto r = c.read_response();
    ASSERT_TRUE(r) << garbage;
    EXPECT_EQ(r->status, 400) << garbage;
    EXPECT_EQ(r->header("content-type"), "application/problem+json");
    EXPECT_TRUE(c.closed_by_peer());
  }
}

TEST_F(HttpServerTest, TenThousandGarbageRequestsOnOneConnectionWhileAnotherIsServed) {
  start();
  std::atomic<bool> done{false};
  std::atomic<int> served{0}, failed{0};
  std::thread other([&] {
    RawHttpClient c(port());
    while (!done.load()) {
      auto r = c.request("GET", "/hello?i=other");
      if (r && r->status == 200 && r->body == "hello other") {
        served.fetch_add(1);
      } else {
        failed.fetch_add(1);
        break;
      }
    }
  });

  const char* env = std::getenv("ICRM_GARBAGE_REQUESTS");
  const int total = env != nullptr ? std::atoi(env) : 10'000;
  std::mt19937 rng(20261123);
  auto random_bytes = [&](size_t n) {
    std::string s(n, '\0');
    for (auto& ch : s) ch = static_cast<char>(rng() & 0xFF);
    return s;
  };
  std::string many_params = "/hello?";
  for (size_t i = 0; i <= kMaxQueryParams; ++i) many_params += "p=1&";
  RawHttpClient c(port());
  const int batch = 50;
  int answered = 0;
  std::map<int, int> statuses;
  for (int sent = 0; sent < total; sent += batch) {
    std::string burst;
    int in_batch = std::min(batch, total - sent);
    for (int i = 0; i < in_batch; ++i) {
      switch (rng() % 8) {
        case 0:
          burst += RawHttpClient::build("GET", "/x" + std::to_string(rng()));
          break;
        case 1:
          burst += RawHttpClient::build("BREW", "/hello");
          break;
        case 2:
          burst += RawHttpClient::build("POST", "/json", random_bytes(1 + rng() % 200),
                                        "Content-Type: application/json\r\n");
          break;
        case 3:
          burst += RawHttpClient::build("POST", "/json", "{\"name\":\"\xC3\x28\"}",
                                        "Content-Type: application/json\r\n");
          break;
        case 4:
          burst += RawHttpClient::build("GET", "/%FF%00%C0%AF");
          break;
        case 5:
          burst += RawHttpClient::build("GET", many_params);
          break;
        case 6:
          burst += RawHttpClient::build("POST", "/json",
                                        "{\"name\":[1],\"drop\":\"'; DROP TABLE x;--\"}",
                                        "Content-Type: application/json\r\n");
          break;
        default:
          burst += RawHttpClient::build("DELETE", "/hello");
          break;
      }
    }
    ASSERT_TRUE(c.send(burst));
    for (int i = 0; i < in_batch; ++i) {
      auto r = c.read_response();
      ASSERT_TRUE(r) << "after " << answered << " answers";
      ++statuses[r->status];
      ASSERT_GE(r->status, 400);
      ASSERT_LT(r->status, 500) << r->body;
      ++answered;
    }
  }
  done.store(true);
  other.join();
  EXPECT_EQ(answered, total);
  EXPECT_EQ(failed.load(), 0);
  EXPECT_GT(served.load(), 0);
  for (int s : {400, 404, 405, 414}) EXPECT_GT(statuses[s], 0) << s;
  RawHttpClient fresh(port());
  EXPECT_EQ(fresh.request("GET", "/hello")->status, 200);
}

TEST_F(HttpServerTest, GracefulShutdownFinishesInFlightAndRefusesNew) {
  start();
  RawHttpClient idle(port(), 5s);
  ASSERT_EQ(idle.request("GET", "/hello")->status, 200);
  RawHttpClient busy(port(), 5s);
  ASSERT_TRUE(busy.send("POST /echo HTTP/1.1\r\nHost: x\r\nContent-Length: 10\r\n\r\n12345"));

  server_->shutdown();
  auto deadline = std::chrono::steady_clock::now() + 5s;
  while (!connection_refused(port()) && std::chrono::steady_clock::now() < deadline) {
    std::this_thread::sleep_for(5ms);
  }
  EXPECT_TRUE(connection_refused(port()));
  EXPECT_TRUE(idle.closed_by_peer());

  ASSERT_TRUE(busy.send("67890"));
  auto r = busy.read_response();
  ASSERT_TRUE(r);
  EXPECT_EQ(r->status, 200);
  EXPECT_EQ(r->body, "n=10");
  EXPECT_EQ(r->header("connection"), "close");
  EXPECT_TRUE(busy.closed_by_peer());
  server_->wait();
}

// A download written in pieces (as a CSV export is): HTTP/1.1 chunks, the
// last, empty one only when the stream says the body is whole.
class Pieces final : public ResponseStream {
 public:
  Pieces(std::vector<std::string> pieces, bool fail) : pieces_(std::move(pieces)), fail_(fail) {}
  void open(std::function<void()> wake) override { wake(); }
  bool take(std::string& out) override {
    if (next_ < pieces_.size()) out += pieces_[next_++];
    return next_ < pieces_.size();
  }
  void close() override {}
  bool chunked() const override { return true; }
  bool complete() const override { return !fail_; }

 private:
  std::vector<std::string> pieces_;
  std::size_t next_ = 0;
  bool fail_;
};

TEST_F(HttpServerTest, ADownloadIsChunkedAndEndsWithTheLastChunkOnlyWhenWhole) {
  const std::string big(100'000, 'x');
  router_.add(Method::kGet, "/download", [big](const Request& r) -> Result<Response> {
    Response res = Response::text(200, "text/csv", "");
    res.stream = std::make_shared<Pieces>(std::vector<std::string>{"a,b\n", big, "end\n"},
                                          r.query_param("fail").has_value());
    return res;
  });
  start();
  {
    RawHttpClient c(port(), 5s);
    ASSERT_TRUE(c.send(RawHttpClient::build("GET", "/download")));
    auto all = c.read_until("\r\n0\r\n\r\n");
    ASSERT_TRUE(all);
    EXPECT_NE(all->find("Transfer-Encoding: chunked\r\n"), std::string::npos)
        << all->substr(0, 300);
    EXPECT_EQ(all->find("Content-Length"), std::string::npos);
    EXPECT_NE(all->find("\r\n\r\n4\r\na,b\n\r\n186a0\r\n" + big + "\r\n4\r\nend\n\r\n0\r\n\r\n"),
              std::string::npos);
    EXPECT_TRUE(c.closed_by_peer());
  }
  {
    RawHttpClient c(port(), 5s);
    ASSERT_TRUE(c.send(RawHttpClient::build("GET", "/download?fail=1")));
    ASSERT_TRUE(c.read_until("4\r\nend\n\r\n"));
    EXPECT_FALSE(c.read_until("0\r\n\r\n"));  // closed without the last chunk
  }
}

TEST_F(HttpServerTest, RefusesAnAddressInUse) {
  start();
  ServerOptions again = options_;
  again.port = port();
  again.host = "127.0.0.1";
  auto second = HttpServer::start(again, router_, metrics_);
  ASSERT_FALSE(second);
  EXPECT_EQ(second.error().code, ErrorCode::kUnavailable);
}

}  // namespace
}  // namespace icrm::api
