// The CRM's records as plain structs, one per table, and their JSON form
// (the shape the audit log stores and the API can serve). Money is integer
// minor units plus an ISO 4217 code; times are UTC Timestamps; a field that
// may be absent is std::optional. Repositories (customer_store.h, ...) own
// the rules; these structs carry no behaviour.
#pragma once

#include <boost/json/object.hpp>
#include <boost/json/value.hpp>
#include <cstdint>
#include <optional>
#include <string>
#include <string_view>

#include "core/time.h"

namespace icrm::store {

inline constexpr std::string_view kDefaultCurrency = "EUR";

enum class CustomerStatus { kActive, kInactive, kChurned };
enum class LeadStatus { kNew, kContacted, kQualified, kConverted, kLost };
enum class ActivityKind { kCall, kEmail, kMeeting, kOffer, kTask, kNurture };
enum class ActivityStatus { kOpen, kDone, kCancelled };
enum class Direction { kIn, kOut };
enum class Channel { kEmail, kSms, kCall, kChat };

// The text stored in SQL and JSON ("active", "contacted", ...), and back;
// parse_* return nullopt for anything else.
std::string_view to_string(CustomerStatus v);
std::string_view to_string(LeadStatus v);
std::string_view to_string(ActivityKind v);
std::string_view to_string(ActivityStatus v);
std::string_view to_string(Direction v);
std::string_view to_string(Channel v);
std::optional<CustomerStatus> parse_customer_status(std::string_view s);
std::optional<LeadStatus> parse_lead_status(std::string_view s);
std::optional<ActivityKind> parse_activity_kind(std::string_view s);
std::optional<ActivityStatus> parse_activity_status(std::string_view s);
std::optional<Direction> parse_direction(std::string_view s);
std::optional<Channel> parse_channel(std::string_view s);

struct Customer {
  int64_t id = 0;
  std::optional<std::string> external_id;  // the id in the system it came from
  std::string name;
  std::optional<std::string> email;  // unique, case-insensitively, when present
  std::optional<std::string> phone;
  std::optional<std::string> company;
  std::optional<std::string> country;
  CustomerStatus status = CustomerStatus::kActive;
  std::optional<int64_t> owner_id;  // users.id
  boost::json::object attributes;   // flat: see attributes.h
  Timestamp created_at{};
  Timestamp updated_at{};
};

struct Lead {
  int64_t id = 0;
  std::optional<std::string> external_id;
  std::string name;
  std::optional<std::string> email;
  std::optional<std::string> company;
  std::optional<std::string> source;  // "web", "referral", a campaign, ...
  LeadStatus status = LeadStatus::kNew;
  std::optional<int64_t> owner_id;
  std::optional<int64_t> expected_value_minor;  // in `currency`
  std::string currency{kDefaultCurrency};
  boost::json::object attributes;
  std::optional<int64_t> customer_id;  // set once converted
  // When the lead last entered each status.
  std::optional<Timestamp> contacted_at;
  std::optional<Timestamp> qualified_at;
  std::optional<Timestamp> converted_at;
  std::optional<Timestamp> lost_at;
  Timestamp created_at{};
  Timestamp updated_at{};
};

// One row of a lead's status history (from_status is empty for creation).
struct LeadStatusChange {
  int64_t id = 0;
  int64_t lead_id = 0;
  std::optional<LeadStatus> from_status;
  LeadStatus to_status = LeadStatus::kNew;
  Timestamp changed_at{};
  std::optional<int64_t> user_id;  // nullopt: the system
};

struct Product {
  int64_t id = 0;
  std::string sku;  // unique
  std::string name;
  std::optional<std::string> category;
  int64_t unit_price_minor = 0;  // never negative
  std::string currency{kDefaultCurrency};
  Timestamp created_at{};
  Timestamp updated_at{};
};

// A sale: one invoice line. A return is a negative quantity; amount_minor is
// always quantity × unit_price_minor, computed by the store.
struct Transaction {
  int64_t id = 0;
  std::optional<std::string> external_id;  // e.g. the invoice number
  int64_t line_no = 1;                     // unique with external_id
  std::optional<int64_t> customer_id;      // nullopt: an anonymous sale
  std::optional<int64_t> product_id;
  int64_t quantity = 0;
  int64_t unit_price_minor = 0;
  int64_t amount_minor = 0;
  std::string currency{kDefaultCurrency};
  Timestamp occurred_at{};
  Timestamp created_at{};
};

struct Activity {
  int64_t id = 0;
  ActivityKind kind = ActivityKind::kTask;
  std::string subject;
  std::optional<Timestamp> due_at;
  ActivityStatus status = ActivityStatus::kOpen;
  std::optional<int64_t> owner_id;
  std::optional<int64_t> lead_id;             // at least one of lead_id and
  std::optional<int64_t> customer_id;         // customer_id is set
  std::optional<int64_t> created_by_user_id;  // set from the Actor
  bool created_by_system = false;             // set from the Actor
  std::optional<Timestamp> completed_at;      // when it became done or cancelled
  Timestamp created_at{};
  Timestamp updated_at{};
};

struct Communication {
  int64_t id = 0;
  std::optional<int64_t> lead_id;      // at least one of lead_id and
  std::optional<int64_t> customer_id;  // customer_id is set
  Direction direction = Direction::kIn;
  Channel channel = Channel::kEmail;
  std::optional<std::string> subject;
  std::optional<std::string> body;
  Timestamp occurred_at{};
  // Outbound only: seconds since the party's latest inbound message that no
  // earlier outbound message had answered; computed by the store.
  std::optional<int64_t> response_seconds;
  Timestamp created_at{};
};

struct AuditEntry {
  int64_t id = 0;
  Timestamp at{};
  std::optional<int64_t> user_id;  // nullopt: the system
  std::string action;              // "create", "update", "delete", "transition", ...
  std::string entity;              // the table: "customers", "leads", ...
  std::optional<int64_t> entity_id;
  boost::json::value before;  // null when there was nothing before
  boost::json::value after;   // null when nothing is left after
};

// JSON objects with the field names above; times as ISO-8601 text, enums as
// their text, absent optionals as null.
boost::json::object to_json(const Customer& r);
boost::json::object to_json(const Lead& r);
boost::json::object to_json(const LeadStatusChange& r);
boost::json::object to_json(const Product& r);
boost::json::object to_json(const Transaction& r);
boost::json::object to_json(const Activity& r);
boost::json::object to_json(const Communication& r);
boost::json::object to_json(const AuditEntry& r);

}  // namespace icrm::store
