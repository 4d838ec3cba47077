#include "store/records.h"
#include "store/schema/common_fields.h"
#include "store/user_store.h"
#include "store/validation.h"

namespace icrm::store::schema {

EntitySchema customer_fields() {
  using enum FieldType;
  using enum CustomerStatus;
  return {
      Entity::kCustomers,
      "customer",
      {
          id_field(),
          {.name = "external_id",
           .type = kText,
           .nullable = true,
           .max_bytes = kMaxExternalIdLength,
           .filterable = true,
           .file = {"external_id",
                    false,
                    {"customerid", "customerno", "customernumber", "clientid"}}},
          {.name = "name",
           .type = kText,
           .required = true,
           .max_bytes = kMaxNameLength,
           .pii = true,
           .sortable = true,
           .file = {"name", true, {"fullname", "customername", "customer", "clientname"}}},
          {.name = "email",
           .type = kEmail,
           .nullable = true,
           .max_bytes = kMaxEmailLength,
           .pii = true,
           .filterable = true,
           .sortable = true,
           .file = {"email", false, {"emailaddress", "mail"}}},
          {.name = "phone",
           .type = kText,
           .nullable = true,
           .max_bytes = kMaxPhoneLength,
           .pii = true,
           .file = {"phone", false, {"phonenumber", "telephone", "tel", "mobile"}}},
          {.name = "company",
           .type = kText,
           .nullable = true,
           .max_bytes = kMaxCompanyLength,
           .filterable = true,
           .sortable = true,
           .file = {"company", false, {"companyname", "organization", "organisation", "account"}}},
          {.name = "country",
           .type = kText,
           .nullable = true,
           .max_bytes = kMaxCountryLength,
           .filterable = true,
           .sortable = true,
           .file = {"country"}},
          {.name = "status",
           .type = kChoice,
           .choices = choices_of({kActive, kInactive, kChurned}),
           .filterable = true,
           .sortable = true,
           .file = {"status"}},
          owner_field(),
          {.name = "attributes", .type = kAttributes, .file = {"attributes"}},
          stamp_field("created_at", {"created", "createdon", "createddate"}),
          stamp_field("updated_at", {"updated", "modified", "updatedon"}),
      }};
}

}  // namespace icrm::store::schema
