// ProductStore: what a team sells. sku is unique (a duplicate is a conflict
// naming the existing product); the unit price, in integer minor units of an
// ISO 4217 currency, is never negative; every change is audited in its own
// transaction ("products" entity). A product that sales refer to cannot be
// removed.
//
// list() filters: sku, category, currency, unit_price_minor (_from/_to),
// created_at and updated_at (_from/_to); sorts: id, sku, name, category,
// unit_price_minor, created_at, updated_at (default "name"); q searches sku,
// name and category.
#pragma once

#include <cstdint>
#include <string_view>

#include "core/clock.h"
#include "core/result.h"
#include "store/actor.h"
#include "store/database.h"
#include "store/list_query.h"
#include "store/records.h"

namespace icrm::store {

class ProductStore {
 public:
  ProductStore(Database& db, const Clock& clock) : db_(db), clock_(clock) {}

  // draft.id and the timestamps are ignored.
  Result<Product> create(const Actor& actor, Product draft);
  Result<Product> get(int64_t id);
  Result<Product> find_by_sku(std::string_view sku);
  // Replaces sku, name, category, price and currency of product changed.id.
  Result<Product> update(const Actor& actor, Product changed);
  // A conflict while transactions still refer to the product.
  Status remove(const Actor& actor, int64_t id);
  Result<Page<Product>> list(const ListQuery& query);
  // What list() accepts, for documentation.
  static ListCapabilities list_capabilities();

 private:
  Database& db_;
  const Clock& clock_;
};

}  // namespace icrm::store
