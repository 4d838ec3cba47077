// BayesianLogistic: Bayesian logistic regression with a Gaussian posterior
// N(m, Σ) kept up to date one observation at a time by the online Laplace
// approximation, either one observation at a time (update(): one Newton step
// per observation: the precision grows by p(1−p)·x xᵀ, applied to Σ by
// Sherman–Morrison, and the mean moves by Σ x (y − p); O(d²), no matrix
// inversion) or a batch at a time (update_batch(): the current posterior is
// the prior, Newton's method runs to the batch's MAP and Σ becomes the
// inverse Hessian there; O(n d² + d³) per batch and, unlike a single step,
// independent of the order within the batch). One per action in the
// Thompson-sampling bandit; also the reward model of doubly-robust
// evaluation. Not thread-safe: one owner updates it.
#pragma once

#include <Eigen/Dense>
#include <span>

namespace icrm::decide {

// Newton steps update_batch() takes at most (it converges in a few).
inline constexpr int kMaxNewtonIterations = 25;

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
  // A batch of observations at once (the batched Laplace update). Every x
  // has dimension() entries. An empty batch changes nothing.
  struct Observation {
    std::span<const double> x;
    double y = 0;
  };
  void update_batch(std::span<const Observation> batch);

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
