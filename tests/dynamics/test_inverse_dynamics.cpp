// Inverse dynamics, mass matrix, forward dynamics and load application checked against
// independent quantities: kinetic energy, power balance (d(T+V)/dt = q̇ᵀτ), virtual work of point
// forces by finite differences of positions, and moment arms. OpenSim parity is in tools/.
#include <random>

#include <gtest/gtest.h>

#include "dynamics/actuator_forces.hpp"
#include "dynamics/forward_dynamics.hpp"
#include "dynamics/inverse_dynamics.hpp"
#include "io/osim_reader.hpp"
#include "kinematics/forward_kinematics.hpp"
#include "muscles/path_forces.hpp"
#include "muscles/path_geometry.hpp"
#include "support/reference.hpp"

using namespace weaklink;

namespace {

Model load(const char* file) { return compile_model(io::read_osim(test::reference_dir() / "models" / file)); }

Eigen::VectorXd random_q(const Model& model, std::mt19937& rng) {
  Eigen::VectorXd q = model.default_q();
  for (int c = 0; c < model.nq(); ++c) {
    const auto& co = model.coordinates[c];
    if (co.coupler >= 0 || co.locked) continue;
    std::uniform_real_distribution<double> u(co.range_min, co.range_max);
    q[c] = u(rng);
  }
  apply_couplers(model, q);
  return q;
}

Eigen::VectorXd random_vec(int n, std::mt19937& rng, double scale) {
  std::normal_distribution<double> g(0.0, scale);
  Eigen::VectorXd v(n);
  for (int i = 0; i < n; ++i) v[i] = g(rng);
  return v;
}

// T + V at q with speeds u, from body motion (not from the mass matrix).
double energy(const Model& model, Data& data, const Eigen::VectorXd& q, const Eigen::VectorXd& u) {
  calc_forward_kinematics(model, data, q);
  const Eigen::VectorXd zero = Eigen::VectorXd::Zero(model.nq());
  Eigen::VectorXd tau(model.nq());
  calc_inverse_dynamics(model, data, q, u, zero, tau);  // fills data.motion velocities
  double e = 0;
  for (int b = 1; b < static_cast<int>(model.bodies.size()); ++b) {
    const Body& body = model.bodies[b];
    const Transform& X = data.X_GB[b];
    const Vec3 r = X.R * body.mass_center;
    const Vec3 v = data.motion.v[b] + data.motion.w[b].cross(r);
    const Vec3 w_B = X.R.transpose() * data.motion.w[b];
    e += 0.5 * body.mass * v.squaredNorm() + 0.5 * w_B.dot(body.inertia_com * w_B);
    e -= body.mass * model.gravity.dot(X.p + r);
  }
  return e;
}

class Dynamics : public ::testing::TestWithParam<const char*> {};

TEST_P(Dynamics, MassMatrixMatchesKineticEnergyAndInverseDynamicsIsLinearInAcceleration) {
  WEAKLINK_REQUIRE_REFERENCE();
  const Model model = load(GetParam());
  Data data(model);
  std::mt19937 rng(7);
  const int n = model.nq();
  Eigen::VectorXd tau_a(n), tau_0(n);
  double worst_linear = 0, worst_energy = 0;
  for (int trial = 0; trial < 20; ++trial) {
    const Eigen::VectorXd q = random_q(model, rng), u = random_vec(n, rng, 1.0), a = random_vec(n, rng, 5.0);
    calc_forward_kinematics(model, data, q);
    calc_mass_matrix(model, data);
    const Eigen::MatrixXd M = data.mass_matrix;
    EXPECT_LT((M - M.transpose()).cwiseAbs().maxCoeff(), 1e-12);
    calc_inverse_dynamics(model, data, q, u, a, tau_a);
    calc_inverse_dynamics(model, data, q, u, Eigen::VectorXd::Zero(n), tau_0);
    const Eigen::VectorXd Ma = M * a;
    worst_linear = std::max(worst_linear, (tau_a - tau_0 - Ma).cwiseAbs().maxCoeff() / (1 + Ma.cwiseAbs().maxCoeff()));
    // Kinetic energy ½uᵀMu against Σ ½m v² + ½ωᵀIω (potential cancels at equal q).
    const double T = energy(model, data, q, u) - energy(model, data, q, Eigen::VectorXd::Zero(n));
    worst_energy = std::max(worst_energy, std::abs(0.5 * u.dot(M * u) - T) / (1 + T));
  }
  EXPECT_LT(worst_linear, 1e-11);
  EXPECT_LT(worst_energy, 1e-11);
}

TEST_P(Dynamics, PowerBalanceHoldsAlongATrajectory) {
  WEAKLINK_REQUIRE_REFERENCE();
  const Model model = load(GetParam());
  Data data(model);
  std::mt19937 rng(11);
  const int n = model.nq();
  Eigen::VectorXd tau(n);
  double worst = 0;
  for (int trial = 0; trial < 10; ++trial) {
    // Independent coordinates only would also do; ID treats every coordinate as free anyway.
    const Eigen::VectorXd q = random_q(model, rng), u = random_vec(n, rng, 1.0), a = random_vec(n, rng, 3.0);
    calc_forward_kinematics(model, data, q);
    calc_inverse_dynamics(model, data, q, u, a, tau);
    const double power = u.dot(tau);
    // d/dt (T+V) along q(t) = q + u t + a t²/2, u(t) = u + a t, by a central difference.
    const double h = 1e-5;
    auto E = [&](double t) { return energy(model, data, q + u * t + 0.5 * a * t * t, u + a * t); };
    const double dE = (E(h) - E(-h)) / (2 * h);
    worst = std::max(worst, std::abs(power - dE) / (1 + std::abs(power)));
  }
  EXPECT_LT(worst, 1e-6);  // central-difference error ~h²·E''' on energies of ~1e3 J
}

TEST_P(Dynamics, AppliedPointForceDoesVirtualWork) {
  WEAKLINK_REQUIRE_REFERENCE();
  const Model model = load(GetParam());
  Data data(model), probe(model);
  std::mt19937 rng(13);
  const int n = model.nq();
  Eigen::VectorXd with(n), without(n);
  double worst = 0;
  for (int trial = 0; trial < 10; ++trial) {
    const Eigen::VectorXd q = random_q(model, rng), zero = Eigen::VectorXd::Zero(n);
    const int body = 1 + trial % (static_cast<int>(model.bodies.size()) - 1);
    const Vec3 p_B(0.03, -0.1, 0.02), f(40, -300, 25), t(3, -2, 7);
    calc_forward_kinematics(model, data, q);
    clear_applied_loads(data);
    calc_inverse_dynamics(model, data, q, zero, zero, without);
    apply_point_force(data, body, data.X_GB[body].apply(p_B), f);
    apply_body_torque(data, body, t);
    calc_inverse_dynamics(model, data, q, zero, zero, with);
    clear_applied_loads(data);
    for (int c = 0; c < n; ++c) {
      // Generalized force of the load = ∂p/∂q_c · f + ∂θ/∂q_c · t, both by central differences.
      const double h = 1e-6;
      Eigen::VectorXd qp = q, qm = q;
      qp[c] += h;
      qm[c] -= h;
      calc_forward_kinematics(model, probe, qp);
      const Transform Xp = probe.X_GB[body];
      calc_forward_kinematics(model, probe, qm);
      const Transform Xm = probe.X_GB[body];
      const Vec3 dp = (Xp.apply(p_B) - Xm.apply(p_B)) / (2 * h);
      const Mat3 dR = (Xp.R - Xm.R) / (2 * h) * data.X_GB[body].R.transpose();  // [ω]× per unit q
      const Vec3 dtheta(dR(2, 1), dR(0, 2), dR(1, 0));
      const double expected = dp.dot(f) + dtheta.dot(t);
      worst = std::max(worst, std::abs((without[c] - with[c]) - expected) / (1 + std::abs(expected)));
    }
  }
  EXPECT_LT(worst, 1e-6);
}

TEST_P(Dynamics, MusclePathLoadsProduceMomentArmTimesTension) {
  WEAKLINK_REQUIRE_REFERENCE();
  const Model model = load(GetParam());
  Data data(model);
  std::mt19937 rng(17);
  const int n = model.nq();
  Eigen::VectorXd base(n), loaded(n), mobility(n);
  const Eigen::VectorXd zero = Eigen::VectorXd::Zero(n);
  double worst = 0;
  for (int trial = 0; trial < 5; ++trial) {
    const Eigen::VectorXd q = random_q(model, rng);
    calc_forward_kinematics(model, data, q);
    calc_path_geometry(model, data, q);
    const Eigen::MatrixXd arms = data.moment_arm;
    clear_applied_loads(data);
    calc_inverse_dynamics(model, data, q, zero, zero, base);
    for (int m = 0; m < static_cast<int>(model.muscles.size()); ++m) {
      const double T = 100.0;
      mobility.setZero();
      clear_applied_loads(data);
      apply_path_tension(model, data, q, m, T, mobility);
      calc_inverse_dynamics(model, data, q, zero, zero, loaded);
      const Eigen::VectorXd generalized = base - loaded + mobility;  // Jᵀf + moving-point terms
      for (int c = 0; c < n; ++c) {
        if (model.coordinates[c].coupler >= 0) continue;
        double expected = arms(m, c) * T;
        // Independent coordinates of couplers carry the dependent's share in moment_arm.
        for (const Coupler& cp : model.couplers)
          if (cp.independent == c) expected -= arms(m, cp.dependent) * T * cp.scale_factor * cp.function.eval(q[c]).df;
        worst = std::max(worst, std::abs(generalized[c] - expected));
      }
    }
    clear_applied_loads(data);
  }
  EXPECT_LT(worst, 1e-9 * 100.0);
}

TEST_P(Dynamics, ForwardDynamicsInvertsInverseDynamicsWithConstraints) {
  WEAKLINK_REQUIRE_REFERENCE();
  const Model model = load(GetParam());
  Data data(model);
  ForwardDynamics fd(model);
  std::mt19937 rng(19);
  const int n = model.nq();
  const auto& fr = fd.free();
  const int nf = static_cast<int>(fr.size());
  Eigen::MatrixXd G(n, nf);
  Eigen::VectorXd gamma(n), qdd(n), tau(n), u(n);
  double worst = 0;
  for (int trial = 0; trial < 10; ++trial) {
    const Eigen::VectorXd q = random_q(model, rng);
    // Constraint-consistent speeds: u = G v.
    calc_coordinate_map(model, fr, q, Eigen::VectorXd::Zero(n), G, gamma);
    u = G * random_vec(nf, rng, 1.0);
    Eigen::VectorXd tau_in = random_vec(n, rng, 20.0);
    calc_forward_kinematics(model, data, q);
    clear_applied_loads(data);
    fd.calc(model, data, q, u, tau_in, qdd);
    // The result moves along the constraints ...
    calc_coordinate_map(model, fr, q, u, G, gamma);
    Eigen::VectorXd vdot(nf);
    for (int k = 0; k < nf; ++k) vdot[k] = qdd[fr[k]];
    worst = std::max(worst, (qdd - (G * vdot + gamma)).cwiseAbs().maxCoeff());
    // ... and inverse dynamics of it gives back the applied forces projected on the free motion.
    calc_inverse_dynamics(model, data, q, u, qdd, tau);
    worst = std::max(worst, (G.transpose() * (tau - tau_in)).cwiseAbs().maxCoeff() / (1 + tau_in.cwiseAbs().maxCoeff()));
  }
  EXPECT_LT(worst, 1e-9);
}

INSTANTIATE_TEST_SUITE_P(ReferenceModels, Dynamics,
                         ::testing::Values("gait2392_thelen2003muscle.osim", "RajagopalLaiUhlrich2023.osim"),
                         [](const auto& param) { return param.index == 0 ? std::string("gait2392") : std::string("Rajagopal2023"); });

}  // namespace
