// The limits and checks on what an admin configures for webhooks: URL form
// and length, topics, how many endpoints, how large a body is sent. Every
// limit is a named constant with a test at it and one past it
// (tests/notify/webhook_limits_test.cc).
//
// SSRF: a webhook makes this server send requests to a URL someone typed.
// Only admins may configure endpoints, only http and https are accepted
// (http only when allowed), internal addresses are refused when connecting
// (egress_policy.h), redirects are not followed and the response body is not
// read beyond a small cap nor shown; failures are shown as a class, never the
// transport's text (http_poster.h).
#pragma once

#include <array>
#include <cstddef>
#include <string>
#include <string_view>
#include <vector>

#include "core/result.h"

namespace icrm::notify {

inline constexpr size_t kMaxWebhookUrlBytes = 2048;
inline constexpr size_t kMaxWebhookEndpoints = 50;
// A bus message whose data is larger than this is not forwarded (logged and
// counted); the body sent is the data in a small envelope.
inline constexpr size_t kMaxWebhookDataBytes = 256 * 1024;
// Bus messages held in memory before the worker writes them to the outbox;
// past it they are dropped (logged and counted), never blocking a publisher.
inline constexpr size_t kMaxQueuedWebhookMessages = 10'000;
inline constexpr size_t kMaxWebhookDescriptionBytes = 1000;

// Topics an endpoint may subscribe to. "summary" (the stream's per-second
// heartbeat) is never forwarded; "ping" is what POST /webhooks/{id}/test sends.
inline constexpr std::array<std::string_view, 3> kWebhookTopics = {"decision", "alert", "score"};
inline constexpr std::string_view kPingTopic = "ping";

bool is_webhook_topic(std::string_view topic);

// An absolute http:// or https:// URL with a host, at most kMaxWebhookUrlBytes,
// no user:password part, no fragment, no spaces or control characters.
Status check_webhook_url(std::string_view url);
// A non-empty list of known topics, without repeats.
Status check_webhook_topics(const std::vector<std::string>& topics);

}  // namespace icrm::notify
