#include "store/records.h"
#include "store/schema/common_fields.h"
#include "store/validation.h"

namespace icrm::store::schema {

// A task, call, meeting, ... on one lead or one customer (records.h).
EntitySchema activity_fields() {
  using enum FieldType;
  using K = ActivityKind;
  using S = ActivityStatus;
  return {Entity::kActivities,
          "activity",
          {
              id_field(),
              {.name = "kind",
               .type = kChoice,
               .choices =
                   choices_of({K::kCall, K::kEmail, K::kMeeting, K::kOffer, K::kTask, K::kNurture}),
               .filterable = true,
               .sortable = true,
               .file = {"kind", true, {"type", "activitytype"}}},
              {.name = "subject",
               .type = kText,
               .required = true,
               .max_bytes = kMaxSubjectLength,
               .pii = true,
               .file = {"subject", true, {"title"}}},
              {.name = "due_at",
               .type = kTimestamp,
               .nullable = true,
               .filterable = true,
               .sortable = true,
               .file = {"due_at", false, {"due", "duedate"}}},
              {.name = "status",
               .type = kChoice,
               .choices = choices_of({S::kOpen, S::kDone, S::kCancelled}),
               .filterable = true,
               .sortable = true,
               .file = {"status"}},
              owner_field(),
              party_field("lead_id", "lead_external_id", {"leadid"}, "leads"),
              party_field("customer_id", "customer_external_id", {"customerid"}, "customers"),
              {.name = "created_by_user_id",
               .type = kId,
               .access = Access::kReadOnly,
               .nullable = true},
              {.name = "created_by_system", .type = kBoolean, .access = Access::kReadOnly},
              // An import of past work may say when it was finished; a change of status sets it.
              {.name = "completed_at",
               .type = kTimestamp,
               .access = Access::kCreateOnly,
               .nullable = true,
               .file = {"completed_at"}},
              stamp_field("created_at", {"created"}),
              stamp_field("updated_at", {"updated"}),
          }};
}

}  // namespace icrm::store::schema
