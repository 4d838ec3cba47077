#include "notify/signature.h"

#include <openssl/crypto.h>
#include <openssl/evp.h>
#include <openssl/hmac.h>
#include <openssl/rand.h>

#include <charconv>
#include <stdexcept>

namespace icrm::notify {
namespace {

std::string to_hex(const unsigned char* data, size_t n) {
  static constexpr char kDigits[] = "0123456789abcdef";
  std::string out(n * 2, '0');
  for (size_t i = 0; i < n; ++i) {
    out[2 * i] = kDigits[data[i] >> 4];
    out[2 * i + 1] = kDigits[data[i] & 15];
  }
  return out;
}

}  // namespace

std::string hmac_sha256_hex(std::string_view secret, std::string_view message) {
  unsigned char mac[EVP_MAX_MD_SIZE];
  unsigned int len = 0;
  if (HMAC(EVP_sha256(), secret.data(), static_cast<int>(secret.size()),
           reinterpret_cast<const unsigned char*>(message.data()), message.size(), mac,
           &len) == nullptr) {
    throw std::runtime_error("HMAC-SHA256 failed");  // only on allocation failure
  }
  return to_hex(mac, len);
}

std::string sign_webhook(std::string_view secret, int64_t unix_seconds, std::string_view body) {
  std::string t = std::to_string(unix_seconds);
  std::string message = t + "." + std::string(body);
  return "t=" + t + ",v1=" + hmac_sha256_hex(secret, message);
}

Status verify_signature(std::string_view secret, std::string_view header, std::string_view body,
                        Timestamp now, std::chrono::seconds tolerance) {
  if (header.size() > kMaxSignatureHeaderBytes)
    return Error::unauthenticated("signature header is too long");
  std::string_view t_text, v1;
  while (!header.empty()) {
    size_t comma = header.find(',');
    std::string_view part = header.substr(0, comma);
    header = comma == std::string_view::npos ? std::string_view() : header.substr(comma + 1);
    if (part.starts_with("t="))
      t_text = part.substr(2);
    else if (part.starts_with("v1="))
      v1 = part.substr(3);
  }
  int64_t t = 0;
  auto [end, ec] = std::from_chars(t_text.data(), t_text.data() + t_text.size(), t);
  if (t_text.empty() || ec != std::errc() || end != t_text.data() + t_text.size())
    return Error::unauthenticated("signature has no valid t= timestamp");
  if (v1.size() != 64) return Error::unauthenticated("signature has no v1= HMAC-SHA256");
  int64_t now_s = to_unix_micros(now) / 1'000'000;
  int64_t skew = now_s > t ? now_s - t : t - now_s;
  if (skew > tolerance.count())
    return Error::unauthenticated("signature timestamp is " + std::to_string(skew) +
                                  " s from now (tolerance " + std::to_string(tolerance.count()) +
                                  " s)");
  std::string expected = hmac_sha256_hex(secret, std::string(t_text) + "." + std::string(body));
  if (CRYPTO_memcmp(expected.data(), v1.data(), expected.size()) != 0)
    return Error::unauthenticated("signature does not match the body");
  return {};
}

std::string generate_webhook_secret() {
  unsigned char bytes[32];
  if (RAND_bytes(bytes, sizeof bytes) != 1) throw std::runtime_error("no randomness for a secret");
  return "whsec_" + to_hex(bytes, sizeof bytes);
}

}  // namespace icrm::notify
