// Actor: who makes a change — a signed-in user or the system itself (an
// import, a scheduled job, the decision engine). Every mutating repository
// method takes one and records it in the audit log with the change.
#pragma once

#include <cstdint>
#include <optional>
#include <string>

namespace icrm::store {

struct Actor {
  std::optional<int64_t> user_id;  // nullopt: the system

  static Actor system() { return {}; }
  static Actor user(int64_t id) { return Actor{id}; }
  bool is_system() const { return !user_id.has_value(); }
  // "user 7" or "system", for messages.
  std::string label() const { return user_id ? "user " + std::to_string(*user_id) : "system"; }
};

}  // namespace icrm::store
