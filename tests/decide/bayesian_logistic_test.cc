#include "decide/bayesian_logistic.h"

#include <gtest/gtest.h>

#include <algorithm>
#include <array>
#include <vector>

#include "core/random.h"

namespace icrm::decide {
namespace {

TEST(BayesianLogisticTest, RecoversPlantedCoefficientsAndShrinksItsUncertainty) {
  Eigen::VectorXd mean = Eigen::VectorXd::Zero(3), var = Eigen::VectorXd::Constant(3, 4.0);
  BayesianLogistic model(mean, var);
  Rng rng(5);
  const double w[3] = {-1.0, 1.5, -0.7};
  for (int i = 0; i < 20000; ++i) {
    double x[3] = {1, rng.normal(), rng.normal()};
    double z = w[0] * x[0] + w[1] * x[1] + w[2] * x[2];
    model.update(x, rng.chance(sigmoid(z)) ? 1 : 0);
  }
  for (int k = 0; k < 3; ++k) {
    EXPECT_NEAR(model.mean()[k], w[k], 0.1) << k;
    EXPECT_LT(model.covariance()(k, k), 0.01);
  }
  double x[3] = {1, 0, 0};
  EXPECT_NEAR(model.mean_probability(x), sigmoid(-1.0), 0.03);
  EXPECT_EQ(model.observations(), 20000u);
}

// The batched Laplace update: the MAP of prior × the batch's likelihood.
// There the log posterior's gradient is zero, so the mean must satisfy
// Σ0⁻¹(m − m0) = Σ x (y − σ(mᵀx)), and Σ is the inverse Hessian there.
TEST(BayesianLogisticTest, ABatchUpdateLandsOnTheMapOfPriorTimesLikelihood) {
  Eigen::VectorXd m0(3), v0(3);
  m0 << 0.2, -0.5, 0.0;
  v0 << 1.0, 0.5, 2.0;
  BayesianLogistic model(m0, v0);
  Rng rng(9);
  std::vector<std::array<double, 3>> xs;
  std::vector<double> ys;
  for (int i = 0; i < 300; ++i) {
    xs.push_back({1, rng.normal(), rng.normal()});
    ys.push_back(rng.chance(sigmoid(-0.8 + 1.2 * xs.back()[1] - 0.4 * xs.back()[2])) ? 1 : 0);
  }
  std::vector<BayesianLogistic::Observation> batch;
  for (std::size_t i = 0; i < xs.size(); ++i) batch.push_back({xs[i], ys[i]});
  model.update_batch(batch);
  EXPECT_EQ(model.observations(), 300u);

  const Eigen::VectorXd m = model.mean();
  Eigen::VectorXd gradient = v0.cwiseInverse().asDiagonal() * (m0 - m);
  Eigen::MatrixXd hessian = Eigen::MatrixXd(v0.cwiseInverse().asDiagonal());
  for (std::size_t i = 0; i < xs.size(); ++i) {
    Eigen::Map<const Eigen::Vector3d> x(xs[i].data());
    const double p = sigmoid(m.dot(x));
    gradient += x * (ys[i] - p);
    hessian += p * (1 - p) * x * x.transpose();
  }
  EXPECT_LT(gradient.lpNorm<Eigen::Infinity>(), 1e-8);
  EXPECT_LT((model.covariance() * hessian - Eigen::Matrix3d::Identity()).lpNorm<Eigen::Infinity>(),
            1e-9);

  // Order within a batch does not matter; an empty batch changes nothing.
  BayesianLogistic reversed(m0, v0);
  std::reverse(batch.begin(), batch.end());
  reversed.update_batch(batch);
  EXPECT_LT((reversed.mean() - m).lpNorm<Eigen::Infinity>(), 1e-10);
  reversed.update_batch({});
  EXPECT_EQ(reversed.observations(), 300u);
}

TEST(BayesianLogisticTest, WithoutDataThePriorIsTheAnswer) {
  Eigen::VectorXd mean(2), var(2);
  mean << 0.5, -1;
  var << 2, 3;
  BayesianLogistic model(mean, var);
  double x[2] = {1, 2};
  EXPECT_DOUBLE_EQ(model.logit_mean(x), 0.5 - 2);
  EXPECT_DOUBLE_EQ(model.logit_variance(x), 2 + 4 * 3);
}

}  // namespace
}  // namespace icrm::decide
