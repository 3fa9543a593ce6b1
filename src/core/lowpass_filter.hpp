#pragma once
// OpenSim's coordinate low-pass filter (docs/opensim-semantics.md#filtering step 3): a third-order Butterworth IIR
// designed by the bilinear transform with pre-warping, run forward then backward (zero phase,
// effective 6th order). Reproduces OpenSim's arithmetic order so results match it bit for bit.
#include <array>
#include <span>
#include <vector>

namespace weaklink {

struct Butterworth3 {
  double cutoff = 0;            // Hz, after the clamp to 0.49/T when fc ≥ 0.5/T
  std::array<double, 4> a{};    // feed-forward a0..a3
  std::array<double, 4> b{};    // feedback b0..b3 (b0 = 1)
};

// Coefficients for sample interval T (s) and cutoff fc (Hz). Throws std::invalid_argument if T ≤ 0.
Butterworth3 butterworth3(double T, double fc);

// Forward–backward pass with the given coefficients; the first three outputs of each pass are set
// equal to that pass's inputs. Needs at least 4 samples (std::invalid_argument otherwise).
std::vector<double> filter_forward_backward(const Butterworth3& filter, std::span<const double> x);

// butterworth3(T, fc) applied forward–backward to x.
std::vector<double> lowpass_iir(std::span<const double> x, double T, double fc);

}  // namespace weaklink
