// PlattCalibrator: p = 1 / (1 + exp(-(a·s + b))), fitted by Newton's method on
// held-out (score, label) pairs. Turns ranking scores (weighted score, hybrid
// rank, rule points) into probabilities, and optionally recalibrates others.
#pragma once

#include <boost/json.hpp>
#include <span>

#include "core/result.h"

namespace icrm::models {

class PlattCalibrator {
 public:
  PlattCalibrator() = default;
  PlattCalibrator(double a, double b) : a_(a), b_(b) {}

  // Fits with Platt's smoothed targets so a perfectly separated validation set
  // does not push the slope to infinity.
  static PlattCalibrator fit(std::span<const double> score, std::span<const float> label);

  double apply(double score) const;
  double a() const { return a_; }
  double b() const { return b_; }

  boost::json::object to_json() const { return {{"a", a_}, {"b", b_}}; }
  static Result<PlattCalibrator> from_json(const boost::json::value& json);

 private:
  double a_ = 1, b_ = 0;
};

}  // namespace icrm::models
