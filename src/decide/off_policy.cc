#include "decide/off_policy.h"

#include <fmt/format.h>

#include <cmath>

#include "decide/bayesian_logistic.h"

namespace icrm::decide {

boost::json::object to_json(const Estimate& e) {
  return {{"value", e.value},           {"std_error", e.std_error},
          {"ci_low", e.ci_low},         {"ci_high", e.ci_high},
          {"max_weight", e.max_weight}, {"effective_sample_size", e.effective_sample_size}};
}

Status validate_log(std::span<const LoggedDecision> log) {
  for (std::size_t i = 0; i < log.size(); ++i) {
    const LoggedDecision& d = log[i];
    if (!(std::isfinite(d.propensity) && d.propensity > 0 && d.propensity <= 1))
      return Error::invalid("a propensity must be above 0 and at most 1",
                            fmt::format("log[{}].propensity", i));
    if (!(std::isfinite(d.reward) && d.reward >= 0 && d.reward <= 1))
      return Error::invalid("a reward must be from 0 to 1", fmt::format("log[{}].reward", i));
    if (!std::isfinite(d.context.probability) || d.context.probability < 0 ||
        d.context.probability > 1)
      return Error::invalid("a probability must be from 0 to 1",
                            fmt::format("log[{}].probability", i));
    if (d.context.features.size() != log[0].context.features.size())
      return Error::invalid("every decision needs the same number of features",
                            fmt::format("log[{}].features", i));
  }
  return {};
}

namespace {

// Mean of terms with a normal interval.
Estimate from_terms(const std::vector<double>& terms, double z) {
  Estimate e;
  e.n = terms.size();
  double sum = 0;
  for (double t : terms) sum += t;
  e.value = sum / static_cast<double>(e.n);
  double ss = 0;
  for (double t : terms) ss += (t - e.value) * (t - e.value);
  double var = e.n > 1 ? ss / static_cast<double>(e.n - 1) : 0;
  e.std_error = std::sqrt(var / static_cast<double>(e.n));
  e.ci_low = e.value - z * e.std_error;
  e.ci_high = e.value + z * e.std_error;
  return e;
}

std::vector<double> weights(std::span<const LoggedDecision> log,
                            std::span<const ActionProbabilities> target) {
  std::vector<double> w(log.size());
  for (std::size_t i = 0; i < log.size(); ++i)
    w[i] = target[i][index(log[i].action)] / log[i].propensity;
  return w;
}

void weight_stats(const std::vector<double>& w, Estimate& e) {
  double s = 0, s2 = 0;
  for (double x : w) {
    s += x;
    s2 += x * x;
    e.max_weight = std::max(e.max_weight, x);
  }
  e.effective_sample_size = s2 > 0 ? s * s / s2 : 0;
}

}  // namespace

Estimate ips(std::span<const LoggedDecision> log, std::span<const ActionProbabilities> target,
             double z) {
  std::vector<double> w = weights(log, target), terms(log.size());
  for (std::size_t i = 0; i < log.size(); ++i) terms[i] = w[i] * log[i].reward;
  Estimate e = from_terms(terms, z);
  weight_stats(w, e);
  return e;
}

Estimate snips(std::span<const LoggedDecision> log, std::span<const ActionProbabilities> target,
               double z) {
  std::vector<double> w = weights(log, target);
  double sw = 0, swr = 0;
  for (std::size_t i = 0; i < log.size(); ++i) {
    sw += w[i];
    swr += w[i] * log[i].reward;
  }
  const double n = static_cast<double>(log.size());
  const double value = sw > 0 ? swr / sw : 0;
  // Delta method: the ratio's influence terms are w_i (r_i − V) / mean(w).
  std::vector<double> terms(log.size());
  const double mean_w = sw / n;
  for (std::size_t i = 0; i < log.size(); ++i)
    terms[i] = mean_w > 0 ? w[i] * (log[i].reward - value) / mean_w : 0;
  Estimate e = from_terms(terms, z);
  e.value = value;
  e.ci_low = value - z * e.std_error;
  e.ci_high = value + z * e.std_error;
  weight_stats(w, e);
  return e;
}

Estimate doubly_robust(std::span<const LoggedDecision> log,
                       std::span<const ActionProbabilities> target,
                       std::span<const PerAction> predicted, double z) {
  std::vector<double> w = weights(log, target), terms(log.size());
  for (std::size_t i = 0; i < log.size(); ++i) {
    double direct = 0;
    for (std::size_t a = 0; a < kActionCount; ++a) direct += target[i][a] * predicted[i][a];
    terms[i] = direct + w[i] * (log[i].reward - predicted[i][index(log[i].action)]);
  }
  Estimate e = from_terms(terms, z);
  weight_stats(w, e);
  return e;
}

std::vector<PerAction> cross_fitted_reward_model(std::span<const LoggedDecision> log, int folds) {
  std::vector<PerAction> out(log.size());
  if (log.empty()) return out;
  folds = std::max(folds, 2);
  const auto d = static_cast<Eigen::Index>(kDesignPrefix + log[0].context.features.size());
  std::vector<std::vector<double>> x(log.size());
  for (std::size_t i = 0; i < log.size(); ++i) x[i] = design_vector(log[i].context);
  for (int f = 0; f < folds; ++f) {
    // A weak prior: start from the scoring model's logit, one intercept per tier.
    Eigen::VectorXd mean = Eigen::VectorXd::Zero(d), variance = Eigen::VectorXd::Constant(d, 1.0);
    mean[0] = 1;
    std::vector<BayesianLogistic> models(kActionCount, BayesianLogistic(mean, variance));
    for (std::size_t i = 0; i < log.size(); ++i)
      if (static_cast<int>(i % static_cast<std::size_t>(folds)) != f)
        models[index(log[i].action)].update(x[i], log[i].reward);
    for (std::size_t i = static_cast<std::size_t>(f); i < log.size();
         i += static_cast<std::size_t>(folds))
      for (std::size_t a = 0; a < kActionCount; ++a) out[i][a] = models[a].mean_probability(x[i]);
  }
  return out;
}

}  // namespace icrm::decide
