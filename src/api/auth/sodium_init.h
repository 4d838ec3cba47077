// libsodium must be initialised once before use; every auth function calls
// ensure_sodium() first, so no caller has to remember to.
#pragma once

namespace icrm::api::auth {

// Thread-safe and idempotent. Aborts if libsodium cannot start (no entropy
// source): nothing in auth can be done safely without it.
void ensure_sodium();

}  // namespace icrm::api::auth
