#include <gtest/gtest.h>
#include <cmath>
#include <random>
#include "core/function.hpp"
using namespace weaklink;

namespace {
// Central differences: the test oracle for the analytic derivatives.
void expect_derivatives_match(const Function& f, double x, double tol) {
  const double h = 1e-5;
  const auto v = f.eval(x);
  EXPECT_NEAR(v.df, (f.value(x + h) - f.value(x - h)) / (2 * h), tol) << "at x=" << x;
  EXPECT_NEAR(v.ddf, (f.eval(x + h).df - f.eval(x - h).df) / (2 * h), tol) << "at x=" << x;
}
}  // namespace

TEST(Function, ConstantLinearPolynomial) {
  EXPECT_EQ(Function::constant(2.5).value(7), 2.5);
  const auto lin = Function::linear(-1, 0.5);
  EXPECT_DOUBLE_EQ(lin.value(2), -1.5);
  EXPECT_TRUE(lin.is_unit_linear());
  // 2x^3 - x + 4
  const auto p = Function::polynomial({2, 0, -1, 4});
  const auto v = p.eval(1.5);
  EXPECT_DOUBLE_EQ(v.f, 2 * 3.375 - 1.5 + 4);
  EXPECT_DOUBLE_EQ(v.df, 6 * 2.25 - 1);
  EXPECT_DOUBLE_EQ(v.ddf, 12 * 1.5);
}

TEST(Function, MultiplierBreaksUnitLinearRule) {
  auto lin = Function::linear(1, 0);
  lin.multiply_by(1.0);
  EXPECT_FALSE(lin.is_unit_linear());  // Multiplier-wrapped linear is Coupled
  auto s = Function::linear(2, 1);
  s.multiply_by(3);
  EXPECT_DOUBLE_EQ(s.value(1), 9);
}

TEST(Function, SimmSplineInterpolatesKnotsAndReproducesCubics) {
  // The FMM end conditions make the spline exact for any cubic polynomial.
  std::vector<double> x{-2, -1.2, -0.3, 0.4, 1.1, 2.5}, y;
  auto cubic = [](double t) { return 0.3 * t * t * t - t * t + 2 * t - 1; };
  for (double t : x) y.push_back(cubic(t));
  const auto s = Function::simm_spline(x, y);
  for (std::size_t i = 0; i < x.size(); ++i) EXPECT_NEAR(s.value(x[i]), y[i], 1e-12);
  for (double t = -2; t <= 2.5; t += 0.05) {
    EXPECT_NEAR(s.value(t), cubic(t), 1e-10);
    expect_derivatives_match(s, t + 0.013, 1e-5);
  }
}

TEST(Function, SimmSplineThreeKnotsIsTheParabola) {
  const auto s = Function::simm_spline({0, 1, 3}, {1, 2, 10});  // y = x^2 + 1 ... check: 0->1, 1->2, 3->10
  for (double t = 0; t <= 3; t += 0.25) EXPECT_NEAR(s.value(t), t * t + 1, 1e-12);
}

TEST(Function, SimmSplineExtrapolatesLinearly) {
  const auto s = Function::simm_spline({0, 1, 2, 3}, {0, 1, 0, 1});
  const auto a = s.eval(3.0), b = s.eval(4.0);
  EXPECT_NEAR(b.f, a.f + a.df, 1e-12);
  EXPECT_EQ(b.ddf, 0.0);
  const auto c = s.eval(-1.0), d = s.eval(0.0);
  EXPECT_NEAR(c.f, d.f - d.df, 1e-12);
}

TEST(Function, SimmSplineTwoKnotsIsALine) {
  const auto s = Function::simm_spline({0, 2}, {1, 5});
  EXPECT_DOUBLE_EQ(s.value(1), 3);
  EXPECT_DOUBLE_EQ(s.value(3), 7);
}

TEST(Function, PiecewiseLinear) {
  const auto f = Function::piecewise_linear({0, 1, 3}, {0, 2, 3});
  EXPECT_DOUBLE_EQ(f.value(0.5), 1);
  EXPECT_DOUBLE_EQ(f.value(2), 2.5);
  EXPECT_DOUBLE_EQ(f.value(4), 3.5);
  EXPECT_DOUBLE_EQ(f.value(-1), -2);
}

TEST(Function, RejectsBadKnots) {
  EXPECT_THROW(Function::simm_spline({0, 0, 1}, {1, 2, 3}), std::invalid_argument);
  EXPECT_THROW(Function::simm_spline({0, NAN, 1}, {1, 2, 3}), std::invalid_argument);
  EXPECT_THROW(Function::simm_spline({0}, {1}), std::invalid_argument);
}
