#include "store/records.h"
#include "store/schema/common_fields.h"
#include "store/validation.h"

namespace icrm::store::schema {

// One message to or from one lead or one customer (records.h).
EntitySchema communication_fields() {
  using enum FieldType;
  using D = Direction;
  using C = Channel;
  return {Entity::kCommunications,
          "communication",
          {
              id_field(),
              party_field("lead_id", "lead_external_id", {"leadid"}, "leads"),
              party_field("customer_id", "customer_external_id", {"customerid"}, "customers"),
              {.name = "direction",
               .type = kChoice,
               .choices = choices_of({D::kIn, D::kOut}),
               .filterable = true,
               .file = {"direction", true}},
              {.name = "channel",
               .type = kChoice,
               .choices = choices_of({C::kEmail, C::kSms, C::kCall, C::kChat}),
               .filterable = true,
               .file = {"channel", true}},
              {.name = "subject",
               .type = kText,
               .nullable = true,
               .max_bytes = kMaxSubjectLength,
               .pii = true,
               .file = {"subject"}},
              {.name = "body",
               .type = kText,
               .nullable = true,
               .max_bytes = kMaxBodyLength,
               .pii = true,
               .file = {"body", false, {"text", "message"}}},
              {.name = "occurred_at",
               .type = kTimestamp,
               .required = true,
               .filterable = true,
               .sortable = true,
               .file = {"occurred_at", true, {"date", "time", "sentat", "timestamp"}}},
              // Outbound only: seconds since the unanswered inbound message.
              {.name = "response_seconds",
               .type = kInteger,
               .access = Access::kReadOnly,
               .nullable = true,
               .min = 0,
               .max = INT64_MAX,
               .filterable = true,
               .sortable = true},
              {.name = "created_at",
               .type = kTimestamp,
               .access = Access::kReadOnly,
               .file = {"created_at"}},
          }};
}

}  // namespace icrm::store::schema
