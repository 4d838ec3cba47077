#include "store/schema/common_fields.h"
#include "store/validation.h"

namespace icrm::store::schema {

EntitySchema product_fields() {
  using enum FieldType;
  return {Entity::kProducts,
          "product",
          {
              id_field(),
              {.name = "sku",
               .type = kText,
               .required = true,
               .max_bytes = kMaxSkuLength,
               .filterable = true,
               .sortable = true,
               .file = {"sku", true, {"stockcode", "productcode", "code", "productid"}}},
              {.name = "name",
               .type = kText,
               .required = true,
               .max_bytes = kMaxNameLength,
               .sortable = true,
               .file = {"name", true, {"productname", "description", "title"}}},
              {.name = "category",
               .type = kText,
               .nullable = true,
               .max_bytes = kMaxCategoryLength,
               .filterable = true,
               .sortable = true,
               .file = {"category"}},
              {.name = "unit_price_minor",
               .type = kMoney,
               .required = true,
               .min = 0,
               .max = kMaxAmountMinor,
               .filterable = true,
               .sortable = true,
               .file = {"unit_price", true, {"unitprice", "price", "listprice"}}},
              {.name = "currency", .type = kCurrency, .filterable = true, .file = {"currency"}},
              stamp_field("created_at", {"created"}),
              stamp_field("updated_at", {"updated"}),
          }};
}

}  // namespace icrm::store::schema
