// store_bench: the sales table at scale through TransactionStore, on SQLite
// and on PostgreSQL. Bulk insert of `rows` sales with insert_many() in
// batches of `batch` (each batch one transaction, as an import commits), then
// `lookups` point reads by random id with get(), one thread.
//   build/bench/store_bench [rows=1000000] [lookups=200000] [batch=10000] [dir=/tmp]
// SQLite: a fresh file in `dir` (synchronous=FULL). PostgreSQL: only when
// ICRM_BENCH_PG_URL (else ICRM_TEST_PG_URL, which scripts/with-postgres.sh
// exports) names a server; a fresh schema there, dropped afterwards.
#include <soci/soci.h>
#include <sys/resource.h>
#include <unistd.h>

#include <chrono>
#include <cstdio>
#include <cstdlib>
#include <filesystem>
#include <memory>
#include <random>
#include <span>
#include <string>
#include <vector>

#include "core/clock.h"
#include "store/customer_store.h"
#include "store/database.h"
#include "store/product_store.h"
#include "store/transaction_store.h"

namespace {

using namespace icrm;
using Clock = std::chrono::steady_clock;

constexpr int kCustomers = 5'000;
constexpr int kProducts = 500;

double cpu_seconds() {
  rusage u{};
  getrusage(RUSAGE_SELF, &u);
  return static_cast<double>(u.ru_utime.tv_sec + u.ru_stime.tv_sec) +
         static_cast<double>(u.ru_utime.tv_usec + u.ru_stime.tv_usec) * 1e-6;
}

[[noreturn]] void die(const std::string& what, const Error& e) {
  std::fprintf(stderr, "store_bench: %s: %s\n", what.c_str(), e.to_string().c_str());
  std::exit(1);
}

// Creates the customers and products the sales refer to; returns their ids.
void seed(store::Database& db, const icrm::Clock& clock, std::vector<int64_t>& customers,
          std::vector<int64_t>& products) {
  store::CustomerStore cs(db, clock);
  store::ProductStore ps(db, clock);
  for (int i = 0; i < kCustomers; ++i) {
    store::Customer c;
    c.name = "Customer " + std::to_string(i);
    c.external_id = "C" + std::to_string(i);
    auto r = cs.create(store::Actor::system(), c);
    if (!r) die("seeding customers", r.error());
    customers.push_back(r->id);
  }
  for (int i = 0; i < kProducts; ++i) {
    store::Product p;
    p.sku = "SKU-" + std::to_string(i);
    p.name = "Product " + std::to_string(i);
    p.unit_price_minor = 100 + i * 7;
    auto r = ps.create(store::Actor::system(), p);
    if (!r) die("seeding products", r.error());
    products.push_back(r->id);
  }
}

void run(const char* engine, store::Database& db, size_t rows, size_t lookups, size_t batch) {
  ManualClock clock(*parse_timestamp("2026-11-23T12:00:00Z"));
  std::vector<int64_t> customers, products;
  seed(db, clock, customers, products);
  std::mt19937_64 rng(42);
  const Timestamp t0 = *parse_timestamp("2024-01-01T00:00:00Z");
  std::vector<store::Transaction> sales(rows);
  for (size_t i = 0; i < rows; ++i) {
    store::Transaction& t = sales[i];
    t.external_id = "INV-" + std::to_string(i / 4);  // four lines an invoice
    t.line_no = static_cast<int64_t>(i % 4) + 1;
    if (rng() % 10 != 0) t.customer_id = customers[rng() % customers.size()];  // 10 % anonymous
    t.product_id = products[rng() % products.size()];
    t.quantity = rng() % 50 == 0 ? -1 : static_cast<int64_t>(rng() % 12) + 1;  // 2 % returns
    t.unit_price_minor = 100 + static_cast<int64_t>(rng() % 10'000);
    t.currency = "EUR";
    t.occurred_at = t0 + std::chrono::seconds(i * 60);
  }

  store::TransactionStore store(db, clock);
  double cpu0 = cpu_seconds();
  auto start = Clock::now();
  for (size_t from = 0; from < rows; from += batch) {
    size_t n = std::min(batch, rows - from);
    auto r = store.insert_many(store::Actor::system(), std::span(sales).subspan(from, n));
    if (!r) die("insert_many", r.error());
  }
  double insert_s = std::chrono::duration<double>(Clock::now() - start).count();
  double insert_cpu = cpu_seconds() - cpu0;

  // Ids of the rows just stored: ids are dense from the first sale's id.
  auto first = store.list({.limit = 1, .sort = "id"});
  if (!first) die("reading the first id", first.error());
  if (first->items.empty()) die("reading the first id", Error::internal("no sales stored"));
  int64_t lo = first->items[0].id;
  int64_t hi = lo + static_cast<int64_t>(rows) - 1;
  std::uniform_int_distribution<int64_t> pick(lo, hi);
  int64_t checksum = 0;
  cpu0 = cpu_seconds();
  start = Clock::now();
  for (size_t i = 0; i < lookups; ++i) {
    auto t = store.get(pick(rng));
    if (!t) die("get", t.error());
    checksum += t->amount_minor;
  }
  double lookup_s = std::chrono::duration<double>(Clock::now() - start).count();
  double lookup_cpu = cpu_seconds() - cpu0;

  std::printf(
      "store_bench %-10s insert_many: %zu rows in %.2f s = %.0f rows/s (batches of %zu; "
      "this process's CPU %.2f s)\n",
      engine, rows, insert_s, static_cast<double>(rows) / insert_s, batch, insert_cpu);
  std::printf(
      "store_bench %-10s get(id):     %zu lookups in %.2f s = %.0f lookups/s (one thread; "
      "this process's CPU %.2f s; checksum %lld)\n",
      engine, lookups, lookup_s, static_cast<double>(lookups) / lookup_s, lookup_cpu,
      static_cast<long long>(checksum));
  std::fflush(stdout);
}

std::unique_ptr<store::Database> open_migrated(const std::string& url) {
  auto db = store::Database::open({.url = url});
  if (!db) die("opening " + url, db.error());
  if (auto m = (*db)->migrate(); !m) die("migrating", m.error());
  return std::move(*db);
}

}  // namespace

int main(int argc, char** argv) {
  const size_t rows = argc > 1 ? std::strtoull(argv[1], nullptr, 10) : 1'000'000;
  const size_t lookups = argc > 2 ? std::strtoull(argv[2], nullptr, 10) : 200'000;
  const size_t batch = argc > 3 ? std::strtoull(argv[3], nullptr, 10) : 10'000;
  const std::string dir = argc > 4 ? argv[4] : "/tmp";
  if (rows == 0 || batch == 0 || batch > store::kMaxBulkInsertRows) {
    std::fprintf(stderr, "usage: store_bench [rows>0] [lookups] [batch 1..%zu] [dir]\n",
                 store::kMaxBulkInsertRows);
    return 2;
  }

  {
    const std::string path = dir + "/store_bench_" + std::to_string(::getpid()) + ".db";
    {
      auto db = open_migrated("sqlite:" + path);
      run("sqlite", *db, rows, lookups, batch);
    }
    for (const char* suffix : {"", "-wal", "-shm"}) std::filesystem::remove(path + suffix);
  }

  const char* pg = std::getenv("ICRM_BENCH_PG_URL");
  if (pg == nullptr || *pg == '\0') pg = std::getenv("ICRM_TEST_PG_URL");
  if (pg == nullptr || *pg == '\0') {
    std::printf(
        "store_bench postgresql skipped: set ICRM_BENCH_PG_URL, or run under "
        "scripts/with-postgres.sh\n");
    return 0;
  }
  const std::string admin_url = pg;
  const std::string schema = "store_bench_" + std::to_string(::getpid());
  auto parsed = store::parse_database_url(admin_url);
  if (!parsed || parsed->engine != store::Engine::kPostgres) {
    std::fprintf(stderr, "store_bench: %s is not a postgresql:// URL\n", admin_url.c_str());
    return 2;
  }
  try {
    soci::session admin("postgresql", parsed->connect_string);
    admin << "CREATE SCHEMA " + schema;
    {
      char sep = admin_url.find('?') == std::string::npos ? '?' : '&';
      auto db = open_migrated(admin_url + sep + "options=-csearch_path%3D" + schema);
      run("postgresql", *db, rows, lookups, batch);
    }
    admin << "SET client_min_messages = warning";
    admin << "DROP SCHEMA " + schema + " CASCADE";
  } catch (const std::exception& e) {
    std::fprintf(stderr, "store_bench: postgresql: %s\n", e.what());
    return 1;
  }
  return 0;
}
