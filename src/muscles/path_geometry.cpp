#include "muscles/path_geometry.hpp"

#include <cmath>

#include "muscles/wrap_cylinder.hpp"
#include "muscles/wrap_ellipsoid.hpp"
#include "muscles/wrap_sphere.hpp"

namespace weaklink {

namespace {

// Conditional path points are active within their range widened by 1e-5 (OpenSim, §6.1 / quirk 18).
constexpr double kConditionalTolerance = 1e-5;
// Multi-object wrapping stops when the length changes by less than this between passes (§6.6).
constexpr double kWrapPassTolerance = 0.0005;
constexpr int kMaxWrapPasses = 8;

Vec3 moving_point_location(const PathPoint& p, const Eigen::Ref<const Eigen::VectorXd>& q) {
  Vec3 f;
  for (int i = 0; i < 3; ++i) {
    const int c = p.moving_coordinate[i];
    f[i] = p.moving_function[i].value(c >= 0 ? q[c] : 0.0);
  }
  return p.R_BF * f + p.p_BF;
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

// Applies one PathWrap to the current path (§6.6): picks the segment, inserts two tangent points.
WrapStatus apply_wrap(const Model& model, Data& data, const Muscle& mu, int wrap_index, bool refine) {
  auto& path = data.path;
  // Remove this object's previous tangent points.
  for (std::size_t i = 0; i < path.size();) {
    if (path[i].wrap == wrap_index) path.erase(path.begin() + static_cast<std::ptrdiff_t>(i));
    else ++i;
  }
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

}  // namespace

double calc_muscle_path(const Model& model, Data& data, const Eigen::Ref<const Eigen::VectorXd>& q, int m) {
  const Muscle& mu = model.muscles[m];
  auto& path = data.path;
  path.clear();
  for (int i = mu.first_point; i < mu.first_point + mu.num_points; ++i) {
    const PathPoint& p = model.path_points[i];
    if (p.kind == PathPointSpec::Kind::Conditional) {
      const double v = q[p.coordinate];
      if (v < p.range_min - kConditionalTolerance || v > p.range_max + kConditionalTolerance) continue;
    }
    PathNode n;
    n.body = p.body;
    n.point = i;
    n.p_B = p.kind == PathPointSpec::Kind::Moving ? moving_point_location(p, q) : p.p_B;
    n.p_G = data.X_GB[p.body].apply(n.p_B);
    path.push_back(n);
  }
  data.muscle_wrapped[m] = 0;
  if (mu.num_wraps == 0) return path_length(path);

  // Wrapping (§6.6): one pass with one object; with several, repeat until the length settles.
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
    const double L = path_length(path);
    if (std::abs(L - previous) < kWrapPassTolerance) break;
    previous = L;
  }
  int wrapped = 0;
  for (const auto& n : path) wrapped += n.wrap >= 0 ? 1 : 0;
  data.muscle_wrapped[m] = wrapped / 2;
  return path_length(path);
}

void calc_path_geometry(const Model& model, Data& data, const Eigen::Ref<const Eigen::VectorXd>& q) {
  const int nq = model.nq();
  for (int m = 0; m < static_cast<int>(model.muscles.size()); ++m) {
    data.muscle_length[m] = calc_muscle_path(model, data, q, m);
    // ∂L/∂q = Σ over straight segments of u·(∂p_b/∂q − ∂p_a/∂q), u the unit vector a→b.
    auto& g = data.dl_dq;
    g.setZero();
    const auto& path = data.path;
    auto add_point = [&](const PathNode& n, const Vec3& f) {  // f: force-like weight on the point
      for (int k = model.support_begin[n.body]; k < model.support_begin[n.body + 1]; ++k) {
        const int c = model.support_coordinates[k];
        g[c] += f.dot(data.axis_w[c].cross(n.p_G - data.axis_o[c]) + data.axis_v[c]);
      }
      if (n.point >= 0) {
        const PathPoint& p = model.path_points[n.point];
        if (p.kind == PathPointSpec::Kind::Moving && p.moving_coordinate[0] >= 0) {
          // The point slides on its body; OpenSim attributes the whole term to the x coordinate.
          Vec3 df;
          for (int i = 0; i < 3; ++i) {
            const int c = p.moving_coordinate[i];
            df[i] = p.moving_function[i].eval(c >= 0 ? q[c] : 0.0).df;
          }
          g[p.moving_coordinate[0]] += f.dot(data.X_GB[n.body].R * (p.R_BF * df));
        }
      }
    };
    for (std::size_t i = 0; i + 1 < path.size(); ++i) {
      const PathNode& a = path[i];
      const PathNode& b = path[i + 1];
      if (a.wrap >= 0 && a.wrap == b.wrap) continue;  // surface segment: both ends on one body
      const Vec3 d = b.p_G - a.p_G;
      const double len = d.norm();
      if (!(len > 0)) continue;
      const Vec3 u = d / len;
      add_point(b, u);
      add_point(a, -u);
    }
    for (int c = 0; c < nq; ++c) data.moment_arm(m, c) = g[c] == 0.0 ? 0.0 : -g[c];  // no negative zeros
    for (const auto& k : model.couplers)
      data.moment_arm(m, k.independent) +=
          data.moment_arm(m, k.dependent) * k.scale_factor * k.function.eval(q[k.independent]).df;
  }
}

void calc_path_speeds(const Model& model, const Data& data, const Eigen::Ref<const Eigen::VectorXd>& qdot,
                      Eigen::Ref<Eigen::VectorXd> speeds) {
  for (int m = 0; m < static_cast<int>(model.muscles.size()); ++m) {
    double v = 0;
    for (int c = 0; c < model.nq(); ++c)
      if (model.coordinates[c].coupler < 0) v -= data.moment_arm(m, c) * qdot[c];
    speeds[m] = v;
  }
}

}  // namespace weaklink
