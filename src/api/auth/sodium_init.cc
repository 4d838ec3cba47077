#include "api/auth/sodium_init.h"

#include <sodium.h>

#include <cstdio>
#include <cstdlib>

namespace icrm::api::auth {

void ensure_sodium() {
  static const bool ready = [] {
    if (sodium_init() < 0) {
      std::fputs("insightcrm: libsodium failed to initialise\n", stderr);
      std::abort();
    }
    return true;
  }();
  (void)ready;
}

}  // namespace icrm::api::auth
