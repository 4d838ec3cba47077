#include "decide/bayesian_logistic.h"

#include <algorithm>
#include <cmath>
#include <numbers>

namespace icrm::decide {

double sigmoid(double z) { return 1 / (1 + std::exp(-z)); }

namespace {
Eigen::Map<const Eigen::VectorXd> as_vector(std::span<const double> x) {
  return {x.data(), static_cast<Eigen::Index>(x.size())};
}
}  // namespace

BayesianLogistic::BayesianLogistic(const Eigen::VectorXd& prior_mean,
                                   const Eigen::VectorXd& prior_variance)
    : mean_(prior_mean), covariance_(prior_variance.asDiagonal()) {}

BayesianLogistic BayesianLogistic::restore(const Eigen::VectorXd& mean,
                                           const Eigen::MatrixXd& covariance,
                                           std::size_t observations) {
  BayesianLogistic out(mean, Eigen::VectorXd::Ones(mean.size()));
  out.covariance_ = covariance;
  out.observations_ = observations;
  return out;
}

void BayesianLogistic::update(std::span<const double> xs, double y) {
  auto x = as_vector(xs);
  const double p = sigmoid(mean_.dot(x));
  // A floor on the curvature keeps Σ well conditioned when p saturates.
  const double w = std::max(p * (1 - p), 1e-6);
  const Eigen::VectorXd sx = covariance_ * x;
  covariance_ -= (sx * sx.transpose()) * (w / (1 + w * x.dot(sx)));
  covariance_ = 0.5 * (covariance_ + covariance_.transpose());  // keep it symmetric under rounding
  mean_ += covariance_ * x * (y - p);
  ++observations_;
}

void BayesianLogistic::update_batch(std::span<const Observation> batch) {
  if (batch.empty()) return;
  const Eigen::Index d = mean_.size();
  const Eigen::MatrixXd prior_precision = covariance_.ldlt().solve(Eigen::MatrixXd::Identity(d, d));
  const Eigen::VectorXd prior_mean = mean_;
  Eigen::VectorXd w = mean_;
  Eigen::MatrixXd hessian(d, d);
  auto curvature_at = [&](const Eigen::VectorXd& at, Eigen::VectorXd* gradient) {
    hessian = prior_precision;
    if (gradient) *gradient = prior_precision * (prior_mean - at);
    for (const Observation& o : batch) {
      auto x = as_vector(o.x);
      const double p = sigmoid(at.dot(x));
      hessian.selfadjointView<Eigen::Lower>().rankUpdate(x, std::max(p * (1 - p), 1e-6));
      if (gradient) *gradient += x * (o.y - p);
    }
    hessian.triangularView<Eigen::StrictlyUpper>() = hessian.transpose();
  };
  // Newton's method on a strictly concave log posterior: a handful of steps.
  for (int iteration = 0; iteration < kMaxNewtonIterations; ++iteration) {
    Eigen::VectorXd gradient;
    curvature_at(w, &gradient);
    const Eigen::VectorXd step = hessian.ldlt().solve(gradient);
    w += step;
    if (step.lpNorm<Eigen::Infinity>() < 1e-9) break;
  }
  curvature_at(w, nullptr);
  covariance_ = hessian.ldlt().solve(Eigen::MatrixXd::Identity(d, d));
  covariance_ = 0.5 * (covariance_ + covariance_.transpose());
  mean_ = w;
  observations_ += batch.size();
}

double BayesianLogistic::logit_mean(std::span<const double> x) const {
  return mean_.dot(as_vector(x));
}

double BayesianLogistic::logit_variance(std::span<const double> xs) const {
  auto x = as_vector(xs);
  return std::max(0.0, x.dot(covariance_ * x));
}

double BayesianLogistic::mean_probability(std::span<const double> x) const {
  return sigmoid(logit_mean(x) / std::sqrt(1 + std::numbers::pi * logit_variance(x) / 8));
}

}  // namespace icrm::decide
