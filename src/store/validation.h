// Checks every repository applies to text it is asked to store, and the named
// limits behind them. A violation is an Error naming the field: invalid for
// malformed text (NUL bytes, broken UTF-8, a bad e-mail), too_large for text
// past its limit. Quotes and any other printable text are stored verbatim.
#pragma once

#include <cstddef>
#include <cstdint>
#include <optional>
#include <span>
#include <string>
#include <string_view>

#include "core/result.h"
#include "core/time.h"

namespace icrm::store {

// Maximum lengths in bytes, per kind of text field.
inline constexpr size_t kMaxNameLength = 200;
inline constexpr size_t kMaxPhoneLength = 40;
inline constexpr size_t kMaxCompanyLength = 200;
inline constexpr size_t kMaxCountryLength = 100;
inline constexpr size_t kMaxExternalIdLength = 100;
inline constexpr size_t kMaxSourceLength = 100;
inline constexpr size_t kMaxSkuLength = 64;
inline constexpr size_t kMaxCategoryLength = 100;
inline constexpr size_t kMaxSubjectLength = 500;
inline constexpr size_t kMaxBodyLength = 100'000;  // one message body; 1 MB is refused

// Requires non-empty (after trimming) when `required`; refuses NUL bytes,
// other control characters except tab/newline/CR, invalid UTF-8, and more
// than `max_length` bytes.
Status check_text(std::string_view field, std::string_view value, size_t max_length,
                  bool required = true);
// check_text for a field that may be absent.
Status check_optional_text(std::string_view field, const std::optional<std::string>& value,
                           size_t max_length);

// check_text plus validate_email (user_store.h), which shares the address
// shape and kMaxEmailLength with user accounts. Case is kept; uniqueness
// compares lower-case.
Status check_email(std::string_view field, const std::optional<std::string>& value);

// The results of several field checks as one: ok when all pass, otherwise
// the first failure with `details` naming every field at fault, so a caller
// learns of all of them at once.
Status all_fields(std::span<const Status> checks);

// Three upper-case letters (ISO 4217 shape).
Status check_currency(std::string_view field, std::string_view value);

// The times a record may carry: years 0001 to 9999, the range the
// fixed-width ISO-8601 text holds (outside it text order is not time order).
inline constexpr Timestamp kMinRecordTime = std::chrono::sys_days{std::chrono::year{1} / 1 / 1};
inline constexpr Timestamp kMaxRecordTime =
    std::chrono::sys_days{std::chrono::year{10000} / 1 / 1} - std::chrono::microseconds{1};
Status check_time(std::string_view field, Timestamp value);

// Exactly one of the two links is set (an activity or a message belongs to
// one lead or one customer); otherwise invalid, naming lead_id.
Status check_one_party(const std::optional<int64_t>& lead_id,
                       const std::optional<int64_t>& customer_id);

// Leading and trailing blanks removed; empty optional text becomes nullopt.
std::string trimmed(std::string_view s);
std::optional<std::string> trimmed_or_null(const std::optional<std::string>& s);

}  // namespace icrm::store
