#pragma once
// Whether a result is physically possible, and why not. A result holding a non-finite number, or
// breaking equilibrium beyond its stated tolerance, is still written (so that it can be examined)
// but every output carries `valid: false` and the reason, and the command fails with
// InvalidResultError (exit 4): a script never takes it for a normal result.
#include <string>
#include <utility>
#include <vector>

#include <Eigen/Core>

namespace weaklink {

struct ResultValidity {
  std::vector<std::string> reasons;  // empty: valid

  bool valid() const { return reasons.empty(); }
  void fail(std::string reason) { reasons.push_back(std::move(reason)); }
  // All reasons on one line ("; " between them), for headers, JSON and the terminal.
  std::string reason() const;
  // Adds "<what> holds a non-finite number (first at row r, column c)" when m does.
  void check_finite(const Eigen::MatrixXd& m, const std::string& what);
  void check_finite(double v, const std::string& what);
  // Header lines for .sto/.mot outputs (key, value): valid=true, or valid=false and invalid_reason.
  std::vector<std::pair<std::string, std::string>> header() const;
  // The same as a comment line for CSV outputs ("# valid=false: reason"); empty when valid.
  std::string csv_comment() const;
  // Throws InvalidResultError naming `context` and the reasons, when invalid.
  void throw_if_invalid(const std::string& context) const;
};

}  // namespace weaklink
