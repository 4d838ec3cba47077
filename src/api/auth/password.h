// Passwords: the policy a new password must meet, and argon2id hashing and
// verification through libsodium (crypto_pwhash_str / _str_verify). The hash
// string carries its own salt and cost, so raising the cost later still
// verifies old hashes; needs_rehash() says when to re-hash on the next login.
//
// Thread-safety: all functions are thread-safe.
#pragma once

#include <cstddef>
#include <string>
#include <string_view>

#include "core/result.h"

namespace icrm::api::auth {

// NIST SP 800-63B asks for at least 8; a CRM holding customer data asks for more.
inline constexpr size_t kMinPasswordLength = 12;
// Bounds the work an attacker can make argon2 do per request.
inline constexpr size_t kMaxPasswordLength = 1024;

// The cost of one hash. kInteractive is libsodium's recommendation for logins
// (64 MiB, 2 passes); kMinimum exists for tests, never for stored passwords
// of real users.
struct PasswordCost {
  unsigned long long ops_limit;
  size_t mem_limit;
  static PasswordCost interactive();
  static PasswordCost minimum();
};

// Invalid argument on field `field` when the password is too short, too long,
// or contains NUL bytes.
Status check_password_policy(std::string_view password, std::string_view field = "password");

// An "$argon2id$v=19$m=...,t=...,p=1$salt$hash" string. Internal error only
// when the machine lacks the memory for the given cost.
Result<std::string> hash_password(std::string_view password,
                                  PasswordCost cost = PasswordCost::interactive());

// True when `password` matches `hash`. False for a malformed hash; never throws.
bool verify_password(std::string_view hash, std::string_view password);

// True when `hash` was made with a cost other than `cost`.
bool needs_rehash(std::string_view hash, PasswordCost cost = PasswordCost::interactive());

}  // namespace icrm::api::auth
