#include "models/base64.h"

#include <sodium.h>

namespace icrm::models {

// libsodium's constant-time codec, the original RFC 4648 alphabet with padding
// (model files written before this change decode unchanged).
namespace {
constexpr int kVariant = sodium_base64_VARIANT_ORIGINAL;
}

std::string base64_encode(std::string_view bytes) {
  std::string out(sodium_base64_ENCODED_LEN(bytes.size(), kVariant), '\0');
  sodium_bin2base64(out.data(), out.size(), reinterpret_cast<const unsigned char*>(bytes.data()),
                    bytes.size(), kVariant);
  out.resize(out.size() - 1);  // the terminating NUL sodium writes
  return out;
}

Result<std::string> base64_decode(std::string_view text) {
  if (text.size() % 4 != 0) return Error::invalid("base64 text of a length not a multiple of 4");
  std::string out(text.size() / 4 * 3, '\0');
  size_t written = 0;
  const char* end = nullptr;
  if (sodium_base642bin(reinterpret_cast<unsigned char*>(out.data()), out.size(), text.data(),
                        text.size(), nullptr, &written, &end, kVariant) != 0 ||
      end != text.data() + text.size()) {
    return Error::invalid("not base64: a character outside the alphabet or misplaced padding");
  }
  out.resize(written);
  return out;
}

}  // namespace icrm::models
