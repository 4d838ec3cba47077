#include "api/auth/password.h"

#include <gtest/gtest.h>

#include "api/auth/token.h"

namespace icrm::api::auth {
namespace {

TEST(PasswordTest, HashesWithArgon2idAndVerifies) {
  auto h = hash_password("correct horse battery", PasswordCost::minimum());
  ASSERT_TRUE(h.ok());
  EXPECT_EQ(h->rfind("$argon2id$", 0), 0u);
  EXPECT_TRUE(verify_password(*h, "correct horse battery"));
  EXPECT_FALSE(verify_password(*h, "correct horse batterY"));
  EXPECT_FALSE(verify_password(*h, ""));
  auto again = hash_password("correct horse battery", PasswordCost::minimum());
  EXPECT_NE(*h, *again) << "each hash has its own salt";
}

TEST(PasswordTest, MalformedHashesNeverVerify) {
  EXPECT_FALSE(verify_password("", "x"));
  EXPECT_FALSE(verify_password("plaintext", "plaintext"));
  EXPECT_FALSE(verify_password(std::string(1000, '$'), "x"));
}

TEST(PasswordTest, NeedsRehashWhenCostDiffers) {
  auto h = hash_password("correct horse battery", PasswordCost::minimum());
  ASSERT_TRUE(h.ok());
  EXPECT_FALSE(needs_rehash(*h, PasswordCost::minimum()));
  EXPECT_TRUE(needs_rehash(*h, PasswordCost::interactive()));
}

TEST(PasswordTest, PolicyLimitsOnePastEachEdge) {
  EXPECT_TRUE(check_password_policy(std::string(kMinPasswordLength, 'a')).ok());
  auto short_one = check_password_policy(std::string(kMinPasswordLength - 1, 'a'));
  ASSERT_FALSE(short_one.ok());
  EXPECT_EQ(short_one.error().field, "password");
  EXPECT_TRUE(check_password_policy(std::string(kMaxPasswordLength, 'a')).ok());
  EXPECT_EQ(check_password_policy(std::string(kMaxPasswordLength + 1, 'a')).error().code,
            ErrorCode::kTooLarge);
  EXPECT_FALSE(check_password_policy(std::string("abcdefghijkl\0m", 14)).ok());
}

TEST(TokenTest, RandomTokensAreUrlSafeAndDistinct) {
  auto a = random_token(), b = random_token();
  EXPECT_NE(a, b);
  EXPECT_EQ(a.size(), 43u);  // 32 bytes, unpadded base64
  EXPECT_EQ(a.find_first_not_of("ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_"),
            std::string::npos);
  auto key = new_api_token();
  EXPECT_EQ(key.rfind(kApiTokenPrefix, 0), 0u);
}

TEST(TokenTest, HashIsSha256Hex) {
  // FIPS 180-2 test vector.
  EXPECT_EQ(hash_token("abc"), "ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad");
  EXPECT_EQ(hash_token("").size(), 64u);
}

TEST(TokenTest, ConstantTimeEqual) {
  EXPECT_TRUE(constant_time_equal("abc", "abc"));
  EXPECT_FALSE(constant_time_equal("abc", "abd"));
  EXPECT_FALSE(constant_time_equal("abc", "abcd"));
  EXPECT_TRUE(constant_time_equal("", ""));
}

}  // namespace
}  // namespace icrm::api::auth
