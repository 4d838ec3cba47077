// CurlPoster against real sockets, all on this machine's loopback: the
// egress policy is applied to the address being connected to, after name
// resolution (a name, a decimal or hex IPv4 form, an IPv4-mapped IPv6 form
// all reach 127.0.0.1 and are all refused by default, before any packet is
// sent); http needs allowing; failures come back as classes with curl's text
// kept apart for the server log; redirects are not followed.
#include "notify/http_poster.h"

#include <gtest/gtest.h>
#include <netinet/in.h>
#include <sys/socket.h>
#include <unistd.h>

#include "notify/signature.h"
#include "tests/notify/webhook_receiver.h"

namespace icrm::notify {
namespace {

using testing::loopback_options;
using testing::Receiver;

const Timestamp kNow = *parse_timestamp("2026-11-23T10:00:00Z");

// A POST the receiver accepts: signed at kNow, the receiver's clock.
PostResult post(HttpPoster& poster, const std::string& url) {
  std::string signature =
      sign_webhook(testing::kReceiverSecret, to_unix_micros(kNow) / 1'000'000, "{}");
  return poster.post(
      url, {{"Content-Type", "application/json"}, {std::string(kSignatureHeader), signature}},
      "{}");
}

// A TCP port on 127.0.0.1 that completes handshakes (the kernel's backlog)
// but never answers: a receiver that hangs.
class SilentListener {
 public:
  SilentListener() {
    fd_ = socket(AF_INET, SOCK_STREAM | SOCK_CLOEXEC, 0);
    sockaddr_in a{};
    a.sin_family = AF_INET;
    a.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
    EXPECT_EQ(bind(fd_, reinterpret_cast<sockaddr*>(&a), sizeof a), 0);
    EXPECT_EQ(listen(fd_, 4), 0);
    socklen_t len = sizeof a;
    getsockname(fd_, reinterpret_cast<sockaddr*>(&a), &len);
    port_ = ntohs(a.sin_port);
  }
  ~SilentListener() { close(fd_); }
  int port() const { return port_; }

 private:
  int fd_ = -1;
  int port_ = 0;
};

class HttpPosterTest : public ::testing::Test {
 protected:
  ManualClock clock_{kNow};
  Receiver receiver_{clock_};
};

TEST_F(HttpPosterTest, LoopbackInEveryFormIsRefusedByDefaultWithoutConnecting) {
  CurlPosterOptions options;
  options.egress.allow_http = true;  // the address, not the scheme, is refused
  auto poster = make_curl_poster(options);
  const std::string hosts[] = {
      "127.0.0.1",       "127.8.9.10",
      "localhost",        // a name resolving to loopback
      "hooks.localhost",  // a name no literal check would catch
      "2130706433",       // 127.0.0.1 as one decimal number
      "0x7f.1",           // and in hex
      "[::1]",           "[::ffff:127.0.0.1]", "[::ffff:7f00:1]",
  };
  for (const auto& host : hosts) {
    auto r = post(*poster, receiver_.url(host));
    EXPECT_EQ(r.error, kRefusedByPolicy) << host << ": " << r.detail;
    EXPECT_FALSE(r.status_code.has_value()) << host;
    EXPECT_NE(r.detail.find("loopback"), std::string::npos) << host << ": " << r.detail;
  }
  EXPECT_TRUE(receiver_.received().empty()) << "a refused address was connected to";
}

TEST_F(HttpPosterTest, AnAllowedNetworkIsDeliveredToInItsMappedFormToo) {
  auto poster = make_curl_poster(loopback_options());
  for (const std::string host : {"127.0.0.1", "localhost", "[::ffff:127.0.0.1]"}) {
    auto r = post(*poster, receiver_.url(host));
    EXPECT_TRUE(r.ok()) << host << ": " << r.error << " " << r.detail;
  }
  EXPECT_EQ(receiver_.received().size(), 3u);
  // ::1 is not in 127.0.0.0/8: localhost's IPv6 address stays refused.
  auto v6 = post(*poster, receiver_.url("[::1]"));
  EXPECT_EQ(v6.error, kRefusedByPolicy) << v6.detail;
}

TEST_F(HttpPosterTest, HttpIsRefusedUnlessAllowed) {
  CurlPosterOptions options = loopback_options();
  options.egress.allow_http = false;
  auto poster = make_curl_poster(options);
  auto r = post(*poster, receiver_.url());
  EXPECT_EQ(r.error, kRefusedByPolicy);
  EXPECT_NE(r.detail.find("https"), std::string::npos) << r.detail;
  auto upper = post(*poster, "HTTP://127.0.0.1:" + std::to_string(receiver_.port()) + "/hook");
  EXPECT_EQ(upper.error, kRefusedByPolicy);
  EXPECT_TRUE(receiver_.received().empty());
}

TEST_F(HttpPosterTest, FailuresAreClassesAndCurlsWordsAreTheDetail) {
  CurlPosterOptions options = loopback_options();
  options.connect_timeout = std::chrono::milliseconds(2'000);
  options.request_timeout = std::chrono::milliseconds(300);
  auto poster = make_curl_poster(options);

  auto closed = post(*poster, "http://127.0.0.1:1/hook");  // nothing listens on port 1
  EXPECT_EQ(closed.error, kCouldNotConnect);
  EXPECT_NE(closed.detail.find("onnect"), std::string::npos) << closed.detail;

  SilentListener silent;
  auto hung = post(*poster, "http://127.0.0.1:" + std::to_string(silent.port()) + "/hook");
  EXPECT_EQ(hung.error, kTimedOut) << hung.detail;
  EXPECT_FALSE(hung.detail.empty());

  // https to a plain-http server: the TLS handshake fails.
  auto tls = post(*poster, "https://127.0.0.1:" + std::to_string(receiver_.port()) + "/hook");
  EXPECT_EQ(tls.error, kTlsError) << tls.detail;

  receiver_.answer({500});
  auto status = post(*poster, receiver_.url());
  EXPECT_EQ(status.status_code, 500);
  EXPECT_TRUE(status.error.empty()) << "an answer is no transport error";
}

TEST_F(HttpPosterTest, RedirectsAreNotFollowed) {
  auto poster = make_curl_poster(loopback_options());
  auto r = post(*poster, receiver_.url("127.0.0.1", "/moved"));
  EXPECT_EQ(r.status_code, 302);
  EXPECT_FALSE(r.ok());
  EXPECT_TRUE(receiver_.received().empty()) << "the redirect to /hook was followed";
}

}  // namespace
}  // namespace icrm::notify
