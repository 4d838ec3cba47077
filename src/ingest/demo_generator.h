// DemoGenerator: a believable small business (products, customers, leads,
// sales with seasonality, communications with response times, activities, and
// the behaviour events of the log: page views, email opens and clicks, form
// submits, calls, meetings, support contacts, purchases) drawn from a hidden
// ground-truth process with real signal, so models have
// something to learn and decisions can be scored against the truth. The
// process and its true coefficients are documented in docs/demo-data.md and
// must change together with this file. Same seed and end date, same data
// (its own PRNG; no std::*_distribution, whose output differs between
// standard libraries).
#pragma once

#include <cstdint>
#include <string>
#include <string_view>
#include <vector>

#include "core/clock.h"
#include "core/random.h"
#include "core/result.h"
#include "store/database.h"

namespace icrm::ingest {

// Upper bounds for the sizes a user may ask for.
inline constexpr int kMaxDemoCustomers = 1'000'000;
inline constexpr int kMaxDemoLeads = 1'000'000;
inline constexpr int kMaxDemoTransactions = 10'000'000;
inline constexpr int kMaxDemoDays = 3650;

struct DemoOptions {
  std::uint64_t seed = 42;
  int customers = 5000;
  int leads = 3000;
  int transactions = 10000;
  int days = 180;
  Timestamp end;                   // the data ends here (midnight UTC of a day)
  std::vector<int64_t> owner_ids;  // reps who own leads and customers; may be empty
  std::string truth_path;          // optional CSV of the true probabilities
};

struct DemoCounts {
  std::uint64_t products = 0, customers = 0, leads = 0, transactions = 0, activities = 0,
                communications = 0, events = 0;
  std::string to_json() const;
};

Status validate_demo_options(const DemoOptions& options);

// Writes everything in one transaction. Refuses a database that already holds
// demo records (external ids starting with DEMO-).
Result<DemoCounts> generate_demo(store::Database& db, const DemoOptions& options);

// The true models, exposed for tests and for scoring decisions. Every input
// but the latent ones (source, employees, value, plan) is behaviour the
// generator also writes as events and communications before the outcome.
struct LeadTruth {
  int source = 0;  // index into kLeadSources: demo_lead_source_name()
  int employees = 0, page_views = 0, email_opens = 0, email_clicks = 0;
  bool form_submitted = false, meeting_held = false;
  double first_response_hours = 0;
};
double true_conversion_probability(const LeadTruth& lead);
// The source a lead of truth.source = i has in the records ("web", "ads", ...).
std::string_view demo_lead_source_name(int source);
// Draws one lead's latent truth as generate_demo does (source, size,
// behaviour; the first response from rep `rep`'s speed), for simulations that
// need fresh leads from the same population.
LeadTruth draw_demo_lead(Rng& rng, std::size_t rep);

struct CustomerTruth {
  double value = 1;  // latent purchase intensity
  int support_contacts = 0;
  double support_response_hours = 0;  // mean time to answer them; 0 without contacts
  int plan = 0;                       // 0 basic, 1 pro, 2 enterprise
};
double true_churn_probability(const CustomerTruth& customer);

}  // namespace icrm::ingest
