#include "ingest/demo_generator.h"

#include <fmt/format.h>

#include <algorithm>
#include <array>
#include <cmath>
#include <fstream>
#include <numbers>

#include "core/time.h"
#include "ingest/value_coercion.h"
#include "store/bulk_writer.h"

namespace icrm::ingest {
namespace {

// xoshiro256** seeded through splitmix64: fast, well tested, and the same on
// every platform.
class Rng {
 public:
  explicit Rng(std::uint64_t seed) {
    for (auto& s : s_) {
      seed += 0x9E3779B97F4A7C15ull;
      std::uint64_t z = seed;
      z = (z ^ (z >> 30)) * 0xBF58476D1CE4E5B9ull;
      z = (z ^ (z >> 27)) * 0x94D049BB133111EBull;
      s = z ^ (z >> 31);
    }
  }
  std::uint64_t next() {
    const std::uint64_t result = rotl(s_[1] * 5, 7) * 9;
    const std::uint64_t t = s_[1] << 17;
    s_[2] ^= s_[0];
    s_[3] ^= s_[1];
    s_[1] ^= s_[2];
    s_[0] ^= s_[3];
    s_[2] ^= t;
    s_[3] = rotl(s_[3], 45);
    return result;
  }
  double uniform() { return static_cast<double>(next() >> 11) * 0x1.0p-53; }
  int below(int n) { return static_cast<int>(uniform() * n); }
  bool chance(double p) { return uniform() < p; }
  double normal() {
    double u1 = std::max(uniform(), 1e-300), u2 = uniform();
    return std::sqrt(-2 * std::log(u1)) * std::cos(2 * std::numbers::pi * u2);
  }
  int poisson(double mean) {
    double l = std::exp(-mean), p = 1;
    int k = 0;
    do {
      ++k;
      p *= uniform();
    } while (p > l && k < 1000);
    return k - 1;
  }
  // Index drawn with the given weights (cumulative, ascending).
  std::size_t pick(const std::vector<double>& cumulative) {
    double x = uniform() * cumulative.back();
    return static_cast<std::size_t>(std::upper_bound(cumulative.begin(), cumulative.end(), x) -
                                    cumulative.begin());
  }

