// Checks every repository applies to text it is asked to store, and the named
// limits behind them (each field of schema/fields.h takes its limit from one
// of these). A violation is an Error naming the field: invalid for
// malformed text (NUL bytes, broken UTF-8, a bad e-mail), too_large for text
// past its limit. Quotes and any other printable text are stored verbatim.
// RecordChecks applies a record's table to a record being created or changed.
#pragma once

#include <cstddef>
#include <cstdint>
#include <optional>
#include <span>
#include <string>
#include <string_view>
#include <vector>

#include "core/result.h"
#include "core/time.h"
#include "store/attributes.h"
#include "store/schema/fields.h"

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

// Largest money amount in minor units (10^15: exact in a JavaScript number,
// and far beyond any one deal).
inline constexpr int64_t kMaxAmountMinor = 1'000'000'000'000'000;
// One sale line's quantity, either way (returns are negative), and its line number.
inline constexpr int64_t kMaxQuantity = 1'000'000'000;
inline constexpr int64_t kMaxLineNo = 1'000'000;

// Requires non-empty (after trimming) when `required`; refuses NUL bytes,
// other control characters except tab/newline/CR, invalid UTF-8, and more
// than `max_length` bytes.
Status check_text(std::string_view field, std::string_view value, size_t max_length,
                  bool required = true);

// check_text with the field's name, limit and whether it is required.
Status check_text(const schema::Field& field, std::string_view value);
Status check_optional_text(const schema::Field& field, const std::optional<std::string>& value);

// check_text plus validate_email (user_store.h), which shares the address
// shape and kMaxEmailLength with user accounts. Case is kept; uniqueness
// compares lower-case.
Status check_email(const schema::Field& field, const std::optional<std::string>& value);

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

// The checks of one record's fields, each against its entity's table, as one
// Status (all_fields). For a change (`before` given) a field whose value is
// the stored one is not judged again: a value stored under an older or
// looser rule (a 300-byte name from an old import) must not block a change
// of another field, while a new value always meets today's limit.
//
//   RecordChecks<Customer> check(Entity::kCustomers, c, before);
//   check.text("name", &Customer::name);
//   return check.result();
template <typename Record>
class RecordChecks {
 public:
  RecordChecks(Entity entity, const Record& record, const Record* before)
      : schema_(schema::schema_of(entity)), record_(record), before_(before) {}

  void text(std::string_view name, std::string Record::*member) {
    if (!unchanged(member)) add(check_text(schema_.field(name), record_.*member));
  }
  void text(std::string_view name, std::optional<std::string> Record::*member) {
    if (!unchanged(member)) add(check_optional_text(schema_.field(name), record_.*member));
  }
  void email(std::string_view name, std::optional<std::string> Record::*member) {
    if (!unchanged(member)) add(check_email(schema_.field(name), record_.*member));
  }
  void currency(std::string_view name, std::string Record::*member) {
    if (!unchanged(member)) add(check_currency(schema_.field(name).name, record_.*member));
  }
  void time(std::string_view name, Timestamp Record::*member) {
    if (!unchanged(member)) add(check_time(schema_.field(name).name, record_.*member));
  }
  void time(std::string_view name, std::optional<Timestamp> Record::*member) {
    const auto& v = record_.*member;
    if (v && !unchanged(member)) add(check_time(schema_.field(name).name, *v));
  }
  void attributes(boost::json::object Record::*member) {
    if (!unchanged(member)) add(check_attributes(record_.*member));
  }
  // The record belongs to exactly one lead or one customer (check_one_party).
  void one_party(std::optional<int64_t> Record::*lead_id,
                 std::optional<int64_t> Record::*customer_id) {
    if (!unchanged(lead_id) || !unchanged(customer_id))
      add(check_one_party(record_.*lead_id, record_.*customer_id));
  }
  // A check of the record's own (a rule across fields, a range).
  void add(Status s) { checks_.push_back(std::move(s)); }
  // The first failure, naming every field at fault; ok when none failed.
  Status result() const { return all_fields(checks_); }

  template <typename T>
  bool unchanged(T Record::*member) const {
    return before_ != nullptr && before_->*member == record_.*member;
  }

 private:
  const schema::EntitySchema& schema_;
  const Record& record_;
  const Record* before_;
  std::vector<Status> checks_;
};

// Leading and trailing blanks removed; empty optional text becomes nullopt.
std::string trimmed(std::string_view s);
std::optional<std::string> trimmed_or_null(const std::optional<std::string>& s);

}  // namespace icrm::store
