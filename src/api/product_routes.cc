#include "api/product_routes.h"

#include "api/csv_export_routes.h"
#include "api/record_schemas.h"
#include "api/resource_routes.h"
#include "store/product_store.h"
#include "store/transaction_store.h"

namespace icrm::api {
namespace {

using store::Product;
using store::Transaction;

void read_product(RecordFields& f, Product& p) {
  f.text("sku", p.sku);
  f.text("name", p.name);
  f.optional_text("category", p.category);
  f.integer("unit_price_minor", p.unit_price_minor);
  f.currency("currency", p.currency);
  f.read_only({"id", "created_at", "updated_at"}, "the server sets it");
}

void read_transaction(RecordFields& f, Transaction& t) {
  f.optional_text("external_id", t.external_id);
  if (f.present("line_no")) f.integer("line_no", t.line_no);  // default 1
  f.optional_id("customer_id", t.customer_id);
  f.optional_id("product_id", t.product_id);
  f.integer("quantity", t.quantity);
  f.integer("unit_price_minor", t.unit_price_minor);
  f.currency("currency", t.currency);
  f.timestamp("occurred_at", t.occurred_at);
  f.read_only({"amount_minor"}, "it is quantity × unit_price_minor");
  f.read_only({"id", "created_at"}, "the server sets it");
}

}  // namespace

void add_product_routes(Router& router, store::Database& db, const Clock& clock) {
  auto products = std::make_shared<store::ProductStore>(db, clock);
  auto crud = std::make_shared<Crud<Product>>();
  crud->collection = "/api/v1/products";
  crud->resource = auth::Resource::kProduct;
  crud->entity = store::Entity::kProducts;
  crud->doc = {.tag = "products",
               .noun = "product",
               .record_schema = record_schema(store::Entity::kProducts),
               .write_schema = write_schema(store::Entity::kProducts),
               .list = store::ProductStore::list_capabilities()};
  use_store(*crud, products);
  crud->read_fields = read_product;
  add_crud_routes(router, crud);
  add_csv_export_route(router, crud, std::make_shared<store::AuditLog>(db, clock));
}

void add_transaction_routes(Router& router, store::Database& db, const Clock& clock) {
  auto sales = std::make_shared<store::TransactionStore>(db, clock);
  auto crud = std::make_shared<Crud<Transaction>>();
  crud->collection = "/api/v1/transactions";
  crud->resource = auth::Resource::kTransaction;
  crud->entity = store::Entity::kTransactions;
  crud->doc = {.tag = "transactions",
               .noun = "transaction",
               .record_schema = record_schema(store::Entity::kTransactions),
               .write_schema = write_schema(store::Entity::kTransactions),
               .list = store::TransactionStore::list_capabilities()};
  use_store(*crud, sales);
  crud->read_fields = read_transaction;
  add_crud_routes(router, crud);
  add_csv_export_route(router, crud, std::make_shared<store::AuditLog>(db, clock));
}

}  // namespace icrm::api
