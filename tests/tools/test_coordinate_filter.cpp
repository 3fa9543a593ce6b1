// OpenSim's coordinate low-pass pipeline (docs/opensim-semantics.md#filtering): the Butterworth filter against its
// design formulas and frequency response, odd-reflection padding, the accumulated resampling grid,
// and parity of the resulting time grid with OpenSim's ID outputs (arm26, gait2392 on 4.5).
#include <cmath>
#include <filesystem>
#include <numbers>
#include <string>
#include <vector>

#include <fmt/format.h>
#include <gtest/gtest.h>

#include "core/error.hpp"
#include "core/lowpass_filter.hpp"
#include "io/storage.hpp"
#include "io/xml_document.hpp"
#include "support/io_helpers.hpp"
#include "support/reference.hpp"
#include "tools/coordinate_filter.hpp"

namespace fs = std::filesystem;
using namespace weaklink;

namespace {

constexpr double kPi = std::numbers::pi;

// Straightforward transcription of the filter (docs/opensim-semantics.md#filtering step 3), written independently of
// the library's loops.
std::vector<double> reference_pass(const std::vector<double>& x, const Butterworth3& f) {
  std::vector<double> y(x.size());
  for (std::size_t i = 0; i < x.size(); ++i) {
    if (i < 3) {
      y[i] = x[i];
      continue;
    }
    double acc = 0;
    for (int k = 0; k < 4; ++k) acc += f.a[k] * x[i - k];
    for (int k = 1; k < 4; ++k) acc -= f.b[k] * y[i - k];
    y[i] = acc;
  }
  return y;
}

// Least-squares amplitude of sin(2π f t) and cos(2π f t) in y over samples [i0, i1).
void fit_sinusoid(const std::vector<double>& y, double f, double T, int i0, int i1, double& s, double& c) {
  double ss = 0, cc = 0, sc = 0, ys = 0, yc = 0;
  for (int i = i0; i < i1; ++i) {
    const double si = std::sin(2 * kPi * f * i * T), ci = std::cos(2 * kPi * f * i * T);
    ss += si * si, cc += ci * ci, sc += si * ci, ys += y[i] * si, yc += y[i] * ci;
  }
  const double det = ss * cc - sc * sc;
  s = (ys * cc - yc * sc) / det;
  c = (yc * ss - ys * sc) / det;
}

// Forward–backward magnitude |H|² of the prewarped bilinear 3rd-order Butterworth at f.
double expected_gain(double f, double fc, double T) {
  const double r = std::tan(kPi * f * T) / std::tan(kPi * fc * T);
  return 1 / (1 + std::pow(r, 6));
}

io::Table make_table(const std::vector<double>& time, const std::vector<std::vector<double>>& columns) {
  io::Table t;
  t.name = "Coordinates";
  t.time = time;
  t.data.resize(static_cast<Eigen::Index>(time.size()), static_cast<Eigen::Index>(columns.size()));
  for (std::size_t c = 0; c < columns.size(); ++c) {
    t.labels.push_back(fmt::format("q{}", c));
    for (std::size_t i = 0; i < time.size(); ++i) t.data(i, c) = columns[c][i];
  }
  return t;
}

// 60 Hz times as a file stores them: printed with 8 decimals, then parsed.
std::vector<double> rounded_60hz(double t0, int n) {
  std::vector<double> t;
  for (int i = 0; i < n; ++i) t.push_back(std::stod(fmt::format("{:.8f}", t0 + i / 60.0)));
  return t;
}

}  // namespace

// ---- (a) the Butterworth filter -----------------------------------------------------------------