 private:
  static std::uint64_t rotl(std::uint64_t x, int k) { return (x << k) | (x >> (64 - k)); }
  std::uint64_t s_[4];
};

double sigmoid(double z) { return 1 / (1 + std::exp(-z)); }

constexpr std::array<const char*, 5> kLeadSources = {"web", "ads", "referral", "event", "cold"};
constexpr std::array<double, 5> kLeadSourceWeights = {0.35, 0.25, 0.15, 0.10, 0.15};
// True effect of each source on the conversion logit (see docs/demo-data.md).
constexpr std::array<double, 5> kLeadSourceEffect = {0.2, 0.0, 0.9, 0.5, -0.6};
constexpr std::array<const char*, 3> kPlans = {"basic", "pro", "enterprise"};
constexpr std::array<double, 3> kPlanWeights = {0.5, 0.35, 0.15};
// Mean hours each rep takes to answer a new lead (reps differ; that matters).
constexpr std::array<double, 3> kRepResponseHours = {2.0, 6.0, 20.0};

constexpr std::array<const char*, 10> kCountries = {"DE", "GB", "FR", "NL", "US", "ES", "IT", "SE", "PL", "AT"};
constexpr std::array<double, 10> kCountryWeights = {0.25, 0.18, 0.12, 0.08, 0.12, 0.07, 0.07, 0.04, 0.04, 0.03};
constexpr std::array<const char*, 8> kIndustries = {"Manufacturing", "Retail", "Software", "Health",
                                                    "Logistics", "Finance", "Education", "Hospitality"};
constexpr std::array<const char*, 20> kFirst = {"Anna", "Ben", "Clara", "David", "Elif", "Farid", "Greta",
                                                "Hugo", "Ines", "Jonas", "Karin", "Luca", "Maya", "Nils",
                                                "Olga", "Paul", "Rosa", "Sami", "Tara", "Viktor"};
constexpr std::array<const char*, 20> kLast = {"Schmidt", "Martin", "Rossi", "Jansen", "Novak", "Garcia",
                                               "Berg", "Kowalski", "Dubois", "Smith", "Weber", "Costa",
                                               "Nilsson", "Huber", "Moreau", "Fischer", "Lopez", "Meyer",
                                               "Bianchi", "Brown"};
constexpr std::array<const char*, 16> kCompanyA = {"Blue", "North", "Bright", "Alpen", "Delta", "Green",
                                                   "Iron", "Silver", "Nova", "Harbor", "Summit", "Oak",
                                                   "Pixel", "River", "Solar", "Urban"};
constexpr std::array<const char*, 12> kCompanyB = {"Systems", "Labs", "Logistics", "Foods", "Works",
                                                   "Analytics", "Clinics", "Studios", "Partners",
                                                   "Robotics", "Textiles", "Travel"};
struct ProductSpec {
  const char* category;
  const char* name;
  int64_t price_minor;
};
constexpr std::array<ProductSpec, 24> kProducts = {{
    {"Software", "CRM Starter licence (year)", 49'000},  {"Software", "CRM Pro licence (year)", 129'000},
    {"Software", "CRM Enterprise licence (year)", 390'000}, {"Software", "Analytics add-on", 59'000},
    {"Software", "Mobile app pack", 19'000},             {"Software", "API access tier", 35'000},
    {"Services", "Onboarding package", 150'000},         {"Services", "Data migration", 240'000},
    {"Services", "Custom report", 45'000},               {"Services", "Integration workshop", 180'000},
    {"Training", "Admin training (day)", 95'000},        {"Training", "Sales team training", 120'000},
    {"Training", "E-learning seat", 9'900},              {"Support", "Premium support (year)", 60'000},
    {"Support", "24/7 support upgrade", 110'000},        {"Support", "Health check", 30'000},
    {"Hardware", "Barcode scanner", 21'900},             {"Hardware", "Receipt printer", 15'900},
    {"Hardware", "Tablet kiosk", 49'900},                {"Hardware", "Headset", 8'900},
    {"Software", "Email campaigns add-on", 29'000},      {"Software", "Forecasting add-on", 79'000},
    {"Services", "Quarterly review", 25'000},            {"Training", "Certification exam", 19'900},
}};

std::vector<double> cumulative(const double* w, std::size_t n) {
  std::vector<double> c(n);
  double s = 0;
  for (std::size_t i = 0; i < n; ++i) c[i] = (s += w[i]);
  return c;
}

// Sales per day: weekdays busier than weekends, a peak in late November and
// December, a small month-end push.
double day_weight(Timestamp day) {
  using namespace std::chrono;
  auto d = floor<days>(day);
  unsigned wd = weekday{d}.c_encoding();  // 0 = Sunday
  double week = wd == 0 ? 0.3 : (wd == 6 ? 0.45 : 1.0);
  year_month_day ymd{d};
  auto doy = (d - sys_days{ymd.year() / January / 1}).count();
  double season = 1 + 0.4 * std::cos(2 * std::numbers::pi * (static_cast<double>(doy) - 345) / 365.0);
  double month_end = static_cast<unsigned>(ymd.day()) >= 26 ? 1.15 : 1.0;
  return week * season * month_end;
}

}  // namespace

double true_conversion_probability(const LeadTruth& l) {
  double z = -2.4 + kLeadSourceEffect[static_cast<std::size_t>(l.source)] +
             0.35 * std::log1p(l.page_views) + 0.30 * l.email_clicks + 0.8 * (l.form_submitted ? 1 : 0) +
             1.2 * (l.meeting_held ? 1 : 0) - 0.03 * l.first_response_hours +
             0.25 * std::log10(std::max(1, l.employees));
  return sigmoid(z);
}

double true_churn_probability(const CustomerTruth& c) {
  double z = -2.2 - 0.8 * std::log(c.value) + 0.5 * c.support_contacts + (c.plan == 0 ? 0.4 : 0.0) -
             (c.plan == 2 ? 0.3 : 0.0);
  return sigmoid(z);
}

std::string DemoCounts::to_json() const {
  return fmt::format(
      R"({{"products":{},"customers":{},"leads":{},"transactions":{},"activities":{},"communications":{}}})",
      products, customers, leads, transactions, activities, communications);
}

Status validate_demo_options(const DemoOptions& o) {
  if (o.customers < 1 || o.customers > kMaxDemoCustomers)
    return Error::invalid(fmt::format("--customers must be 1..{}", kMaxDemoCustomers), "customers");
  if (o.leads < 0 || o.leads > kMaxDemoLeads)
    return Error::invalid(fmt::format("--leads must be 0..{}", kMaxDemoLeads), "leads");
  if (o.transactions < 0 || o.transactions > kMaxDemoTransactions)
    return Error::invalid(fmt::format("--transactions must be 0..{}", kMaxDemoTransactions), "transactions");
  if (o.days < 1 || o.days > kMaxDemoDays)
    return Error::invalid(fmt::format("--days must be 1..{}", kMaxDemoDays), "days");
  return {};
}

Result<DemoCounts> generate_demo(store::Database& db, const DemoOptions& o) {
  using namespace std::chrono;
  auto valid = validate_demo_options(o);
  if (!valid) return valid.error();
  auto opened = store::BulkWriter::open(db);
  if (!opened) return opened.error();
  store::BulkWriter& w = **opened;
  {
    store::KeyIndex existing;
    auto r = w.read_keys(store::KeyColumn::kProductSku, existing);
    if (!r) return r.error();
    for (const auto& [sku, id] : existing)
      if (sku.starts_with("DEMO-")) return Error::conflict("this database already holds demo data");
  }

  Rng rng(o.seed);
  DemoCounts n;
  const Timestamp end = floor<days>(o.end);
  const Timestamp start = end - days(o.days);
  auto at = [&](double day_offset) {
    return format_timestamp(start + duration_cast<microseconds>(duration<double, std::ratio<86400>>(day_offset)));
  };
  auto owner = [&](std::size_t i) -> std::optional<int64_t> {
    if (o.owner_ids.empty()) return std::nullopt;
    return o.owner_ids[i % o.owner_ids.size()];
  };
  std::ofstream truth;
  if (!o.truth_path.empty()) {
    truth.open(o.truth_path, std::ios::trunc);
    if (!truth) return Error::unavailable("cannot write " + o.truth_path);
    truth << "kind,external_id,true_probability,outcome\n";
  }

  auto st = w.begin();
  if (!st) return st.error();
  auto fail = [&](Error e) -> Result<DemoCounts> {
    (void)w.rollback();
    return e;
  };

  // Products.
  std::vector<int64_t> product_ids;
  std::vector<int64_t> product_prices;
  for (std::size_t i = 0; i < kProducts.size(); ++i) {
    store::ProductRow p;
    p.sku = fmt::format("DEMO-P{:03}", i + 1);
    p.name = kProducts[i].name;
    p.category = kProducts[i].category;
    p.unit_price_minor = kProducts[i].price_minor;
    p.currency = "EUR";
    p.created_at = p.updated_at = at(-365);
    auto id = w.insert_product(p);
    if (!id) return fail(id.error());
    product_ids.push_back(*id);
    product_prices.push_back(p.unit_price_minor);
    ++n.products;
  }
  // Popularity: Zipf-like over a shuffled order.
  std::vector<double> product_weights(kProducts.size());
  for (std::size_t i = 0; i < product_weights.size(); ++i) product_weights[i] = 1.0 / std::pow(i + 1, 1.1);
  for (std::size_t i = product_weights.size() - 1; i > 0; --i)
    std::swap(product_weights[i], product_weights[static_cast<std::size_t>(rng.below(static_cast<int>(i + 1)))]);
  auto product_cum = cumulative(product_weights.data(), product_weights.size());
  auto country_cum = cumulative(kCountryWeights.data(), kCountryWeights.size());
  auto plan_cum = cumulative(kPlanWeights.data(), kPlanWeights.size());
  auto source_cum = cumulative(kLeadSourceWeights.data(), kLeadSourceWeights.size());

  auto company_name = [&]() {
    return fmt::format("{} {}", kCompanyA[static_cast<std::size_t>(rng.below(kCompanyA.size()))],
                       kCompanyB[static_cast<std::size_t>(rng.below(kCompanyB.size()))]);
  };
  auto communicate = [&](std::optional<int64_t> lead, std::optional<int64_t> customer, const char* dir,
                         const char* channel, std::string subject, double day) -> Status {
    store::CommunicationRow c;
    c.lead_id = lead;
    c.customer_id = customer;
    c.direction = dir;
    c.channel = channel;
    c.subject = std::move(subject);
    c.occurred_at = c.created_at = at(day);
    auto id = w.insert_communication(c);
    if (!id) return id.error();
    ++n.communications;
    return {};
  };
  auto activity = [&](const char* kind, std::string subject, std::optional<int64_t> lead,
                      std::optional<int64_t> customer, std::optional<int64_t> own, double day,
                      bool done) -> Status {
    store::ActivityRow a;
    a.kind = kind;
    a.subject = std::move(subject);
    a.lead_id = lead;
    a.customer_id = customer;
    a.owner_id = own;
    a.due_at = at(day);
    a.status = done ? "done" : "open";
    if (done) a.completed_at = at(day);
    a.created_at = a.updated_at = at(std::max(0.0, day - 2));
    auto id = w.insert_activity(a);
    if (!id) return id.error();
    ++n.activities;
    return {};
  };

  // Customers, with their latent value and churn.
  struct Cust {
    int64_t id;
    double value;
    double churn_day;  // days after start; > o.days when not churned
  };
  std::vector<Cust> customers;
  customers.reserve(static_cast<std::size_t>(o.customers));
  for (int i = 0; i < o.customers; ++i) {
    CustomerTruth t;
    t.value = std::exp(0.8 * rng.normal());
    t.plan = static_cast<int>(rng.pick(plan_cum));
    t.support_contacts = rng.poisson(0.4 + (t.plan == 0 ? 0.6 : 0.2));
    double p = true_churn_probability(t);
    bool churned = rng.chance(p);
    double churn_day = churned ? 14 + rng.uniform() * std::max(1, o.days - 14) : o.days + 1.0;
    std::string first = kFirst[static_cast<std::size_t>(rng.below(kFirst.size()))];
    std::string last = kLast[static_cast<std::size_t>(rng.below(kLast.size()))];
    store::CustomerRow c;
    c.external_id = fmt::format("DEMO-C{:05}", i + 1);
    c.company = company_name();
    c.name = fmt::format("{} {}", first, last);
    c.email = fmt::format("{}.{}.{}@example.com", first, last, i + 1);
    std::transform(c.email->begin(), c.email->end(), c.email->begin(), [](char ch) {
      return static_cast<char>(std::tolower(static_cast<unsigned char>(ch)));
    });
    c.phone = fmt::format("+49 30 {:07}", 1000000 + i);
    c.country = kCountries[rng.pick(country_cum)];
    c.status = churned ? "churned" : (rng.chance(0.03) ? "inactive" : "active");
    c.owner_id = owner(static_cast<std::size_t>(i));
    int employees = static_cast<int>(std::clamp(std::exp(3.2 + 1.3 * rng.normal()), 2.0, 20000.0));
    c.attributes = fmt::format(R"({{"industry":"{}","employees":{},"plan":"{}"}})",
                               kIndustries[static_cast<std::size_t>(rng.below(kIndustries.size()))],
                               employees, kPlans[static_cast<std::size_t>(t.plan)]);
    double since = -30 - rng.uniform() * 700;  // customers since up to two years before the window
    c.created_at = at(since);
    c.updated_at = at(churned ? churn_day : std::max(since, 0.0));
    auto id = w.insert_customer(c);
    if (!id) return fail(id.error());
    ++n.customers;
    customers.push_back({*id, t.value, churn_day});
    if (truth) truth << "customer," << *c.external_id << "," << p << "," << (churned ? 1 : 0) << "\n";
    // Support contacts: inbound calls/chats answered by the team.
    for (int k = 0; k < t.support_contacts; ++k) {
      double day = rng.uniform() * std::min<double>(o.days, churn_day);
      const char* channel = rng.chance(0.5) ? "call" : "chat";
      if (!(st = communicate(std::nullopt, *id, "in", channel, "Support request", day))) return fail(st.error());
      if (!(st = communicate(std::nullopt, *id, "out", channel, "Re: Support request",
                             day + std::exp(std::log(4.0) + 0.8 * rng.normal()) / 24)))
        return fail(st.error());
    }
    if (rng.chance(0.1)) {
      if (!(st = activity("offer", "Renewal offer", std::nullopt, *id, c.owner_id,
                          rng.uniform() * o.days, rng.chance(0.5))))
        return fail(st.error());
    }
  }

  // Sales: customers drawn by their value, days by the seasonal weight, never
  // after a customer churned.
  {
    std::vector<double> value_w(customers.size());
    for (std::size_t i = 0; i < customers.size(); ++i) value_w[i] = customers[i].value;
    auto value_cum = cumulative(value_w.data(), value_w.size());
    double max_day_weight = 0;
    for (int d = 0; d < o.days; ++d) max_day_weight = std::max(max_day_weight, day_weight(start + days(d)));
    std::vector<store::TransactionRow> sales;
    sales.reserve(static_cast<std::size_t>(o.transactions));
    for (int k = 0; k < o.transactions; ++k) {
      std::size_t ci;
      double day;
      int guard = 0;
      do {
        ci = rng.pick(value_cum);
        do {
          day = rng.uniform() * o.days;
        } while (!rng.chance(day_weight(start + days(static_cast<int>(day))) / max_day_weight));
      } while (day >= customers[ci].churn_day && ++guard < 100);
      std::size_t pi = rng.pick(product_cum);
      store::TransactionRow t;
      t.customer_id = customers[ci].id;
      t.product_id = product_ids[pi];
      t.quantity = 1 + rng.poisson(0.6);
      if (rng.chance(0.02)) t.quantity = -1;  // a return
      t.unit_price_minor = product_prices[pi];
      t.amount_minor = t.quantity * t.unit_price_minor;
      t.currency = "EUR";
      // Whole day plus office hours 08:00-18:00.
      double when = std::floor(day) + (8 + 10 * rng.uniform()) / 24;
      t.occurred_at = at(when);
      sales.push_back(std::move(t));
    }
    std::stable_sort(sales.begin(), sales.end(), [](const auto& a, const auto& b) { return a.occurred_at < b.occurred_at; });
    for (std::size_t k = 0; k < sales.size(); ++k) {
      sales[k].external_id = fmt::format("DEMO-INV{:06}", k + 1);
      sales[k].line_no = 1;
      sales[k].created_at = sales[k].occurred_at;
    }
    if (!(st = w.insert_transactions(sales))) return fail(st.error());
    n.transactions = sales.size();
  }

  // Leads, each with the behaviour that drives its true conversion probability.
  for (int i = 0; i < o.leads; ++i) {
    LeadTruth t;
    t.source = static_cast<int>(rng.pick(source_cum));
    bool inbound = t.source <= 1;  // web, ads
    t.employees = static_cast<int>(std::clamp(std::exp(3.0 + 1.4 * rng.normal()), 1.0, 50000.0));
    t.page_views = rng.poisson(std::exp(0.8 + (inbound ? 0.6 : 0.0)));
    t.email_clicks = rng.poisson(0.7);
    t.form_submitted = rng.chance(inbound ? 0.6 : 0.3);
    t.meeting_held = rng.chance(t.source == 2 || t.source == 3 ? 0.5 : 0.25);
    std::size_t rep = static_cast<std::size_t>(i) % kRepResponseHours.size();
    t.first_response_hours = std::exp(std::log(kRepResponseHours[rep]) + 0.6 * rng.normal());
    double p = true_conversion_probability(t);
    bool converts = rng.chance(p);
    double created = rng.uniform() * o.days;
    double age = o.days - created;
    double decision = created + 5 + rng.uniform() * 40;  // days to a decision

    store::LeadRow l;
    l.external_id = fmt::format("DEMO-L{:05}", i + 1);
    std::string first = kFirst[static_cast<std::size_t>(rng.below(kFirst.size()))];
    std::string last = kLast[static_cast<std::size_t>(rng.below(kLast.size()))];
    l.name = fmt::format("{} {}", first, last);
    l.company = company_name();
    l.email = fmt::format("{}.{}@lead{}.example.org", first, last, i + 1);
    std::transform(l.email->begin(), l.email->end(), l.email->begin(), [](char ch) {
      return static_cast<char>(std::tolower(static_cast<unsigned char>(ch)));
    });
    l.source = kLeadSources[static_cast<std::size_t>(t.source)];
    l.owner_id = o.owner_ids.empty() ? std::nullopt
                                     : std::optional<int64_t>(o.owner_ids[rep % o.owner_ids.size()]);
    l.expected_value_minor = static_cast<int64_t>(std::round(300 + 40 * std::sqrt(t.employees))) * 100;
    l.currency = "EUR";
    l.attributes = fmt::format(
        R"({{"employees":{},"country":"{}","page_views":{},"email_clicks":{},"form_submits":{}}})",
        t.employees, kCountries[rng.pick(country_cum)], t.page_views, t.email_clicks, t.form_submitted ? 1 : 0);
    l.created_at = at(created);
    double first_contact = created + t.first_response_hours / 24;
    if (first_contact < o.days) l.contacted_at = at(first_contact);
    std::string status = first_contact < o.days ? "contacted" : "new";
    if (decision < o.days) {
      if (converts) {
        l.qualified_at = at(created + (decision - created) / 2);
        l.converted_at = at(decision);
        status = "converted";
        // The converted lead became one of the customers.
        l.customer_id = customers[static_cast<std::size_t>(i) % customers.size()].id;
      } else {
        l.lost_at = at(decision);
        status = "lost";
      }
    } else if (age > 10 && (converts || rng.chance(0.3))) {
      l.qualified_at = at(created + 7);
      status = "qualified";
    }
    l.status = status;
    l.updated_at = at(std::min<double>(o.days, decision));
    auto id = w.insert_lead(l);
    if (!id) return fail(id.error());
    ++n.leads;
    if (truth) truth << "lead," << *l.external_id << "," << p << "," << (converts ? 1 : 0) << "\n";

    // Its first inbound message and the rep's answer (the response time).
    if (!(st = communicate(*id, std::nullopt, "in", "email", t.form_submitted ? "Contact form" : "Enquiry", created)))
      return fail(st.error());
    if (first_contact < o.days &&
        !(st = communicate(*id, std::nullopt, "out", "email", "Re: your enquiry", first_contact)))
      return fail(st.error());
    for (int k = 0; k < t.email_clicks && first_contact + 2 * (k + 1) < o.days; ++k) {
      if (!(st = communicate(*id, std::nullopt, "out", "email", "Follow-up", first_contact + 2 * (k + 1))))
        return fail(st.error());
    }
    if (first_contact < o.days &&
        !(st = activity("call", "Intro call", *id, std::nullopt, l.owner_id, first_contact + 1, first_contact + 1 < o.days)))
      return fail(st.error());
    if (t.meeting_held && first_contact + 5 < o.days &&
        !(st = activity("meeting", "Discovery meeting", *id, std::nullopt, l.owner_id, first_contact + 5, true)))
      return fail(st.error());
  }

  if (!(st = w.audit(std::nullopt, "demo", "demo",
                     fmt::format(R"({{"seed":{},"counts":{}}})", o.seed, n.to_json()), format_timestamp(end))))
    return fail(st.error());
  if (!(st = w.commit())) return fail(st.error());
  return n;
}

}  // namespace icrm::ingest
