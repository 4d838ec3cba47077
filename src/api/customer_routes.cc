#include "api/customer_routes.h"

#include "api/csv_export_routes.h"
#include "api/latest_score_list.h"
#include "api/record_schemas.h"
#include "api/resource_routes.h"
#include "store/customer_store.h"

namespace icrm::api {
namespace {

using store::Customer;
using store::CustomerStatus;

constexpr CustomerStatus kStatuses[] = {CustomerStatus::kActive, CustomerStatus::kInactive,
                                        CustomerStatus::kChurned};

void read_customer(RecordFields& f, Customer& c) {
  f.optional_text("external_id", c.external_id);
  f.text("name", c.name);
  f.optional_text("email", c.email);
  f.optional_text("phone", c.phone);
  f.optional_text("company", c.company);
  f.optional_text("country", c.country);
  f.enumeration<CustomerStatus>("status", c.status, kStatuses);
  f.optional_id("owner_id", c.owner_id);
  f.attributes("attributes", c.attributes);
  f.read_only({"id", "created_at", "updated_at"}, "the server sets it");
}

}  // namespace

void add_customer_routes(Router& router, store::Database& db, const Clock& clock) {
  auto customers = std::make_shared<store::CustomerStore>(db, clock);
  auto crud = std::make_shared<Crud<Customer>>();
  crud->collection = "/api/v1/customers";
  crud->resource = auth::Resource::kCustomer;
  crud->entity = store::Entity::kCustomers;
  crud->doc = {
      .tag = "customers",
      .noun = "customer",
      .record_schema = record_schema(store::Entity::kCustomers),
      .write_schema = write_schema(store::Entity::kCustomers),
      .list = store::CustomerStore::list_capabilities(),
      .list_item_schema = record_schema(store::Entity::kCustomers, latest_score_property())};
  use_store(*crud, customers);
  crud->annotate_list = latest_score_annotator<Customer>(db, "customers");
  crud->read_fields = read_customer;
  crud->owner = [](const Customer& c) { return c.owner_id; };
  add_crud_routes(router, crud);
  add_csv_export_route(router, crud, std::make_shared<store::AuditLog>(db, clock));
}

}  // namespace icrm::api