TEST(CoordinateFilterButterworth, CoefficientsFollowTheDesignFormulas) {
  const double T = 0.01;
  for (double fcT : {0.005, 0.06, 0.2, 0.45}) {
    const double fc = fcT / T;
    const Butterworth3 f = butterworth3(T, fc);
    const double w = std::tan(kPi * fc * T), D = (w + 1) * (w * w + w + 1);
    const double tol = 1e-14;
    EXPECT_DOUBLE_EQ(f.cutoff, fc);
    EXPECT_NEAR(f.a[0], w * w * w / D, tol) << fcT;
    EXPECT_NEAR(f.a[3], w * w * w / D, tol) << fcT;
    EXPECT_NEAR(f.a[1], 3 * w * w * w / D, tol) << fcT;
    EXPECT_NEAR(f.a[2], 3 * w * w * w / D, tol) << fcT;
    EXPECT_EQ(f.b[0], 1.0);
    EXPECT_NEAR(f.b[1], (3 * w * w * w + 2 * w * w - 2 * w - 3) / D, tol) << fcT;
    EXPECT_NEAR(f.b[2], (3 * w * w * w - 2 * w * w - 2 * w + 3) / D, tol) << fcT;
    EXPECT_NEAR(f.b[3], (w - 1) * (w * w - w + 1) / D, tol) << fcT;
    // DC gain of one pass is 1: Σa = Σb (both ~w³, so compared absolutely).
    EXPECT_NEAR(f.a[0] + f.a[1] + f.a[2] + f.a[3], 1 + f.b[1] + f.b[2] + f.b[3], 1e-15) << fcT;
  }
}

TEST(CoordinateFilterButterworth, CutoffAtOrAboveNyquistIsClampedTo049OverT) {
  const double T = 1.0 / 60;
  for (double fc : {30.0, 45.0}) {
    const Butterworth3 f = butterworth3(T, fc), g = butterworth3(T, 0.49 / T);
    EXPECT_DOUBLE_EQ(f.cutoff, 0.49 / T);
    for (int k = 0; k < 4; ++k) {
      EXPECT_EQ(f.a[k], g.a[k]);
      EXPECT_EQ(f.b[k], g.b[k]);
    }
  }
  EXPECT_DOUBLE_EQ(butterworth3(T, 29.9).cutoff, 29.9);  // just below 0.5/T: untouched
  EXPECT_THROW(butterworth3(0.0, 6), std::invalid_argument);
}

TEST(CoordinateFilterButterworth, ForwardBackwardFollowsTheSpecRecursionExactly) {
  std::vector<double> x;
  for (int i = 0; i < 97; ++i) x.push_back(std::sin(0.37 * i) + 0.01 * i * i - (i % 7 == 0 ? 0.5 : 0.0));
  const Butterworth3 f = butterworth3(1.0 / 60, 6);
  const std::vector<double> forward = reference_pass(x, f);
  const std::vector<double> backward = reference_pass(std::vector<double>(forward.rbegin(), forward.rend()), f);
  const std::vector<double> expected(backward.rbegin(), backward.rend());
  const std::vector<double> y = lowpass_iir(x, 1.0 / 60, 6);
  ASSERT_EQ(y.size(), x.size());
  for (std::size_t i = 0; i < x.size(); ++i) EXPECT_DOUBLE_EQ(y[i], expected[i]) << i;
  // Backward pass starts from the forward output: the last three samples are the forward pass's.
  for (std::size_t i = x.size() - 3; i < x.size(); ++i) EXPECT_EQ(y[i], forward[i]);
  EXPECT_THROW(lowpass_iir(std::vector<double>{1, 2, 3}, 0.01, 6), std::invalid_argument);
  EXPECT_NO_THROW(lowpass_iir(std::vector<double>{1, 2, 3, 4}, 0.01, 6));
}

TEST(CoordinateFilterButterworth, ConstantPassesUnchanged) {
  const std::vector<double> x(300, 3.7);
  for (double fc : {1.0, 6.0, 20.0}) {
    const std::vector<double> y = lowpass_iir(x, 0.01, fc);
    for (double v : y) EXPECT_NEAR(v, 3.7, 1e-12) << fc;
  }
}

