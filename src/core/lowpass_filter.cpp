#include "core/lowpass_filter.hpp"

#include <cmath>
#include <numbers>
#include <stdexcept>

namespace weaklink {

Butterworth3 butterworth3(double T, double fc) {
  if (!(T > 0)) throw std::invalid_argument("Butterworth filter: sample interval must be positive");
  const double fs = 1 / T;
  if (fc >= 0.5 * fs) fc = 0.49 * fs;  // OpenSim clamps instead of failing
  // Same operation order as OpenSim's Signal::LowpassIIR: w = tan(2π fc · T / 2).
  const double wc = 2 * std::numbers::pi * fc;
  const double w = std::tan(wc * T / 2.0);
  const double w2 = w * w, w3 = w * w * w;
  const double d = (w + 1) * (w * w + w + 1.0);
  Butterworth3 f;
  f.cutoff = fc;
  f.a = {w3 / d, 3 * w3 / d, 3 * w3 / d, w3 / d};
  f.b = {1.0, (3 * w3 + 2 * w2 - 2 * w - 3) / d, (3 * w3 - 2 * w2 - 2 * w + 3) / d, (w - 1) * (w2 - w + 1) / d};
  return f;
}

namespace {
// One causal pass: y_0..y_2 = x_0..x_2, then the recursion for i ≥ 3.
void one_pass(const Butterworth3& f, std::span<const double> x, std::vector<double>& y) {
  const std::size_t n = x.size();
  y.resize(n);
  for (std::size_t i = 0; i < 3; ++i) y[i] = x[i];
  const auto& a = f.a;
  const auto& b = f.b;
  for (std::size_t i = 3; i < n; ++i)
    y[i] = a[0] * x[i] + a[1] * x[i - 1] + a[2] * x[i - 2] + a[3] * x[i - 3] - b[1] * y[i - 1] - b[2] * y[i - 2] -
           b[3] * y[i - 3];
}
}  // namespace

std::vector<double> filter_forward_backward(const Butterworth3& filter, std::span<const double> x) {
  if (x.size() < 4) throw std::invalid_argument("Butterworth filter: needs at least 4 samples");
  std::vector<double> forward, backward;
  one_pass(filter, x, forward);
  std::vector<double> reversed(forward.rbegin(), forward.rend());
  one_pass(filter, reversed, backward);
  return std::vector<double>(backward.rbegin(), backward.rend());
}

std::vector<double> lowpass_iir(std::span<const double> x, double T, double fc) {
  return filter_forward_backward(butterworth3(T, fc), x);
}

}  // namespace weaklink
