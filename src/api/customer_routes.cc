#include "api/customer_routes.h"

#include "api/csv_export_routes.h"
#include "api/latest_score_list.h"
#include "api/resource_routes.h"
#include "store/customer_store.h"
#include "store/user_store.h"
#include "store/validation.h"

namespace icrm::api {
namespace {

using store::Customer;
using store::CustomerStatus;

constexpr CustomerStatus kStatuses[] = {CustomerStatus::kActive, CustomerStatus::kInactive,
                                        CustomerStatus::kChurned};

void read_customer(RecordFields& f, Customer& c) {
  f.optional_text("external_id", c.external_id, store::kMaxExternalIdLength);
  f.text("name", c.name, store::kMaxNameLength);
  f.optional_text("email", c.email, store::kMaxEmailLength);
  f.optional_text("phone", c.phone, store::kMaxPhoneLength);
  f.optional_text("company", c.company, store::kMaxCompanyLength);
  f.optional_text("country", c.country, store::kMaxCountryLength);
  f.enumeration<CustomerStatus>("status", c.status, kStatuses);
  f.optional_id("owner_id", c.owner_id);
  f.attributes("attributes", c.attributes);
  f.read_only({"id", "created_at", "updated_at"}, "the server sets it");
}

constexpr const char* kFields =
    R"("external_id":{"type":["string","null"]},"name":{"type":"string"},)"
    R"("email":{"type":["string","null"]},"phone":{"type":["string","null"]},)"
    R"("company":{"type":["string","null"]},"country":{"type":["string","null"]},)"
    R"("status":{"enum":["active","inactive","churned"]},"owner_id":{"type":["integer","null"]},)"
    R"("attributes":{"type":"object"})";

}  // namespace

void add_customer_routes(Router& router, store::Database& db, const Clock& clock) {
  auto customers = std::make_shared<store::CustomerStore>(db, clock);
  auto crud = std::make_shared<Crud<Customer>>();
  crud->collection = "/api/v1/customers";
  crud->resource = auth::Resource::kCustomer;
  crud->doc = {.tag = "customers",
               .noun = "customer",
               .record_schema = served_record_schema(
                   kFields, R"("created_at":{"type":"string"},"updated_at":{"type":"string"})"),
               .write_schema = write_body_schema(R"(["name"])", kFields),
               .list = store::CustomerStore::list_capabilities(),
               .list_item_schema = served_record_schema(
                   kFields, R"("created_at":{"type":"string"},"updated_at":{"type":"string"},)" +
                                latest_score_property())};
  use_store(*crud, customers);
  crud->annotate_list = latest_score_annotator<Customer>(db, "customers");
  crud->read_fields = read_customer;
  crud->owner = [](const Customer& c) { return c.owner_id; };
  add_crud_routes(router, crud);
  add_csv_export_route(router, crud, std::make_shared<store::AuditLog>(db, clock));
}

}  // namespace icrm::api
