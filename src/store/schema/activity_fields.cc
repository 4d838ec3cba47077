#include "store/records.h"
#include "store/schema/fields.h"
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
              {.name = "id",
               .type = kId,
               .access = Access::kReadOnly,
               .filterable = true,
               .sortable = true},
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
              {.name = "owner_id",
               .type = kId,
               .nullable = true,
               .filterable = true,
               .file = {"owner_email", false, {"owner"}, "users", "email"}},
              {.name = "lead_id",
               .type = kId,
               .nullable = true,
               .filterable = true,
               .file = {"lead_external_id", false, {"leadid"}, "leads", "external_id"}},
              {.name = "customer_id",
               .type = kId,
               .nullable = true,
               .filterable = true,
               .file = {"customer_external_id", false, {"customerid"}, "customers", "external_id"}},
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
              {.name = "created_at",
               .type = kTimestamp,
               .access = Access::kReadOnly,
               .filterable = true,
               .sortable = true,
               .file = {"created_at", false, {"created"}}},
              {.name = "updated_at",
               .type = kTimestamp,
               .access = Access::kReadOnly,
               .filterable = true,
               .sortable = true,
               .file = {"updated_at", false, {"updated"}}},
          }};
}

}  // namespace icrm::store::schema
