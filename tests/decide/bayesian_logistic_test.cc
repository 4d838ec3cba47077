#include "decide/bayesian_logistic.h"

#include <gtest/gtest.h>

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