TEST(CoordinateFilterButterworth, SinusoidGainIsTheSixthOrderPrewarpedMagnitude) {
  const double T = 0.01, fc = 6;
  const int n = 4000, i0 = 1000, i1 = 3000;  // 20 s window away from the end transients
  // Far below, at, and far above the cutoff; every frequency has whole periods in the window.
  for (double f : {0.5, 6.0, 15.0, 30.0}) {
    std::vector<double> x(n);
    for (int i = 0; i < n; ++i) x[i] = std::sin(2 * kPi * f * i * T);
    const std::vector<double> y = lowpass_iir(x, T, fc);
    double s = 0, c = 0;
    fit_sinusoid(y, f, T, i0, i1, s, c);
    const double g = expected_gain(f, fc, T);
    EXPECT_NEAR(s, g, 1e-9 + 1e-6 * g) << f << " Hz";
    EXPECT_NEAR(c, 0.0, 1e-9) << f << " Hz (zero phase)";
  }
  EXPECT_NEAR(expected_gain(6, 6, T), 0.5, 1e-15);  // −6 dB at fc after two passes
  EXPECT_NEAR(expected_gain(0.5, 6, T), 1.0, 1e-6);
  EXPECT_LT(expected_gain(30, 6, T), 1e-5);
}

TEST(CoordinateFilterButterworth, SymmetricPulseStaysSymmetric) {
  const int n = 601, mid = 300;
  std::vector<double> x(n);
  for (int i = 0; i < n; ++i) x[i] = std::exp(-0.5 * std::pow((i - mid) / 6.0, 2));
  const std::vector<double> y = lowpass_iir(x, 0.01, 6);
  double peak = 0;
  int argmax = 0;
  for (int i = 0; i < n; ++i)
    if (y[i] > peak) peak = y[i], argmax = i;
  EXPECT_EQ(argmax, mid);  // no delay
  EXPECT_LT(peak, 1.0);    // and it was smoothed
  for (int k = 1; k <= 200; ++k) EXPECT_NEAR(y[mid + k], y[mid - k], 1e-12) << k;
}

// ---- (b) padding ---------------------------------------------------------------------------------

TEST(CoordinateFilterPadding, OddReflectionAtBothEndsAndUniformTime) {
  for (int n : {7, 8}) {
    std::vector<double> time, q0, q1;
    for (int i = 0; i < n; ++i) time.push_back(0.25 + 0.125 * i), q0.push_back(i * i * 0.3 - 1), q1.push_back(std::cos(i));
    const io::Table in = make_table(time, {q0, q1});
    const int P = n / 2;
    const io::Table out = pad_odd_reflection(in, P, "x.mot");
    ASSERT_EQ(static_cast<int>(out.time.size()), n + 2 * P);
    ASSERT_EQ(out.data.rows(), n + 2 * P);
    EXPECT_EQ(out.labels, in.labels);
    for (int k = 1; k <= P; ++k) {
      EXPECT_EQ(out.time[P - k], 2 * time[0] - time[k]);
      EXPECT_EQ(out.time[P + n - 1 + k], 2 * time[n - 1] - time[n - 1 - k]);
      for (int c = 0; c < 2; ++c) {
        EXPECT_EQ(out.data(P - k, c), 2 * in.data(0, c) - in.data(k, c));
        EXPECT_EQ(out.data(P + n - 1 + k, c), 2 * in.data(n - 1, c) - in.data(n - 1 - k, c));
      }
    }
    for (int i = 0; i < n; ++i) {
      EXPECT_EQ(out.time[P + i], time[i]);
      EXPECT_EQ(out.data(P + i, 0), q0[i]);
    }
    EXPECT_EQ(out.time.front(), 2 * time[0] - time[P]);  // new first sample 2x0 − x_P
    for (std::size_t i = 1; i < out.time.size(); ++i) EXPECT_DOUBLE_EQ(out.time[i] - out.time[i - 1], 0.125);
  }
}

