#include "store/validation.h"

#include "store/user_store.h"

namespace icrm::store {
namespace {

// Length of the UTF-8 sequence starting at s[i], or 0 when malformed.
size_t utf8_sequence(std::string_view s, size_t i) {
  auto b = [&](size_t k) { return static_cast<unsigned char>(s[k]); };
  unsigned char c = b(i);
  size_t n = c < 0x80 ? 1 : (c >> 5) == 0x6 ? 2 : (c >> 4) == 0xE ? 3 : (c >> 3) == 0x1E ? 4 : 0;
  if (n == 0 || i + n > s.size()) return 0;
  for (size_t k = 1; k < n; ++k) {
    if ((b(i + k) >> 6) != 0x2) return 0;
  }
  if (n == 2 && c < 0xC2) return 0;                       // overlong
  if (n == 3 && c == 0xE0 && b(i + 1) < 0xA0) return 0;   // overlong
  if (n == 3 && c == 0xED && b(i + 1) >= 0xA0) return 0;  // surrogates
  if (n == 4 && (c > 0xF4 || (c == 0xF0 && b(i + 1) < 0x90) || (c == 0xF4 && b(i + 1) >= 0x90)))
    return 0;
  return n;
}

}  // namespace

std::string trimmed(std::string_view s) {
  auto first = s.find_first_not_of(" \t\r\n");
  if (first == std::string_view::npos) return {};
  auto last = s.find_last_not_of(" \t\r\n");
  return std::string(s.substr(first, last - first + 1));
}

std::optional<std::string> trimmed_or_null(const std::optional<std::string>& s) {
  if (!s) return std::nullopt;
  std::string t = trimmed(*s);
  if (t.empty()) return std::nullopt;
  return t;
}

Status check_text(std::string_view field, std::string_view value, size_t max_length,
                  bool required) {
  std::string f(field);
  if (value.size() > max_length) {
    return Error::too_large(f + " is " + std::to_string(value.size()) + " bytes; the limit is " +
                                std::to_string(max_length),
                            f);
  }
  if (required && value.find_first_not_of(" \t\r\n") == std::string_view::npos) {
    return Error::invalid(f + " is required", f);
  }
  for (size_t i = 0; i < value.size();) {
    unsigned char c = static_cast<unsigned char>(value[i]);
    if (c == 0) return Error::invalid(f + " contains a NUL byte", f);
    if (c < 0x20 && c != '\t' && c != '\n' && c != '\r') {
      return Error::invalid(f + " contains a control character", f);
    }
    size_t n = utf8_sequence(value, i);
    if (n == 0) return Error::invalid(f + " is not valid UTF-8", f);
    i += n;
  }
  return {};
}

Status check_text(const schema::Field& field, std::string_view value) {
  return check_text(field.name, value, field.max_bytes, field.required);
}

Status check_optional_text(const schema::Field& field, const std::optional<std::string>& value) {
  if (!value) {
    if (field.required)
      return Error::invalid(std::string(field.name) + " is required", std::string(field.name));
    return {};
  }
  return check_text(field, *value);
}

Status check_email(const schema::Field& field, const std::optional<std::string>& value) {
  if (!value) return {};
  if (auto s = check_text(field.name, *value, field.max_bytes, true); !s) return s;
  return validate_email(*value, field.name);
}

Status check_currency(std::string_view field, std::string_view value) {
  bool ok = value.size() == 3;
  for (char c : value) ok = ok && c >= 'A' && c <= 'Z';
  if (!ok) {
    return Error::invalid(std::string(field) + " must be a three-letter ISO 4217 code such as EUR",
                          std::string(field));
  }
  return {};
}

Status check_time(std::string_view field, Timestamp value) {
  if (value < kMinRecordTime || value > kMaxRecordTime) {
    return Error::invalid(std::string(field) + " must be between the years 0001 and 9999",
                          std::string(field));
  }
  return {};
}

Status all_fields(std::span<const Status> checks) {
  std::optional<Error> first;
  std::vector<FieldError> details;
  for (const auto& c : checks) {
    if (c) continue;
    if (!first) first = c.error();
    if (c.error().details.empty()) {
      details.push_back({c.error().field, c.error().message});
    } else {
      details.insert(details.end(), c.error().details.begin(), c.error().details.end());
    }
  }
  if (!first) return {};
  if (details.size() > 1) first->details = std::move(details);
  return *first;
}

Status check_one_party(const std::optional<int64_t>& lead_id,
                       const std::optional<int64_t>& customer_id) {
  if (lead_id.has_value() == customer_id.has_value()) {
    return Error::invalid(std::string(lead_id ? "give a lead_id or a customer_id, not both"
                                              : "a lead_id or a customer_id is required"),
                          "lead_id");
  }
  return {};
}

}  // namespace icrm::store
