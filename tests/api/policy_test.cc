// The role policy, every (role, action, resource, ownership) combination
// against a table written out by hand. Each cell string lists the five
// actions (read create update delete assign_owner); within each, four
// ownerships (n/a own unassigned others); 'A' allows, '.' denies.
#include "api/auth/policy.h"

#include <gtest/gtest.h>

#include <map>
#include <string>

namespace icrm::api::auth {
namespace {

using store::Role;

const std::string kAll = "AAAA AAAA AAAA AAAA AAAA";
const std::string kNone = ".... .... .... .... ....";
const std::string kReadOnly = "AAAA .... .... .... ....";
const std::string kOwnTokens = ".A.. .A.. .A.. .A.. ....";

const std::map<Role, std::map<Resource, std::string>>& expected() {
  static const std::map<Role, std::map<Resource, std::string>> table = {
      {Role::kAdmin,
       {{Resource::kCustomer, kAll},
        {Resource::kLead, kAll},
        {Resource::kProduct, kAll},
        {Resource::kTransaction, kAll},
        {Resource::kActivity, kAll},
        {Resource::kCommunication, kAll},
        {Resource::kUser, kAll},
        {Resource::kApiToken, kAll},
        {Resource::kAuditLog, kAll},
        {Resource::kSettings, kAll},
        {Resource::kModel, kAll},
        {Resource::kEvent, kAll}}},
      {Role::kManager,
       {{Resource::kCustomer, kAll},
        {Resource::kLead, kAll},
        {Resource::kProduct, kAll},
        {Resource::kTransaction, kAll},
        {Resource::kActivity, kAll},
        {Resource::kCommunication, kAll},
        {Resource::kUser, kReadOnly},
        {Resource::kApiToken, kOwnTokens},
        {Resource::kAuditLog, kReadOnly},
        {Resource::kSettings, kNone},
        {Resource::kModel, kAll},
        {Resource::kEvent, kAll}}},
      {Role::kRep,
       {{Resource::kCustomer, kReadOnly},
        {Resource::kLead, "AAA. .AA. .AA. .AA. ...."},
        {Resource::kProduct, kReadOnly},
        {Resource::kTransaction, kReadOnly},
        {Resource::kActivity, "AA.. .A.. .A.. .A.. ...."},
        {Resource::kCommunication, "AAA. .AA. .... .... ...."},
        {Resource::kUser, kNone},
        {Resource::kApiToken, kOwnTokens},
        {Resource::kAuditLog, kNone},
        {Resource::kSettings, kNone},
        {Resource::kModel, kReadOnly},
        {Resource::kEvent, "AAA. AAA. .... .... ...."}}},
      {Role::kViewer,
       {{Resource::kCustomer, kReadOnly},
        {Resource::kLead, kReadOnly},
        {Resource::kProduct, kReadOnly},
        {Resource::kTransaction, kReadOnly},
        {Resource::kActivity, kReadOnly},
        {Resource::kCommunication, kReadOnly},
        {Resource::kUser, kNone},
        {Resource::kApiToken, kOwnTokens},
        {Resource::kAuditLog, kNone},
        {Resource::kSettings, kNone},
        {Resource::kModel, kReadOnly},
        {Resource::kEvent, kReadOnly}}},
  };
  return table;
}

TEST(PolicyTest, EveryCombinationMatchesTheTable) {
  int checked = 0;
  for (Role role : store::kAllRoles) {
    for (Resource resource : kAllResources) {
      const std::string& cells = expected().at(role).at(resource);
      ASSERT_EQ(cells.size(), 24u);
      for (size_t a = 0; a < std::size(kAllActions); ++a) {
        for (size_t o = 0; o < std::size(kAllOwnerships); ++o) {
          char want = cells[a * 5 + o];
          Decision got = authorize(role, kAllActions[a], resource, kAllOwnerships[o]);
          EXPECT_EQ(got == Decision::kAllow, want == 'A')
              << store::role_name(role) << " " << action_name(kAllActions[a]) << " "
              << resource_name(resource) << " (" << ownership_name(kAllOwnerships[o]) << ")";
          ++checked;
        }
      }
    }
  }
  EXPECT_EQ(checked, 4 * 12 * 5 * 4);
}

TEST(PolicyTest, ListScopes) {
  EXPECT_EQ(list_scope(Role::kRep, Resource::kLead), ListScope::kOwnAndUnassigned);
  EXPECT_EQ(list_scope(Role::kRep, Resource::kActivity), ListScope::kOwn);
  EXPECT_EQ(list_scope(Role::kRep, Resource::kCustomer), ListScope::kAll);
  EXPECT_EQ(list_scope(Role::kRep, Resource::kUser), ListScope::kNone);
  EXPECT_EQ(list_scope(Role::kViewer, Resource::kAuditLog), ListScope::kNone);
  EXPECT_EQ(list_scope(Role::kManager, Resource::kAuditLog), ListScope::kAll);
  EXPECT_EQ(list_scope(Role::kManager, Resource::kApiToken), ListScope::kOwn);
  EXPECT_EQ(list_scope(Role::kAdmin, Resource::kApiToken), ListScope::kAll);
  EXPECT_EQ(list_scope(Role::kViewer, Resource::kLead), ListScope::kAll);
  // Messages, events and alerts are listed as the leads they are about.
  EXPECT_EQ(list_scope(Role::kRep, Resource::kCommunication), ListScope::kOwnAndUnassigned);
  EXPECT_EQ(list_scope(Role::kRep, Resource::kEvent), ListScope::kOwnAndUnassigned);
  EXPECT_EQ(list_scope(Role::kViewer, Resource::kEvent), ListScope::kAll);
}

// visible() is what a single read and a list both apply: a record is seen
// exactly when a read of it is allowed, for every role, resource and ownership.
TEST(PolicyTest, VisibleIsTheReadRuleOfEachRecord) {
  for (Role role : store::kAllRoles) {
    for (Resource resource : {Resource::kCustomer, Resource::kLead, Resource::kActivity,
                              Resource::kCommunication, Resource::kEvent}) {
      for (Ownership o : {Ownership::kOwn, Ownership::kUnassigned, Ownership::kOthers}) {
        EXPECT_EQ(visible(role, resource, o), allowed(role, Action::kRead, resource, o))
            << store::role_name(role) << " " << resource_name(resource) << " " << ownership_name(o);
      }
    }
  }
  EXPECT_FALSE(visible(Role::kRep, Resource::kLead, Ownership::kOthers));
  EXPECT_FALSE(visible(Role::kRep, Resource::kCommunication, Ownership::kOthers));
  EXPECT_TRUE(visible(Role::kRep, Resource::kCustomer, Ownership::kOthers));
  EXPECT_TRUE(visible(Role::kViewer, Resource::kEvent, Ownership::kOthers));
}

TEST(PolicyTest, OwnershipOfARecord) {
  EXPECT_EQ(ownership_of(0, 7), Ownership::kUnassigned);
  EXPECT_EQ(ownership_of(7, 7), Ownership::kOwn);
  EXPECT_EQ(ownership_of(8, 7), Ownership::kOthers);
}

}  // namespace
}  // namespace icrm::api::auth
