// UserStore: the people who sign in to the CRM — email (unique regardless of
// case), display name, role, password hash and whether the account is
// disabled. It stores the hash it is given; hashing and the password policy
// live in api/auth/password.h. Disabled users are kept (records still name
// them as owners) but can no longer sign in.
//
// Every change is audited ("users" entity) in its own transaction, without
// the password hash. The last enabled admin cannot be demoted or disabled,
// so an installation never locks itself out.
//
// list() filters: email, role, disabled (0/1), created_at (_from/_to); sorts:
// id, email, name, created_at (default "id"); q searches name and e-mail.
//
// Thread-safety: safe to share between threads; each call leases its own
// connection.
#pragma once

#include <boost/json/object.hpp>
#include <cstddef>
#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "core/clock.h"
#include "core/result.h"
#include "core/time.h"
#include "store/actor.h"
#include "store/database.h"
#include "store/list_query.h"

namespace icrm::store {

// RFC 5321 caps a forward path at 256 octets including the angle brackets.
inline constexpr size_t kMaxEmailLength = 254;
inline constexpr size_t kMaxUserNameLength = 200;
// A password hash is an argon2id string (~100 chars); anything far longer is a bug.
inline constexpr size_t kMaxPasswordHashLength = 512;

enum class Role { kAdmin, kManager, kRep, kViewer };
inline constexpr Role kAllRoles[] = {Role::kAdmin, Role::kManager, Role::kRep, Role::kViewer};

std::string_view role_name(Role role);
// "admin", "manager", "rep" or "viewer"; an invalid-argument error on field "role" otherwise.
Result<Role> parse_role(std::string_view name);

struct User {
  int64_t id = 0;
  std::string email;
  std::string name;
  Role role = Role::kViewer;
  std::string password_hash;
  bool disabled = false;
  Timestamp created_at;
  Timestamp updated_at;
};

struct NewUser {
  std::string email;
  std::string name;
  Role role = Role::kViewer;
  std::string password_hash;
};

// What update() changes; fields left empty stay as they are.
struct UserChanges {
  std::optional<std::string> name;
  std::optional<Role> role;
  std::optional<bool> disabled;
  std::optional<std::string> password_hash;
};

// The user as JSON without the password hash (for the audit log and the API).
boost::json::object to_json(const User& user);

// Checks the shape of an email address (one '@', a local part and a domain
// with a dot, no spaces or control characters, at most kMaxEmailLength).
Status validate_email(std::string_view email, std::string_view field = "email");

class UserStore {
 public:
  UserStore(Database& db, const Clock& clock) : db_(db), clock_(clock) {}

  // Invalid argument naming every bad field; conflict on "email" naming the
  // existing user's id when the address is taken in any letter case.
  Result<User> create(const Actor& actor, const NewUser& user);
  Result<User> get(int64_t id);
  // Case-insensitive; not_found when nobody has that address.
  Result<User> get_by_email(std::string_view email);
  // Every user, oldest first.
  Result<std::vector<User>> list();
  Result<Page<User>> list(const ListQuery& query);
  static ListCapabilities list_capabilities();
  // How many users exist (so first-run setup knows whether to create an admin).
  Result<int64_t> count();

  // Applies `changes` to user `id`: not_found, invalid naming every bad
  // field, or conflict when it would leave no enabled admin.
  Result<User> update(const Actor& actor, int64_t id, const UserChanges& changes);
  Status set_disabled(const Actor& actor, int64_t id, bool disabled);

 private:
  Database& db_;
  const Clock& clock_;
};

}  // namespace icrm::store
