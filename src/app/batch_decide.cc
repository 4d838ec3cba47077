#include "app/batch_decide.h"

#include "store/decision_store.h"

namespace icrm::app {

Result<BatchDecisions> decide_open_leads(store::Database& db, DecisionService& service,
                                         const BatchProgress& progress) {
  auto report = [&](std::string_view stage, std::size_t done, std::size_t total) {
    if (progress) progress(stage, done, total);
  };
  BatchDecisions out;
  report("inferring outcomes of pending decisions", 0, 0);
  auto closed = service.infer_outcomes();
  if (!closed) return closed.error();
  out.outcomes = *closed;
  auto leads = store::DecisionStore(db).open_lead_scores();
  if (!leads) return leads.error();
  out.open_leads = leads->size();
  std::size_t done = 0;
  for (const auto& lead : *leads) {
    auto d = service.decide(lead.lead_id, decide::DecisionTrigger::kBatch);
    if (d) {
      ++out.decided;
      ++out.by_action[d->action];
    } else if (d.error().code == ErrorCode::kConflict) {
      ++out.left_alone;
    } else {
      return d.error();
    }
    report("deciding", ++done, leads->size());
  }
  return out;
}

}  // namespace icrm::app
