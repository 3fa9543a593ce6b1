#include "tools/coordinate_columns.hpp"

#include <cmath>

#include <fmt/format.h>

#include "core/error.hpp"

namespace weaklink {

void check_motion_times(const io::Table& t, const std::string& file, int min_rows, const char* kind) {
  const int n = static_cast<int>(t.time.size());
  if (n < 1) throw_input_error(file, "", fmt::format("the {} has no rows", kind));
  if (n < min_rows)
    throw_input_error(file, "", fmt::format("needs at least {} rows to fit quintic splines (found {})", min_rows, n));
  for (int i = 1; i < n; ++i)
    if (!(t.time[i] > t.time[i - 1]))
      throw_input_error(file, "row " + std::to_string(i + 1), "time must increase strictly from row to row");
}

void check_coordinate_units(const io::Table& t, const Model& model, const std::string& file,
                            std::vector<std::string>& warnings) {
  warnings.insert(warnings.end(), t.warnings.begin(), t.warnings.end());
  if (!t.in_degrees || t.time.empty()) return;
  int columns = 0;
  double widest = 0;
  std::string widest_label;
  for (const Coordinate& co : model.coordinates) {
    if (co.motion_type != MotionType::Rotational) continue;
    const int col = t.find_column(co.name);
    if (col < 0) continue;
    const auto values = t.data.col(col);
    if (!values.allFinite()) return;  // reported where the column is read
    if (values.cwiseAbs().maxCoeff() > M_PI) return;
    ++columns;
    const double range = values.maxCoeff() - values.minCoeff();
    if (range > widest) {
      widest = range;
      widest_label = t.labels[static_cast<std::size_t>(col)];
    }
  }
  if (columns == 0 || widest < 0.5) return;
  warnings.push_back(fmt::format("{}: the header says inDegrees=yes, but all {} rotational coordinate columns stay within "
                                 "±π; column '{}' moves by {:.3g}, which is {:.3g}° in radians. Are the values in "
                                 "radians? They are read as degrees",
                                 file, columns, quote_input(widest_label), widest, widest * 180 / M_PI));
}

bool read_coordinate_column(const io::Table& t, const Coordinate& co, const std::string& file, double* out,
                            std::ptrdiff_t stride, std::vector<std::string>& warnings) {
  const int col = t.find_column(co.name);
  if (col < 0) return false;
  const int n = static_cast<int>(t.time.size());
  const bool rotational = co.motion_type == MotionType::Rotational;
  const double k = (t.in_degrees && rotational) ? M_PI / 180.0 : 1.0;
  double largest = 0;
  int largest_row = 0;
  for (int i = 0; i < n; ++i) {
    const double v = t.data(i, col) * k;
    if (!std::isfinite(v))
      throw_input_error(file, "row " + std::to_string(i + 1) + ", column '" + quote_input(co.name) + "'", "value is not a finite number");
    out[i * stride] = v;
    if (std::abs(v) > largest) {
      largest = std::abs(v);
      largest_row = i;
    }
  }
  // No joint angle exceeds two turns (4π rad): such values in radians are degrees mislabelled.
  if (!t.in_degrees && rotational && largest > 4 * M_PI)
    warnings.push_back(fmt::format("{}: row {}, column '{}': {:g} is more than 4π rad for a rotational coordinate; "
                                   "the header says inDegrees=no, are the values in degrees?",
                                   file, largest_row + 1, co.name, t.data(largest_row, col)));
  return true;
}

}  // namespace weaklink
