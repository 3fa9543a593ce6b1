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
  int moving_coordinate = -1;  // moving point whose location depends on q: the coordinate its term goes to
  Vec3 dp_B = Vec3::Zero();    // ... and ∂p_B/∂q (all three functions' derivatives, as OpenSim)
};

// Motion of every body's frame origin, all vectors in Ground (stage: acceleration).
struct BodyMotion {
  std::vector<Vec3> w, alpha;  // angular velocity and acceleration
  std::vector<Vec3> v, a;      // velocity and acceleration of the body frame's origin
  explicit BodyMotion(const Model& model);
};

// Mass properties of a body or a subtree about Ground's origin, in Ground: m, h = m·c, I_O.
struct SpatialInertia {
  double m = 0;
  Vec3 h = Vec3::Zero();
  Mat3 I = Mat3::Zero();
};

struct Data {
  explicit Data(const Model& model);

  // Stage: position (calc_forward_kinematics)
  std::vector<Transform> X_GB;              // pose of every body in Ground
  // Partial velocity of coordinate c's joint motion (joint-level ∂/∂q_c), all in Ground:
  // a point P on a body the coordinate moves has ∂p_P/∂q_c = axis_w[c] × (p_P − axis_o[c]) + axis_v[c].
  std::vector<Vec3> axis_w, axis_v, axis_o;
  // The same partial velocity for the body point at Ground's origin: axis_v + axis_o × axis_w, so
  // that ∂p_P/∂q_c = axis_w[c] × p_P + axis_v0[c] (a force f at P contributes w·(p×f) + v0·f).
  std::vector<Vec3> axis_v0;

  // Stage: markers (calc_marker_positions)
  std::vector<Vec3> marker_G;

  // Stage: path geometry (calc_path_geometry)
  Eigen::VectorXd muscle_length;            // per muscle, m
  Eigen::MatrixXd moment_arm;               // muscles × coordinates, m or m/m (= −∂L/∂q, couplers folded in)
  // calc_path_geometry zeroes moment_arm on its first call, then rewrites only the entries that
  // can be nonzero (Muscle::first_joint, first_extra): treat moment_arm as read-only.
  bool moment_arm_zeroed = false;
  std::vector<int> muscle_wrapped;          // number of wrap objects each path currently wraps over
  // Per muscle: a path point lay inside one of its wrap objects, so that object was skipped (as
  // OpenSim does) and the path may cut through the bone it stands for.
  std::vector<char> muscle_wrap_skipped;

  // Scratch for one path at a time (calc_path_geometry builds it only for paths with wrap objects).
  std::vector<PathNode> path;               // capacity Model::max_path_points
  std::vector<int> wrap_order;
  std::vector<WrapStatus> wrap_status;
  Eigen::VectorXd dl_dq;                    // ∂L/∂q (partial, all coordinates); kept zero between muscles
  std::vector<Vec3> body_force, body_moment;  // per body: Σ f and Σ p×f (about Ground's origin) of one path
  std::vector<int> moving_coordinates;      // coordinates of the current path's moving points
  struct CouplerTerm {                      // per coupler, this frame: ∂dependent/∂independent = scale·slope
    int dependent, independent;
    double scale, slope;
  };
  std::vector<CouplerTerm> coupler_terms;

  // Stage: dynamics. Loads the caller applies to bodies (external loads, muscle paths, actuators),
  // in Ground, moments about Ground's origin; gravity is added by the algorithms themselves.
  std::vector<Vec3> applied_force, applied_moment;
  BodyMotion motion;                        // calc_inverse_dynamics: body motion at (q, q̇, q̈)
  // calc_inverse_dynamics: spatial force the joint of body b transmits from its parent to the
  // subtree rooted at b (Ground frame, about Ground's origin), i.e. the joint reaction on b's side.
  std::vector<Vec3> joint_force, joint_moment;
  std::vector<SpatialInertia> composite;    // calc_mass_matrix: subtree inertias
  Eigen::MatrixXd mass_matrix;              // nq × nq, CoordinateSet order
};

}  // namespace weaklink
