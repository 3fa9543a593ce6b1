#include <gtest/gtest.h>
#include <cmath>
#include <random>
#include "core/natural_spline.hpp"
using namespace weaklink;

TEST(NaturalSpline, InterpolatesAndIsSmooth) {
  for (int degree : {3, 5}) {
    std::mt19937 rng(7);
    std::uniform_real_distribution<double> jitter(0.0, 0.004);
    std::vector<double> x, y;
    for (int i = 0; i < 40; ++i) {
      x.push_back(0.01 * i + jitter(rng));
      y.push_back(std::sin(3 * x.back()) + 0.1 * x.back());
    }
    const NaturalSpline s(x, y, degree);
    for (std::size_t i = 0; i < x.size(); ++i) EXPECT_NEAR(s.eval(x[i]).f, y[i], 1e-10) << "degree " << degree;
    // Continuity of value, slope and curvature across every interior knot.
    for (std::size_t i = 1; i + 1 < x.size(); ++i) {
      const auto a = s.eval(x[i] - 1e-9), b = s.eval(x[i] + 1e-9);
      EXPECT_NEAR(a.df, b.df, 1e-5);
      EXPECT_NEAR(a.ddf, b.ddf, 1e-3);
    }
  }
}

TEST(NaturalSpline, ReproducesLowDegreePolynomialsAndDerivatives) {
  // A polynomial of degree <= m−1 is itself a natural spline: reproduced exactly, derivatives too.
  std::vector<double> x, y;
  for (int i = 0; i < 30; ++i) {
    x.push_back(0.5 + 0.01 * i);
    y.push_back(2.0 - 3.0 * x.back() + 0.7 * x.back() * x.back());
  }
  const NaturalSpline s(x, y, 5);
  for (double t = 0.5; t < 0.79; t += 0.0037) {
    const auto v = s.eval(t);
    EXPECT_NEAR(v.f, 2.0 - 3.0 * t + 0.7 * t * t, 1e-11);
    EXPECT_NEAR(v.df, -3.0 + 1.4 * t, 1e-8);
    EXPECT_NEAR(v.ddf, 1.4, 1e-5);
  }
}

TEST(NaturalSpline, QuinticDerivativeTracksSmoothSignal) {
  std::vector<double> x, y;
  for (int i = 0; i <= 200; ++i) {
    x.push_back(0.005 * i);
    y.push_back(std::sin(2 * M_PI * x.back()));
  }
  const NaturalSpline s(x, y, 5);
  for (double t = 0.1; t < 0.9; t += 0.01) {
    EXPECT_NEAR(s.eval(t).df, 2 * M_PI * std::cos(2 * M_PI * t), 1e-6);
    EXPECT_NEAR(s.eval(t).ddf, -4 * M_PI * M_PI * std::sin(2 * M_PI * t), 1e-3);
  }
}

TEST(NaturalSpline, RejectsTooFewOrUnorderedSamples) {
  EXPECT_THROW(NaturalSpline({0, 1, 2}, {0, 1, 2}, 5), std::invalid_argument);
  EXPECT_THROW(NaturalSpline({0, 1, 1, 2, 3, 4}, {0, 1, 2, 3, 4, 5}, 5), std::invalid_argument);
}
