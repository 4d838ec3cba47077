#include "store/user_store.h"

#include <soci/soci.h>

#include <array>
#include <optional>

namespace icrm::store {
namespace {

constexpr const char* kUserColumns =
    "id, email, name, role, password_hash, disabled, created_at, updated_at";

// The columns of one users row, as SOCI reads them.
struct UserRow {
  long long id = 0;
  std::string email, name, role, password_hash, created_at, updated_at;
  int disabled = 0;
};

template <typename Statement>
void bind_row(Statement& st, UserRow& r) {
  st.exchange(soci::into(r.id));
  st.exchange(soci::into(r.email));
  st.exchange(soci::into(r.name));
  st.exchange(soci::into(r.role));
  st.exchange(soci::into(r.password_hash));
  st.exchange(soci::into(r.disabled));
  st.exchange(soci::into(r.created_at));
  st.exchange(soci::into(r.updated_at));
}

Result<User> to_user(const UserRow& r) {
  User u;
  u.id = r.id;
  u.email = r.email;
  u.name = r.name;
  auto role = parse_role(r.role);
  if (!role) return Error::internal("user " + std::to_string(r.id) + " has unknown role " + r.role);
  u.role = *role;
  u.password_hash = r.password_hash;
  u.disabled = r.disabled != 0;
  auto created = parse_timestamp(r.created_at);
  auto updated = parse_timestamp(r.updated_at);
  if (!created || !updated) return Error::internal("user " + std::to_string(r.id) + " has a bad timestamp");
  u.created_at = *created;
  u.updated_at = *updated;
  return u;
}

bool has_control_char(std::string_view s) {
  for (unsigned char c : s) {
    if (c < 0x20 || c == 0x7f) return true;
  }
  return false;
}

// Runs a query expected to return at most one users row.
template <typename Param>
Result<std::optional<User>> fetch_one(soci::session& s, const std::string& where, Param param) {
  UserRow r;
  soci::statement st(s);
  st.alloc();
  bind_row(st, r);
  st.exchange(soci::use(param));
  st.prepare(std::string("SELECT ") + kUserColumns + " FROM users WHERE " + where);
  st.define_and_bind();
  if (!st.execute(true)) return std::optional<User>();
  auto u = to_user(r);
  if (!u) return u.error();
  return std::optional<User>(std::move(*u));
}

Error store_error(const char* what, const std::exception& e) {
  return Error::unavailable(std::string(what) + ": " + e.what());
}

}  // namespace

std::string_view role_name(Role role) {
  switch (role) {
    case Role::kAdmin: return "admin";
    case Role::kManager: return "manager";
    case Role::kRep: return "rep";
    case Role::kViewer: return "viewer";
  }
  return "viewer";
}

Result<Role> parse_role(std::string_view name) {
  for (Role r : kAllRoles) {
    if (role_name(r) == name) return r;
  }
  return Error::invalid("role must be one of admin, manager, rep, viewer (got '" +
                            std::string(name.substr(0, 40)) + "')",
                        "role");
}

Status validate_email(std::string_view email, std::string_view field) {
  std::string f(field);
  if (email.empty()) return Error::invalid("email is required", f);
  if (email.size() > kMaxEmailLength) {
    return Error::too_large("email is longer than " + std::to_string(kMaxEmailLength) + " characters", f);
  }
  if (has_control_char(email) || email.find(' ') != std::string_view::npos) {
    return Error::invalid("email may not contain spaces or control characters", f);
  }
  auto at = email.find('@');
  if (at == std::string_view::npos || at == 0 || email.find('@', at + 1) != std::string_view::npos) {
    return Error::invalid("email must look like name@example.com", f);
  }
  auto domain = email.substr(at + 1);
  auto dot = domain.find('.');
  if (domain.empty() || dot == std::string_view::npos || dot == 0 || domain.back() == '.') {
    return Error::invalid("email must look like name@example.com", f);
  }
  return {};
}

Result<User> UserStore::create(const NewUser& user) {
  Error invalid = Error::invalid("the user is not valid");
  if (auto v = validate_email(user.email); !v) invalid.details.push_back({"email", v.error().message});
  if (user.name.find_first_not_of(" \t") == std::string::npos) {
    invalid.details.push_back({"name", "name is required"});
  } else if (user.name.size() > kMaxUserNameLength) {
    invalid.details.push_back(
        {"name", "name is longer than " + std::to_string(kMaxUserNameLength) + " characters"});
  } else if (has_control_char(user.name)) {
    invalid.details.push_back({"name", "name may not contain control characters"});
  }
  if (user.password_hash.empty() || user.password_hash.size() > kMaxPasswordHashLength) {
    invalid.details.push_back({"password_hash", "a password hash is required"});
  }
  if (!invalid.details.empty()) {
    invalid.field = invalid.details.front().field;
    if (invalid.details.size() == 1) invalid.message = invalid.details.front().message;
    return invalid;
  }

  auto lease = db_.lease();
  if (!lease) return lease.error();
  soci::session& s = **lease;
  auto taken = [&]() -> Result<std::optional<User>> {
    return fetch_one(s, "lower(email) = lower(:e)", user.email);
  };
  auto conflict = [&](const User& existing) {
    return Error::conflict("a user with email " + existing.email + " already exists (id " +
                               std::to_string(existing.id) + ")",
                           "email");
  };
  try {
    auto existing = taken();
    if (!existing) return existing.error();
    if (*existing) return conflict(**existing);

    std::string now = format_timestamp(clock_.now());
    std::string role(role_name(user.role));
    long long id = 0;
    s << "INSERT INTO users (email, name, role, password_hash, disabled, created_at, updated_at) "
         "VALUES (:email, :name, :role, :hash, 0, :created, :updated) RETURNING id",
        soci::use(user.email), soci::use(user.name), soci::use(role), soci::use(user.password_hash),
        soci::use(now), soci::use(now), soci::into(id);
    return get(id);
  } catch (const soci::soci_error& e) {
    // Lost a race with another writer of the same address: the unique index
    // refused the insert. Name the winner.
    try {
      auto existing = taken();
      if (existing && *existing) return conflict(**existing);
    } catch (const std::exception&) {
    }
    return store_error("cannot create user", e);
  }
}

Result<User> UserStore::get(int64_t id) {
  auto lease = db_.lease();
  if (!lease) return lease.error();
  try {
    auto u = fetch_one(**lease, "id = :id", static_cast<long long>(id));
    if (!u) return u.error();
    if (!*u) return Error::not_found("no user with id " + std::to_string(id));
    return std::move(**u);
  } catch (const std::exception& e) {
    return store_error("cannot read user", e);
  }
}

Result<User> UserStore::get_by_email(std::string_view email) {
  if (email.size() > kMaxEmailLength) return Error::not_found("no user with that email");
  auto lease = db_.lease();
  if (!lease) return lease.error();
  try {
    auto u = fetch_one(**lease, "lower(email) = lower(:e)", std::string(email));
    if (!u) return u.error();
    if (!*u) return Error::not_found("no user with email " + std::string(email));
    return std::move(**u);
  } catch (const std::exception& e) {
    return store_error("cannot read user", e);
  }
}

Result<std::vector<User>> UserStore::list() {
  auto lease = db_.lease();
  if (!lease) return lease.error();
  std::vector<User> out;
  try {
    UserRow r;
    soci::statement st(**lease);
    st.alloc();
    bind_row(st, r);
    st.prepare(std::string("SELECT ") + kUserColumns + " FROM users ORDER BY id");
    st.define_and_bind();
    st.execute();
    while (st.fetch()) {
      auto u = to_user(r);
      if (!u) return u.error();
      out.push_back(std::move(*u));
    }
  } catch (const std::exception& e) {
    return store_error("cannot list users", e);
  }
  return out;
}

Result<int64_t> UserStore::count() {
  auto lease = db_.lease();
  if (!lease) return lease.error();
  try {
    long long n = 0;
    **lease << "SELECT COUNT(*) FROM users", soci::into(n);
    return static_cast<int64_t>(n);
  } catch (const std::exception& e) {
    return store_error("cannot count users", e);
  }
}

Status UserStore::update_column(int64_t id, const char* column, const std::string& value) {
  auto lease = db_.lease();
  if (!lease) return lease.error();
  try {
    std::string now = format_timestamp(clock_.now());
    long long key = id;
    soci::statement st = ((**lease).prepare << std::string("UPDATE users SET ") + column +
                                                   " = :v, updated_at = :now WHERE id = :id",
                          soci::use(value), soci::use(now), soci::use(key));
    st.execute(true);
    if (st.get_affected_rows() == 0) return Error::not_found("no user with id " + std::to_string(id));
  } catch (const std::exception& e) {
    return store_error("cannot update user", e);
  }
  return {};
}

Status UserStore::set_disabled(int64_t id, bool disabled) {
  auto lease = db_.lease();
  if (!lease) return lease.error();
  try {
    std::string now = format_timestamp(clock_.now());
    long long key = id;
    int flag = disabled ? 1 : 0;
    soci::statement st = ((**lease).prepare << "UPDATE users SET disabled = :v, updated_at = :now "
                                               "WHERE id = :id",
                          soci::use(flag), soci::use(now), soci::use(key));
    st.execute(true);
    if (st.get_affected_rows() == 0) return Error::not_found("no user with id " + std::to_string(id));
  } catch (const std::exception& e) {
    return store_error("cannot update user", e);
  }
  return {};
}

Status UserStore::set_role(int64_t id, Role role) {
  return update_column(id, "role", std::string(role_name(role)));
}

Status UserStore::set_password_hash(int64_t id, const std::string& password_hash) {
  if (password_hash.empty() || password_hash.size() > kMaxPasswordHashLength) {
    return Error::invalid("a password hash is required", "password_hash");
  }
  return update_column(id, "password_hash", password_hash);
}

}  // namespace icrm::store
