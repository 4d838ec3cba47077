#include "models/model_bundle.h"

#include <fmt/format.h>

#include <filesystem>
#include <fstream>
#include <sstream>

#include "features/json_fields.h"

namespace icrm::models {

void ScoredModel::predict(const float* x, std::size_t rows, std::size_t cols, double* score,
                          double* probability) const {
  model->score(x, rows, cols, score);
  for (std::size_t i = 0; i < rows; ++i) probability[i] = this->probability(score[i]);
}

const ScoredModel* ModelBundle::find(std::string_view kind) const {
  for (const auto& m : models)
    if (m.model->kind() == kind) return &m;
  return nullptr;
}

boost::json::object bundle_to_json(const ModelBundle& bundle) {
  boost::json::array models;
  for (const auto& m : bundle.models) {
    boost::json::object o;
    o["model"] = m.model->to_json();
    o["threshold"] = m.threshold;
    o["warm_threshold"] = m.warm_threshold;
    if (m.calibration) o["calibration"] = m.calibration->to_json();
    if (m.test) o["test"] = m.test->to_json();
    models.push_back(std::move(o));
  }
  return {{"format", kModelFormat},
          {"format_version", kModelFormatVersion},
          {"created_at", bundle.created_at},
          {"target", bundle.target},
          {"positive", bundle.positive},
          {"primary", bundle.primary},
          {"features", bundle.spec.to_json()},
          {"models", std::move(models)}};
}

Result<ModelBundle> bundle_from_json(std::string_view text) {
  boost::system::error_code ec;
  boost::json::value json = boost::json::parse(text, ec);
  if (ec)
    return Error::invalid(fmt::format("not a model file: it is not valid JSON ({})", ec.message()));
  features::JsonFields top(json, "model file");
  if (!top.ok() || !top.has("format") || !json.as_object().at("format").is_string() ||
      json.as_object().at("format").as_string() != kModelFormat)
    return Error::invalid("not an insightcrm model file");
  auto version = top.integer("format_version");
  if (!top.ok()) return top.error();
  if (version < kOldestModelFormatVersion || version > kModelFormatVersion)
    return Error::invalid(
        fmt::format("the model file has format version {}; this insightcrm reads "
                    "versions {} to {}. Retrain the model with this version.",
                    version, kOldestModelFormatVersion, kModelFormatVersion));
  ModelBundle b;
  b.created_at = top.str("created_at");
  b.target = top.str("target");
  b.positive = top.str("positive");
  b.primary = top.str("primary");
  const auto& features_json = top.obj("features");
  const auto& models = top.arr("models");
  if (!top.ok()) return top.error();
  auto spec = features::FeatureSpec::from_json(features_json);
  if (!spec) return Error::invalid("model file: " + spec.error().message);
  b.spec = std::move(*spec);
  for (std::size_t i = 0; i < models.size(); ++i) {
    features::JsonFields f(models[i], fmt::format("model file: models[{}]", i));
    ScoredModel m;
    m.threshold = f.num("threshold");
    m.warm_threshold = f.num("warm_threshold");
    const auto& model_json = f.obj("model");
    if (!f.ok()) return f.error();
    auto model = model_from_json(model_json);
    if (!model) return Error::invalid("model file: " + model.error().message);
    m.model = std::move(*model);
    if (f.has("calibration")) {
      auto cal = PlattCalibrator::from_json(f.obj("calibration"));
      if (!cal) return Error::invalid("model file: " + cal.error().message);
      m.calibration = *cal;
    }
    // A model whose width differs from the spec's would read past its rows.
    if (!m.model->fits_width(b.spec.width()))
      return Error::invalid(fmt::format("model file: models[{}] does not fit the feature spec", i));
    b.models.push_back(std::move(m));
  }
  if (b.models.empty()) return Error::invalid("model file: it holds no models");
  if (!b.find(b.primary)) return Error::invalid("model file: the primary model is missing");
  return b;
}

Status save_bundle(const ModelBundle& bundle, const std::string& path) {
  std::string text = boost::json::serialize(bundle_to_json(bundle));
  std::string tmp = path + ".tmp";
  {
    std::ofstream out(tmp, std::ios::binary | std::ios::trunc);
    if (!out) return Error::invalid(fmt::format("cannot write {}", tmp), "out");
    out << text << '\n';
    if (!out.flush()) return Error::unavailable(fmt::format("writing {} failed", tmp));
  }
  std::error_code ec;
  std::filesystem::rename(tmp, path, ec);
  if (ec)
    return Error::unavailable(fmt::format("cannot rename {} to {}: {}", tmp, path, ec.message()));
  return ok_status();
}

Result<ModelBundle> load_bundle(const std::string& path) {
  std::error_code ec;
  auto size = std::filesystem::file_size(path, ec);
  if (ec) return Error::not_found(fmt::format("cannot open model file {}", path));
  if (size > kMaxModelFileBytes)
    return Error::too_large(
        fmt::format("model file {} is larger than {} bytes", path, kMaxModelFileBytes));
  std::ifstream in(path, std::ios::binary);
  std::stringstream ss;
  ss << in.rdbuf();
  auto b = bundle_from_json(ss.str());
  if (!b) {
    Error e = b.error();
    e.message = fmt::format("{}: {}", path, e.message);
    return e;
  }
  return b;
}

}  // namespace icrm::models
