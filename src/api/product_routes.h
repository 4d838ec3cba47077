// /api/v1/products and /api/v1/transactions (sales, one invoice line each):
// list, create, read, patch, delete (resource_routes.h). Admins and managers
// write; reps and viewers read. A transaction's amount_minor is computed
// (quantity × unit_price_minor); a return is a negative quantity.
#pragma once

#include <cstdint>

#include "api/router.h"
#include "core/clock.h"
#include "store/database.h"
#include "store/validation.h"

namespace icrm::api {

// One sale line's quantity, either way (returns are negative), and its line number.
using store::kMaxLineNo;
using store::kMaxQuantity;

// REQUIRES: db and clock outlive the router.
void add_product_routes(Router& router, store::Database& db, const Clock& clock);
void add_transaction_routes(Router& router, store::Database& db, const Clock& clock);

}  // namespace icrm::api
