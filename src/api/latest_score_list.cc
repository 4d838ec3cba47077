#include "api/latest_score_list.h"

#include "store/score_store.h"

namespace icrm::api {

Status add_latest_scores(store::Database& db, std::string_view entity, std::span<const int64_t> ids,
                         boost::json::array& items) {
  auto scores = store::ScoreStore(db).latest_of(entity, ids);
  if (!scores) return scores.error();
  for (std::size_t i = 0; i < ids.size() && i < items.size(); ++i) {
    auto it = scores->find(ids[i]);
    items[i].as_object()["latest_score"] = it == scores->end()
                                               ? boost::json::value(nullptr)
                                               : boost::json::value(store::to_json(it->second));
  }
  return {};
}

std::string latest_score_property() {
  return std::string(R"("latest_score":)") + store::kListedScoreSchema;
}

}  // namespace icrm::api
