#include "ingest/demo_generator.h"

#include <fmt/format.h>

#include <algorithm>
#include <array>
#include <cmath>
#include <fstream>
#include <numbers>

#include "core/random.h"
#include "core/time.h"
#include "ingest/event.h"
#include "ingest/logged_event.h"
#include "ingest/value_coercion.h"
#include "store/bulk_writer.h"

namespace icrm::ingest {
namespace {

double sigmoid(double z) { return 1 / (1 + std::exp(-z)); }

constexpr std::array<const char*, 5> kLeadSources = {"web", "ads", "referral", "event", "cold"};
constexpr std::array<double, 5> kLeadSourceWeights = {0.35, 0.25, 0.15, 0.10, 0.15};
// True effect of each source on the conversion logit (see docs/demo-data.md).
constexpr std::array<double, 5> kLeadSourceEffect = {0.2, 0.0, 0.9, 0.5, -0.6};
constexpr std::array<const char*, 3> kPlans = {"basic", "pro", "enterprise"};
constexpr std::array<double, 3> kPlanWeights = {0.5, 0.35, 0.15};
// Mean hours each rep takes to answer a new lead (reps differ; that matters).
constexpr std::array<double, 3> kRepResponseHours = {2.0, 6.0, 20.0};

constexpr std::array<const char*, 10> kCountries = {"DE", "GB", "FR", "NL", "US",
                                                    "ES", "IT", "SE", "PL", "AT"};
constexpr std::array<double, 10> kCountryWeights = {0.25, 0.18, 0.12, 0.08, 0.12,
                                                    0.07, 0.07, 0.04, 0.04, 0.03};
constexpr std::array<const char*, 8> kIndustries = {"Manufacturing", "Retail",     "Software",
                                                    "Health",        "Logistics",  "Finance",
                                                    "Education",     "Hospitality"};
constexpr std::array<const char*, 20> kFirst = {
    "Anna",  "Ben",  "Clara", "David", "Elif", "Farid", "Greta", "Hugo", "Ines", "Jonas",
    "Karin", "Luca", "Maya",  "Nils",  "Olga", "Paul",  "Rosa",  "Sami", "Tara", "Viktor"};
constexpr std::array<const char*, 20> kLast = {"Schmidt", "Martin", "Rossi",    "Jansen",  "Novak",
                                               "Garcia",  "Berg",   "Kowalski", "Dubois",  "Smith",
                                               "Weber",   "Costa",  "Nilsson",  "Huber",   "Moreau",
                                               "Fischer", "Lopez",  "Meyer",    "Bianchi", "Brown"};
constexpr std::array<const char*, 16> kCompanyA = {
    "Blue", "North",  "Bright", "Alpen", "Delta", "Green", "Iron",  "Silver",
    "Nova", "Harbor", "Summit", "Oak",   "Pixel", "River", "Solar", "Urban"};
constexpr std::array<const char*, 12> kCompanyB = {"Systems",  "Labs",      "Logistics", "Foods",
                                                   "Works",    "Analytics", "Clinics",   "Studios",
                                                   "Partners", "Robotics",  "Textiles",  "Travel"};
struct ProductSpec {
  const char* category;
  const char* name;
  int64_t price_minor;
};
constexpr std::array<ProductSpec, 24> kProducts = {{
    {"Software", "CRM Starter licence (year)", 49'000},
    {"Software", "CRM Pro licence (year)", 129'000},
    {"Software", "CRM Enterprise licence (year)", 390'000},
    {"Software", "Analytics add-on", 59'000},
    {"Software", "Mobile app pack", 19'000},
    {"Software", "API access tier", 35'000},
    {"Services", "Onboarding package", 150'000},
    {"Services", "Data migration", 240'000},
    {"Services", "Custom report", 45'000},
    {"Services", "Integration workshop", 180'000},
    {"Training", "Admin training (day)", 95'000},
    {"Training", "Sales team training", 120'000},
    {"Training", "E-learning seat", 9'900},
    {"Support", "Premium support (year)", 60'000},
    {"Support", "24/7 support upgrade", 110'000},
    {"Support", "Health check", 30'000},
    {"Hardware", "Barcode scanner", 21'900},
    {"Hardware", "Receipt printer", 15'900},
    {"Hardware", "Tablet kiosk", 49'900},
    {"Hardware", "Headset", 8'900},
    {"Software", "Email campaigns add-on", 29'000},
    {"Software", "Forecasting add-on", 79'000},
    {"Services", "Quarterly review", 25'000},
    {"Training", "Certification exam", 19'900},
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
  double season =
      1 + 0.4 * std::cos(2 * std::numbers::pi * (static_cast<double>(doy) - 345) / 365.0);
  double month_end = static_cast<unsigned>(ymd.day()) >= 26 ? 1.15 : 1.0;
  return week * season * month_end;
}

}  // namespace

std::string_view demo_lead_source_name(int source) {
  return kLeadSources.at(static_cast<std::size_t>(source));
}

LeadTruth draw_demo_lead(Rng& rng, std::size_t rep) {
  static const std::vector<double> source_cum =
      cumulative(kLeadSourceWeights.data(), kLeadSourceWeights.size());
  LeadTruth t;
  t.source = static_cast<int>(rng.pick(source_cum));
  bool inbound = t.source <= 1;  // web, ads
  t.employees = static_cast<int>(std::clamp(std::exp(3.0 + 1.4 * rng.normal()), 1.0, 50000.0));
  t.page_views = rng.poisson(std::exp(0.8 + (inbound ? 0.6 : 0.0)));
  t.email_clicks = rng.poisson(0.7);
  t.email_opens = t.email_clicks + rng.poisson(1.2);
  t.form_submitted = rng.chance(inbound ? 0.6 : 0.3);
  t.meeting_held = rng.chance(t.source == 2 || t.source == 3 ? 0.5 : 0.25);
  t.first_response_hours =
      std::exp(std::log(kRepResponseHours[rep % kRepResponseHours.size()]) + 0.6 * rng.normal());
  return t;
}

double true_conversion_probability(const LeadTruth& l) {
  double z = -2.4 + kLeadSourceEffect[static_cast<std::size_t>(l.source)] +
             0.35 * std::log1p(l.page_views) + 0.10 * l.email_opens + 0.30 * l.email_clicks +
             0.8 * (l.form_submitted ? 1 : 0) + 1.2 * (l.meeting_held ? 1 : 0) -
             0.03 * l.first_response_hours + 0.25 * std::log10(std::max(1, l.employees));
  return sigmoid(z);
}

double true_churn_probability(const CustomerTruth& c) {
  double z = -2.2 - 0.8 * std::log(c.value) + 0.5 * c.support_contacts +
             0.04 * c.support_response_hours + (c.plan == 0 ? 0.4 : 0.0) -
             (c.plan == 2 ? 0.3 : 0.0);
  return sigmoid(z);
}

std::string DemoCounts::to_json() const {
  return fmt::format(
      R"({{"products":{},"customers":{},"leads":{},"transactions":{},"activities":{},"communications":{},"events":{}}})",
      products, customers, leads, transactions, activities, communications, events);
}

Status validate_demo_options(const DemoOptions& o) {
  if (o.customers < 1 || o.customers > kMaxDemoCustomers)
    return Error::invalid(fmt::format("--customers must be 1..{}", kMaxDemoCustomers), "customers");
  if (o.leads < 0 || o.leads > kMaxDemoLeads)
    return Error::invalid(fmt::format("--leads must be 0..{}", kMaxDemoLeads), "leads");
  if (o.transactions < 0 || o.transactions > kMaxDemoTransactions)
    return Error::invalid(fmt::format("--transactions must be 0..{}", kMaxDemoTransactions),
                          "transactions");
  if (o.days < 1 || o.days > kMaxDemoDays)
    return Error::invalid(fmt::format("--days must be 1..{}", kMaxDemoDays), "days");
  return {};
}

namespace {

// Mean hours the team takes to answer a support contact, by the customer's
// owner rep (the same reps, the same ranking as for new leads).
constexpr std::array<double, 3> kRepSupportHours = {1.5, 4.0, 12.0};
// Pages a lead looks at, weighted: the pricing page is where buyers go.
constexpr std::array<const char*, 6> kPages = {"/",     "/pricing",   "/features",
                                               "/blog", "/customers", "/demo"};

// One event of the behaviour log, collected until all are known and then
// written in time order (the log's arrival order is the order they happened).
struct PendingEvent {
  Timestamp ts;
  std::string id, entity, attrs;
  const char* type;
  double value;
};

// The whole run: the records in the order they depend on each other, each
// record's behaviour as communications, activities and events.
class Demo {
 public:
  Demo(store::BulkWriter& w, const DemoOptions& o)
      : w_(w),
        o_(o),
        rng_(o.seed),
        end_(std::chrono::floor<std::chrono::days>(o.end)),
        start_(end_ - std::chrono::days(o.days)) {}

  Result<DemoCounts> run(std::ofstream& truth);

 private:
  Timestamp when(double day) const {
    using namespace std::chrono;
    return start_ + duration_cast<microseconds>(duration<double, std::ratio<86400>>(day));
  }
  std::string at(double day) const { return format_timestamp(when(day)); }
  bool happened(double day) const { return day < o_.days; }
  std::optional<int64_t> owner(std::size_t i) const {
    if (o_.owner_ids.empty()) return std::nullopt;
    return o_.owner_ids[i % o_.owner_ids.size()];
  }
  std::string company_name() {
    return fmt::format("{} {}", kCompanyA[static_cast<std::size_t>(rng_.below(kCompanyA.size()))],
                       kCompanyB[static_cast<std::size_t>(rng_.below(kCompanyB.size()))]);
  }
  // Records an event when `day` is inside the window (later ones have not happened yet).
  void event(double day, const std::string& entity, const char* type, std::string id_suffix,
             double value = 1, std::string attrs = {}) {
    if (!happened(day)) return;
    events_.push_back({when(day), fmt::format("demo:{}:{}", entity, id_suffix), entity,
                       std::move(attrs), type, value});
  }
  Status communicate(std::optional<int64_t> lead, std::optional<int64_t> customer, const char* dir,
                     const char* channel, std::string subject, double day) {
    if (!happened(day)) return {};
    store::CommunicationRow c;
    c.lead_id = lead;
    c.customer_id = customer;
    c.direction = dir;
    c.channel = channel;
    c.subject = std::move(subject);
    c.occurred_at = c.created_at = at(day);
    auto id = w_.insert_communication(c);
    if (!id) return id.error();
    ++n_.communications;
    return {};
  }
  Status activity(const char* kind, std::string subject, std::optional<int64_t> lead,
                  std::optional<int64_t> customer, std::optional<int64_t> own, double day) {
    store::ActivityRow a;
    a.kind = kind;
    a.subject = std::move(subject);
    a.lead_id = lead;
    a.customer_id = customer;
    a.owner_id = own;
    a.due_at = at(day);
    a.status = happened(day) ? "done" : "open";
    if (happened(day)) a.completed_at = at(day);
    a.created_at = a.updated_at = at(std::max(0.0, day - 2));
    if (!happened(std::max(0.0, day - 2))) return {};  // not planned yet
    auto id = w_.insert_activity(a);
    if (!id) return id.error();
    ++n_.activities;
    return {};
  }

  Status products();
  Status customers(std::ofstream& truth);
  Status sales();
  Status leads(std::ofstream& truth);
  Status write_events();

  store::BulkWriter& w_;
  const DemoOptions& o_;
  Rng rng_;
  const Timestamp end_, start_;
  DemoCounts n_;
  std::vector<int64_t> product_ids_, product_prices_;
  std::vector<double> product_cum_;
  struct Cust {
    int64_t id;
    double value;
    double churn_day;  // days after start; > o.days when not churned
  };
  std::vector<Cust> customers_;
  std::vector<PendingEvent> events_;
};

Status Demo::products() {
  for (std::size_t i = 0; i < kProducts.size(); ++i) {
    store::ProductRow p;
    p.sku = fmt::format("DEMO-P{:03}", i + 1);
    p.name = kProducts[i].name;
    p.category = kProducts[i].category;
    p.unit_price_minor = kProducts[i].price_minor;
    p.currency = "EUR";
    p.created_at = p.updated_at = at(-365);
    auto id = w_.insert_product(p);
    if (!id) return id.error();
    product_ids_.push_back(*id);
    product_prices_.push_back(p.unit_price_minor);
    ++n_.products;
  }
  // Popularity: Zipf-like over a shuffled order.
  std::vector<double> weights(kProducts.size());
  for (std::size_t i = 0; i < weights.size(); ++i) weights[i] = 1.0 / std::pow(i + 1, 1.1);
  for (std::size_t i = weights.size() - 1; i > 0; --i)
    std::swap(weights[i], weights[static_cast<std::size_t>(rng_.below(static_cast<int>(i + 1)))]);
  product_cum_ = cumulative(weights.data(), weights.size());
  return {};
}

// Customers, with their latent value, support contacts and churn.
Status Demo::customers(std::ofstream& truth) {
  auto country_cum = cumulative(kCountryWeights.data(), kCountryWeights.size());
  auto plan_cum = cumulative(kPlanWeights.data(), kPlanWeights.size());
  customers_.reserve(static_cast<std::size_t>(o_.customers));
  for (int i = 0; i < o_.customers; ++i) {
    CustomerTruth t;
    t.value = std::exp(0.8 * rng_.normal());
    t.plan = static_cast<int>(rng_.pick(plan_cum));
    t.support_contacts = rng_.poisson(0.4 + (t.plan == 0 ? 0.6 : 0.2));
    std::size_t rep = static_cast<std::size_t>(i) % kRepSupportHours.size();
    std::vector<double> answer_hours(static_cast<std::size_t>(t.support_contacts));
    for (double& h : answer_hours) {
      h = std::exp(std::log(kRepSupportHours[rep]) + 0.8 * rng_.normal());
      t.support_response_hours += h / t.support_contacts;
    }
    double p = true_churn_probability(t);
    bool churned = rng_.chance(p);
    double churn_day = churned ? 14 + rng_.uniform() * std::max(1, o_.days - 14) : o_.days + 1.0;
    std::string first = kFirst[static_cast<std::size_t>(rng_.below(kFirst.size()))];
    std::string last = kLast[static_cast<std::size_t>(rng_.below(kLast.size()))];
    store::CustomerRow c;
    c.external_id = fmt::format("DEMO-C{:05}", i + 1);
    c.company = company_name();
    c.name = fmt::format("{} {}", first, last);
    c.email = fmt::format("{}.{}.{}@example.com", first, last, i + 1);
    std::transform(c.email->begin(), c.email->end(), c.email->begin(), [](char ch) {
      return static_cast<char>(std::tolower(static_cast<unsigned char>(ch)));
    });
    c.phone = fmt::format("+49 30 {:07}", 1000000 + i);
    c.country = kCountries[rng_.pick(country_cum)];
    c.status = churned ? "churned" : (rng_.chance(0.03) ? "inactive" : "active");
    c.owner_id = owner(static_cast<std::size_t>(i));
    int employees = static_cast<int>(std::clamp(std::exp(3.2 + 1.3 * rng_.normal()), 2.0, 20000.0));
    c.attributes =
        fmt::format(R"({{"industry":"{}","employees":{},"plan":"{}"}})",
                    kIndustries[static_cast<std::size_t>(rng_.below(kIndustries.size()))],
                    employees, kPlans[static_cast<std::size_t>(t.plan)]);
    double since = -30 - rng_.uniform() * 700;  // customers since up to two years before the window
    c.created_at = at(since);
    c.updated_at = at(churned ? churn_day : std::max(since, 0.0));
    auto id = w_.insert_customer(c);
    if (!id) return id.error();
    ++n_.customers;
    customers_.push_back({*id, t.value, churn_day});
    if (truth)
      truth << "customer," << *c.external_id << "," << p << "," << (churned ? 1 : 0) << "\n";
    // Support contacts before the churn: an event, the inbound call or chat,
    // and the answer after the owner rep's response time.
    std::string entity = fmt::format("customer:{}", *id);
    for (int k = 0; k < t.support_contacts; ++k) {
      double day = rng_.uniform() * std::min<double>(o_.days, churn_day);
      const char* channel = rng_.chance(0.5) ? "call" : "chat";
      event(day, entity, "support_contact", fmt::format("support:{}", k), 1,
            fmt::format(R"({{"channel":"{}"}})", channel));
      Status st = communicate(std::nullopt, *id, "in", channel, "Support request", day);
      if (st)
        st = communicate(std::nullopt, *id, "out", channel, "Re: Support request",
                         day + answer_hours[static_cast<std::size_t>(k)] / 24);
      if (!st) return st;
    }
    if (rng_.chance(0.1)) {
      if (auto st = activity("offer", "Renewal offer", std::nullopt, *id, c.owner_id,
                             rng_.uniform() * o_.days * 1.2);
          !st)
        return st;
    }
  }
  return {};
}

// Sales: customers drawn by their value, days by the seasonal weight, never
// after a customer churned. Each line is also a purchase event.
Status Demo::sales() {
  using namespace std::chrono;
  std::vector<double> value_w(customers_.size());
  for (std::size_t i = 0; i < customers_.size(); ++i) value_w[i] = customers_[i].value;
  auto value_cum = cumulative(value_w.data(), value_w.size());
  double max_day_weight = 0;
  for (int d = 0; d < o_.days; ++d)
    max_day_weight = std::max(max_day_weight, day_weight(start_ + days(d)));
  std::vector<store::TransactionRow> sales;
  std::vector<std::size_t> buyer;
  sales.reserve(static_cast<std::size_t>(o_.transactions));
  buyer.reserve(static_cast<std::size_t>(o_.transactions));
  for (int k = 0; k < o_.transactions; ++k) {
    std::size_t ci;
    double day;
    int guard = 0;
    do {
      ci = rng_.pick(value_cum);
      do {
        day = rng_.uniform() * o_.days;
      } while (!rng_.chance(day_weight(start_ + days(static_cast<int>(day))) / max_day_weight));
    } while (day >= customers_[ci].churn_day && ++guard < 100);
    std::size_t pi = rng_.pick(product_cum_);
    store::TransactionRow t;
    t.customer_id = customers_[ci].id;
    t.product_id = product_ids_[pi];
    t.quantity = 1 + rng_.poisson(0.6);
    if (rng_.chance(0.02)) t.quantity = -1;  // a return
    t.unit_price_minor = product_prices_[pi];
    t.amount_minor = t.quantity * t.unit_price_minor;
    t.currency = "EUR";
    // Whole day plus office hours 08:00-18:00.
    double at_day = std::floor(day) + (8 + 10 * rng_.uniform()) / 24;
    t.occurred_us = to_unix_micros(when(at_day));
    sales.push_back(std::move(t));
    buyer.push_back(pi);
  }
  std::vector<std::size_t> order(sales.size());
  for (std::size_t k = 0; k < order.size(); ++k) order[k] = k;
  std::stable_sort(order.begin(), order.end(), [&](std::size_t a, std::size_t b) {
    return sales[a].occurred_us < sales[b].occurred_us;
  });
  std::vector<store::TransactionRow> sorted;
  sorted.reserve(sales.size());
  for (std::size_t k = 0; k < order.size(); ++k) {
    store::TransactionRow t = std::move(sales[order[k]]);
    t.external_id = fmt::format("DEMO-INV{:06}", k + 1);
    t.line_no = 1;
    Timestamp ts = from_unix_micros(t.occurred_us);
    t.created_at = format_timestamp(ts);
    if (t.quantity > 0) {  // a return is not a purchase
      events_.push_back({ts, fmt::format("demo:{}:1", *t.external_id),
                         fmt::format("customer:{}", *t.customer_id),
                         fmt::format(R"({{"invoice":"{}","sku":"DEMO-P{:03}","quantity":{}}})",
                                     *t.external_id, buyer[order[k]] + 1, t.quantity),
                         "purchase", static_cast<double>(t.amount_minor) / 100});
    }
    sorted.push_back(std::move(t));
  }
  if (auto st = w_.insert_transactions(sorted); !st) return st;
  n_.transactions = sorted.size();
  return {};
}

// Leads, each with the behaviour that drives its true conversion probability:
// page views, the form, emails opened and clicked, calls and meetings, all
// before the decision; and the owner rep's first response time.
Status Demo::leads(std::ofstream& truth) {
  auto country_cum = cumulative(kCountryWeights.data(), kCountryWeights.size());
  for (int i = 0; i < o_.leads; ++i) {
    std::size_t rep = static_cast<std::size_t>(i) % kRepResponseHours.size();
    LeadTruth t = draw_demo_lead(rng_, rep);
    double p = true_conversion_probability(t);
    bool converts = rng_.chance(p);
    double created = rng_.uniform() * o_.days;
    double age = o_.days - created;
    double first_contact = created + t.first_response_hours / 24;
    // Days to a decision; the rep has always answered by then.
    double decision = std::max(created + 5 + rng_.uniform() * 40, first_contact + 1);

    store::LeadRow l;
    l.external_id = fmt::format("DEMO-L{:05}", i + 1);
    std::string first = kFirst[static_cast<std::size_t>(rng_.below(kFirst.size()))];
    std::string last = kLast[static_cast<std::size_t>(rng_.below(kLast.size()))];
    l.name = fmt::format("{} {}", first, last);
    l.company = company_name();
    l.email = fmt::format("{}.{}@lead{}.example.org", first, last, i + 1);
    std::transform(l.email->begin(), l.email->end(), l.email->begin(), [](char ch) {
      return static_cast<char>(std::tolower(static_cast<unsigned char>(ch)));
    });
    l.source = kLeadSources[static_cast<std::size_t>(t.source)];
    l.owner_id = o_.owner_ids.empty()
                     ? std::nullopt
                     : std::optional<int64_t>(o_.owner_ids[rep % o_.owner_ids.size()]);
    l.expected_value_minor =
        static_cast<int64_t>(std::round(300 + 40 * std::sqrt(t.employees))) * 100;
    l.currency = "EUR";
    l.attributes = fmt::format(R"({{"employees":{},"country":"{}"}})", t.employees,
                               kCountries[rng_.pick(country_cum)]);
    l.created_at = at(created);
    if (happened(first_contact)) l.contacted_at = at(first_contact);
    std::string status = happened(first_contact) ? "contacted" : "new";
    if (happened(decision)) {
      if (converts) {
        l.qualified_at = at(created + (decision - created) / 2);
        l.converted_at = at(decision);
        status = "converted";
        // The converted lead became one of the customers.
        l.customer_id = customers_[static_cast<std::size_t>(i) % customers_.size()].id;
      } else {
        l.lost_at = at(decision);
        status = "lost";
      }
    } else if (age > 10 && (converts || rng_.chance(0.3))) {
      l.qualified_at = at(created + 7);
      status = "qualified";
    }
    l.status = status;
    l.updated_at = at(std::min<double>(o_.days, decision));
    auto id = w_.insert_lead(l);
    if (!id) return id.error();
    ++n_.leads;
    if (truth) truth << "lead," << *l.external_id << "," << p << "," << (converts ? 1 : 0) << "\n";

    // Behaviour, all before the decision. Page views from two days before the
    // lead was created (the visit that turned into the enquiry) on.
    std::string entity = fmt::format("lead:{}", *id);
    for (int k = 0; k < t.page_views; ++k) {
      double day = created - 2 + rng_.uniform() * (decision - created + 2);
      const char* page = kPages[static_cast<std::size_t>(rng_.below(kPages.size()))];
      event(day, entity, "page_view", fmt::format("page_view:{}", k), 1,
            fmt::format(R"({{"path":"{}"}})", page));
    }
    if (t.form_submitted)
      event(created, entity, "form_submit", "form_submit:0", 1, R"({"form":"contact"})");
    // The enquiry and the rep's answer (the response time), then follow-ups
    // every two days until the decision: at least one per open.
    Status st = communicate(*id, std::nullopt, "in", "email",
                            t.form_submitted ? "Contact form" : "Enquiry", created);
    if (st) st = communicate(*id, std::nullopt, "out", "email", "Re: your enquiry", first_contact);
    std::vector<double> sent = {first_contact};
    for (int k = 1; st && (k <= t.email_opens || k <= 2) && first_contact + 2 * k < decision; ++k) {
      st = communicate(*id, std::nullopt, "out", "email", "Follow-up", first_contact + 2 * k);
      sent.push_back(first_contact + 2 * k);
    }
    if (!st) return st;
    // Opens spread over the emails sent, a few hours after each; a click
    // follows an open by minutes. All before the decision.
    for (int k = 0; k < t.email_opens; ++k) {
      double mail = sent[static_cast<std::size_t>(k) % sent.size()];
      double open = std::min(mail + rng_.uniform() * 0.5, mail + (decision - mail) * 0.9);
      event(open, entity, "email_open", fmt::format("email_open:{}", k));
      if (k < t.email_clicks)
        event(open + std::min(15.0 / 1440, (decision - open) / 2), entity, "email_click",
              fmt::format("email_click:{}", k), 1, R"({"link":"/demo"})");
    }
    // The intro call a day after the first contact (and before the decision);
    // a meeting some days later when one is held. Values are minutes.
    if (!happened(first_contact)) continue;
    double call = first_contact + std::min(1.0, (decision - first_contact) / 2);
    if (!(st = activity("call", "Intro call", *id, std::nullopt, l.owner_id, call))) return st;
    event(call, entity, "call", "call:0", std::round(5 + 20 * rng_.uniform()));
    if (t.meeting_held) {
      double meeting = first_contact + std::min(5.0, (decision - first_contact) * 0.7);
      if (!(st = activity("meeting", "Discovery meeting", *id, std::nullopt, l.owner_id, meeting)))
        return st;
      event(meeting, entity, "meeting", "meeting:0", 60);
    }
  }
  return {};
}

// The collected events in time order, validated as any source's events are
// (against a clock at the end of the data), into the log.
Status Demo::write_events() {
  std::stable_sort(events_.begin(), events_.end(),
                   [](const PendingEvent& a, const PendingEvent& b) { return a.ts < b.ts; });
  ingest::EventTypeRegistry types;
  ManualClock clock(end_);
  std::vector<store::LoggedEvent> rows;
  rows.reserve(std::min<std::size_t>(events_.size(), 10000));
  auto flush = [&]() -> Status {
    auto st = w_.insert_events(rows);
    n_.events += rows.size();
    rows.clear();
    return st;
  };
  for (PendingEvent& e : events_) {
    ingest::EventInput in;
    in.id = std::move(e.id);
    in.entity = std::move(e.entity);
    in.type = e.type;
    in.ts = format_timestamp(e.ts);
    in.value = e.value;
    in.attrs = std::move(e.attrs);
    auto valid = ingest::validate_event(in, types, clock);
    if (!valid) return Error::internal("demo event invalid: " + valid.error().to_string());
    rows.push_back(to_logged_event(*valid, types, e.ts, false));
    if (rows.size() == 10000)
      if (auto st = flush(); !st) return st;
  }
  return flush();
}

Result<DemoCounts> Demo::run(std::ofstream& truth) {
  Status st = products();
  if (st) st = customers(truth);
  if (st) st = sales();
  if (st) st = leads(truth);
  if (st) st = write_events();
  if (!st) return st.error();
  return n_;
}

}  // namespace

Result<DemoCounts> generate_demo(store::Database& db, const DemoOptions& o) {
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
  std::ofstream truth;
  if (!o.truth_path.empty()) {
    truth.open(o.truth_path, std::ios::trunc);
    if (!truth) return Error::unavailable("cannot write " + o.truth_path);
    truth << "kind,external_id,true_probability,outcome\n";
  }
  if (auto st = w.begin(); !st) return st.error();
  Demo demo(w, o);
  auto n = demo.run(truth);
  Status st = n ? w.audit(std::nullopt, "demo", "demo",
                          fmt::format(R"({{"seed":{},"counts":{}}})", o.seed, n->to_json()),
                          format_timestamp(std::chrono::floor<std::chrono::days>(o.end)))
                : Status(n.error());
  if (st) st = w.commit();
  if (!st) {
    (void)w.rollback();
    return st.error();
  }
  return n;
}

}  // namespace icrm::ingest
