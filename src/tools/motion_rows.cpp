#include "tools/motion_rows.hpp"

namespace weaklink {

RowRange analysis_row_range(const std::vector<double>& time, double start, double end) {
  RowRange r;
  for (int i = 0; i < static_cast<int>(time.size()); ++i) {
    if (time[static_cast<std::size_t>(i)] <= start) r.first = i;
    if (time[static_cast<std::size_t>(i)] <= end) r.last = i;
  }
  return r;
}

std::vector<int> analysis_rows(const RowRange& range, int step) {
  std::vector<int> rows;
  for (int i = range.first; i <= range.last; ++i)
    if (i == range.first || i == range.last || i % step == 0) rows.push_back(i);
  return rows;
}

MotionFrames motion_at_rows(const StatesTable& states, const Eigen::MatrixXd& qddot, const std::vector<int>& rows) {
  MotionFrames m;
  const Eigen::Index n = static_cast<Eigen::Index>(rows.size()), nq = states.q.cols();
  m.q.resize(n, nq);
  m.u.resize(n, nq);
  m.qddot.resize(n, nq);
  for (Eigen::Index k = 0; k < n; ++k) {
    const int i = rows[static_cast<std::size_t>(k)];
    m.time.push_back(states.time[static_cast<std::size_t>(i)]);
    m.q.row(k) = states.q.row(i);
    m.u.row(k) = states.qdot.row(i);
    m.qddot.row(k) = qddot.row(i);
  }
  return m;
}

}  // namespace weaklink
