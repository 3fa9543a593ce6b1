// The shared smooth profiles (core/profiles.hpp): the minimum-jerk blend and the truncated
// Fourier series, checked against their closed forms.
#include <gtest/gtest.h>

#include <cmath>
#include <vector>

#include "core/profiles.hpp"

namespace weaklink {
namespace {

TEST(Profiles, MinimumJerkRestsAtBothEndsAndIsSymmetric) {
  EXPECT_EQ(min_jerk(-1.0), 0.0);
  EXPECT_EQ(min_jerk(0.0), 0.0);
  EXPECT_EQ(min_jerk(1.0), 1.0);
  EXPECT_EQ(min_jerk(2.0), 1.0);
  EXPECT_DOUBLE_EQ(min_jerk(0.5), 0.5);
  for (double s : {0.1, 0.3, 0.45}) EXPECT_NEAR(min_jerk(s) + min_jerk(1 - s), 1.0, 1e-15);
  // Zero speed at the ends: 30 s² (1 − s)².
  const double h = 1e-6;
  EXPECT_NEAR((min_jerk(0.25 + h) - min_jerk(0.25 - h)) / (2 * h), 30 * 0.0625 * 0.5625, 1e-8);
}

// A curve made of harmonics up to 3, sampled on a cycle of 0–100 (the last sample repeating the
// first is left out): the fit recovers its coefficients, the series its values anywhere, and the
// low-pass filter at or above its harmonics returns the samples.
TEST(Profiles, FourierSeriesRecoversACurveOfFewHarmonics) {
  auto f = [](double x) {
    const double w = 2 * M_PI * x / 100;
    return 3 + 2 * std::cos(w) - 1.5 * std::sin(2 * w) + 0.25 * std::cos(3 * w);
  };
  std::vector<double> x, y;
  for (int i = 0; i < 50; ++i) {
    x.push_back(2.0 * i);
    y.push_back(f(2.0 * i));
  }
  const FourierSeries s = FourierSeries::fit(x, y, 100, 5);
  EXPECT_NEAR(s.a[0], 3, 1e-12);
  EXPECT_NEAR(s.a[1], 2, 1e-12);
  EXPECT_NEAR(s.b[2], -1.5, 1e-12);
  EXPECT_NEAR(s.a[3], 0.25, 1e-12);
  EXPECT_NEAR(s.b[5], 0, 1e-12);
  for (double u : {0.0, 13.7, 55.5, 99.9}) EXPECT_NEAR(s.value(u, 100), f(u), 1e-12);
  const std::vector<double> filtered = fourier_low_pass(y, 4);
  for (std::size_t i = 0; i < y.size(); ++i) EXPECT_NEAR(filtered[i], y[i], 1e-12);
  // Below the curve's harmonics the filter drops the third.
  const std::vector<double> low = fourier_low_pass(y, 2);
  EXPECT_NEAR(low[0], f(0) - 0.25, 1e-12);
}

}  // namespace
}  // namespace weaklink