TEST(CoordinateFilterPadding, PipelinePadsHalfTheRowsAndKeepsThem) {
  std::vector<double> time, q;
  for (int i = 0; i < 9; ++i) time.push_back(i * 0.25), q.push_back(0.1 * i);
  CoordinateFilterInfo info;
  const io::Table out = lowpass_coordinates(make_table(time, {q}), 1.0, "x.mot", &info);
  EXPECT_EQ(info.pad, 4);
  EXPECT_FALSE(info.resampled);  // quarter steps are exact in binary
  EXPECT_EQ(info.dt, 0.25);
  ASSERT_EQ(out.time.size(), 17u);
  EXPECT_EQ(out.time.front(), -1.0);
  EXPECT_EQ(out.time.back(), 3.0);
}

TEST(CoordinateFilterPadding, BadInputsNameTheFile) {
  const io::Table three = make_table({0, 1, 2}, {{1, 2, 3}});
  test::expect_input_error([&] { lowpass_coordinates(three, 6, "short.mot"); }, {"short.mot", "at least 4 rows", "3"});
  const io::Table four = make_table({0, 1, 2, 3}, {{1, 2, 3, 4}});
  test::expect_input_error([&] { pad_odd_reflection(four, 4, "pad.mot"); }, {"pad.mot", "pad"});
  EXPECT_NO_THROW(pad_odd_reflection(four, 3, "pad.mot"));
  const io::Table repeated = make_table({0, 1, 1, 2}, {{1, 2, 3, 4}});
  test::expect_input_error([&] { lowpass_coordinates(repeated, 6, "dup.mot"); }, {"dup.mot", "row 3", "increasing"});
  // fc < 0 is OpenSim's "off": nothing happens, not even the checks.
  EXPECT_EQ(lowpass_coordinates(three, -1, "short.mot").time, three.time);
}

// ---- (c) resampling ------------------------------------------------------------------------------

TEST(CoordinateFilterResample, RoundedSixtyHertzGridIsAccumulatedFromThePaddedStart) {
  const int n = 50;
  const std::vector<double> time = rounded_60hz(0.4, n);
  std::vector<double> q;
  for (double t : time) q.push_back(std::sin(3 * t));
  CoordinateFilterInfo info;
  const io::Table out = lowpass_coordinates(make_table(time, {q}), 6, "walk.mot", &info);

  // The same computation done here: padded times, their smallest step, repeated addition.
  const int P = n / 2;
  std::vector<double> padded;
  for (int k = P; k >= 1; --k) padded.push_back(2 * time[0] - time[k]);
  for (double t : time) padded.push_back(t);
  for (int k = 1; k <= P; ++k) padded.push_back(2 * time[n - 1] - time[n - 1 - k]);
  double dt_min = INFINITY;
  for (std::size_t i = 1; i < padded.size(); ++i) dt_min = std::min(dt_min, padded[i] - padded[i - 1]);
  std::vector<double> grid;
  for (double t = padded.front(); t <= padded.back(); t += dt_min) grid.push_back(t);

  EXPECT_TRUE(info.resampled);
  EXPECT_EQ(info.dt, dt_min);
  EXPECT_EQ(info.cutoff, 6);
  ASSERT_EQ(out.time.size(), grid.size());
  EXPECT_EQ(out.time.front(), padded.front());
  for (std::size_t i = 0; i < grid.size(); ++i) EXPECT_EQ(out.time[i], grid[i]) << i;
  // The grid drifts below the file's times: the sample nearest 0.4 is just under it.
  const double near_start = out.time[static_cast<std::size_t>(P)];
  EXPECT_LT(near_start, 0.4);
  EXPECT_NEAR(near_start, 0.4, 1e-6);
  EXPECT_EQ(out.data.rows(), static_cast<Eigen::Index>(grid.size()));
}

