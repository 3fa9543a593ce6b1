#pragma once
// Column-by-label comparison of two storages (OpenSim results against weaklink results).
#include <cmath>
#include <string>
#include <utility>
#include <vector>

#include <gtest/gtest.h>

#include "io/storage.hpp"

namespace weaklink::test {

// Largest absolute difference over every row and every column of `expected` found in `actual`;
// rows are matched by index and their times must agree. Fails the test on a missing column.
inline double max_abs_difference(const io::Table& expected, const io::Table& actual, std::string* worst = nullptr) {
  EXPECT_EQ(expected.time.size(), actual.time.size());
  const std::size_t rows = std::min(expected.time.size(), actual.time.size());
  double worst_diff = 0;
  for (std::size_t i = 0; i < rows; ++i) EXPECT_NEAR(expected.time[i], actual.time[i], 1e-9) << "row " << i;
  for (std::size_t c = 0; c < expected.labels.size(); ++c) {
    const int k = actual.find_column(expected.labels[c]);
    if (k < 0) {
      ADD_FAILURE() << "column '" << expected.labels[c] << "' missing from weaklink's output";
      continue;
    }
    for (std::size_t i = 0; i < rows; ++i) {
      const double d = std::abs(expected.data(i, c) - actual.data(i, k));
      if (d > worst_diff || std::isnan(d)) {
        worst_diff = std::isnan(d) ? INFINITY : d;
        if (worst) *worst = expected.labels[c] + " at t=" + std::to_string(expected.time[i]);
      }
    }
  }
  return worst_diff;
}

}  // namespace weaklink::test

namespace weaklink::test {

// Root-mean-square difference per column of `expected` (by label) against `actual`, rows matched
// by index with equal times. Missing columns fail the test and get +inf.
inline std::vector<std::pair<std::string, double>> column_rms(const io::Table& expected, const io::Table& actual) {
  EXPECT_EQ(expected.time.size(), actual.time.size());
  const std::size_t rows = std::min(expected.time.size(), actual.time.size());
  for (std::size_t i = 0; i < rows; ++i) EXPECT_NEAR(expected.time[i], actual.time[i], 1e-9) << "row " << i;
  std::vector<std::pair<std::string, double>> out;
  for (std::size_t c = 0; c < expected.labels.size(); ++c) {
    const int k = actual.find_column(expected.labels[c]);
    if (k < 0) {
      ADD_FAILURE() << "column '" << expected.labels[c] << "' missing from weaklink's output";
      out.emplace_back(expected.labels[c], INFINITY);
      continue;
    }
    double s = 0;
    for (std::size_t i = 0; i < rows; ++i) {
      const double d = expected.data(i, c) - actual.data(i, k);
      s += d * d;
    }
    out.emplace_back(expected.labels[c], rows ? std::sqrt(s / static_cast<double>(rows)) : 0.0);
  }
  return out;
}

}  // namespace weaklink::test
