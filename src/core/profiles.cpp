#include "core/profiles.hpp"

#include <cmath>

namespace weaklink {

FourierSeries FourierSeries::fit(std::span<const double> x, std::span<const double> y, double period, int harmonics) {
  const std::size_t n = x.size();
  FourierSeries s;
  s.a.assign(static_cast<std::size_t>(harmonics) + 1, 0.0);
  s.b.assign(static_cast<std::size_t>(harmonics) + 1, 0.0);
  for (int k = 0; k <= harmonics; ++k)
    for (std::size_t i = 0; i < n; ++i) {
      const double w = 2 * M_PI * k * x[i] / period;
      s.a[static_cast<std::size_t>(k)] += y[i] * std::cos(w) * (k == 0 ? 1.0 : 2.0) / static_cast<double>(n);
      s.b[static_cast<std::size_t>(k)] += y[i] * std::sin(w) * 2.0 / static_cast<double>(n);
    }
  return s;
}

double FourierSeries::value(double x, double period) const {
  double v = a[0];
  for (int k = 1; k <= harmonics(); ++k) {
    const double w = 2 * M_PI * k * x / period;
    v += a[static_cast<std::size_t>(k)] * std::cos(w) + b[static_cast<std::size_t>(k)] * std::sin(w);
  }
  return v;
}

std::vector<double> fourier_low_pass(std::span<const double> y, int harmonics) {
  const int n = static_cast<int>(y.size());
  std::vector<double> smooth(y.size(), 0.0);
  for (int k = 0; k <= harmonics; ++k) {
    double a = 0, b = 0;
    for (int i = 0; i < n; ++i) {
      const double w = 2 * M_PI * k * i / n;
      a += y[static_cast<std::size_t>(i)] * std::cos(w);
      b += y[static_cast<std::size_t>(i)] * std::sin(w);
    }
    const double scale = k == 0 ? 1.0 / n : 2.0 / n;
    for (int i = 0; i < n; ++i) {
      const double w = 2 * M_PI * k * i / n;
      smooth[static_cast<std::size_t>(i)] += scale * (a * std::cos(w) + b * std::sin(w));
    }
  }
  return smooth;
}

}  // namespace weaklink