TEST(CoordinateFilterResample, QuadraticDataAreReproducedOnTheNewGrid) {
  // The quintic natural spline reproduces polynomials up to degree 2 exactly.
  const std::vector<double> time = rounded_60hz(0.4, 30);
  std::vector<double> q;
  for (double t : time) q.push_back(1 - 2 * t + 3 * t * t);
  io::Table t = make_table(time, {q});
  bool resampled = false;
  const double dt = resample_if_nonuniform(t, resampled);
  ASSERT_TRUE(resampled);
  EXPECT_EQ(t.time.front(), time.front());
  EXPECT_LE(t.time.back(), time.back());
  EXPECT_NEAR(dt, 0.01666666, 1e-12);
  for (std::size_t i = 0; i < t.time.size(); ++i) {
    const double x = t.time[i];
    EXPECT_NEAR(t.data(i, 0), 1 - 2 * x + 3 * x * x, 1e-10) << i;
  }
}

TEST(CoordinateFilterResample, UniformGridIsLeftAloneAndHugeGridsEnlargeTheStep) {
  io::Table t = make_table({0, 0.5, 1, 1.5, 2, 2.5, 3}, {{0, 1, 2, 3, 4, 5, 6}});
  bool resampled = true;
  EXPECT_EQ(resample_if_nonuniform(t, resampled), 0.5);
  EXPECT_FALSE(resampled);
  EXPECT_EQ(t.time.size(), 7u);

  double dt = 1e-6;  // 10 s at 1 µs would be 10^7 samples
  const std::vector<double> grid = resample_grid(0, 10, dt);
  EXPECT_DOUBLE_EQ(dt, 10.0 / 100000);
  EXPECT_GE(grid.size(), 100000u);
  EXPECT_LE(grid.size(), 100001u);
  EXPECT_LE(grid.back(), 10.0);
}

// ---- (d) parity of the time grid with OpenSim ----------------------------------------------------

namespace {

struct ToolSetup {
  fs::path coordinates;
  double cutoff = -1, t0 = 0, t1 = 0;
};

// Reads the tool element of an ID/Analyze setup (with or without the OpenSimDocument wrapper).
ToolSetup read_setup(const fs::path& setup_path, const fs::path& coordinates_dir) {
  const io::XmlDocument doc(setup_path);
  pugi::xml_node tool = doc.doc().document_element();
  if (std::string(tool.name()) == "OpenSimDocument") tool = tool.first_child();
  while (tool && tool.type() != pugi::node_element) tool = tool.next_sibling();
  ToolSetup s;
  s.coordinates = coordinates_dir / doc.text(tool, "coordinates_file");
  s.cutoff = doc.number(tool, "lowpass_cutoff_frequency_for_coordinates", -1);
  if (tool.child("time_range")) {
    const std::vector<double> range = doc.numbers(tool, "time_range");
    s.t0 = range.at(0), s.t1 = range.at(1);
  } else {
    s.t0 = doc.number(tool, "initial_time", 0), s.t1 = doc.number(tool, "final_time", 0);
  }
  return s;
}

// Rows OpenSim reports for [t0, t1]: from the last row at or before t0 to the last row at or before
// t1 (Storage::findIndex), so padded rows show up at the start (docs/opensim-semantics.md#filtering).
std::vector<double> rows_in_range(const std::vector<double>& time, double t0, double t1) {
  std::size_t first = 0, last = 0;
  for (std::size_t i = 0; i < time.size(); ++i) {
    if (time[i] <= t0) first = i;
    if (time[i] <= t1) last = i;
  }
  return std::vector<double>(time.begin() + static_cast<std::ptrdiff_t>(first),
                             time.begin() + static_cast<std::ptrdiff_t>(last) + 1);
}

// Runs the pipeline on the setup's coordinates and compares the time grid with OpenSim's output.
double grid_difference(const ToolSetup& s, const fs::path& opensim_output, std::size_t& rows) {
  EXPECT_GE(s.cutoff, 0) << "the setup should filter";
  const io::Table coordinates = io::read_storage(s.coordinates);
  CoordinateFilterInfo info;
  const io::Table filtered = lowpass_coordinates(coordinates, s.cutoff, s.coordinates.string(), &info);
  EXPECT_TRUE(info.resampled) << "8-decimal times should trigger resampling";
  EXPECT_EQ(info.pad, static_cast<int>(coordinates.time.size()) / 2);
  EXPECT_TRUE(filtered.data.allFinite());
  const std::vector<double> ours = rows_in_range(filtered.time, s.t0, s.t1);
  const io::Table expected = io::read_storage(opensim_output);
  rows = expected.time.size();
  EXPECT_EQ(ours.size(), expected.time.size());
  double worst = 0;
  for (std::size_t i = 0; i < std::min(ours.size(), expected.time.size()); ++i)
    worst = std::max(worst, std::abs(ours[i] - expected.time[i]));
  return worst;
}

}  // namespace

