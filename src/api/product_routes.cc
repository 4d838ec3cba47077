#include "api/product_routes.h"

#include "api/csv_export_routes.h"
#include "api/resource_routes.h"
#include "store/product_store.h"
#include "store/transaction_store.h"
#include "store/validation.h"

namespace icrm::api {
namespace {

using store::Product;
using store::Transaction;

void read_product(RecordFields& f, Product& p) {
  f.text("sku", p.sku, store::kMaxSkuLength);
  f.text("name", p.name, store::kMaxNameLength);
  f.optional_text("category", p.category, store::kMaxCategoryLength);
  f.integer("unit_price_minor", p.unit_price_minor, 0, kMaxAmountMinor);
  f.currency("currency", p.currency);
  f.read_only({"id", "created_at", "updated_at"}, "the server sets it");
}

void read_transaction(RecordFields& f, Transaction& t) {
  f.optional_text("external_id", t.external_id, store::kMaxExternalIdLength);
  if (f.present("line_no")) f.integer("line_no", t.line_no, 1, kMaxLineNo);  // default 1
  f.optional_id("customer_id", t.customer_id);
  f.optional_id("product_id", t.product_id);
  f.integer("quantity", t.quantity, -kMaxQuantity, kMaxQuantity);
  f.integer("unit_price_minor", t.unit_price_minor, 0, kMaxAmountMinor);
  f.currency("currency", t.currency);
  f.timestamp("occurred_at", t.occurred_at);
  f.read_only({"amount_minor"}, "it is quantity × unit_price_minor");
  f.read_only({"id", "created_at"}, "the server sets it");
}

constexpr const char* kProductFields =
    R"("sku":{"type":"string"},"name":{"type":"string"},"category":{"type":["string","null"]},)"
    R"("unit_price_minor":{"type":"integer","minimum":0},)"
    R"("currency":{"type":"string","pattern":"^[A-Z]{3}$"})";
constexpr const char* kTransactionFields =
    R"("external_id":{"type":["string","null"]},"line_no":{"type":"integer","minimum":1},)"
    R"("customer_id":{"type":["integer","null"]},"product_id":{"type":["integer","null"]},)"
    R"("quantity":{"type":"integer"},"unit_price_minor":{"type":"integer","minimum":0},)"
    R"("currency":{"type":"string","pattern":"^[A-Z]{3}$"},"occurred_at":{"type":"string"})";

}  // namespace

void add_product_routes(Router& router, store::Database& db, const Clock& clock) {
  auto products = std::make_shared<store::ProductStore>(db, clock);
  auto crud = std::make_shared<Crud<Product>>();
  crud->collection = "/api/v1/products";
  crud->resource = auth::Resource::kProduct;
  crud->doc = {
      .tag = "products",
      .noun = "product",
      .record_schema = served_record_schema(
          kProductFields, R"("created_at":{"type":"string"},"updated_at":{"type":"string"})"),
      .write_schema = write_body_schema(R"(["sku","name","unit_price_minor"])", kProductFields),
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
  crud->doc = {.tag = "transactions",
               .noun = "transaction",
               .record_schema = served_record_schema(
                   kTransactionFields,
                   R"("amount_minor":{"type":"integer"},"created_at":{"type":"string"})"),
               .write_schema = write_body_schema(R"(["quantity","unit_price_minor","occurred_at"])",
                                                 kTransactionFields),
               .list = store::TransactionStore::list_capabilities()};
  use_store(*crud, sales);
  crud->read_fields = read_transaction;
  add_crud_routes(router, crud);
  add_csv_export_route(router, crud, std::make_shared<store::AuditLog>(db, clock));
}

}  // namespace icrm::api
