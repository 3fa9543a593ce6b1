#include "core/result_validity.hpp"

#include <cmath>

#include <fmt/format.h>

#include "core/error.hpp"

namespace weaklink {

std::string ResultValidity::reason() const {
  std::string out;
  for (const auto& r : reasons) out += (out.empty() ? "" : "; ") + r;
  for (char& c : out)
    if (c == '\n' || c == '\r') c = ' ';  // one header line
  return out;
}

void ResultValidity::check_finite(const Eigen::MatrixXd& m, const std::string& what) {
  for (Eigen::Index i = 0; i < m.rows(); ++i)
    for (Eigen::Index j = 0; j < m.cols(); ++j)
      if (!std::isfinite(m(i, j))) {
        fail(fmt::format("{} holds a non-finite number ({} at row {}, column {})", what, m(i, j), i + 1, j + 1));
        return;
      }
}

void ResultValidity::check_finite(double v, const std::string& what) {
  if (!std::isfinite(v)) fail(fmt::format("{} is not finite ({})", what, v));
}

std::vector<std::pair<std::string, std::string>> ResultValidity::header() const {
  if (valid()) return {{"valid", "true"}};
  return {{"valid", "false"}, {"invalid_reason", reason()}};
}

std::string ResultValidity::csv_comment() const { return valid() ? "" : "# valid=false: " + reason() + "\n"; }

void ResultValidity::throw_if_invalid(const std::string& context) const {
  if (!valid()) throw InvalidResultError(fmt::format("{}: the result breaks physics: {}", context, reason()));
}

}  // namespace weaklink
