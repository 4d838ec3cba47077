#include "api/auth/credentials.h"

#include <gtest/gtest.h>

#include "api/auth/client_address.h"

namespace icrm::api::auth {
namespace {

using namespace std::chrono_literals;

TEST(CredentialsTest, SessionCookieIsHttpOnlyAndStrict) {
  auto c = session_cookie("abc", 3600s, false);
  EXPECT_EQ(c, "icrm_session=abc; Path=/; Max-Age=3600; HttpOnly; SameSite=Strict");
  EXPECT_NE(session_cookie("abc", 1s, true).find("; Secure"), std::string::npos);
  EXPECT_NE(expired_session_cookie(false).find("Max-Age=0"), std::string::npos);
}

TEST(CredentialsTest, SecureCookiesAreHostPrefixedSecureAndWithoutDomain) {
  auto c = session_cookie("abc", 3600s, true);
  EXPECT_EQ(c, "__Host-icrm_session=abc; Path=/; Max-Age=3600; HttpOnly; SameSite=Strict; Secure");
  EXPECT_EQ(c.find("Domain"), std::string::npos);
  EXPECT_EQ(expired_session_cookie(true).rfind("__Host-icrm_session=;", 0), 0u);
  // With the prefix required, a plain icrm_session planted by someone else is ignored.
  EXPECT_EQ(*session_token_from_cookie("__Host-icrm_session=tok", kSecureSessionCookieName), "tok");
  EXPECT_FALSE(session_token_from_cookie("icrm_session=tok", kSecureSessionCookieName));
}

TEST(ClientAddressTest, ForwardedForCountsOnlyFromTheTrustedProxy) {
  EXPECT_EQ(client_address("10.0.0.5", "203.0.113.9", ""), "10.0.0.5");
  EXPECT_EQ(client_address("10.0.0.5", "203.0.113.9", "10.0.0.1"), "10.0.0.5");
  EXPECT_EQ(client_address("10.0.0.1", "203.0.113.9", "10.0.0.1"), "203.0.113.9");
  // The proxy appends what it saw; what the client sent before is not believed.
  EXPECT_EQ(client_address("10.0.0.1", "1.2.3.4, 203.0.113.9", "10.0.0.1"), "203.0.113.9");
  EXPECT_EQ(client_address("10.0.0.1", "not-an-ip", "10.0.0.1"), "10.0.0.1");
  EXPECT_EQ(client_address("10.0.0.1", std::nullopt, "10.0.0.1"), "10.0.0.1");
  EXPECT_EQ(client_address("::ffff:10.0.0.1", " 2001:db8::1 ", "10.0.0.1"), "2001:db8::1");
  std::string long_header(kMaxForwardedForLength - 11, ' ');
  EXPECT_EQ(client_address("10.0.0.1", long_header + "203.0.113.9", "10.0.0.1"), "203.0.113.9");
  EXPECT_EQ(client_address("10.0.0.1", long_header + " 203.0.113.9", "10.0.0.1"), "10.0.0.1");
}

TEST(CredentialsTest, FindsTheSessionCookieAmongOthers) {
  EXPECT_EQ(*session_token_from_cookie("icrm_session=tok-1_A"), "tok-1_A");
  EXPECT_EQ(*session_token_from_cookie("a=1; icrm_session=xyz ; b=2"), "xyz");
  EXPECT_EQ(*session_token_from_cookie("icrm_session=\"q\""), "q");
  EXPECT_FALSE(session_token_from_cookie("other=1").has_value());
  EXPECT_FALSE(session_token_from_cookie("xicrm_session=1").has_value());
  EXPECT_FALSE(session_token_from_cookie("icrm_session=").has_value());
  EXPECT_FALSE(session_token_from_cookie("icrm_session=a'b").has_value());
  std::string padded(kMaxCookieHeaderLength - 14, ' ');
  EXPECT_TRUE(session_token_from_cookie(padded + "icrm_session=z").has_value());
  EXPECT_FALSE(session_token_from_cookie(padded + " icrm_session=z").has_value());
}

TEST(CredentialsTest, ParsesBearer) {
  EXPECT_EQ(*bearer_token("Bearer icrm_abc"), "icrm_abc");
  EXPECT_EQ(*bearer_token("bearer   icrm_abc "), "icrm_abc");
  EXPECT_FALSE(bearer_token("Basic dXNlcjpwdw==").has_value());
  EXPECT_FALSE(bearer_token("Bearer").has_value());
  EXPECT_FALSE(bearer_token("Bearer a b").has_value());
  EXPECT_FALSE(bearer_token("Bearericrm").has_value());
}

TEST(CsrfTest, CookieWritesNeedTheHeader) {
  CsrfCheck r{.method = "POST", .cookie_authenticated = true};
  auto denied = check_csrf(r);
  ASSERT_FALSE(denied.ok());
  EXPECT_EQ(denied.error().code, ErrorCode::kPermissionDenied);
  EXPECT_NE(denied.error().message.find("X-Requested-With"), std::string::npos);
  r.requested_with = "InsightCRM";
  EXPECT_TRUE(check_csrf(r).ok());
  r.requested_with = "XMLHttpRequest";
  EXPECT_FALSE(check_csrf(r).ok());
}

TEST(CsrfTest, SafeMethodsAndBearerCallsAreExempt) {
  for (std::string_view m : {"GET", "HEAD", "OPTIONS"}) {
    EXPECT_TRUE(check_csrf({.method = m, .cookie_authenticated = true}).ok()) << m;
  }
  for (std::string_view m : {"POST", "PUT", "PATCH", "DELETE"}) {
    EXPECT_TRUE(check_csrf({.method = m, .cookie_authenticated = false}).ok()) << m;
    EXPECT_FALSE(check_csrf({.method = m, .cookie_authenticated = true}).ok()) << m;
  }
}

TEST(CsrfTest, OriginMustMatchHostWhenSent) {
  CsrfCheck r{.method = "DELETE",
              .cookie_authenticated = true,
              .requested_with = "InsightCRM",
              .origin = "http://crm.example.com:8080",
              .host = "crm.example.com:8080"};
  EXPECT_TRUE(check_csrf(r).ok());
  r.origin = "https://evil.example";
  EXPECT_FALSE(check_csrf(r).ok());
  r.origin = "null";
  EXPECT_FALSE(check_csrf(r).ok());
  r.origin.reset();
  EXPECT_TRUE(check_csrf(r).ok());
}

}  // namespace
}  // namespace icrm::api::auth
