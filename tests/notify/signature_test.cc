// Webhook signatures: what a receiver checks — the HMAC over "t.body", the
// timestamp's age, and malformed headers.
#include "notify/signature.h"

#include <gtest/gtest.h>

namespace icrm::notify {
namespace {

const Timestamp kNow = *parse_timestamp("2026-11-23T10:00:00Z");
const int64_t kNowSeconds = to_unix_micros(kNow) / 1'000'000;

TEST(SignatureTest, HmacMatchesRfc4231TestCase2) {
  // RFC 4231, test case 2: key "Jefe", data "what do ya want for nothing?".
  EXPECT_EQ(hmac_sha256_hex("Jefe", "what do ya want for nothing?"),
            "5bdcc146bf60754e6a042426089575c75a003f089d2739839dec58b964ec3843");
}

TEST(SignatureTest, RoundTrips) {
  std::string body = R"({"id":"evt_1","topic":"decision","data":{"lead":4}})";
  std::string header = sign_webhook("whsec_x", kNowSeconds, body);
  EXPECT_EQ(header.rfind("t=" + std::to_string(kNowSeconds) + ",v1=", 0), 0u) << header;
  EXPECT_TRUE(verify_signature("whsec_x", header, body, kNow).ok());
}

TEST(SignatureTest, RejectsATamperedBodyTimestampOrSecret) {
  std::string body = R"({"amount":100})";
  std::string header = sign_webhook("s1", kNowSeconds, body);
  EXPECT_FALSE(verify_signature("s1", header, R"({"amount":900})", kNow).ok());
  EXPECT_FALSE(verify_signature("s2", header, body, kNow).ok());
  // The timestamp is signed: moving it breaks the signature.
  std::string moved = header;
  moved.replace(2, std::to_string(kNowSeconds).size(), std::to_string(kNowSeconds + 1));
  auto s = verify_signature("s1", moved, body, kNow);
  ASSERT_FALSE(s.ok());
  EXPECT_EQ(s.error().code, ErrorCode::kUnauthenticated);
  EXPECT_NE(s.error().message.find("does not match"), std::string::npos);
}

TEST(SignatureTest, RejectsStaleTimestampsOnePastTheTolerance) {
  std::string body = "{}";
  auto at_age = [&](int64_t age) {
    return verify_signature("s", sign_webhook("s", kNowSeconds - age, body), body, kNow,
                            std::chrono::seconds(300));
  };
  EXPECT_TRUE(at_age(300).ok());
  auto stale = at_age(301);
  ASSERT_FALSE(stale.ok());
  EXPECT_NE(stale.error().message.find("301 s from now"), std::string::npos);
  // From the future too (a receiver's clock behind ours is allowed the same slack).
  EXPECT_TRUE(at_age(-300).ok());
  EXPECT_FALSE(at_age(-301).ok());
}

TEST(SignatureTest, RejectsMalformedHeaders) {
  std::string good = sign_webhook("s", kNowSeconds, "{}");
  std::string v1 = good.substr(good.find("v1="));
  for (std::string bad :
       {std::string(""), std::string("v1=abc"), v1, "t=abc," + v1,
        "t=" + std::to_string(kNowSeconds), "t=" + std::to_string(kNowSeconds) + ",v1=zz"}) {
    EXPECT_FALSE(verify_signature("s", bad, "{}", kNow).ok()) << bad;
  }
  std::string padded = good + "," + std::string(kMaxSignatureHeaderBytes - good.size() - 1, 'x');
  ASSERT_EQ(padded.size(), kMaxSignatureHeaderBytes);
  EXPECT_TRUE(verify_signature("s", padded, "{}", kNow).ok());
  EXPECT_FALSE(verify_signature("s", padded + "x", "{}", kNow).ok());
}

TEST(SignatureTest, SecretsAreRandom) {
  std::string a = generate_webhook_secret(), b = generate_webhook_secret();
  EXPECT_EQ(a.size(), 6u + 64u);
  EXPECT_EQ(a.rfind("whsec_", 0), 0u);
  EXPECT_NE(a, b);
}

}  // namespace
}  // namespace icrm::notify
