#include "store/user_store.h"

#include <soci/soci.h>

#include <array>
#include <boost/json/value.hpp>
#include <optional>

#include "store/audit_log.h"
#include "store/list_sql.h"
#include "store/sql_support.h"

namespace icrm::store {
namespace {

constexpr const char* kUserColumns =
    "id, email, name, role, password_hash, disabled, created_at, updated_at";

constexpr std::string_view kEntity = "users";
constexpr std::string_view kRoles[] = {"admin", "manager", "rep", "viewer"};
constexpr ListField kFields[] = {
    {"id", "id", FieldType::kInteger, true, true},
    {"email", "email", FieldType::kCaselessText, true, true, "lower(email)"},
    {"name", "name", FieldType::kText, false, true, "lower(name)"},
    {"role", "role", FieldType::kEnum, true, false, {}, kRoles},
    {"disabled", "disabled", FieldType::kInteger, true, false},
    {"created_at", "created_at", FieldType::kTimestamp, true, true},
};
constexpr std::string_view kSearch[] = {"name", "email"};
constexpr ListSpec kSpec{
    .entity = kEntity,
    .table = "users",
    .columns = kUserColumns,
    .column_count = 8,
    .fields = kFields,
    .search_columns = kSearch,
    .owner_column = {},
    .default_sort = "id",
};

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
  if (!created || !updated)
    return Error::internal("user " + std::to_string(r.id) + " has a bad timestamp");
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

std::optional<std::string> name_problem(const std::string& name) {
  if (name.find_first_not_of(" \t") == std::string::npos) return "name is required";
  if (name.size() > kMaxUserNameLength) {
    return "name is longer than " + std::to_string(kMaxUserNameLength) + " characters";
  }
  if (has_control_char(name)) return "name may not contain control characters";
  return std::nullopt;
}

bool hash_ok(const std::string& hash) {
  return !hash.empty() && hash.size() <= kMaxPasswordHashLength;
}

Result<User> user_from_row(const SqlRow& r) {
  UserRow u;
  u.id = cell_int(r[0]);
  u.email = cell_text(r[1]);
  u.name = cell_text(r[2]);
  u.role = cell_text(r[3]);
  u.password_hash = cell_text(r[4]);
  u.disabled = static_cast<int>(cell_int(r[5]));
  u.created_at = cell_text(r[6]);
  u.updated_at = cell_text(r[7]);
  return to_user(u);
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
    case Role::kAdmin:
      return "admin";
    case Role::kManager:
      return "manager";
    case Role::kRep:
      return "rep";
    case Role::kViewer:
      return "viewer";
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
    return Error::too_large(
        "email is longer than " + std::to_string(kMaxEmailLength) + " characters", f);
  }
  if (has_control_char(email) || email.find(' ') != std::string_view::npos) {
    return Error::invalid("email may not contain spaces or control characters", f);
  }
  auto at = email.find('@');
  if (at == std::string_view::npos || at == 0 ||
      email.find('@', at + 1) != std::string_view::npos) {
    return Error::invalid("email must look like name@example.com", f);
  }
  auto domain = email.substr(at + 1);
  auto dot = domain.find('.');
  if (domain.empty() || dot == std::string_view::npos || dot == 0 || domain.back() == '.') {
    return Error::invalid("email must look like name@example.com", f);
  }
  return {};
}

Result<User> UserStore::create(const Actor& actor, const NewUser& user) {
  Error invalid = Error::invalid("the user is not valid");
  if (auto v = validate_email(user.email); !v)
    invalid.details.push_back({"email", v.error().message});
  if (auto problem = name_problem(user.name)) invalid.details.push_back({"name", *problem});
  if (!hash_ok(user.password_hash)) {
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
    std::optional<User> created;
    {
      WriteTransaction tx(s, db_.engine());
      auto existing = taken();
      if (!existing) return existing.error();
      if (*existing) return conflict(**existing);

      Timestamp now = clock_.now();
      auto rows =
          query_rows(s,
                     "INSERT INTO users (email, name, role, password_hash, disabled, "
                     "created_at, updated_at) VALUES (:p0, :p1, :p2, :p3, 0, :p4, :p5) "
                     "RETURNING id",
                     {SqlValue::of(user.email), SqlValue::of(user.name),
                      SqlValue::of(std::string(role_name(user.role))),
                      SqlValue::of(user.password_hash), SqlValue::of(now), SqlValue::of(now)},
                     1);
      User u;
      u.id = cell_int(rows.at(0)[0]);
      u.email = user.email;
      u.name = user.name;
      u.role = user.role;
      u.password_hash = user.password_hash;
      u.created_at = u.updated_at = now;
      AuditLog::append_in(s, actor, now, "create", kEntity, u.id, nullptr, to_json(u));
      tx.commit();
      created = std::move(u);
    }
    return std::move(*created);
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

Result<Page<User>> UserStore::list(const ListQuery& query) {
  auto rows = run_list(db_, kSpec, query);
  if (!rows) return rows.error();
  Page<User> page;
  for (const auto& r : rows->rows) {
    auto u = user_from_row(r);
    if (!u) return u.error();
    page.items.push_back(std::move(*u));
  }
  page.next_cursor = std::move(rows->next_cursor);
  return page;
}

ListCapabilities UserStore::list_capabilities() { return capabilities(kSpec); }

Result<User> UserStore::update(const Actor& actor, int64_t id, const UserChanges& changes) {
  Error invalid = Error::invalid("the change is not valid");
  if (changes.name) {
    if (auto problem = name_problem(*changes.name)) invalid.details.push_back({"name", *problem});
  }
  if (changes.password_hash && !hash_ok(*changes.password_hash)) {
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
  try {
    WriteTransaction tx(s, db_.engine());
    auto found = fetch_one(s, "id = :id", static_cast<long long>(id));
    if (!found) return found.error();
    if (!*found) return Error::not_found("no user with id " + std::to_string(id));
    const User before = **found;
    User after = before;
    if (changes.name) after.name = *changes.name;
    if (changes.role) after.role = *changes.role;
    if (changes.disabled) after.disabled = *changes.disabled;
    if (changes.password_hash) after.password_hash = *changes.password_hash;
    bool was_admin = before.role == Role::kAdmin && !before.disabled;
    bool is_admin = after.role == Role::kAdmin && !after.disabled;
    if (was_admin && !is_admin) {
      auto others = query_rows(s,
                               "SELECT COUNT(*) FROM users WHERE role = 'admin' AND disabled = 0 "
                               "AND id <> :p0",
                               {SqlValue::of(id)}, 1);
      if (cell_int(others.at(0)[0]) == 0) {
        return Error::conflict(
            "user " + std::to_string(id) + " is the last enabled admin; make another admin first",
            changes.disabled && *changes.disabled ? "disabled" : "role");
      }
    }
    after.updated_at = clock_.now();
    exec(s,
         "UPDATE users SET name = :p0, role = :p1, disabled = :p2, password_hash = :p3, "
         "updated_at = :p4 WHERE id = :p5",
         {SqlValue::of(after.name), SqlValue::of(std::string(role_name(after.role))),
          SqlValue::of(int64_t{after.disabled ? 1 : 0}), SqlValue::of(after.password_hash),
          SqlValue::of(after.updated_at), SqlValue::of(id)});
    boost::json::object logged = to_json(after);
    // The hash is never logged; that it changed is.
    if (changes.password_hash) logged["password_changed"] = true;
    AuditLog::append_in(s, actor, after.updated_at, "update", kEntity, id, to_json(before), logged);
    tx.commit();
    return after;
  } catch (const std::exception& e) {
    return store_error("cannot update user", e);
  }
}

Status UserStore::set_disabled(const Actor& actor, int64_t id, bool disabled) {
  auto updated = update(actor, id, {.disabled = disabled});
  if (!updated) return updated.error();
  return {};
}

boost::json::object to_json(const User& user) {
  return {{"id", user.id},
          {"email", user.email},
          {"name", user.name},
          {"role", role_name(user.role)},
          {"disabled", user.disabled},
          {"created_at", format_timestamp(user.created_at)},
          {"updated_at", format_timestamp(user.updated_at)}};
}

}  // namespace icrm::store
