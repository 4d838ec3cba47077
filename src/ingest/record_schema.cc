#include "ingest/record_schema.h"

#include <array>

namespace icrm::ingest {
namespace {

using enum FieldType;

const std::vector<std::string_view> kCustomerStatus = {"active", "inactive", "churned"};
const std::vector<std::string_view> kLeadStatus = {"new", "contacted", "qualified", "converted",
                                                   "lost"};

std::array<KindSpec, 6> make_specs() {
  return {{
      {RecordKind::kCustomers,
       "customers",
       {{"external_id",
         kText,
         false,
         {},
         {"customerid", "customerno", "customernumber", "clientid"}},
        {"name", kText, true, {}, {"fullname", "customername", "customer", "clientname"}},
        {"email", kEmail, false, {}, {"emailaddress", "mail"}},
        {"phone", kText, false, {}, {"phonenumber", "telephone", "tel", "mobile"}},
        {"company", kText, false, {}, {"companyname", "organization", "organisation", "account"}},
        {"country", kText, false, {}, {}},
        {"status", kChoice, false, kCustomerStatus, {}},
        {"owner_email", kEmail, false, {}, {"owner"}},
        {"attributes", kAttributes, false, {}, {}},
        {"created_at", kTimestamp, false, {}, {"created", "createdon", "createddate"}},
        {"updated_at", kTimestamp, false, {}, {"updated", "modified", "updatedon"}}}},
      {RecordKind::kLeads,
       "leads",
       {{"external_id", kText, false, {}, {"leadid", "leadno"}},
        {"name", kText, true, {}, {"fullname", "leadname", "contactname"}},
        {"email", kEmail, false, {}, {"emailaddress", "mail"}},
        {"company", kText, false, {}, {"companyname", "organization", "organisation", "account"}},
        {"source", kText, false, {}, {"leadsource", "channel"}},
        {"status", kChoice, false, kLeadStatus, {"leadstatus", "stage"}},
        {"owner_email", kEmail, false, {}, {"owner"}},
        {"expected_value", kMoney, false, {}, {"value", "dealvalue", "expectedvalue"}},
        {"currency", kText, false, {}, {}},
        {"customer_external_id", kText, false, {}, {"customerid"}},
        {"contacted_at", kTimestamp, false, {}, {}},
        {"qualified_at", kTimestamp, false, {}, {}},
        {"converted_at", kTimestamp, false, {}, {}},
        {"lost_at", kTimestamp, false, {}, {}},
        {"attributes", kAttributes, false, {}, {}},
        {"created_at", kTimestamp, false, {}, {"created", "createdon", "createddate"}},
        {"updated_at", kTimestamp, false, {}, {"updated", "modified", "updatedon"}}}},
      {RecordKind::kProducts,
       "products",
       {{"sku", kText, true, {}, {"stockcode", "productcode", "code", "productid"}},
        {"name", kText, true, {}, {"productname", "description", "title"}},
        {"category", kText, false, {}, {}},
        {"unit_price", kMoney, true, {}, {"unitprice", "price", "listprice"}},
        {"currency", kText, false, {}, {}},
        {"created_at", kTimestamp, false, {}, {"created"}},
        {"updated_at", kTimestamp, false, {}, {"updated"}}}},
      {RecordKind::kTransactions,
       "transactions",
       {{"external_id",
         kText,
         false,
         {},
         {"invoiceno", "invoice", "invoicenumber", "orderid", "orderno"}},
        {"line_no", kInteger, false, {}, {"line", "linenumber"}},
        {"customer_external_id", kText, false, {}, {"customerid", "customer"}},
        {"sku", kText, true, {}, {"stockcode", "productcode", "productsku", "productid"}},
        {"quantity", kInteger, true, {}, {"qty"}},
        {"unit_price", kMoney, true, {}, {"unitprice", "price"}},
        {"amount", kMoney, false, {}, {"total", "linetotal"}},
        {"currency", kText, false, {}, {}},
        {"occurred_at",
         kTimestamp,
         true,
         {},
         {"invoicedate", "date", "orderdate", "time", "timestamp"}},
        {"created_at", kTimestamp, false, {}, {}}}},
      {RecordKind::kActivities,
       "activities",
       {{"kind",
         kChoice,
         true,
         {"call", "email", "meeting", "offer", "task", "nurture"},
         {"type", "activitytype"}},
        {"subject", kText, true, {}, {"title"}},
        {"due_at", kTimestamp, false, {}, {"due", "duedate"}},
        {"status", kChoice, false, {"open", "done", "cancelled"}, {}},
        {"owner_email", kEmail, false, {}, {"owner"}},
        {"lead_external_id", kText, false, {}, {"leadid"}},
        {"customer_external_id", kText, false, {}, {"customerid"}},
        {"completed_at", kTimestamp, false, {}, {}},
        {"created_at", kTimestamp, false, {}, {"created"}},
        {"updated_at", kTimestamp, false, {}, {"updated"}}}},
      {RecordKind::kCommunications,
       "communications",
       {{"lead_external_id", kText, false, {}, {"leadid"}},
        {"customer_external_id", kText, false, {}, {"customerid"}},
        {"direction", kChoice, true, {"in", "out"}, {}},
        {"channel", kChoice, true, {"email", "sms", "call", "chat"}, {}},
        {"subject", kText, false, {}, {}},
        {"body", kText, false, {}, {"text", "message"}},
        {"occurred_at", kTimestamp, true, {}, {"date", "time", "sentat", "timestamp"}},
        {"created_at", kTimestamp, false, {}, {}}}},
  }};
}

const std::array<KindSpec, 6>& specs() {
  static const std::array<KindSpec, 6> all = make_specs();
  return all;
}

}  // namespace

int KindSpec::field_index(std::string_view n) const {
  for (std::size_t i = 0; i < fields.size(); ++i)
    if (fields[i].name == n) return static_cast<int>(i);
  return -1;
}

const KindSpec& kind_spec(RecordKind kind) { return specs()[static_cast<std::size_t>(kind)]; }

Result<RecordKind> parse_record_kind(std::string_view name) {
  for (const KindSpec& s : specs())
    if (s.name == name) return s.kind;
  return Error::invalid("unknown kind '" + std::string(name) +
                            "' (customers, leads, products, transactions, activities, "
                            "communications)",
                        "kind");
}

std::string_view record_kind_name(RecordKind kind) { return kind_spec(kind).name; }

std::string normalize_column_name(std::string_view name) {
  std::string out;
  out.reserve(name.size());
  for (char c : name) {
    if (c == ' ' || c == '_' || c == '-' || c == '.' || c == '\t') continue;
    out.push_back(c >= 'A' && c <= 'Z' ? static_cast<char>(c - 'A' + 'a') : c);
  }
  return out;
}

}  // namespace icrm::ingest
