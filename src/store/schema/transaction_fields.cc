#include "store/schema/common_fields.h"
#include "store/validation.h"

namespace icrm::store::schema {

// A sale: one invoice line (records.h).
EntitySchema transaction_fields() {
  using enum FieldType;
  return {
      Entity::kTransactions,
      "transaction",
      {
          id_field(),
          {.name = "external_id",
           .type = kText,
           .nullable = true,
           .max_bytes = kMaxExternalIdLength,
           .filterable = true,
           .file = {"external_id",
                    false,
                    {"invoiceno", "invoice", "invoicenumber", "orderid", "orderno"}}},
          // Default 1; unique with external_id.
          {.name = "line_no",
           .type = kInteger,
           .min = 1,
           .max = kMaxLineNo,
           .file = {"line_no", false, {"line", "linenumber"}}},
          party_field("customer_id", "customer_external_id", {"customerid", "customer"},
                      "customers"),
          {.name = "product_id",
           .type = kId,
           .nullable = true,
           .filterable = true,
           .file = {"sku",
                    true,
                    {"stockcode", "productcode", "productsku", "productid"},
                    "products",
                    "sku"}},
          // A return is negative; never 0.
          {.name = "quantity",
           .type = kInteger,
           .required = true,
           .min = -kMaxQuantity,
           .max = kMaxQuantity,
           .filterable = true,
           .sortable = true,
           .file = {"quantity", true, {"qty"}}},
          {.name = "unit_price_minor",
           .type = kMoney,
           .required = true,
           .min = 0,
           .max = kMaxAmountMinor,
           .file = {"unit_price", true, {"unitprice", "price"}}},
          // quantity × unit_price_minor, computed by the store.
          {.name = "amount_minor",
           .type = kMoney,
           .access = Access::kReadOnly,
           .min = INT64_MIN,
           .max = INT64_MAX,
           .filterable = true,
           .sortable = true,
           .file = {"amount", false, {"total", "linetotal"}}},
          {.name = "currency", .type = kCurrency, .filterable = true, .file = {"currency"}},
          {.name = "occurred_at",
           .type = kTimestamp,
           .required = true,
           .filterable = true,
           .sortable = true,
           .file = {"occurred_at", true, {"invoicedate", "date", "orderdate", "time", "timestamp"}},
           .sql_column = "occurred_us",
           .stored_as_micros = true},
          {.name = "created_at",
           .type = kTimestamp,
           .access = Access::kReadOnly,
           .file = {"created_at"}},
      }};
}

}  // namespace icrm::store::schema
