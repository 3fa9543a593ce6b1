#pragma once
// Data: the per-thread workspace for one Model. Sized once by its constructor; algorithms write
// every intermediate and result here and never allocate afterwards. One Data per thread.
#include <limits>
#include <vector>

#include <Eigen/Core>

#include "core/spatial.hpp"
#include "model/model.hpp"
#include "muscles/wrap_geometry.hpp"

namespace weaklink {

// One point of a muscle's current path (after conditional points and wrapping).
struct PathNode {
  int body = kGround;
  Vec3 p_B = Vec3::Zero();     // location in the body frame
  Vec3 p_G = Vec3::Zero();     // location in Ground
  int point = -1;              // index into Model::path_points, or -1 for a wrap tangent point
  int wrap = -1;               // index into Model::path_wraps for wrap tangent points
  double surface_length = 0;   // on the second tangent point of a wrap: length over the surface
};

struct Data {
  explicit Data(const Model& model);

  // Stage: position (calc_forward_kinematics)
  std::vector<Transform> X_GB;              // pose of every body in Ground
  // Partial velocity of coordinate c's joint motion (joint-level ∂/∂q_c), all in Ground:
  // a point P on a body the coordinate moves has ∂p_P/∂q_c = axis_w[c] × (p_P − axis_o[c]) + axis_v[c].
  std::vector<Vec3> axis_w, axis_v, axis_o;

  // Stage: markers (calc_marker_positions)
  std::vector<Vec3> marker_G;

  // Stage: path geometry (calc_path_geometry)
  Eigen::VectorXd muscle_length;            // per muscle, m
  Eigen::MatrixXd moment_arm;               // muscles × coordinates, m or m/m (= −∂L/∂q, couplers folded in)
  std::vector<int> muscle_wrapped;          // number of wrap objects each path currently wraps over

  // Scratch for one path at a time.
  std::vector<PathNode> path;               // capacity Model::max_path_points
  std::vector<int> wrap_order;
  std::vector<WrapStatus> wrap_status;
  Eigen::VectorXd dl_dq;                    // ∂L/∂q (partial, all coordinates)
};

}  // namespace weaklink
