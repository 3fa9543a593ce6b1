#pragma once
// Which rows of a states table an analysis uses, one rule for `analyze`, the AnalyzeTool's
// analyses and `weakness` (OpenSim's AnalyzeTool rule): the range runs from the last row at or
// before the start time (row 0 when none is) to the last row at or before the end time; within it
// the first row, the last row and every row whose index in the table is a multiple of the step.
#include <vector>

#include <Eigen/Core>

#include "tools/coordinate_states.hpp"
#include "tools/trajectory_analyses.hpp"

namespace weaklink {

struct RowRange {
  int first = 0, last = -1;  // rows of the states table; last < first: no row in the range
  bool empty() const { return last < first; }
};

RowRange analysis_row_range(const std::vector<double>& time, double start, double end);

// The rows of `range` an analysis with step interval `step` (>= 1) records, in order.
std::vector<int> analysis_rows(const RowRange& range, int step);

// The motion at `rows` of the states table, with the accelerations `qddot` (rows of the table × nq).
MotionFrames motion_at_rows(const StatesTable& states, const Eigen::MatrixXd& qddot, const std::vector<int>& rows);

}  // namespace weaklink
