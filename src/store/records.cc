#include "store/records.h"

#include <array>
#include <utility>

namespace icrm::store {
namespace {

template <typename E, size_t N>
using Names = std::array<std::pair<E, std::string_view>, N>;

constexpr Names<CustomerStatus, 3> kCustomerStatus{{{CustomerStatus::kActive, "active"},
                                                    {CustomerStatus::kInactive, "inactive"},
                                                    {CustomerStatus::kChurned, "churned"}}};
constexpr Names<LeadStatus, 5> kLeadStatus{{{LeadStatus::kNew, "new"},
                                            {LeadStatus::kContacted, "contacted"},
                                            {LeadStatus::kQualified, "qualified"},
                                            {LeadStatus::kConverted, "converted"},
                                            {LeadStatus::kLost, "lost"}}};
constexpr Names<ActivityKind, 6> kActivityKind{{{ActivityKind::kCall, "call"},
                                                {ActivityKind::kEmail, "email"},
                                                {ActivityKind::kMeeting, "meeting"},
                                                {ActivityKind::kOffer, "offer"},
                                                {ActivityKind::kTask, "task"},
                                                {ActivityKind::kNurture, "nurture"}}};
constexpr Names<ActivityStatus, 3> kActivityStatus{{{ActivityStatus::kOpen, "open"},
                                                    {ActivityStatus::kDone, "done"},
                                                    {ActivityStatus::kCancelled, "cancelled"}}};
constexpr Names<Direction, 2> kDirection{{{Direction::kIn, "in"}, {Direction::kOut, "out"}}};
constexpr Names<Channel, 4> kChannel{{{Channel::kEmail, "email"},
                                      {Channel::kSms, "sms"},
                                      {Channel::kCall, "call"},
                                      {Channel::kChat, "chat"}}};

template <typename E, size_t N>
std::string_view name_of(const Names<E, N>& names, E v) {
  for (const auto& [e, n] : names) {
    if (e == v) return n;
  }
  return "";
}

template <typename E, size_t N>
std::optional<E> parse_of(const Names<E, N>& names, std::string_view s) {
  for (const auto& [e, n] : names) {
    if (n == s) return e;
  }
  return std::nullopt;
}

boost::json::value j(const std::optional<std::string>& v) {
  return v ? boost::json::value(*v) : boost::json::value(nullptr);
}
boost::json::value j(const std::optional<int64_t>& v) {
  return v ? boost::json::value(*v) : boost::json::value(nullptr);
}
boost::json::value j(const std::optional<Timestamp>& v) {
  return v ? boost::json::value(format_timestamp(*v)) : boost::json::value(nullptr);
}
boost::json::value j(Timestamp v) { return boost::json::value(format_timestamp(v)); }

}  // namespace

std::string_view to_string(CustomerStatus v) { return name_of(kCustomerStatus, v); }
std::string_view to_string(LeadStatus v) { return name_of(kLeadStatus, v); }
std::string_view to_string(ActivityKind v) { return name_of(kActivityKind, v); }
std::string_view to_string(ActivityStatus v) { return name_of(kActivityStatus, v); }
std::string_view to_string(Direction v) { return name_of(kDirection, v); }
std::string_view to_string(Channel v) { return name_of(kChannel, v); }
std::optional<CustomerStatus> parse_customer_status(std::string_view s) {
  return parse_of(kCustomerStatus, s);
}
std::optional<LeadStatus> parse_lead_status(std::string_view s) { return parse_of(kLeadStatus, s); }
std::optional<ActivityKind> parse_activity_kind(std::string_view s) {
  return parse_of(kActivityKind, s);
}
std::optional<ActivityStatus> parse_activity_status(std::string_view s) {
  return parse_of(kActivityStatus, s);
}
std::optional<Direction> parse_direction(std::string_view s) { return parse_of(kDirection, s); }
std::optional<Channel> parse_channel(std::string_view s) { return parse_of(kChannel, s); }

boost::json::object to_json(const Customer& r) {
  return {{"id", r.id},
          {"external_id", j(r.external_id)},
          {"name", r.name},
          {"email", j(r.email)},
          {"phone", j(r.phone)},
          {"company", j(r.company)},
          {"country", j(r.country)},
          {"status", to_string(r.status)},
          {"owner_id", j(r.owner_id)},
          {"attributes", r.attributes},
          {"created_at", j(r.created_at)},
          {"updated_at", j(r.updated_at)}};
}

boost::json::object to_json(const Lead& r) {
  return {{"id", r.id},
          {"external_id", j(r.external_id)},
          {"name", r.name},
          {"email", j(r.email)},
          {"company", j(r.company)},
          {"source", j(r.source)},
          {"status", to_string(r.status)},
          {"owner_id", j(r.owner_id)},
          {"expected_value_minor", j(r.expected_value_minor)},
          {"currency", r.currency},
          {"attributes", r.attributes},
          {"customer_id", j(r.customer_id)},
          {"contacted_at", j(r.contacted_at)},
          {"qualified_at", j(r.qualified_at)},
          {"converted_at", j(r.converted_at)},
          {"lost_at", j(r.lost_at)},
          {"created_at", j(r.created_at)},
          {"updated_at", j(r.updated_at)}};
}

boost::json::object to_json(const LeadStatusChange& r) {
  return {{"id", r.id},
          {"lead_id", r.lead_id},
          {"from_status", r.from_status ? boost::json::value(to_string(*r.from_status))
                                        : boost::json::value(nullptr)},
          {"to_status", to_string(r.to_status)},
          {"changed_at", j(r.changed_at)},
          {"user_id", j(r.user_id)}};
}

boost::json::object to_json(const Product& r) {
  return {{"id", r.id},
          {"sku", r.sku},
          {"name", r.name},
          {"category", j(r.category)},
          {"unit_price_minor", r.unit_price_minor},
          {"currency", r.currency},
          {"created_at", j(r.created_at)},
          {"updated_at", j(r.updated_at)}};
}

boost::json::object to_json(const Transaction& r) {
  return {{"id", r.id},
          {"external_id", j(r.external_id)},
          {"line_no", r.line_no},
          {"customer_id", j(r.customer_id)},
          {"product_id", j(r.product_id)},
          {"quantity", r.quantity},
          {"unit_price_minor", r.unit_price_minor},
          {"amount_minor", r.amount_minor},
          {"currency", r.currency},
          {"occurred_at", j(r.occurred_at)},
          {"created_at", j(r.created_at)}};
}

boost::json::object to_json(const Activity& r) {
  return {{"id", r.id},
          {"kind", to_string(r.kind)},
          {"subject", r.subject},
          {"due_at", j(r.due_at)},
          {"status", to_string(r.status)},
          {"owner_id", j(r.owner_id)},
          {"lead_id", j(r.lead_id)},
          {"customer_id", j(r.customer_id)},
          {"created_by_user_id", j(r.created_by_user_id)},
          {"created_by_system", r.created_by_system},
          {"completed_at", j(r.completed_at)},
          {"created_at", j(r.created_at)},
          {"updated_at", j(r.updated_at)}};
}

boost::json::object to_json(const Communication& r) {
  return {{"id", r.id},
          {"lead_id", j(r.lead_id)},
          {"customer_id", j(r.customer_id)},
          {"direction", to_string(r.direction)},
          {"channel", to_string(r.channel)},
          {"subject", j(r.subject)},
          {"body", j(r.body)},
          {"occurred_at", j(r.occurred_at)},
          {"response_seconds", j(r.response_seconds)},
          {"created_at", j(r.created_at)}};
}

boost::json::object to_json(const AuditEntry& r) {
  return {{"id", r.id},         {"at", j(r.at)},      {"user_id", j(r.user_id)},
          {"action", r.action}, {"entity", r.entity}, {"entity_id", j(r.entity_id)},
          {"before", r.before}, {"after", r.after}};
}

}  // namespace icrm::store
