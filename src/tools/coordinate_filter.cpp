#include "tools/coordinate_filter.hpp"

#include <algorithm>
#include <cmath>
#include <limits>
#include <span>
#include <stdexcept>

#include <fmt/format.h>

#include "core/error.hpp"
#include "core/lowpass_filter.hpp"
#include "core/natural_spline.hpp"

namespace weaklink {

namespace {
constexpr double kEps = std::numeric_limits<double>::epsilon();  // SimTK::Eps
constexpr double kMaxResampleSize = 100000;                      // Storage::MAX_RESAMPLE_SIZE

// Signal::Pad on one column: reflect, then negate about the end sample.
void pad_column(const double* x, int n, int pad, double* out) {
  for (int k = 1; k <= pad; ++k) {
    out[pad - k] = 2.0 * x[0] - x[k];
    out[pad + n - 1 + k] = 2.0 * x[n - 1] - x[n - 1 - k];
  }
  for (int i = 0; i < n; ++i) out[pad + i] = x[i];
}
}  // namespace

io::Table pad_odd_reflection(const io::Table& table, int pad, const std::string& file_name) {
  if (pad < 0) throw std::invalid_argument("pad_odd_reflection: negative pad");
  const int n = static_cast<int>(table.time.size());
  if (pad == 0) return table;
  // OpenSim would apply a pad ≥ N repeatedly, but the reflection needs x_pad (OpenSim's
  // Signal::Pad throws for pad > N). P = floor(N/2) never gets there, so it is an error here.
  if (pad >= n)
    throw_input_error(file_name, "",
                      fmt::format("cannot pad {} rows with {} rows by odd reflection (the pad must be shorter)", n, pad));
  io::Table out = table;
  const int m = n + 2 * pad;
  out.time.assign(m, 0.0);
  pad_column(table.time.data(), n, pad, out.time.data());
  out.data.resize(m, table.data.cols());
  for (Eigen::Index c = 0; c < table.data.cols(); ++c)
    pad_column(table.data.col(c).data(), n, pad, out.data.col(c).data());
  return out;
}

std::vector<double> resample_grid(double t_first, double t_last, double& dt) {
  if (!(dt > 0)) throw std::invalid_argument("resample_grid: step must be positive");
  if ((t_last - t_first) / dt > kMaxResampleSize) dt = (t_last - t_first) / kMaxResampleSize;
  std::vector<double> grid;
  for (double t = t_first; t <= t_last; t += dt) grid.push_back(t);  // accumulated, as OpenSim
  return grid;
}

double resample_if_nonuniform(io::Table& t, bool& resampled) {
  const int m = static_cast<int>(t.time.size());
  if (m < 2) throw std::invalid_argument("resample_if_nonuniform: needs at least 2 rows");
  double dt_min = std::numeric_limits<double>::infinity();
  for (int i = 1; i < m; ++i) dt_min = std::min(dt_min, t.time[i] - t.time[i - 1]);
  if (!(dt_min > 0)) throw std::invalid_argument("resample_if_nonuniform: times must increase strictly");
  const double dt_avg = (t.time[m - 1] - t.time[0]) / (m - 1);
  resampled = dt_avg - dt_min > kEps;
  if (!resampled) return dt_min;

  double dt = dt_min;
  std::vector<double> grid = resample_grid(t.time.front(), t.time.back(), dt);
  Eigen::MatrixXd data(static_cast<Eigen::Index>(grid.size()), t.data.cols());
  for (Eigen::Index c = 0; c < t.data.cols(); ++c) {
    const double* col = t.data.col(c).data();
    const NaturalSpline spline(t.time, std::vector<double>(col, col + m), 5);
    for (std::size_t k = 0; k < grid.size(); ++k) data(static_cast<Eigen::Index>(k), c) = spline.eval(grid[k]).f;
  }
  t.time = std::move(grid);
  t.data = std::move(data);
  return dt;
}

io::Table lowpass_coordinates(const io::Table& coordinates, double cutoff_hz, const std::string& file_name,
                              CoordinateFilterInfo* info) {
  if (cutoff_hz < 0) return coordinates;  // OpenSim's default −1: no filtering
  const int n = static_cast<int>(coordinates.time.size());
  if (n < 4)
    throw_input_error(file_name, "",
                      fmt::format("low-pass filtering the coordinates needs at least 4 rows, the file has {}", n));
  for (int i = 1; i < n; ++i)
    if (!(coordinates.time[i] > coordinates.time[i - 1]))
      throw_input_error(file_name, fmt::format("data row {}", i + 1),
                        fmt::format("time {} does not follow {}: filtering needs strictly increasing times",
                                    coordinates.time[i], coordinates.time[i - 1]));

  // Step 1: pad.
  const int pad = n / 2;
  io::Table t = pad_odd_reflection(coordinates, pad, file_name);

  // Step 2: resample when the padded times are not uniform.
  bool resampled = false;
  const double dt = resample_if_nonuniform(t, resampled);

  // Step 3: filter every data column (not time) with T = dt.
  const Butterworth3 filter = butterworth3(dt, cutoff_hz);
  const Eigen::Index rows = t.data.rows();
  for (Eigen::Index c = 0; c < t.data.cols(); ++c) {
    const std::vector<double> y =
        filter_forward_backward(filter, std::span<const double>(t.data.col(c).data(), static_cast<std::size_t>(rows)));
    t.data.col(c) = Eigen::Map<const Eigen::VectorXd>(y.data(), rows);
  }

  if (info) *info = {pad, resampled, dt, filter.cutoff};
  return t;
}

double setup_lowpass_cutoff(const io::XmlDocument& doc, const pugi::xml_node& tool) {
  const char* prop = "lowpass_cutoff_frequency_for_coordinates";
  const double fc = doc.number(tool, prop, -1.0);
  if (std::isnan(fc) || std::isinf(fc) || (fc >= 0 && fc < kMinLowpassCutoffHz))
    doc.fail(tool.child(prop), fmt::format("expected a cut-off of at least {} Hz, or -1 for no filtering; found '{}'", kMinLowpassCutoffHz,
                                           quote_input(io::trimmed(tool.child(prop).child_value()))));
  return fc;
}

}  // namespace weaklink