TEST(CoordinateFilterParity, Arm26TimeGridMatchesOpenSim) {
  WEAKLINK_REQUIRE_REFERENCE();
  const fs::path dir = test::reference_dir() / "arm26";
  const ToolSetup s = read_setup(dir / "arm26_Setup_InverseDynamics.xml", dir);
  std::size_t rows = 0;
  const double worst = grid_difference(s, dir / "std_arm26_InverseDynamics.sto", rows);
  EXPECT_GT(rows, 100u);
  // OpenSim printed these times with 20 decimals: the grids agree to the last bit (measured 5e-21).
  EXPECT_LT(worst, 1e-15) << "largest time difference over " << rows << " rows";
  RecordProperty("max_time_difference", fmt::format("{:.3g}", worst));
}

TEST(CoordinateFilterParity, Gait2392TimeGridMatchesOpenSim45) {
  WEAKLINK_REQUIRE_REFERENCE();
  const fs::path ref = test::reference_dir();
  const ToolSetup s = read_setup(ref / "opensim45/g2392_id/subject01_Setup_InverseDynamics.xml", ref / "gait2392-ik-id");
  std::size_t rows = 0;
  const double worst = grid_difference(s, ref / "opensim45/g2392_id/InverseDynamicsOutput.sto", rows);
  EXPECT_GT(rows, 50u);
  // Printed with 8 decimals (half a unit is 5e-9); measured 1e-13, as the grid sits on 8-decimal values.
  EXPECT_LT(worst, 1e-9) << "largest time difference over " << rows << " rows";
  RecordProperty("max_time_difference", fmt::format("{:.3g}", worst));
}

// A setup's cut-off: negative (OpenSim's -1) or absent is off, a finite value of at least 0.1 Hz is
// used; nan and inf (silently ignored or used before) and near-zero cut-offs are refused at the element.
TEST(CoordinateFilterSetup, CutOffIsOffNegativeOrAtLeastATenthOfAHertz) {
  auto cutoff = [](const std::string& value) {
    const weaklink::io::XmlDocument doc("<T><lowpass_cutoff_frequency_for_coordinates>" + value +
                                            "</lowpass_cutoff_frequency_for_coordinates></T>", "s.xml");
    return weaklink::setup_lowpass_cutoff(doc, doc.doc().child("T"));
  };
  EXPECT_EQ(cutoff("-1"), -1.0);
  EXPECT_EQ(cutoff(""), -1.0);
  EXPECT_EQ(cutoff("6"), 6.0);
  EXPECT_EQ(cutoff("0.1"), 0.1);
  for (const char* bad : {"nan", "inf", "-inf", "0", "0.05"}) {
    try {
      cutoff(bad);
      ADD_FAILURE() << bad << " accepted";
    } catch (const weaklink::InputError& e) {
      EXPECT_NE(std::string(e.what()).find("<lowpass_cutoff_frequency_for_coordinates>"), std::string::npos) << e.what();
    }
  }
}
