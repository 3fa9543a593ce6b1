// Body velocities and accelerations from (q, q̇, q̈) against finite differences of forward
// kinematics along a smooth trajectory q(t), on gait2392 (splines in the knee) and Rajagopal.
#include <gtest/gtest.h>

#include "io/osim_reader.hpp"
#include "kinematics/body_motion.hpp"
#include "kinematics/forward_kinematics.hpp"
#include "support/reference.hpp"

using namespace weaklink;

namespace {
void check(const Model& model) {
  Data d(model), dp(model), dm(model);
  BodyMotion bm(model);
  const int n = model.nq();
  Eigen::VectorXd q0 = model.default_q(), c1(n), c2(n);
  for (int i = 0; i < n; ++i) {
    c1[i] = 0.7 * std::sin(1.3 * i + 0.2);
    c2[i] = 0.4 * std::cos(0.9 * i);
  }
  // q(t) = q0 + c1 t + c2 t²/2 (couplers ignored: all coordinates moved independently)
  auto q_at = [&](double t) { Eigen::VectorXd q = q0 + c1 * t + 0.5 * c2 * t * t; return q; };
  const double t = 0.3, h = 1e-4;
  const Eigen::VectorXd q = q_at(t), qd = c1 + c2 * t, qdd = c2;
  calc_forward_kinematics(model, d, q);
  calc_body_motion(model, d, q, qd, qdd, bm);
  calc_forward_kinematics(model, dp, q_at(t + h));
  calc_forward_kinematics(model, dm, q_at(t - h));
  double worst_v = 0, worst_a = 0, worst_w = 0;
  for (int b = 1; b < static_cast<int>(model.bodies.size()); ++b) {
    const Vec3 v_fd = (dp.X_GB[b].p - dm.X_GB[b].p) / (2 * h);
    const Vec3 a_fd = (dp.X_GB[b].p - 2 * d.X_GB[b].p + dm.X_GB[b].p) / (h * h);
    // ω from Ṙ Rᵀ (skew part).
    const Mat3 W = (dp.X_GB[b].R - dm.X_GB[b].R) / (2 * h) * d.X_GB[b].R.transpose();
    const Vec3 w_fd(W(2, 1), W(0, 2), W(1, 0));
    worst_v = std::max(worst_v, (v_fd - bm.v[b]).norm());
    worst_a = std::max(worst_a, (a_fd - bm.a[b]).norm());
    worst_w = std::max(worst_w, (w_fd - bm.w[b]).norm());
    // Also the generic point velocity of forward_kinematics agrees.
    EXPECT_LT((point_velocity(model, d, b, d.X_GB[b].p, qd) - bm.v[b]).norm(), 1e-9);
  }
  EXPECT_LT(worst_v, 1e-6) << model.name;
  EXPECT_LT(worst_w, 1e-6) << model.name;
  EXPECT_LT(worst_a, 1e-5) << model.name;  // second difference: truncation ~h² ≈ 1e-8, rounding ~eps/h² ≈ 1e-8
}
}  // namespace

TEST(BodyMotion, DemoModelMatchesFiniteDifferences) {
  check(compile_model(io::read_osim(test::source_dir() / "data/models/weaklink_demo_leg.osim")));
}

TEST(BodyMotion, ReferenceModelsMatchFiniteDifferences) {
  WEAKLINK_REQUIRE_REFERENCE();
  check(compile_model(io::read_osim(test::reference_dir() / "models/gait2392_thelen2003muscle.osim")));
  check(compile_model(io::read_osim(test::reference_dir() / "models/RajagopalLaiUhlrich2023.osim")));
}
