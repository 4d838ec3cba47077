// `insightcrm user ...` run as a subprocess on both engines.
#include <gtest/gtest.h>

#include "api/auth/password.h"
#include "store/user_store.h"
#include "tests/cli/cli_runner.h"
#include "tests/support/test_database.h"

namespace icrm::cli {
namespace {

using testing::run_cli;

class UserCommandTest : public testing::StoreTest {
 protected:
  testing::CliRun add(const std::string& email, const std::string& role,
                      const std::string& stdin_text) {
    return run_cli({"user", "add", "--db", db_url(), "--email", email, "--name", "Ada Lovelace",
                    "--role", role, "--password-stdin"},
                   stdin_text);
  }
  store::UserStore users() { return store::UserStore(db(), SystemClock::instance()); }
};

TEST_P(UserCommandTest, AddsAUserWithAnArgon2idHash) {
  auto run = add("ada@example.com", "manager", "correct horse battery\n");
  ASSERT_EQ(run.exit_code, 0) << run.err;
  EXPECT_NE(run.out.find("ada@example.com"), std::string::npos);
  auto u = users().get_by_email("ADA@example.com");
  ASSERT_TRUE(u.ok());
  EXPECT_EQ(u->role, store::Role::kManager);
  EXPECT_EQ(u->password_hash.rfind("$argon2id$", 0), 0u) << u->password_hash;
  EXPECT_TRUE(api::auth::verify_password(u->password_hash, "correct horse battery"));
  EXPECT_FALSE(api::auth::verify_password(u->password_hash, "correct horse battery\n"));
}

TEST_P(UserCommandTest, RefusesAPasswordOnTheCommandLine) {
  auto run = run_cli({"user", "add", "--db", db_url(), "--email", "ada@example.com", "--name",
                      "Ada", "--role", "admin", "--password", "correct horse battery"});
  EXPECT_EQ(run.exit_code, 2);
  EXPECT_NE(run.err.find("shell history"), std::string::npos) << run.err;
  EXPECT_EQ(*users().count(), 0);
  auto bare = run_cli({"user", "add", "--db", db_url(), "--email", "ada@example.com", "--name",
                       "Ada", "--role", "admin", "--password"});
  EXPECT_EQ(bare.exit_code, 2);
  EXPECT_NE(bare.err.find("shell history"), std::string::npos) << bare.err;
}

TEST_P(UserCommandTest, PasswordLengthLimitsOnBothSides) {
  std::string shortest(api::auth::kMinPasswordLength, 'p');
  auto too_short = add("a@example.com", "rep", shortest.substr(1) + "\n");
  EXPECT_EQ(too_short.exit_code, 2);
  EXPECT_NE(too_short.err.find("at least"), std::string::npos) << too_short.err;
  EXPECT_EQ(add("a@example.com", "rep", shortest + "\n").exit_code, 0);

  std::string longest(api::auth::kMaxPasswordLength, 'q');
  EXPECT_EQ(add("b@example.com", "rep", longest + "\n").exit_code, 0);
  auto too_long = add("c@example.com", "rep", longest + "q\n");
  EXPECT_NE(too_long.exit_code, 0);
  EXPECT_NE(too_long.err.find("at most"), std::string::npos) << too_long.err;
  EXPECT_EQ(*users().count(), 2);
}

TEST_P(UserCommandTest, DuplicateEmailAndBadRoleFailClearly) {
  ASSERT_EQ(add("ada@example.com", "admin", "correct horse battery\n").exit_code, 0);
  auto dup = add("ADA@example.com", "admin", "correct horse battery\n");
  EXPECT_EQ(dup.exit_code, 1);
  EXPECT_NE(dup.err.find("already exists (id 1)"), std::string::npos) << dup.err;
  auto role = add("bob@example.com", "root", "correct horse battery\n");
  EXPECT_EQ(role.exit_code, 2);
  EXPECT_NE(role.err.find("admin, manager, rep, viewer"), std::string::npos) << role.err;
}

TEST_P(UserCommandTest, ListAndDisable) {
  ASSERT_EQ(add("ada@example.com", "admin", "correct horse battery\n").exit_code, 0);
  ASSERT_EQ(add("bob@example.com", "viewer", "correct horse battery\n").exit_code, 0);
  auto disable = run_cli({"user", "disable", "--db", db_url(), "--email", "BOB@example.com"});
  ASSERT_EQ(disable.exit_code, 0) << disable.err;
  EXPECT_TRUE(users().get_by_email("bob@example.com")->disabled);
  auto list = run_cli({"user", "list", "--db", db_url()});
  ASSERT_EQ(list.exit_code, 0) << list.err;
  EXPECT_NE(list.out.find("ada@example.com"), std::string::npos);
  EXPECT_NE(list.out.find("disabled"), std::string::npos) << list.out;
  auto missing = run_cli({"user", "disable", "--db", db_url(), "--email", "nobody@example.com"});
  EXPECT_EQ(missing.exit_code, 1);
}

ICRM_INSTANTIATE_ON_BOTH_ENGINES(UserCommandTest);

}  // namespace
}  // namespace icrm::cli
