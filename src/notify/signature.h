// Webhook signatures: how a receiver knows a POST came from this server and
// was not replayed. Each delivery carries
//
//   X-InsightCRM-Signature: t=<unix seconds>,v1=<hex HMAC-SHA256(secret, t + "." + body)>
//
// A receiver recomputes the HMAC over the timestamp it was given, a dot and
// the raw body bytes, compares in constant time, and refuses a timestamp more
// than its tolerance (default kDefaultSignatureTolerance, 5 minutes) away from
// its own clock, so a captured request cannot be replayed later. The
// timestamp is signed, so it cannot be changed without the secret.
// verify_signature() does exactly that; docs/webhooks.md shows it in a
// few lines of other languages. Pure functions; thread-safe.
#pragma once

#include <chrono>
#include <cstdint>
#include <string>
#include <string_view>

#include "core/result.h"
#include "core/time.h"

namespace icrm::notify {

inline constexpr std::string_view kSignatureHeader = "X-InsightCRM-Signature";
inline constexpr std::string_view kEventHeader = "X-InsightCRM-Event";
inline constexpr std::string_view kDeliveryHeader = "X-InsightCRM-Delivery";
inline constexpr std::chrono::seconds kDefaultSignatureTolerance{300};
// A signature header longer than this is refused unread.
inline constexpr size_t kMaxSignatureHeaderBytes = 512;

// Lower-case hex HMAC-SHA256 of `message` under `secret`.
std::string hmac_sha256_hex(std::string_view secret, std::string_view message);

// The header value for `body` sent at `unix_seconds`.
std::string sign_webhook(std::string_view secret, int64_t unix_seconds, std::string_view body);

// Ok when `header` is a valid signature of `body` under `secret` whose
// timestamp is within `tolerance` of `now`; otherwise an unauthenticated
// Error saying why (malformed, stale, mismatch).
Status verify_signature(std::string_view secret, std::string_view header, std::string_view body,
                        Timestamp now, std::chrono::seconds tolerance = kDefaultSignatureTolerance);

// A new random secret: "whsec_" and 32 random bytes in hex.
std::string generate_webhook_secret();

}  // namespace icrm::notify
