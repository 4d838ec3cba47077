// BayesianLogistic: Bayesian logistic regression with a Gaussian posterior
// N(m, Σ) kept up to date one observation at a time by the online Laplace
// approximation (one Newton step per observation: the precision grows by
// p(1−p)·x xᵀ, applied to Σ by Sherman–Morrison, and the mean moves by
// Σ x (y − p)). O(d²) per update, no matrix inversion. One per action in
// the Thompson-sampling bandit; also the reward model of doubly-robust
// evaluation. Not thread-safe: one owner updates it.
#pragma once

#include <Eigen/Dense>
#include <span>

namespace icrm::decide {

class BayesianLogistic {
 public:
  // REQUIRES: equal sizes, every variance > 0.
  BayesianLogistic(const Eigen::VectorXd& prior_mean, const Eigen::VectorXd& prior_variance);
  // A posterior as stored (store::BanditPosterior): mean, full covariance and
  // the observations it has seen. REQUIRES: covariance is dimension × dimension.
  static BayesianLogistic restore(const Eigen::VectorXd& mean, const Eigen::MatrixXd& covariance,
                                  std::size_t observations);

  // One observation with outcome y in [0, 1] (a fraction is a soft label).
  void update(std::span<const double> x, double y);

  // The posterior of the logit wᵀx: its mean and variance.
  double logit_mean(std::span<const double> x) const;
  double logit_variance(std::span<const double> x) const;
  // E[σ(wᵀx)] under the posterior, by the probit approximation.
  double mean_probability(std::span<const double> x) const;

  std::size_t dimension() const { return static_cast<std::size_t>(mean_.size()); }
  const Eigen::VectorXd& mean() const { return mean_; }
  const Eigen::MatrixXd& covariance() const { return covariance_; }
  std::size_t observations() const { return observations_; }

 private:
  Eigen::VectorXd mean_;
  Eigen::MatrixXd covariance_;
  std::size_t observations_ = 0;
};

double sigmoid(double z);

}  // namespace icrm::decide
