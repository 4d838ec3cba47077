#include "api/auth/security_events.h"

#include <spdlog/spdlog.h>

#include <boost/json/serialize.hpp>

#include "store/audit_log.h"

namespace icrm::api::auth {

SecurityEvents::SecurityEvents(store::Database& db, const Clock& clock,
                               std::shared_ptr<spdlog::logger> log)
    : db_(db), clock_(clock), log_(log ? std::move(log) : spdlog::default_logger()) {}

void SecurityEvents::record(const SecurityEvent& e) {
  // One JSON object per line: what a typed email holds (newlines, quotes)
  // is escaped, so a sign-in attempt cannot forge log lines.
  boost::json::object line{{"event", e.action}, {"entity", e.entity}};
  line["user_id"] = e.actor.user_id ? boost::json::value(*e.actor.user_id) : nullptr;
  if (e.entity_id) line["entity_id"] = *e.entity_id;
  for (const auto& [k, v] : e.details) line[k] = v;
  const std::string text = boost::json::serialize(line);
  log_->log(e.warning ? spdlog::level::warn : spdlog::level::info, "security {}", text);
  if (!e.audited) return;
  auto appended = store::AuditLog(db_, clock_)
                      .append(e.actor, e.action, e.entity, e.entity_id, nullptr, e.details);
  if (!appended) {
    log_->error("security audit entry not stored ({}): {}", appended.error().to_string(), text);
  }
}

}  // namespace icrm::api::auth
