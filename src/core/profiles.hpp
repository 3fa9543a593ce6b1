#pragma once
// Smooth profiles shared by the activities and the motions built from them: the minimum-jerk
// blend between two rests and the truncated Fourier series of a periodic curve.
#include <algorithm>
#include <span>
#include <vector>

namespace weaklink {

// 0 at s ≤ 0, 1 at s ≥ 1 and the minimum-jerk blend between: the position profile that minimises
// the integrated squared jerk between two rests (Flash T, Hogan N 1985 J Neurosci 5:1688-1703).
inline double min_jerk(double s) {
  s = std::clamp(s, 0.0, 1.0);
  return s * s * s * (10.0 + s * (-15.0 + 6.0 * s));
}

// A periodic curve's Fourier series truncated at harmonic K:
// f(x) = a₀ + Σ_{k=1..K} a_k cos(2πk x/P) + b_k sin(2πk x/P) over the period P.
struct FourierSeries {
  std::vector<double> a, b;  // k = 0..K

  // Fitted to n samples y_i at x_i spread evenly over one period (the sample at x₀ + P, which
  // repeats the first, left out): a_k = (c_k/n) Σ y_i cos(2πk x_i/P), b_k likewise with sin,
  // c₀ = 1, c_k = 2.
  static FourierSeries fit(std::span<const double> x, std::span<const double> y, double period, int harmonics);

  int harmonics() const { return static_cast<int>(a.size()) - 1; }
  double value(double x, double period) const;
};

// n samples of one period (y_i at i/n of it) low-pass filtered: their Fourier series truncated at
// `harmonics`, evaluated at the samples. The same series as FourierSeries::fit gives, its sums
// taken before scaling (the rounding the walking motion's pelvis height was built with).
std::vector<double> fourier_low_pass(std::span<const double> y, int harmonics);

}  // namespace weaklink
