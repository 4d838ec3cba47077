// The batch trigger (`insightcrm decide`; the live one is ScoreSubscriber):
// first the outcomes of pending decisions are inferred from the records
// (conversions, responses, the horizon), so the bandit decides with them;
// then every open, scored lead gets a decision unless a next step of it is
// still open. One function, so every front door decides a batch the same way.
#pragma once

#include <cstddef>
#include <functional>
#include <map>
#include <string>
#include <string_view>

#include "app/decision_service.h"
#include "core/result.h"
#include "store/database.h"

namespace icrm::app {

struct BatchDecisions {
  int outcomes = 0;            // pending decisions that got their outcome first
  std::size_t open_leads = 0;  // open, scored leads considered
  std::size_t decided = 0;     // new decisions (each with its activity)
  std::size_t left_alone = 0;  // a next step was open, or the lead closed meanwhile
  std::map<std::string, std::size_t> by_action;  // decided, by action name
};

// A stage, how many of it are done and of how many (0: a stage of unknown size).
using BatchProgress =
    std::function<void(std::string_view stage, std::size_t done, std::size_t total)>;

// REQUIRES: `service` decides on `db`. Stops at the first error other than
// a conflict (the decisions stored until then stay).
Result<BatchDecisions> decide_open_leads(store::Database& db, DecisionService& service,
                                         const BatchProgress& progress = {});

}  // namespace icrm::app
