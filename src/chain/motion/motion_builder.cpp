// The order of an activity's motion steps (see motion_builder.hpp), the tracks and surfaces the
// steps share, and the quintic splines through the poses (speeds, accelerations, resampling).
#include "chain/motion/motion_builder.hpp"

#include <algorithm>
#include <cmath>

#include "core/natural_spline.hpp"
#include "kinematics/forward_kinematics.hpp"

namespace weaklink::motion_building {

ActivityMotion MotionBuilder::build() {
  const int n = plan_.frames;
  frames_ = n;
  if (n < 6) fail(name_, "needs at least 6 frames");
  if (!(plan_.duration > 0)) fail(name_, "needs a positive duration");
  out_.motion.time.resize(static_cast<std::size_t>(n));
  for (int i = 0; i < n; ++i)
    out_.motion.time[static_cast<std::size_t>(i)] =
        plan_.periodic ? plan_.duration * i / n : plan_.duration * i / (n - 1);
  resolve_tracks();
  resolve_surfaces();
  out_.motion.q.resize(n, m_.nq());
  if (plan_.periodic) {
    gait_poses();
    differentiate();
    if (!plan_.feet.empty()) gait_balance();
  } else {
    // The poses are solved on the activity's own grid (pose_rate) and the frames sample the
    // quintic splines through them: any number of frames samples the same motion, instead of
    // differentiating pose-solver noise (which grows as 1/dt²) or a path the sliding anchors
    // took differently on a different grid.
    const int poses = plan_.pose_rate > 0 ? std::max(6, static_cast<int>(std::ceil(plan_.pose_rate * plan_.duration - 1e-9)) + 1) : n;
    if (poses == n) {
      anchored_poses();
      differentiate();
    } else {
      const std::vector<double> frame_times = out_.motion.time;
      frames_ = poses;
      out_.motion.time.resize(static_cast<std::size_t>(poses));
      for (int i = 0; i < poses; ++i) out_.motion.time[static_cast<std::size_t>(i)] = plan_.duration * i / (poses - 1);
      out_.motion.q.resize(poses, m_.nq());
      anchored_poses();
      resample(frame_times);
      frames_ = n;
    }
  }
  resolve_contacts();
  sample_loads();
  return std::move(out_);
}

void MotionBuilder::resolve_tracks() {
  for (std::size_t k = 0; k < plan_.tracks.size(); ++k) {
    const auto& [coordinate, track] = plan_.tracks[k];
    const int c = m_.find_coordinate(coordinate);
    if (c < 0) fail_on_field(plan_.track_fields, k, "the model has no coordinate '" + coordinate + "' that the activity drives");
    tracks_.push_back({c, anatomical_sign(m_, c), &track});
  }
}

void MotionBuilder::resolve_surfaces() {
  for (const auto& s : plan_.surfaces) {
    ContactSurface cs;
    cs.name = s.name;
    cs.point = s.point;
    cs.normal = s.normal.normalized();
    cs.friction = s.friction;
    cs.reach = s.reach;
    out_.contacts.surfaces.push_back(cs);
  }
}

// Speeds and accelerations: quintic natural splines through the poses (periodic motions are
// padded with a quarter cycle on each side, the forward coordinate shifted by a stride, so that
// the splines' free ends are far from the frames).
void MotionBuilder::differentiate() {
  const int n = plan_.frames, nq = m_.nq();
  out_.motion.u.resize(n, nq);
  out_.motion.qddot.resize(n, nq);
  const int pad = plan_.periodic ? std::max(6, n / 4) : 0;
  std::vector<double> x(static_cast<std::size_t>(n + 2 * pad)), y(x.size());
  for (int c = 0; c < nq; ++c) {
    for (int k = -pad; k < n + pad; ++k) {
      const int i = ((k % n) + n) % n;
      const int cycle = (k - i) / n;  // -1, 0 or 1
      x[static_cast<std::size_t>(k + pad)] = time(i) + cycle * plan_.duration;
      double v = out_.motion.q(i, c);
      if (c == forward_coordinate_) v += cycle * speed_ * plan_.duration;
      y[static_cast<std::size_t>(k + pad)] = v;
    }
    const NaturalSpline spline(x, y, 5);
    for (int i = 0; i < n; ++i) {
      const FunctionValue f = spline.eval(time(i));
      out_.motion.u(i, c) = f.df;
      out_.motion.qddot(i, c) = f.ddf;
    }
  }
}

// Coordinates, speeds and accelerations at `times` from quintic natural splines through the
// poses solved at out_.motion.time (non-periodic motions), which then become `times`.
void MotionBuilder::resample(const std::vector<double>& times) {
  const int np = static_cast<int>(out_.motion.time.size()), n = static_cast<int>(times.size()), nq = m_.nq();
  Eigen::MatrixXd q(n, nq);
  out_.motion.u.resize(n, nq);
  out_.motion.qddot.resize(n, nq);
  std::vector<double> y(static_cast<std::size_t>(np));
  for (int c = 0; c < nq; ++c) {
    for (int k = 0; k < np; ++k) y[static_cast<std::size_t>(k)] = out_.motion.q(k, c);
    const NaturalSpline spline(out_.motion.time, y, 5);
    for (int i = 0; i < n; ++i) {
      const FunctionValue f = spline.eval(times[static_cast<std::size_t>(i)]);
      q(i, c) = f.f;
      out_.motion.u(i, c) = f.df;
      out_.motion.qddot(i, c) = f.ddf;
    }
  }
  out_.motion.q = std::move(q);
  out_.motion.time = times;
}

// Stature estimated from the leg (hip to ankle centre) for the arm length of hand-held loads.
double MotionBuilder::stature() {
  const Eigen::VectorXd q0 = m_.default_q();
  calc_forward_kinematics(m_, data_, q0);
  auto centre = [&](const char* coordinate) {
    const int c = m_.find_coordinate(coordinate);
    if (c < 0) fail(name_, std::string("hand-held loads need the coordinate ") + coordinate);
    const Joint& j = m_.joints[m_.coordinates[c].joint];
    return (data_.X_GB[j.child_body] * j.X_BM).p;
  };
  return (centre("hip_flexion_r").y() - centre("ankle_angle_r").y()) / kLegPerStature;
}

}  // namespace weaklink::motion_building
