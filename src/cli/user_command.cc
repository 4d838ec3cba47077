// `insightcrm user add|list|disable`: manage who can sign in, from the shell.
#include <termios.h>
#include <unistd.h>

#include <iomanip>
#include <iostream>
#include <memory>

#include "api/auth/password.h"
#include "cli/command.h"
#include "core/clock.h"
#include "store/database.h"
#include "store/session_store.h"
#include "store/user_store.h"

namespace icrm::cli {
namespace {

struct UserAddOptions {
  DbOption db;
  std::string email;
  std::string name;
  std::string role;
  bool password_stdin = false;
  bool password_on_command_line = false;  // --password given: refused with a reason
};

// Reads one line from stdin (without its line ending). When stdin is a
// terminal the typing is not echoed. Anything longer than the password limit
// is refused rather than silently cut.
Result<std::string> read_password_from_stdin() {
  const bool tty = ::isatty(STDIN_FILENO) == 1;
  termios saved{};
  if (tty) {
    std::cerr << "Password: " << std::flush;
    ::tcgetattr(STDIN_FILENO, &saved);
    termios quiet = saved;
    quiet.c_lflag &= ~static_cast<tcflag_t>(ECHO);
    ::tcsetattr(STDIN_FILENO, TCSANOW, &quiet);
  }
  std::string line;
  char c = 0;
  bool too_long = false;
  while (std::cin.get(c) && c != '\n') {
    if (line.size() > api::auth::kMaxPasswordLength) {
      too_long = true;
      continue;
    }
    line += c;
  }
  if (tty) {
    ::tcsetattr(STDIN_FILENO, TCSANOW, &saved);
    std::cerr << "\n";
  }
  if (!line.empty() && line.back() == '\r') line.pop_back();
  if (too_long) {
    return Error::too_large("password must be at most " +
                                std::to_string(api::auth::kMaxPasswordLength) + " characters long",
                            "password");
  }
  if (line.empty())
    return Error::invalid("no password on stdin (pipe it in: ... --password-stdin < file)",
                          "password");
  return line;
}

int run_add(const UserAddOptions& o) {
  if (o.password_on_command_line) {
    return report(Error::invalid(
        "--password is refused: a password on the command line is saved in your shell history "
        "and visible to other users in the process list. Pipe it in instead, e.g.\n"
        "  insightcrm user add --email E --name N --role R --password-stdin < password.txt",
        "password"));
  }
  if (!o.password_stdin) {
    return report(Error::invalid(
        "give --password-stdin and pipe the password in (it is never taken as an argument)",
        "password"));
  }
  auto role = store::parse_role(o.role);
  if (!role) return report(role.error());
  if (auto v = store::validate_email(o.email); !v) return report(v.error());

  auto password = read_password_from_stdin();
  if (!password) return report(password.error());
  if (auto p = api::auth::check_password_policy(*password); !p) return report(p.error());

  auto db = open_migrated_database(o.db);
  if (!db) return report(db.error());
  auto hash = api::auth::hash_password(*password);
  if (!hash) return report(hash.error());
  store::UserStore users(**db, SystemClock::instance());
  auto created = users.create(store::Actor::system(), {o.email, o.name, *role, *hash});
  if (!created) return report(created.error());
  std::cout << "created user " << created->id << ": " << created->email << " ("
            << store::role_name(created->role) << ")\n";
  return kExitOk;
}

int run_list(const DbOption& db_option) {
  auto db = open_migrated_database(db_option);
  if (!db) return report(db.error());
  store::UserStore users(**db, SystemClock::instance());
  auto all = users.list();
  if (!all) return report(all.error());
  std::cout << std::left << std::setw(6) << "ID" << std::setw(32) << "EMAIL" << std::setw(24)
            << "NAME" << std::setw(9) << "ROLE" << std::setw(10) << "STATUS"
            << "CREATED\n";
  for (const auto& u : *all) {
    std::cout << std::left << std::setw(6) << u.id << std::setw(32) << u.email << std::setw(24)
              << u.name << std::setw(9) << store::role_name(u.role) << std::setw(10)
              << (u.disabled ? "disabled" : "active") << format_timestamp(u.created_at) << "\n";
  }
  return kExitOk;
}

int run_set_disabled(const DbOption& db_option, const std::string& email, bool disabled) {
  auto db = open_migrated_database(db_option);
  if (!db) return report(db.error());
  store::UserStore users(**db, SystemClock::instance());
  auto user = users.get_by_email(email);
  if (!user) return report(user.error());
  if (auto s = users.set_disabled(store::Actor::system(), user->id, disabled); !s)
    return report(s.error());
  if (disabled) {
    // Authentication refuses disabled users anyway; ending the sessions also
    // frees their rows.
    if (auto ended = store::SessionStore(**db).remove_for_user(user->id); !ended) {
      return report(ended.error());
    }
  }
  std::cout << (disabled ? "disabled" : "enabled") << " user " << user->id << ": " << user->email
            << "\n";
  return kExitOk;
}

}  // namespace

void add_user_command(CLI::App& app) {
  auto* user = app.add_subcommand(
      "user",
      "Manage the people who can sign in. Roles: admin (everything: users, tokens, settings),\n"
      "manager (all records, assigns owners), rep (reads customers; works the leads and\n"
      "activities they own plus unassigned leads), viewer (read only).");
  user->require_subcommand(1);

  auto add_opts = std::make_shared<UserAddOptions>();
  auto* add = user->add_subcommand(
      "add",
      "Create a user. The password is read from stdin, never from the command line:\n"
      "  printf '%s\\n' \"$PW\" | insightcrm user add --email ada@example.com --name 'Ada' "
      "--role admin --password-stdin\n"
      "At least " +
          std::to_string(api::auth::kMinPasswordLength) +
          " characters; stored as an argon2id hash.");
  add_db_option(*add, add_opts->db);
  add->add_option("--email", add_opts->email, "Sign-in address, unique regardless of case")
      ->required();
  add->add_option("--name", add_opts->name, "Display name")->required();
  add->add_option("--role", add_opts->role, "admin | manager | rep | viewer")->required();
  add->add_flag("--password-stdin", add_opts->password_stdin,
                "Read the password from stdin (the only way to give one)");
  // Accepted by the parser only so it can be refused with the reason.
  auto* password_flag = add->add_option("--password")->expected(0, 1)->group("");
  add->callback([add_opts, password_flag] {
    add_opts->password_on_command_line = password_flag->count() > 0;
    int rc = run_add(*add_opts);
    if (rc != kExitOk) throw CLI::RuntimeError(rc);
  });

  auto list_db = std::make_shared<DbOption>();
  auto* list = user->add_subcommand("list", "List every user with role and status");
  add_db_option(*list, *list_db);
  list->callback([list_db] {
    int rc = run_list(*list_db);
    if (rc != kExitOk) throw CLI::RuntimeError(rc);
  });

  struct EmailOptions {
    DbOption db;
    std::string email;
  };
  for (bool disabled : {true, false}) {
    auto o = std::make_shared<EmailOptions>();
    auto* cmd = user->add_subcommand(
        disabled ? "disable" : "enable",
        disabled ? "Stop a user from signing in; their sessions and API tokens stop working at\n"
                   "once. Records they own keep their owner."
                 : "Let a disabled user sign in again");
    add_db_option(*cmd, o->db);
    cmd->add_option("--email", o->email, "The user's sign-in address")->required();
    cmd->callback([o, disabled] {
      int rc = run_set_disabled(o->db, o->email, disabled);
      if (rc != kExitOk) throw CLI::RuntimeError(rc);
    });
  }
}

}  // namespace icrm::cli
