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

void FourierSeries::harmonic(int k, double x, double period, double& f, double& df, double& ddf) const {
  const double w = 2 * M_PI * k * x / period, wk = 2 * M_PI * k / period;
  const double c = std::cos(w), sn = std::sin(w), ak = a[static_cast<std::size_t>(k)], bk = b[static_cast<std::size_t>(k)];
  f = ak * c + bk * sn;
  df = wk * (-ak * sn + bk * c);
  ddf = -wk * wk * (ak * c + bk * sn);
}

}  // namespace weaklink
