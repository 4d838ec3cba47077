// The real `insightcrm serve` binary as a subprocess, on both engines:
// it migrates, serves, and on SIGTERM finishes the request in flight,
// refuses new connections and exits 0.
#include <gtest/gtest.h>
#include <signal.h>
#include <sys/wait.h>
#include <unistd.h>

#include <chrono>
#include <cstring>
#include <filesystem>
#include <fstream>
#include <regex>
#include <string>
#include <thread>
#include <vector>

#include "api/auth/password.h"
#include "core/clock.h"
#include "store/user_store.h"
#include "tests/api/raw_http_client.h"
#include "tests/support/test_database.h"

namespace icrm::testing {
namespace {

using namespace std::chrono_literals;

class ServeProcess {
 public:
  explicit ServeProcess(const std::string& db_url, std::vector<std::string> extra = {}) {
    std::vector<std::string> args = {ICRM_BINARY, "serve", "--port", "0",
                                     "--db",      db_url,  "--web",  "/nonexistent-web-dist"};
    args.insert(args.end(), extra.begin(), extra.end());
    std::vector<char*> argv;
    for (auto& a : args) argv.push_back(a.data());
    argv.push_back(nullptr);
    int out[2];
    if (::pipe(out) != 0) return;
    pid_ = ::fork();
    if (pid_ == 0) {
      ::dup2(out[1], STDOUT_FILENO);
      ::dup2(out[1], STDERR_FILENO);
      ::close(out[0]);
      ::close(out[1]);
      ::execv(ICRM_BINARY, argv.data());
      ::_exit(127);
    }
    ::close(out[1]);
    out_ = ::fdopen(out[0], "r");
    // The server prints its URL once it listens.
    std::regex listening(R"(listening on http://127\.0\.0\.1:(\d+)/)");
    char line[4096];
    while (std::fgets(line, sizeof line, out_) != nullptr) {
      log_ += line;
      std::cmatch m;
      if (std::regex_search(line, m, listening)) {
        port_ = static_cast<uint16_t>(std::stoi(m[1].str()));
        break;
      }
    }
  }
  ~ServeProcess() {
    if (pid_ > 0 && !reaped_) {
      ::kill(pid_, SIGKILL);
      ::waitpid(pid_, nullptr, 0);
    }
    if (out_ != nullptr) std::fclose(out_);
  }
  uint16_t port() const { return port_; }
  pid_t pid() const { return pid_; }
  const std::string& log() const { return log_; }
  // Waits for the exit; the exit code, or -1 for a signal or timeout.
  int wait_exit(std::chrono::seconds timeout) {
    auto deadline = std::chrono::steady_clock::now() + timeout;
    while (std::chrono::steady_clock::now() < deadline) {
      int status = 0;
      pid_t r = ::waitpid(pid_, &status, WNOHANG);
      if (r == pid_) {
        reaped_ = true;
        return WIFEXITED(status) ? WEXITSTATUS(status) : -1;
      }
      std::this_thread::sleep_for(10ms);
    }
    return -1;
  }

 private:
  pid_t pid_ = -1;
  FILE* out_ = nullptr;
  uint16_t port_ = 0;
  std::string log_;
  bool reaped_ = false;
};

class ServeCommandTest : public StoreTest {};

TEST_P(ServeCommandTest, ServesHealthAndStopsGracefullyOnSigterm) {
  ServeProcess serve(db_url());
  ASSERT_NE(serve.port(), 0) << serve.log();
  RawHttpClient probe(serve.port());
  auto ready = probe.request("GET", "/readyz");
  ASSERT_TRUE(ready);
  EXPECT_EQ(ready->status, 200) << ready->body;
  auto page = probe.request("GET", "/");
  ASSERT_TRUE(page);
  EXPECT_NE(page->body.find("dashboard is not built"), std::string::npos);

  // A request in flight: headers and half its body sent when SIGTERM arrives.
  RawHttpClient busy(serve.port(), 10s);
  ASSERT_TRUE(busy.send("POST /healthz HTTP/1.1\r\nHost: x\r\nContent-Length: 10\r\n\r\n12345"));
  ASSERT_EQ(::kill(serve.pid(), SIGTERM), 0);

  auto deadline = std::chrono::steady_clock::now() + 10s;
  while (!connection_refused(serve.port()) && std::chrono::steady_clock::now() < deadline) {
    std::this_thread::sleep_for(5ms);
  }
  EXPECT_TRUE(connection_refused(serve.port()));
  EXPECT_TRUE(probe.closed_by_peer());  // idle keep-alive connections are closed

  ASSERT_TRUE(busy.send("67890"));
  auto r = busy.read_response();
  ASSERT_TRUE(r);
  EXPECT_EQ(r->status, 405);  // answered in full, as any request would be
  EXPECT_EQ(r->header("connection"), "close");
  EXPECT_EQ(serve.wait_exit(15s), 0);
}

TEST_P(ServeCommandTest, SignInSettingsReachTheServer) {
  auto hash = api::auth::hash_password("correct horse battery", api::auth::PasswordCost::minimum());
  ASSERT_TRUE(hash.ok());
  ASSERT_TRUE(
      store::UserStore(db(), SystemClock::instance())
          .create(store::Actor::system(), {"ada@example.com", "Ada", store::Role::kAdmin, *hash})
          .ok());
  char dir_template[] = "/tmp/icrm-security-log-XXXXXX";
  ASSERT_NE(::mkdtemp(dir_template), nullptr);
  const std::string log_path = std::string(dir_template) + "/security.log";
  {
    ServeProcess serve(db_url(), {"--secure-cookies", "--security-log", log_path, "--trusted-proxy",
                                  "127.0.0.1", "--session-hours", "2"});
    ASSERT_NE(serve.port(), 0) << serve.log();
    RawHttpClient client(serve.port());
    auto login = [&](const std::string& password) {
      return client.request("POST", "/api/v1/auth/login",
                            R"({"email":"ada@example.com","password":")" + password + R"("})",
                            "Content-Type: application/json\r\nX-Forwarded-For: 198.51.100.7\r\n");
    };
    auto bad = login("wrong password!");
    ASSERT_TRUE(bad);
    EXPECT_EQ(bad->status, 401) << bad->body;
    auto good = login("correct horse battery");
    ASSERT_TRUE(good);
    ASSERT_EQ(good->status, 200) << good->body;
    const std::string cookie = good->header("set-cookie");
    EXPECT_EQ(cookie.rfind("__Host-icrm_session=", 0), 0u) << cookie;
    EXPECT_NE(cookie.find("Max-Age=7200;"), std::string::npos) << cookie;
    EXPECT_NE(cookie.find("; Secure"), std::string::npos) << cookie;
    ASSERT_EQ(::kill(serve.pid(), SIGTERM), 0);
    EXPECT_EQ(serve.wait_exit(15s), 0);
  }
  std::ifstream in(log_path);
  std::string log((std::istreambuf_iterator<char>(in)), std::istreambuf_iterator<char>());
  EXPECT_NE(log.find(R"("event":"auth.login_failed")"), std::string::npos) << log;
  EXPECT_NE(log.find(R"("event":"auth.login")"), std::string::npos) << log;
  EXPECT_NE(log.find("198.51.100.7"), std::string::npos) << "the client the proxy named";
  EXPECT_EQ(log.find("correct horse battery"), std::string::npos);
  std::filesystem::remove_all(dir_template);
}

ICRM_INSTANTIATE_ON_BOTH_ENGINES(ServeCommandTest);

}  // namespace
}  // namespace icrm::testing
