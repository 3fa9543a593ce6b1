#include "chain/simulation/simulate_activity.hpp"

#include <fmt/format.h>

#include <cmath>

#include "core/error.hpp"
#include "dynamics/forward_dynamics.hpp"
#include "dynamics/inverse_dynamics.hpp"
#include "dynamics/joint_reactions.hpp"
#include "dynamics/lumbar_load.hpp"
#include "kinematics/center_of_mass.hpp"
#include "kinematics/forward_kinematics.hpp"
#include "muscles/path_forces.hpp"

namespace weaklink {
namespace {

// The joint that a coordinate of this name belongs to, -1 when the model lacks it.
int joint_of(const Model& model, const char* coordinate) {
  const int c = model.find_coordinate(coordinate);
  return c < 0 ? -1 : model.coordinates[static_cast<std::size_t>(c)].joint;
}

void apply_known_loads(const ActivityMotion& m, Data& data, int i) {
  for (const auto& load : m.loads) {
    apply_point_force(data, load.body, load.point[static_cast<std::size_t>(i)], load.force[static_cast<std::size_t>(i)]);
    if (!load.moment.empty()) data.applied_moment[static_cast<std::size_t>(load.body)] += load.moment[static_cast<std::size_t>(i)];
  }
}

}  // namespace

ActivityResult simulate_activity(const Model& model, const std::string& activity, const ActivityMotion& motion,
                                 const SimulationOptions& options, const Eigen::VectorXd& strength) {
  ActivityResult r;
  r.activity = activity;
  r.body_weight = calc_total_mass(model) * model.gravity.norm();
  r.motion = motion;

  StaticOptimization solver(model, options.static_optimization, motion.contacts);
  if (strength.size() > 0 && strength.size() != static_cast<Eigen::Index>(solver.actuators().size()))
    throw std::invalid_argument("simulate_activity: strength has the wrong size");
  const int n = static_cast<int>(motion.motion.time.size()), na = static_cast<int>(solver.actuators().size());
  const int np = static_cast<int>(motion.contacts.pairs.size()), nr = static_cast<int>(solver.reserve_coordinates().size());
  for (int k = 0; k < na; ++k) r.actuator_names.push_back(solver.actuator_name(model, k));
  r.reserve_coordinates = solver.reserve_coordinates();
  r.activations.resize(n, na);
  r.forces.resize(n, na);
  r.contact_forces.resize(n, 3 * np);
  r.contact_strength.resize(n, np);
  r.reserves.resize(n, nr);
  r.equilibrium.resize(n, 6);
  r.joints.resize(static_cast<std::size_t>(n));
  r.frames.resize(static_cast<std::size_t>(n));

  const int lumbar = find_lumbar_joint(model);
  const int hips[2] = {joint_of(model, "hip_flexion_r"), joint_of(model, "hip_flexion_l")};
  const int knees[2] = {joint_of(model, "knee_angle_r"), joint_of(model, "knee_angle_l")};
  const int root = model.joints.empty() ? -1 : 0;  // joints are in tree order: the first hangs from Ground

  Data data(model);
  ForwardDynamics fd(model);
  Eigen::VectorXd q(model.nq()), u(model.nq()), qdd(model.nq()), tau(model.nq()), mobility(model.nq());
  Eigen::VectorXd controls(na), forces(na), contact_strength(np), surface_load(static_cast<Eigen::Index>(motion.contacts.surfaces.size()));
  r.activations.setZero();
  r.forces.setZero();
  r.contact_forces.setZero();
  r.contact_strength.setZero();
  r.reserves.setZero();
  r.equilibrium.setZero();
  const int solved = options.frames.empty() ? n : static_cast<int>(options.frames.size());
  for (int step = 0; step < solved; ++step) {
    const int i = options.frames.empty() ? step : options.frames[static_cast<std::size_t>(step)];
    if (i < 0 || i >= n) throw std::invalid_argument("simulate_activity: frame index out of range");
    q = motion.motion.q.row(i).transpose();
    u = motion.motion.u.row(i).transpose();
    qdd = motion.motion.qddot.row(i).transpose();
    calc_forward_kinematics(model, data, q);
    // Which contacts may carry load: height above the surface and speed (activity_motion.hpp).
    for (int c = 0; c < np; ++c) {
      const ContactPair& pair = motion.contacts.pairs[static_cast<std::size_t>(c)];
      const ContactSurface& s = motion.contacts.surfaces[static_cast<std::size_t>(pair.surface)];
      const Vec3 p = data.X_GB[pair.body].apply(pair.p_B);
      double availability = 1.0;
      if (!motion.pair_attached[static_cast<std::size_t>(c)])
        availability = contact_availability((p - s.point).dot(s.normal), point_velocity(model, data, pair.body, p, u).norm(), s.reach);
      contact_strength[c] = availability * options.contact_strength;
      r.contact_strength(i, c) = contact_strength[c];
    }
    for (int s = 0; s < static_cast<int>(motion.contacts.surfaces.size()); ++s) surface_load[s] = motion.surface_load(i, s);
    clear_applied_loads(data);
    apply_known_loads(motion, data, i);
    r.frames[static_cast<std::size_t>(i)] = solver.solve(
        model, data, {.q = q, .u = u, .qddot_target = qdd, .strength = strength, .contact_strength = contact_strength, .surface_load = surface_load},
        controls, forces);
    r.activations.row(i) = controls.transpose();
    r.forces.row(i) = forces.transpose();
    for (int c = 0; c < np; ++c) r.contact_forces.block(i, 3 * c, 1, 3) = solver.contact_forces()[static_cast<std::size_t>(c)].transpose();
    r.reserves.row(i) = solver.reserve_forces().transpose();
    if (!options.joint_loads) continue;

    // Whole-body equilibrium: with only the external loads applied, what the Ground–root joint
    // would still have to supply at the motion's accelerations.
    calc_forward_kinematics(model, data, q);
    clear_applied_loads(data);
    apply_known_loads(motion, data, i);
    for (int c = 0; c < np; ++c)
      apply_point_force(data, motion.contacts.pairs[static_cast<std::size_t>(c)].body, solver.contact_points()[static_cast<std::size_t>(c)],
                        solver.contact_forces()[static_cast<std::size_t>(c)]);
    calc_inverse_dynamics(model, data, q, u, qdd, tau);
    if (root >= 0) {
      const int body = model.joints[0].child_body;
      const Vec3 com = calc_center_of_mass_position_in_world(model, data);
      const Vec3 F = data.joint_force[body], M = data.joint_moment[body] - com.cross(F);
      r.equilibrium.block(i, 0, 1, 3) = F.transpose();
      r.equilibrium.block(i, 3, 1, 3) = M.transpose();
    }

    // Joint reactions with every force applied (muscles, reserves, contacts, known loads), at the
    // accelerations those forces produce (OpenSim's JointReaction, docs/opensim-semantics.md#joint-reaction;
    // dynamics/joint_reactions.hpp).
    mobility.setZero();
    apply_actuator_forces(model, data, q, solver.actuators(), forces.transpose(), mobility);
    for (int k = 0; k < nr; ++k) mobility[solver.reserve_coordinates()[static_cast<std::size_t>(k)]] += solver.reserve_forces()[k];
    calc_joint_reactions(model, data, fd, q, u, mobility, qdd, tau);
    JointLoads& jl = r.joints[static_cast<std::size_t>(i)];
    if (lumbar >= 0) {
      const Transform X_WM = joint_child_frame_in_world(model, data, lumbar);
      const JointReaction R = joint_reaction_on_child_about(model, data, lumbar, X_WM.p);
      const LumbarLoad l = lumbar_load_from_reaction_on_torso(X_WM.R.transpose() * R.F_W, X_WM.R.transpose() * R.M_W);
      jl.lumbar_compression = l.compression_L5S1_T;
      jl.lumbar_shear_ap = l.anterior_shear_L5S1_T;
      jl.lumbar_shear_lateral = l.right_shear_L5S1_T;
    }
    // Hip and knee contact: the magnitude of the joint's force on its child.
    double* hip[2] = {&jl.hip_r, &jl.hip_l};
    double* knee[2] = {&jl.knee_r, &jl.knee_l};
    for (int s = 0; s < 2; ++s) {
      if (hips[s] >= 0) *hip[s] = data.joint_force[static_cast<std::size_t>(model.joints[static_cast<std::size_t>(hips[s])].child_body)].norm();
      if (knees[s] >= 0) *knee[s] = data.joint_force[static_cast<std::size_t>(model.joints[static_cast<std::size_t>(knees[s])].child_body)].norm();
    }
  }
  r.warnings = motion.warnings;
  const std::string wrap = wrap_skipped_warning(model, r.frames);
  if (!wrap.empty()) r.warnings.push_back(wrap);
  if (lumbar < 0) r.warnings.push_back("the model has no lumbar joint (no lumbar_extension coordinate, no joint from the pelvis to a torso or lumbar body): no L5/S1 loads");
  check_activity_result(r);
  return r;
}

void check_activity_result(ActivityResult& r) {
  ResultValidity& v = r.validity;
  v = ResultValidity{};
  v.check_finite(r.motion.motion.q, "the motion's coordinates");
  v.check_finite(r.motion.motion.u, "the motion's speeds");
  v.check_finite(r.motion.motion.qddot, "the motion's accelerations");
  v.check_finite(r.activations, "the activations");
  v.check_finite(r.forces, "the muscle forces");
  v.check_finite(r.contact_forces, "the contact forces");
  v.check_finite(r.reserves, "the reserves");
  v.check_finite(r.equilibrium, "the whole-body residual");
  Eigen::MatrixXd joints(static_cast<Eigen::Index>(r.joints.size()), 7);
  for (std::size_t i = 0; i < r.joints.size(); ++i) {
    const JointLoads& j = r.joints[i];
    joints.row(static_cast<Eigen::Index>(i)) << j.lumbar_compression, j.lumbar_shear_ap, j.lumbar_shear_lateral, j.hip_r, j.hip_l,
        j.knee_r, j.knee_l;
  }
  v.check_finite(joints, "the joint loads");
  // The pose must be the activity's: contact sites more than 2 cm from their surfaces (where the
  // contacts still carry full load, contact_availability) mean the motion is not the one described.
  if (r.motion.max_anchor_error > kAnchorTolerance)
    v.fail(fmt::format("the pose misses its contacts by {:.0f} mm (more than {:.0f} mm): the activity's tracks and contacts cannot "
                       "be met together",
                       1000 * r.motion.max_anchor_error, 1000 * kAnchorTolerance));
  // Measured trials apply their recorded ground reactions as known loads and solve no contacts:
  // their residual is the data's own inconsistency, which residual actuators absorb as in OpenSim.
  if (!v.valid() || r.motion.contacts.pairs.empty()) return;
  const double force = max_residual_force(r), moment = max_residual_moment(r), bw = r.body_weight;
  if (force > kResidualForceTolerance * bw)
    v.fail(fmt::format("whole-body residual force {:.3g} N exceeds {:g} % of body weight ({:.1f} N): the contacts cannot produce this "
                       "motion's accelerations",
                       force, 100 * kResidualForceTolerance, kResidualForceTolerance * bw));
  if (moment > kResidualMomentTolerance * bw)
    v.fail(fmt::format("whole-body residual moment {:.3g} N·m exceeds {:g} % of body weight x 1 m ({:.1f} N·m)", moment,
                       100 * kResidualMomentTolerance, kResidualMomentTolerance * bw));
}

double max_residual_force(const ActivityResult& r) {
  double m = 0;
  for (Eigen::Index i = 0; i < r.equilibrium.rows(); ++i) m = std::max(m, r.equilibrium.row(i).head<3>().norm());
  return m;
}

double max_residual_moment(const ActivityResult& r) {
  double m = 0;
  for (Eigen::Index i = 0; i < r.equilibrium.rows(); ++i) m = std::max(m, r.equilibrium.row(i).tail<3>().norm());
  return m;
}

}  // namespace weaklink
