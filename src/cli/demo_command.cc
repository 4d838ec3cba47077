#include <iostream>
#include <memory>

#include "api/auth/password.h"
#include "api/auth/token.h"
#include "cli/command.h"
#include "core/clock.h"
#include "ingest/demo_generator.h"
#include "store/database.h"
#include "store/user_store.h"

namespace icrm::cli {
namespace {

struct DemoUser {
  const char* email;
  const char* name;
  store::Role role;
};
constexpr DemoUser kDemoUsers[] = {
    {"admin@insightcrm.local", "Demo admin", store::Role::kAdmin},
    {"manager@insightcrm.local", "Mona Manager", store::Role::kManager},
    {"rep1@insightcrm.local", "Rita Rep (fast)", store::Role::kRep},
    {"rep2@insightcrm.local", "Ravi Rep", store::Role::kRep},
    {"rep3@insightcrm.local", "Rolf Rep (slow)", store::Role::kRep},
};

// Creates the demo team where missing; prints each new password once.
// Returns the reps' ids in order.
Result<std::vector<int64_t>> ensure_team(store::Database& db) {
  store::UserStore users(db, SystemClock::instance());
  std::vector<int64_t> reps;
  bool printed_header = false;
  for (const DemoUser& u : kDemoUsers) {
    auto existing = users.get_by_email(u.email);
    int64_t id;
    if (existing) {
      id = existing->id;
    } else if (existing.error().code == ErrorCode::kNotFound) {
      std::string password = api::auth::random_token(12);
      auto hash = api::auth::hash_password(password);
      if (!hash) return hash.error();
      auto created =
          users.create(store::Actor::system(),
                       {.email = u.email, .name = u.name, .role = u.role, .password_hash = *hash});
      if (!created) return created.error();
      id = created->id;
      if (!printed_header) {
        std::cerr << "demo users (passwords shown once, stored only as argon2id hashes):\n";
        printed_header = true;
      }
      std::cerr << "  " << store::role_name(u.role) << "\t" << u.email << "\t" << password << "\n";
    } else {
      return existing.error();
    }
    if (u.role == store::Role::kRep) reps.push_back(id);
  }
  return reps;
}

}  // namespace

void add_demo_command(CLI::App& app) {
  struct Args {
    DbOption db;
    ingest::DemoOptions o;
    std::string end, truth;
  };
  auto a = std::make_shared<Args>();
  auto* cmd = app.add_subcommand(
      "demo",
      "Fill the database with a believable small business drawn from a documented hidden\n"
      "process (docs/demo-data.md): a team of 5 users, products, customers, leads, sales,\n"
      "communications, activities and behaviour events. Same seed and --end, same data. Does\n"
      "nothing when the database already holds demo data.");
  add_db_option(*cmd, a->db);
  cmd->add_option("--seed", a->o.seed, "Random seed")->capture_default_str();
  cmd->add_option("--customers", a->o.customers)->capture_default_str();
  cmd->add_option("--leads", a->o.leads)->capture_default_str();
  cmd->add_option("--transactions", a->o.transactions)->capture_default_str();
  cmd->add_option("--days", a->o.days, "Days of history")->capture_default_str();
  cmd->add_option("--end", a->end, "Last day of the data, YYYY-MM-DD (default: today, UTC)");
  cmd->add_option("--truth", a->truth,
                  "Also write the true probabilities and outcomes to this CSV");
  cmd->callback([a] {
    ingest::DemoOptions o = a->o;
    auto valid = ingest::validate_demo_options(o);
    if (!valid) throw CLI::RuntimeError(report(valid.error()));
    if (a->end.empty()) {
      o.end = SystemClock::instance().now();
    } else {
      auto end = parse_timestamp(a->end);
      if (!end)
        throw CLI::RuntimeError(report(Error::invalid("--end: " + end.error().message, "end")));
      o.end = *end;
    }
    o.truth_path = a->truth;
    auto db = open_migrated_database(a->db);
    if (!db) throw CLI::RuntimeError(report(db.error()));
    auto reps = ensure_team(**db);
    if (!reps) throw CLI::RuntimeError(report(reps.error()));
    o.owner_ids = *reps;
    auto counts = ingest::generate_demo(**db, o);
    if (!counts && counts.error().code == ErrorCode::kConflict) {
      std::cerr << "insightcrm demo: " << counts.error().message << "; nothing to do\n";
      return;
    }
    if (!counts) throw CLI::RuntimeError(report(counts.error()));
    std::cout << counts->to_json() << std::endl;
  });
}

}  // namespace icrm::cli
