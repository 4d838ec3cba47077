#include "stream/alert_format.h"

#include <fmt/format.h>

#include <boost/json/parse.hpp>

namespace icrm::stream {
namespace {

std::string bucket_words(std::chrono::microseconds bucket) {
  auto s = std::chrono::duration_cast<std::chrono::seconds>(bucket).count();
  if (s == 3600) return "hour";
  if (s == 60) return "minute";
  if (s == 86400) return "day";
  return fmt::format("{} s", s);
}

}  // namespace

store::AlertRecord alert_from_anomaly(const Anomaly& a, std::string_view type_name, double gamma,
                                      std::chrono::microseconds bucket, Timestamp now) {
  store::AlertRecord r;
  r.kind = std::string(anomaly_kind_name(a.kind));
  if (!a.entity.empty()) r.entity = a.entity;
  if (a.type) r.event_type = std::string(type_name);
  r.expected = a.expected;
  r.seen = a.seen;
  r.sigma = a.sigma;
  r.gamma = gamma;
  r.at = a.at;
  r.created_at = now;
  const std::string band =
      fmt::format("expected {:.1f}, sigma {:.2f}, gamma {:g}", a.expected, a.sigma, gamma);
  const auto bucket_s = std::chrono::duration_cast<std::chrono::seconds>(bucket).count();
  switch (a.kind) {
    case AnomalyKind::kEntityBurst:
      r.message = fmt::format("{}: {:g} {} events in one {}, far above its usual rate ({})",
                              a.entity, a.seen, type_name, bucket_words(bucket), band);
      r.details = fmt::format(R"({{"bucket_seconds":{}}})", bucket_s);
      break;
    case AnomalyKind::kEntityValue:
      r.message = fmt::format("{}: a {} value of {:g} is far from its running mean ({})", a.entity,
                              type_name, a.seen, band);
      break;
    case AnomalyKind::kStreamSpike:
      r.message = fmt::format("whole stream: {:g} events in one {}, a spike ({})", a.seen,
                              bucket_words(bucket), band);
      r.details = fmt::format(R"({{"bucket_seconds":{}}})", bucket_s);
      break;
    case AnomalyKind::kStreamCollapse:
      r.message = fmt::format("whole stream: {:g} events in one {}, traffic collapsed ({})", a.seen,
                              bucket_words(bucket), band);
      r.details = fmt::format(R"({{"bucket_seconds":{}}})", bucket_s);
      break;
  }
  return r;
}

boost::json::object alert_to_json(const store::AlertRecord& a) {
  boost::json::object o{{"id", a.id},
                        {"kind", a.kind},
                        {"expected", a.expected},
                        {"seen", a.seen},
                        {"sigma", a.sigma},
                        {"gamma", a.gamma},
                        {"message", a.message},
                        {"at", format_timestamp(a.at)},
                        {"created_at", format_timestamp(a.created_at)}};
  o["entity"] = a.entity ? boost::json::value(*a.entity) : nullptr;
  o["event_type"] = a.event_type ? boost::json::value(*a.event_type) : nullptr;
  boost::system::error_code ec;
  boost::json::value details = boost::json::parse(a.details, ec);
  o["details"] = !ec && details.is_object() ? details : boost::json::object{};
  return o;
}

}  // namespace icrm::stream
