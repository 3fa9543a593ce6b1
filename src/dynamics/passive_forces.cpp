#include "dynamics/passive_forces.hpp"

#include <cmath>

#include "dynamics/inverse_dynamics.hpp"

namespace weaklink {
namespace {

using Kind = PassiveForceSpec::Kind;

// Simbody's Function::Step: y0 for x ≤ x0, y1 for x ≥ x1, a quintic blend in between.
double step(double y0, double y1, double x0, double x1, double x) {
  if (x <= x0) return y0;
  if (x >= x1) return y1;
  const double t = (x - x0) / (x1 - x0);
  return y0 + (y1 - y0) * t * t * t * (10.0 - 15.0 * t + 6.0 * t * t);
}

// SpringGeneralizedForce: f = −k (q − q0) − c q̇.
double spring_generalized_force(const PassiveForce& f, double q, double qdot) {
  return -f.stiffness * (q - f.rest_length) - f.viscosity * qdot;
}

// ExpressionBasedCoordinateForce: the expression's value in q and qdot (positive along +q).
double expression_force(const PassiveForce& f, double q, double qdot) {
  const double values[2] = {q, qdot};
  return f.expression.eval(values);
}

// A PointToPointSpring's points (Ground) and the force on point 1 (the opposite acts on point 2).
void spring_geometry(const PassiveForce& f, const Data& data, Vec3& p1, Vec3& p2, Vec3& f1) {
  p1 = data.X_GB[f.body1].apply(f.point1);
  p2 = data.X_GB[f.body2].apply(f.point2);
  const Vec3 r = p2 - p1;
  const double d = r.norm();
  f1 = f.stiffness * (d - f.rest_length) * r / d;  // tension pulls the points together; d = 0: NaN, as OpenSim
}

// Calls coordinate(c, Q) for each generalized force and body(b, F, p) for each point force.
template <class OnCoordinate, class OnBody>
void for_each_passive_load(const Model& model, const Data& data, const Eigen::Ref<const Eigen::VectorXd>& q,
                           const Eigen::Ref<const Eigen::VectorXd>& qdot, OnCoordinate&& coordinate, OnBody&& body) {
  for (const PassiveForce& f : model.passive_forces) {
    switch (f.kind) {
      case Kind::CoordinateLimit:
        coordinate(f.coordinate, coordinate_limit_force(f, q[f.coordinate], qdot[f.coordinate]));
        break;
      case Kind::SpringGeneralized:
        coordinate(f.coordinate, spring_generalized_force(f, q[f.coordinate], qdot[f.coordinate]));
        break;
      case Kind::ExpressionCoordinate:
        coordinate(f.coordinate, expression_force(f, q[f.coordinate], qdot[f.coordinate]));
        break;
      case Kind::PointToPointSpring: {
        Vec3 p1, p2, f1;
        spring_geometry(f, data, p1, p2, f1);
        body(f.body1, f1, p1);
        body(f.body2, Vec3(-f1), p2);
        break;
      }
    }
  }
}

}  // namespace

double coordinate_limit_force(const PassiveForce& f, double q, double qdot) {
  const double k_up = step(0.0, f.upper_stiffness, f.upper_limit, f.upper_limit + f.transition, q);
  const double k_lo = step(f.lower_stiffness, 0.0, f.lower_limit - f.transition, f.lower_limit, q);
  const double damping = -f.damping * (k_up / f.upper_stiffness + k_lo / f.lower_stiffness) * qdot;
  return -k_up * (q - f.upper_limit) + k_lo * (f.lower_limit - q) + damping;
}

double coordinate_limit_potential_energy(const PassiveForce& f, double q) {
  double k = 0, d = 0;
  if (q > f.upper_limit) {
    k = f.upper_stiffness;
    d = q - f.upper_limit;
  } else if (q < f.lower_limit) {
    k = f.lower_stiffness;
    d = f.lower_limit - q;
  } else {
    return 0.0;
  }
  const double delta = f.transition;
  if (d >= delta) return k * (d * d / 2.0 - delta * delta / 7.0);
  const double x = d / delta;
  return k * x * x * x * (2.0 - 2.5 * x + (6.0 / 7.0) * x * x) * d * d;
}

void apply_passive_forces(const Model& model, Data& data, const Eigen::Ref<const Eigen::VectorXd>& q,
                          const Eigen::Ref<const Eigen::VectorXd>& qdot, Eigen::Ref<Eigen::VectorXd> mobility) {
  for_each_passive_load(
      model, data, q, qdot, [&](int c, double Q) { mobility[c] += Q; },
      [&](int b, const Vec3& F, const Vec3& p) { apply_point_force(data, b, p, F); });
}

void add_passive_generalized_forces(const Model& model, const Data& data, const Eigen::Ref<const Eigen::VectorXd>& q,
                                    const Eigen::Ref<const Eigen::VectorXd>& qdot, Eigen::Ref<Eigen::VectorXd> tau) {
  for_each_passive_load(
      model, data, q, qdot, [&](int c, double Q) { tau[c] += Q; },
      [&](int b, const Vec3& F, const Vec3& p) {
        // A force F at p does work through every coordinate that moves body b: Jᵀ F.
        if (b == kGround) return;
        const Vec3 M = p.cross(F);
        for (int k = model.support_begin[b]; k < model.support_begin[b + 1]; ++k) {
          const int c = model.support_coordinates[k];
          tau[c] += data.axis_w[c].dot(M) + data.axis_v0[c].dot(F);
        }
      });
}

std::vector<std::string> passive_force_labels(const Model& model, int k) {
  const PassiveForce& f = model.passive_forces[static_cast<std::size_t>(k)];
  switch (f.kind) {
    case Kind::CoordinateLimit: return {f.name, "PotentialEnergy"};
    case Kind::SpringGeneralized: return {f.name + "_Force"};
    case Kind::ExpressionCoordinate: return {f.name};
    case Kind::PointToPointSpring: {
      std::vector<std::string> out;
      for (int b : {f.body1, f.body2})
        for (const char* part : {".force.", ".point."})
          for (const char* axis : {"X", "Y", "Z"}) out.push_back(f.name + "." + model.bodies[b].name + part + axis);
      return out;
    }
  }
  return {};
}

int passive_force_record_size(const Model& model, int k) {
  switch (model.passive_forces[static_cast<std::size_t>(k)].kind) {
    case Kind::CoordinateLimit: return 2;
    case Kind::SpringGeneralized:
    case Kind::ExpressionCoordinate: return 1;
    case Kind::PointToPointSpring: return 12;
  }
  return 0;
}

void record_passive_force(const Model& model, const Data& data, int k, const Eigen::Ref<const Eigen::VectorXd>& q,
                          const Eigen::Ref<const Eigen::VectorXd>& qdot, double* out) {
  const PassiveForce& f = model.passive_forces[static_cast<std::size_t>(k)];
  switch (f.kind) {
    case Kind::CoordinateLimit:
      out[0] = coordinate_limit_force(f, q[f.coordinate], qdot[f.coordinate]);
      out[1] = coordinate_limit_potential_energy(f, q[f.coordinate]);
      break;
    case Kind::SpringGeneralized:
      out[0] = spring_generalized_force(f, q[f.coordinate], qdot[f.coordinate]);
      break;
    case Kind::ExpressionCoordinate:
      out[0] = expression_force(f, q[f.coordinate], qdot[f.coordinate]);
      break;
    case Kind::PointToPointSpring: {
      Vec3 p1, p2, f1;
      spring_geometry(f, data, p1, p2, f1);
      const Vec3 values[4] = {f1, p1, -f1, p2};
      for (int i = 0; i < 4; ++i)
        for (int j = 0; j < 3; ++j) out[3 * i + j] = values[i][j];
      break;
    }
  }
}

}  // namespace weaklink
