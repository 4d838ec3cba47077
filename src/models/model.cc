#include "models/model.h"

#include "features/json_fields.h"
#include "models/gbdt_model.h"
#include "models/hybrid_model.h"
#include "models/logistic_regression.h"
#include "models/rule_baseline.h"
#include "models/weighted_score.h"

namespace icrm::models {

Result<std::unique_ptr<Model>> model_from_json(const boost::json::value& json) {
  features::JsonFields f(json, "model");
  std::string kind = f.str("kind");
  if (!f.ok()) return f.error();
  auto up = [](auto r) -> Result<std::unique_ptr<Model>> {
    if (!r) return r.error();
    return std::unique_ptr<Model>(std::move(*r));
  };
  if (kind == "lr") return up(LogisticRegression::from_json(json));
  if (kind == "gbdt") return up(GbdtModel::from_json(json));
  if (kind == "weighted") return up(WeightedScore::from_json(json));
  if (kind == "hybrid") return up(HybridModel::from_json(json));
  if (kind == "rule") return up(RuleBaseline::from_json(json));
  return Error::invalid("model: unknown kind \"" + kind + "\"");
}

}  // namespace icrm::models
