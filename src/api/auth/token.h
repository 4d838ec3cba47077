// Secrets handed to clients — session cookies and API keys — and how they are
// kept: made from libsodium's CSPRNG, written as base64url, stored only as a
// SHA-256 hex digest, and compared in constant time.
//
// Thread-safety: all functions are thread-safe.
#pragma once

#include <cstddef>
#include <string>
#include <string_view>

namespace icrm::api::auth {

// 256 bits: far beyond guessing, and the digest lookup makes timing useless.
inline constexpr size_t kTokenBytes = 32;
// API keys start with this, so secret scanners and people recognise them.
inline constexpr std::string_view kApiTokenPrefix = "icrm_";
// Characters of an API key kept in clear for display ("icrm_AbCdEf…").
inline constexpr size_t kDisplayPrefixLength = kApiTokenPrefix.size() + 6;
// Anything longer than this presented as a token is rejected before hashing.
inline constexpr size_t kMaxPresentedTokenLength = 256;

// `bytes` random bytes as unpadded base64url.
std::string random_token(size_t bytes = kTokenBytes);
// A new API key: kApiTokenPrefix + random_token().
std::string new_api_token();
// Lower-case hex SHA-256 of the token: what the database stores.
std::string hash_token(std::string_view token);
// Equal contents, in time that depends only on the lengths.
bool constant_time_equal(std::string_view a, std::string_view b);

}  // namespace icrm::api::auth
