#include "muscles/path_geometry.hpp"

#include <algorithm>
#include <cmath>

#include "muscles/wrap_cylinder.hpp"
#include "muscles/wrap_ellipsoid.hpp"
#include "muscles/wrap_sphere.hpp"

namespace weaklink {

namespace {

// Conditional path points are active within their range widened by 1e-5 (OpenSim,
// docs/opensim-semantics.md#paths-and-wrapping).
constexpr double kConditionalTolerance = 1e-5;
// Multi-object wrapping repeats its passes until the length settles. OpenSim stops at 0.5 mm or
// 8 passes (docs/opensim-semantics.md#paths-and-wrapping); with geodesic wraps we iterate to convergence so that the
// path is the shortest one over all its objects and its length derivative equals the moment arm (tests/muscles/
// test_moment_arms.cpp). Typical paths converge in a handful of passes.
constexpr double kWrapPassTolerance = 1e-12;
constexpr int kMaxWrapPasses = 200;

// A moving point's location in its body and, if it has an x coordinate, that coordinate and
// ∂p_B/∂q (all three functions' derivatives; OpenSim attributes the whole term to x,
// docs/opensim-semantics.md#paths-and-wrapping).
void moving_point_location(const PathPoint& p, const Eigen::Ref<const Eigen::VectorXd>& q, Vec3& p_B,
                           int& moving_coordinate, Vec3& dp_B) {
  Vec3 f, df;
  for (int i = 0; i < 3; ++i) {
    const int c = p.moving_coordinate[i];
    const FunctionValue v = p.moving_function[i].eval(c >= 0 ? q[c] : 0.0);
    f[i] = v.f;
    df[i] = v.df;
  }
  p_B = p.R_BF * f + p.p_BF;
  if (p.moving_coordinate[0] >= 0) {
    moving_coordinate = p.moving_coordinate[0];
    dp_B = p.R_BF * df;
  }
}

bool conditional_active(const PathPoint& p, const Eigen::Ref<const Eigen::VectorXd>& q) {
  const double v = q[p.coordinate];
  return !(v < p.range_min - kConditionalTolerance || v > p.range_max + kConditionalTolerance);
}

double segment_length(const std::vector<PathNode>& path, std::size_t i) {
  const PathNode& a = path[i];
  const PathNode& b = path[i + 1];
  if (a.wrap >= 0 && a.wrap == b.wrap) return b.surface_length;  // over the wrap surface
  return (b.p_G - a.p_G).norm();
}

double path_length(const std::vector<PathNode>& path) {
  double L = 0;
  for (std::size_t i = 0; i + 1 < path.size(); ++i) L += segment_length(path, i);
  return L;
}

WrapResult wrap_kernel(const WrapObject& o, const PathWrap& w, const Vec3& p1, const Vec3& p2, bool refine) {
  switch (o.kind) {
    case WrapObjectSpec::Kind::Cylinder: return wrap_cylinder(p1, p2, o.radius, o.length, o.quadrant, refine);
    case WrapObjectSpec::Kind::Sphere: return wrap_sphere(p1, p2, o.radius, o.quadrant);
    case WrapObjectSpec::Kind::Ellipsoid: return wrap_ellipsoid(p1, p2, o.dimensions, o.quadrant, w.method);
    case WrapObjectSpec::Kind::Torus: break;
  }
  return WrapResult{};
}

// Applies one PathWrap to the current path (docs/opensim-semantics.md#paths-and-wrapping): picks the segment, inserts
// two tangent points.
WrapStatus apply_wrap(const Model& model, Data& data, const Muscle& mu, int wrap_index, bool refine) {
  auto& path = data.path;
  // Remove this object's previous tangent points.
  std::erase_if(path, [&](const PathNode& n) { return n.wrap == wrap_index; });
  const PathWrap& w = model.path_wraps[wrap_index];
  const WrapObject& o = model.wrap_objects[w.wrap_object];
  if (!o.active) return WrapStatus::NoWrap;
  // First active point at/after range_begin and last active point at/before range_end.
  int first = -1, last = -1;
  for (std::size_t i = 0; i < path.size(); ++i) {
    const int pt = path[i].point;
    if (pt < 0) continue;
    const int local = pt - mu.first_point;
    if (first < 0 && local >= w.range_begin) first = static_cast<int>(i);
    if (local <= w.range_end) last = static_cast<int>(i);
  }
  if (first < 0 || last <= first) return WrapStatus::NoWrap;
  const Transform X_GW = data.X_GB[o.body] * o.X_BW;
  const Transform X_WG = X_GW.inverse();
  int best_segment = -1;
  WrapResult best;
  double best_extra = INFINITY;
  WrapStatus status = WrapStatus::NoWrap;
  for (int i = first; i < last; ++i) {
    if (path[i].wrap >= 0 && path[i].wrap == path[i + 1].wrap) continue;  // a surface segment
    const Vec3 p1 = X_WG.apply(path[i].p_G);
    const Vec3 p2 = X_WG.apply(path[i + 1].p_G);
    const WrapResult r = wrap_kernel(o, w, p1, p2, refine);
    if (r.status == WrapStatus::InsideRadius && status == WrapStatus::NoWrap) status = WrapStatus::InsideRadius;
    if (r.status == WrapStatus::MandatoryWrap) {
      best_segment = i;
      best = r;
      status = r.status;
      break;
    }
    if (r.status == WrapStatus::Wrapped) {
      const double extra = (p1 - r.r1).norm() + r.length + (r.r2 - p2).norm() - (p1 - p2).norm();
      if (extra < best_extra) {
        best_extra = extra;
        best_segment = i;
        best = r;
        status = r.status;
      }
    }
  }
  if (best_segment < 0) return status;
  PathNode a, b;
  a.body = b.body = o.body;
  a.p_B = o.X_BW.apply(best.r1);
  b.p_B = o.X_BW.apply(best.r2);
  a.p_G = X_GW.apply(best.r1);
  b.p_G = X_GW.apply(best.r2);
  a.wrap = b.wrap = wrap_index;
  b.surface_length = best.length;
  path.insert(path.begin() + best_segment + 1, {a, b});  // within reserved capacity: no allocation
  return status;
}

// Builds data.path for muscle m (everything calc_muscle_path does but the final length).
void build_path(const Model& model, Data& data, const Eigen::Ref<const Eigen::VectorXd>& q, int m) {
  const Muscle& mu = model.muscles[m];
  auto& path = data.path;
  path.clear();
  for (int i = mu.first_point; i < mu.first_point + mu.num_points; ++i) {
    const PathPoint& p = model.path_points[i];
    if (p.kind == PathPointSpec::Kind::Conditional && !conditional_active(p, q)) continue;
    Vec3 p_B = p.p_B, dp_B = Vec3::Zero();
    int moving = -1;
    if (p.kind == PathPointSpec::Kind::Moving) moving_point_location(p, q, p_B, moving, dp_B);
    path.push_back(PathNode{p.body, p_B, data.X_GB[p.body].apply(p_B), i, -1, 0.0, moving, dp_B});
  }
  data.muscle_wrapped[m] = 0;
  data.muscle_wrap_skipped[m] = 0;
  if (mu.num_wraps == 0) return;

  // Wrapping (docs/opensim-semantics.md#paths-and-wrapping): one pass with one object; with several, repeat until the
  // length settles.
  auto& order = data.wrap_order;
  auto& status = data.wrap_status;
  order.clear();
  status.clear();
  for (int k = 0; k < mu.num_wraps; ++k) {
    order.push_back(mu.first_wrap + k);
    status.push_back(WrapStatus::NoWrap);
  }
  const bool several = mu.num_wraps > 1;
  double previous = INFINITY;
  for (int pass = 0; pass < (several ? kMaxWrapPasses : 1); ++pass) {
    for (int k = 0; k < mu.num_wraps; ++k) status[k] = apply_wrap(model, data, mu, order[k], several);
    if (pass == 0 && several && status[0] == WrapStatus::NoWrap && status[1] == WrapStatus::InsideRadius) {
      // OpenSim swaps the first two objects' processing order in this case.
      std::swap(order[0], order[1]);
      for (std::size_t i = 0; i < path.size();) {
        if (path[i].wrap == order[1]) path.erase(path.begin() + static_cast<std::ptrdiff_t>(i));
        else ++i;
      }
    }
    if (!several) break;
    const double L = path_length(path);
    if (std::abs(L - previous) < kWrapPassTolerance) break;
    previous = L;
  }
  int wrapped = 0;
  for (const auto& n : path) wrapped += n.wrap >= 0 ? 1 : 0;
  data.muscle_wrapped[m] = wrapped / 2;
  for (const WrapStatus st : status) data.muscle_wrap_skipped[m] |= st == WrapStatus::InsideRadius ? 1 : 0;
}

}  // namespace

double calc_muscle_path(const Model& model, Data& data, const Eigen::Ref<const Eigen::VectorXd>& q, int m) {
  build_path(model, data, q, m);
  return path_length(data.path);
}

void calc_path_geometry(const Model& model, Data& data, const Eigen::Ref<const Eigen::VectorXd>& q) {
  const int num_muscles = static_cast<int>(model.muscles.size());
  auto& arm = data.moment_arm;
  if (!data.moment_arm_zeroed) {  // then each muscle rewrites only the entries that can be nonzero
    arm.setZero();
    data.moment_arm_zeroed = true;
  }
  const Eigen::Index stride = arm.rows();
  for (std::size_t k = 0; k < model.couplers.size(); ++k)
    data.coupler_terms[k].slope = model.couplers[k].function.eval(q[model.couplers[k].independent]).df;
  auto& g = data.dl_dq;  // moving points' terms; zero on entry and exit of every muscle
  auto& moving = data.moving_coordinates;
  auto& force = data.body_force;
  auto& moment = data.body_moment;
  const Vec3* axis_w = data.axis_w.data();
  const Vec3* axis_v0 = data.axis_v0.data();
  // ∂L/∂q = Σ over straight segments of u·(∂p_b/∂q − ∂p_a/∂q), u the unit vector a→b. Each node of
  // the path gets the net pull f of its two segments; per body, Σ f and Σ p×f (about Ground's
  // origin) then give every coordinate that moves the body w·Σp×f + v0·Σf (see Data::axis_v0),
  // summed up the tree. Joints at and above the muscle's root_body move the whole path rigidly
  // (Σ f = Σ p×f = 0): their coordinates are left out, their moment arms are exactly zero.
  int root = kGround;
  auto add_node = [&](int body, const Vec3& p_G, int moving_coordinate, const Vec3& dp_B, const Vec3& f) {
    if (body != root) {
      force[body] += f;
      moment[body] += p_G.cross(f);
    }
    if (moving_coordinate >= 0) {
      // The point slides on its body; OpenSim attributes the whole term to the x coordinate.
      g[moving_coordinate] += f.dot(data.X_GB[body].R * dp_B);
      moving.push_back(moving_coordinate);
    }
  };
  for (int m = 0; m < num_muscles; ++m) {
    const Muscle& mu = model.muscles[m];
    root = mu.root_body;
    moving.clear();
    double length = 0;  // Σ segment lengths in path order, exactly as path_length()
    if (mu.num_wraps == 0) {
      // Straight path: its active points in order, without building data.path.
      data.muscle_wrapped[m] = 0;
      data.muscle_wrap_skipped[m] = 0;
      int prev_body = -1, prev_moving = -1;
      Vec3 prev_p, prev_dp, pull_in = Vec3::Zero();
      for (int i = mu.first_point; i < mu.first_point + mu.num_points; ++i) {
        const PathPoint& p = model.path_points[i];
        if (p.kind == PathPointSpec::Kind::Conditional && !conditional_active(p, q)) continue;
        Vec3 p_B = p.p_B, dp_B;  // dp_B is set (and read) only for a moving point with a coordinate
        int moving_coordinate = -1;
        if (p.kind == PathPointSpec::Kind::Moving) moving_point_location(p, q, p_B, moving_coordinate, dp_B);
        const Vec3 p_G = data.X_GB[p.body].apply(p_B);
        if (prev_body >= 0) {
          Vec3 f = pull_in;
          pull_in.setZero();
          const Vec3 d = p_G - prev_p;
          const double len2 = d.squaredNorm(), len = std::sqrt(len2);  // = d.norm()
          length += len;
          if (len2 > 0) {  // len > 0, without waiting for the square root
            pull_in = d / len;
            f -= pull_in;
          }
          add_node(prev_body, prev_p, prev_moving, prev_dp, f);
        }
        prev_body = p.body;
        prev_p = p_G;
        prev_moving = moving_coordinate;
        if (moving_coordinate >= 0) prev_dp = dp_B;
      }
      if (prev_body >= 0) add_node(prev_body, prev_p, prev_moving, prev_dp, pull_in);
    } else {
      build_path(model, data, q, m);
      const auto& path = data.path;
      const std::size_t n = path.size();
      Vec3 pull_in = Vec3::Zero();  // unit vector of the segment ending at node i
      for (std::size_t i = 0; i < n; ++i) {
        const PathNode& a = path[i];
        Vec3 f = pull_in;
        pull_in.setZero();
        if (i + 1 < n) {
          const PathNode& b = path[i + 1];
          if (a.wrap >= 0 && a.wrap == b.wrap) {
            length += b.surface_length;  // surface segment: both ends on one body, no force
          } else {
            const Vec3 d = b.p_G - a.p_G;
            const double len2 = d.squaredNorm(), len = std::sqrt(len2);  // = d.norm()
            length += len;
            if (len2 > 0) {  // len > 0, without waiting for the square root
              pull_in = d / len;
              f -= pull_in;
            }
          }
        }
        add_node(a.body, a.p_G, a.moving_coordinate, a.dp_B, f);
      }
    }
    data.muscle_length[m] = length;
    // Joints that can move the path, children first: each hands its body's sums to its parent.
    double* arm_m = arm.data() + m;
    for (int k = mu.first_joint; k < mu.first_joint + mu.num_joints; ++k) {
      const Model::PathJoint& j = model.muscle_joints[k];
      const Vec3 F = force[j.child_body], M = moment[j.child_body];
      force[j.child_body].setZero();
      moment[j.child_body].setZero();
      for (int c = j.first_coordinate; c < j.first_coordinate + j.num_coordinates; ++c) {
        const double dl = axis_w[c].dot(M) + axis_v0[c].dot(F);
        arm_m[c * stride] = dl == 0.0 ? 0.0 : -dl;  // no negative zeros
      }
      if (j.parent_body != root) {
        force[j.parent_body] += F;
        moment[j.parent_body] += M;
      }
    }
    for (int k = mu.first_extra; k < mu.first_extra + mu.num_extra; ++k)
      arm_m[model.muscle_extra_coordinates[k] * stride] = 0.0;
    // Moving points' own terms (arm = −dl is never −0, so arm − g is not either).
    for (int c : moving) {
      if (g[c] == 0.0) continue;
      arm_m[c * stride] -= g[c];
      g[c] = 0.0;
    }
    for (const Data::CouplerTerm& k : data.coupler_terms)
      arm_m[k.independent * stride] += arm_m[k.dependent * stride] * k.scale * k.slope;
  }
}

void calc_path_speeds(const Model& model, const Data& data, const Eigen::Ref<const Eigen::VectorXd>& qdot,
                      Eigen::Ref<Eigen::VectorXd> speeds) {
  // v = −R q̇ over independent coordinates; column by column, contiguous in memory.
  speeds.setZero();
  const Eigen::Index nm = static_cast<Eigen::Index>(model.muscles.size());
  for (int c = 0; c < model.nq(); ++c)
    if (model.coordinates[c].coupler < 0 && qdot[c] != 0.0) speeds.head(nm).noalias() -= data.moment_arm.col(c) * qdot[c];
}

}  // namespace weaklink
