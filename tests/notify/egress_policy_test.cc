// The webhook egress policy without any network: which addresses count as
// internal (each range at its edges), IPv4 hidden in IPv6, the allow-list, the
// settings' parsing at their limit and one past, and what the API can refuse
// from a URL alone.
#include "notify/egress_policy.h"

#include <gtest/gtest.h>
#include <netinet/in.h>

namespace icrm::notify {
namespace {

IpAddress ip(const char* text) {
  auto a = parse_ip_address(text);
  EXPECT_TRUE(a.has_value()) << text;
  return a.value_or(IpAddress{});
}

bool refused(const EgressPolicy& p, const char* text) { return !p.check_address(ip(text)).ok(); }

TEST(EgressPolicy, InternalAddressesAreRefusedByDefault) {
  EgressPolicy p;
  for (const char* a : {"127.0.0.1",
                        "127.255.255.255",
                        "0.0.0.0",
                        "0.1.2.3",
                        "10.0.0.0",
                        "10.255.255.255",
                        "172.16.0.1",
                        "172.31.255.255",
                        "192.168.0.1",
                        "192.168.255.255",
                        "169.254.0.1",
                        "169.254.169.254",
                        "100.64.0.1",
                        "100.127.255.255",
                        "192.0.0.8",
                        "192.0.2.1",
                        "198.18.0.1",
                        "198.19.255.255",
                        "198.51.100.7",
                        "203.0.113.9",
                        "224.0.0.1",
                        "239.255.255.250",
                        "240.0.0.1",
                        "255.255.255.255",
                        "::",
                        "::1",
                        "::127.0.0.1",
                        "::ffff:127.0.0.1",
                        "::ffff:169.254.169.254",
                        "::ffff:10.0.0.1",
                        "fc00::1",
                        "fd12:3456::1",
                        "fe80::1",
                        "febf::1",
                        "fec0::1",
                        "ff02::1",
                        "2001:db8::1",
                        "2001::1",
                        "64:ff9b::7f00:1",
                        "64:ff9b::a9fe:a9fe",
                        "64:ff9b:1::1",
                        "2002:7f00:1::",
                        "2002:a9fe:a9fe::1",
                        "100::1"})
    EXPECT_TRUE(refused(p, a)) << a;
}

TEST(EgressPolicy, PublicAddressesAndTheNeighboursOfEachRangeAreAllowed) {
  EgressPolicy p;
  for (const char* a : {"1.1.1.1",         "8.8.8.8",         "9.255.255.255",   "11.0.0.0",
                        "172.15.255.255",  "172.32.0.0",      "192.167.255.255", "192.169.0.0",
                        "169.253.255.255", "169.255.0.0",     "100.63.255.255",  "100.128.0.0",
                        "126.255.255.255", "128.0.0.0",       "223.255.255.255", "198.17.255.255",
                        "198.20.0.0",      "2606:4700::1111", "2a00:1450::1",    "64:ff9b::808:808",
                        "2002:808:808::1", "::ffff:8.8.8.8",  "fbff::1",         "fe7f::1"})
    EXPECT_FALSE(refused(p, a)) << a;
}

TEST(EgressPolicy, TheMetadataAddressIsNamedAsSuch) {
  EXPECT_EQ(special_address_kind(ip("169.254.169.254")), "cloud metadata");
  EXPECT_EQ(special_address_kind(ip("::ffff:169.254.169.254")), "cloud metadata");
  EXPECT_EQ(special_address_kind(ip("169.254.1.1")), "link-local");
  EXPECT_EQ(special_address_kind(ip("::1")), "loopback");
  auto s = EgressPolicy{}.check_address(ip("10.1.2.3"));
  ASSERT_FALSE(s.ok());
  EXPECT_EQ(s.error().code, ErrorCode::kPermissionDenied);
  EXPECT_NE(s.error().message.find("10.1.2.3 is a private address"), std::string::npos)
      << s.error().message;
  EXPECT_NE(s.error().message.find("--webhook-allow"), std::string::npos);
}

TEST(EgressPolicy, AnAllowedNetworkIsExemptAndOnlyIt) {
  auto p = make_egress_policy(false, {"10.20.0.0/16", "127.0.0.1", "fd00:1::/32"});
  ASSERT_TRUE(p.ok()) << p.error().to_string();
  EXPECT_FALSE(refused(*p, "10.20.0.1"));
  EXPECT_FALSE(refused(*p, "10.20.255.255"));
  EXPECT_FALSE(refused(*p, "::ffff:10.20.3.4")) << "the mapped form of an allowed address";
  EXPECT_TRUE(refused(*p, "10.21.0.1"));
  EXPECT_FALSE(refused(*p, "127.0.0.1"));
  EXPECT_TRUE(refused(*p, "127.0.0.2"));
  EXPECT_FALSE(refused(*p, "fd00:1:ffff::1"));
  EXPECT_TRUE(refused(*p, "fd00:2::1"));
  EXPECT_TRUE(refused(*p, "169.254.169.254"));
}

TEST(EgressPolicy, NetworksAreParsedStrictly) {
  EXPECT_EQ(parse_ip_network("10.0.0.0/8")->prefix, 8);
  EXPECT_EQ(parse_ip_network("0.0.0.0/0")->prefix, 0);
  EXPECT_EQ(parse_ip_network("::/0")->prefix, 0);
  EXPECT_EQ(parse_ip_network("::1")->prefix, 128);
  auto mapped = parse_ip_network("::ffff:10.0.0.0/104");
  ASSERT_TRUE(mapped.ok());
  EXPECT_FALSE(mapped->base.v6);
  EXPECT_EQ(mapped->prefix, 8);
  EXPECT_TRUE(parse_ip_network("10.0.0.0/32").ok());
  for (const char* bad : {"10.0.0.0/33", "::/129", "10.0.0.0/", "10.0.0.0/-1", "10.0.0.0/8x",
                          "10.0.0.1/8", "example.com", "10.0.0", "", "/8", "::ffff:10.0.0.0/95"})
    EXPECT_FALSE(parse_ip_network(bad).ok()) << bad;
  auto typo = parse_ip_network("10.0.0.1/8");
  EXPECT_NE(typo.error().message.find("10.0.0.0/8"), std::string::npos) << typo.error().message;
}

TEST(EgressPolicy, AllowRulesAtTheLimitAndOnePast) {
  std::vector<std::string> rules;
  for (size_t i = 0; i < kMaxWebhookAllowRules; ++i)
    rules.push_back("10.0." + std::to_string(i) + ".0/24");
  EXPECT_TRUE(make_egress_policy(false, rules).ok());
  rules.push_back("10.1.0.0/24");
  auto past = make_egress_policy(false, rules);
  ASSERT_FALSE(past.ok());
  EXPECT_EQ(past.error().code, ErrorCode::kTooLarge);
  EXPECT_EQ(past.error().field, "webhook-allow");
  auto bad = make_egress_policy(false, {"10.0.0.0/8", "nonsense"});
  ASSERT_FALSE(bad.ok());
  EXPECT_NE(bad.error().message.find("#2"), std::string::npos) << bad.error().message;
}

TEST(EgressPolicy, UrlsRefusedFromTheirTextAlone) {
  EgressPolicy strict;
  EXPECT_TRUE(strict.check_url("https://hooks.example.com/x").ok());
  EXPECT_TRUE(strict.check_url("https://localhost/x").ok()) << "a name: checked when connecting";
  EXPECT_TRUE(strict.check_url("https://8.8.8.8/x").ok());
  for (const char* url : {"http://hooks.example.com/x", "HTTP://hooks.example.com/x",
                          "https://127.0.0.1/x", "https://169.254.169.254/latest/meta-data/",
                          "https://[::1]:8443/x", "https://[::ffff:169.254.169.254]/x",
                          "https://[fd00::1]/", "https://10.0.0.1/", "https://[v1.x]/"}) {
    auto s = strict.check_url(url);
    ASSERT_FALSE(s.ok()) << url;
    EXPECT_EQ(s.error().field, "url") << url;
  }
  EXPECT_NE(strict.check_url("http://hooks.example.com/").error().message.find("https"),
            std::string::npos);
  auto open = make_egress_policy(true, {"10.0.0.0/8"});
  EXPECT_TRUE(open->check_url("http://hooks.example.com/x").ok());
  EXPECT_TRUE(open->check_url("http://10.9.8.7:8080/x").ok());
  EXPECT_FALSE(open->check_url("http://192.168.0.1/x").ok());
}

TEST(EgressPolicy, SocketAddressesAreReadWithTheirLength) {
  sockaddr_in6 v6{};
  v6.sin6_family = AF_INET6;
  v6.sin6_addr.s6_addr[15] = 1;  // ::1
  auto* sa = reinterpret_cast<const sockaddr*>(&v6);
  EXPECT_EQ(ip_address_of(sa, sizeof v6), ip("::1"));
  EXPECT_FALSE(ip_address_of(sa, sizeof(sockaddr_in)).has_value()) << "too short for IPv6";
  EXPECT_FALSE(ip_address_of(nullptr, 0).has_value());
}

}  // namespace
}  // namespace icrm::notify
