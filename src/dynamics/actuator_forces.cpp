#include "dynamics/actuator_forces.hpp"

#include "dynamics/inverse_dynamics.hpp"

namespace weaklink {
namespace {

// Force vector and point (Ground) of a PointActuator with unit actuation.
void point_actuator_geometry(const Data& data, const Actuator& act, Vec3& p_G, Vec3& f_G) {
  const Transform& X = data.X_GB[act.body];
  // A global point is converted to the body at the current state, i.e. it is where it says.
  p_G = act.point_is_global ? act.point : X.apply(act.point);
  const Vec3 d = act.direction.normalized();
  f_G = act.force_is_global ? d : Vec3(X.R * d);
}

Vec3 torque_actuator_axis(const Data& data, const Actuator& act) {
  const Vec3 axis = act.direction.normalized();
  return act.force_is_global ? axis : Vec3(data.X_GB[act.body].R * axis);
}

}  // namespace

void apply_actuator(const Model& model, Data& data, int a, double force, Eigen::Ref<Eigen::VectorXd> tau_mobility) {
  const Actuator& act = model.actuators[a];
  switch (act.kind) {
    case ActuatorSpec::Kind::Coordinate:
      tau_mobility[act.coordinate] += force;
      break;
    case ActuatorSpec::Kind::Point: {
      Vec3 p, f;
      point_actuator_geometry(data, act, p, f);
      apply_point_force(data, act.body, p, force * f);
      break;
    }
    case ActuatorSpec::Kind::Torque: {
      const Vec3 t = force * torque_actuator_axis(data, act);
      apply_body_torque(data, act.body, t);
      apply_body_torque(data, act.body_b, -t);
      break;
    }
  }
}

void actuator_generalized_force(const Model& model, const Data& data, int a, Eigen::Ref<Eigen::VectorXd> column) {
  const Actuator& act = model.actuators[a];
  column.setZero();
  // A load (F, M about Ground's origin) on body b does work through every coordinate that moves b.
  auto add_load = [&](int body, const Vec3& F, const Vec3& M) {
    if (body == kGround) return;
    for (int k = model.support_begin[body]; k < model.support_begin[body + 1]; ++k) {
      const int c = model.support_coordinates[k];
      column[c] += data.axis_w[c].dot(M) + data.axis_v0[c].dot(F);
    }
  };
  switch (act.kind) {
    case ActuatorSpec::Kind::Coordinate:
      column[act.coordinate] = 1.0;
      break;
    case ActuatorSpec::Kind::Point: {
      Vec3 p, f;
      point_actuator_geometry(data, act, p, f);
      add_load(act.body, f, p.cross(f));
      break;
    }
    case ActuatorSpec::Kind::Torque: {
      const Vec3 t = torque_actuator_axis(data, act);
      add_load(act.body, Vec3::Zero(), t);
      add_load(act.body_b, Vec3::Zero(), -t);
      break;
    }
  }
}

}  // namespace weaklink
