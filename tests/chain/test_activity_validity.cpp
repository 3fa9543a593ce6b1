// A simulated activity's result is checked before it is reported: non-finite numbers anywhere, or
// whole-body equilibrium off by more than 1 % of body weight, make it invalid with the reason.
#include <cmath>
#include <limits>

#include <gtest/gtest.h>

#include "chain/simulation/simulate_activity.hpp"
#include "core/error.hpp"
#include "core/result_validity.hpp"

namespace weaklink {
namespace {

// A small consistent result of 3 frames, contacts solved (one pair), body weight 700 N.
ActivityResult consistent() {
  ActivityResult r;
  r.activity = "crafted";
  r.body_weight = 700;
  r.motion.motion.time = {0, 0.5, 1};
  r.motion.motion.q = Eigen::MatrixXd::Zero(3, 2);
  r.motion.motion.u = Eigen::MatrixXd::Zero(3, 2);
  r.motion.motion.qddot = Eigen::MatrixXd::Zero(3, 2);
  r.motion.contacts.pairs.resize(1);
  r.activations = Eigen::MatrixXd::Constant(3, 4, 0.1);
  r.forces = Eigen::MatrixXd::Constant(3, 4, 50);
  r.contact_forces = Eigen::MatrixXd::Zero(3, 3);
  r.reserves = Eigen::MatrixXd::Zero(3, 1);
  r.equilibrium = Eigen::MatrixXd::Zero(3, 6);
  r.joints.resize(3);
  return r;
}

TEST(ActivityValidity, AConsistentResultIsValid) {
  ActivityResult r = consistent();
  r.equilibrium(1, 1) = 6.9;  // just under 1 % of body weight
  r.equilibrium(1, 4) = 6.9;
  check_activity_result(r);
  EXPECT_TRUE(r.validity.valid()) << r.validity.reason();
  EXPECT_EQ(r.validity.header().front().second, "true");
  EXPECT_EQ(r.validity.csv_comment(), "");
  EXPECT_NO_THROW(r.validity.throw_if_invalid("simulate crafted"));
}

TEST(ActivityValidity, ANonFiniteNumberAnywhereMakesItInvalid) {
  for (int where = 0; where < 4; ++where) {
    ActivityResult r = consistent();
    const double nan = std::numeric_limits<double>::quiet_NaN(), inf = std::numeric_limits<double>::infinity();
    if (where == 0) r.forces(2, 3) = nan;
    if (where == 1) r.joints[1].lumbar_compression = -inf;
    if (where == 2) r.motion.motion.qddot(0, 1) = nan;
    if (where == 3) r.contact_forces(1, 2) = inf;
    check_activity_result(r);
    ASSERT_FALSE(r.validity.valid()) << where;
    EXPECT_NE(r.validity.reason().find("non-finite"), std::string::npos) << r.validity.reason();
  }
  ActivityResult r = consistent();
  r.forces(2, 3) = std::numeric_limits<double>::quiet_NaN();
  check_activity_result(r);
  EXPECT_NE(r.validity.reason().find("the muscle forces holds a non-finite number (nan at row 3, column 4)"), std::string::npos)
      << r.validity.reason();
  const auto h = r.validity.header();
  ASSERT_EQ(h.size(), 2u);
  EXPECT_EQ(h[0], (std::pair<std::string, std::string>{"valid", "false"}));
  EXPECT_EQ(h[1].first, "invalid_reason");
  EXPECT_EQ(r.validity.csv_comment().rfind("# valid=false: ", 0), 0u);
  EXPECT_THROW(r.validity.throw_if_invalid("simulate crafted"), InvalidResultError);
}

TEST(ActivityValidity, AResidualBeyondOnePercentOfBodyWeightMakesItInvalid) {
  ActivityResult r = consistent();
  r.equilibrium(2, 0) = 150;  // N, the size left by walking at the edges of the person ranges once
  check_activity_result(r);
  ASSERT_FALSE(r.validity.valid());
  EXPECT_NE(r.validity.reason().find("whole-body residual force 150 N exceeds 1 % of body weight (7.0 N)"), std::string::npos)
      << r.validity.reason();

  ActivityResult m = consistent();
  m.equilibrium(0, 5) = 20;  // N·m
  check_activity_result(m);
  ASSERT_FALSE(m.validity.valid());
  EXPECT_NE(m.validity.reason().find("residual moment 20 N·m"), std::string::npos) << m.validity.reason();

  ActivityResult off = consistent();
  off.motion.max_anchor_error = 1.3;  // m: a step too high for the pose solver to reach
  check_activity_result(off);
  ASSERT_FALSE(off.validity.valid());
  EXPECT_NE(off.validity.reason().find("misses its contacts by 1300 mm"), std::string::npos) << off.validity.reason();

  // A measured trial (no contacts solved): its residual is the data's, left to residual actuators.
  ActivityResult t = consistent();
  t.motion.contacts.pairs.clear();
  t.equilibrium(2, 0) = 150;
  check_activity_result(t);
  EXPECT_TRUE(t.validity.valid());
}

}  // namespace
}  // namespace weaklink
