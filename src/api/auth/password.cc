#include "api/auth/password.h"

#include <sodium.h>

#include "api/auth/sodium_init.h"

namespace icrm::api::auth {

PasswordCost PasswordCost::interactive() {
  return {crypto_pwhash_OPSLIMIT_INTERACTIVE, crypto_pwhash_MEMLIMIT_INTERACTIVE};
}

PasswordCost PasswordCost::minimum() {
  return {crypto_pwhash_OPSLIMIT_MIN, crypto_pwhash_MEMLIMIT_MIN};
}

Status check_password_policy(std::string_view password, std::string_view field) {
  std::string f(field);
  if (password.size() < kMinPasswordLength) {
    return Error::invalid(
        "password must be at least " + std::to_string(kMinPasswordLength) + " characters long", f);
  }
  if (password.size() > kMaxPasswordLength) {
    return Error::too_large(
        "password must be at most " + std::to_string(kMaxPasswordLength) + " characters long", f);
  }
  if (password.find('\0') != std::string_view::npos) {
    return Error::invalid("password may not contain NUL bytes", f);
  }
  return {};
}

Result<std::string> hash_password(std::string_view password, PasswordCost cost) {
  ensure_sodium();
  char out[crypto_pwhash_STRBYTES];
  if (crypto_pwhash_str_alg(out, password.data(), password.size(), cost.ops_limit, cost.mem_limit,
                            crypto_pwhash_ALG_ARGON2ID13) != 0) {
    return Error::internal("out of memory while hashing a password");
  }
  return std::string(out);
}

bool verify_password(std::string_view hash, std::string_view password) {
  ensure_sodium();
  if (hash.empty() || hash.size() >= crypto_pwhash_STRBYTES) return false;
  if (password.size() > kMaxPasswordLength) return false;
  // crypto_pwhash_str_verify wants a NUL-terminated string.
  std::string h(hash);
  return crypto_pwhash_str_verify(h.c_str(), password.data(), password.size()) == 0;
}

bool needs_rehash(std::string_view hash, PasswordCost cost) {
  ensure_sodium();
  std::string h(hash);
  return crypto_pwhash_str_needs_rehash(h.c_str(), cost.ops_limit, cost.mem_limit) != 0;
}

}  // namespace icrm::api::auth
