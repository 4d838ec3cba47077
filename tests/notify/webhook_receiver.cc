#include "tests/notify/webhook_receiver.h"

#include <gtest/gtest.h>

#include "notify/signature.h"

namespace icrm::testing {

notify::CurlPosterOptions loopback_options() {
  notify::CurlPosterOptions options;
  options.egress.allow_http = true;
  options.egress.allowed = {*notify::parse_ip_network("127.0.0.0/8")};
  return options;
}

Receiver::Receiver(const Clock& clock) : clock_(clock) {
  router_.add(
      api::Method::kPost, "/hook",
      [this](const api::Request& r) -> Result<api::Response> {
        Received got;
        got.body = r.body;
        got.event_id = std::string(r.headers.get(notify::kEventHeader).value_or(""));
        got.delivery_id = std::string(r.headers.get(notify::kDeliveryHeader).value_or(""));
        got.content_type = std::string(r.headers.get("Content-Type").value_or(""));
        auto verified = notify::verify_signature(
            kReceiverSecret, r.headers.get(notify::kSignatureHeader).value_or(""), r.body,
            clock_.now());
        got.signature_ok = verified.ok();
        if (!verified.ok()) got.signature_error = verified.error().message;
        int status = 200;
        {
          std::lock_guard lock(mutex_);
          received_.push_back(std::move(got));
          if (!statuses_.empty()) {
            status = statuses_.front();
            statuses_.pop_front();
          }
        }
        arrived_.notify_all();
        if (!verified.ok()) status = 401;
        return api::Response::json(status, "{}");
      },
      {}, api::Access::kPublic);
  router_.add(
      api::Method::kPost, "/moved",
      [](const api::Request&) -> Result<api::Response> {
        auto r = api::Response::json(302, "{}");
        r.headers.set("Location", "/hook");
        return r;
      },
      {}, api::Access::kPublic);
  auto server = api::HttpServer::start({.port = 0, .threads = 1}, router_, metrics_);
  EXPECT_TRUE(server.ok()) << server.error().to_string();
  server_ = std::move(*server);
}

Receiver::~Receiver() {
  server_->shutdown();
  server_->wait();
}

std::string Receiver::url(const std::string& host, const std::string& path) const {
  return "http://" + host + ":" + std::to_string(port()) + path;
}

void Receiver::answer(std::initializer_list<int> statuses) {
  std::lock_guard lock(mutex_);
  statuses_.insert(statuses_.end(), statuses);
}

std::vector<Received> Receiver::received() const {
  std::lock_guard lock(mutex_);
  return received_;
}

bool Receiver::await(size_t n, std::chrono::seconds timeout) {
  std::unique_lock lock(mutex_);
  return arrived_.wait_for(lock, timeout, [&] { return received_.size() >= n; });
}

}  // namespace icrm::testing
