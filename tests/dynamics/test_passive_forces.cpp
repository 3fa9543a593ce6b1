// Passive force elements (CoordinateLimitForce, SpringGeneralizedForce, PointToPointSpring) against
// values computed by hand from OpenSim's formulas (docs/opensim-semantics.md#passive-forces), and how inverse
// dynamics, static optimization and joint reactions take them in; force elements weaklink does not
// model are named in warnings and in result headers.
#include <cmath>

#include <gtest/gtest.h>

#include "core/error.hpp"
#include "core/expression.hpp"
#include "dynamics/inverse_dynamics.hpp"
#include "dynamics/passive_forces.hpp"
#include "io/osim_reader.hpp"
#include "io/storage.hpp"
#include "kinematics/forward_kinematics.hpp"
#include "solvers/static_optimization.hpp"
#include "support/allocation_counter.hpp"
#include "tools/analyze_dynamics.hpp"
#include "tools/trajectory_analyses.hpp"
#include "tools/unmodelled_forces.hpp"

using namespace weaklink;

namespace {

constexpr double kDeg = M_PI / 180.0;
constexpr double kMass = 2.0, kCom = 0.5, kIzz = 0.1, kG = 9.80665;

// A rod hanging from a pin about Ground's z axis (COM 0.5 m below the pin), plus `forces`.
std::string pendulum(const std::string& forces) {
  return R"(<?xml version="1.0" encoding="UTF-8" ?>
<OpenSimDocument Version="40000">
  <Model name="pendulum">
    <gravity>0 -9.80665 0</gravity>
    <BodySet><objects>
      <Body name="rod"><mass>2</mass><mass_center>0 -0.5 0</mass_center><inertia>0.1 0.1 0.1 0 0 0</inertia></Body>
      <Body name="bob"><mass>0.5</mass><mass_center>0 0 0</mass_center><inertia>0.01 0.01 0.01 0 0 0</inertia></Body>
    </objects></BodySet>
    <JointSet><objects>
      <PinJoint name="pin">
        <socket_parent_frame>/ground</socket_parent_frame>
        <socket_child_frame>/bodyset/rod</socket_child_frame>
        <coordinates><Coordinate name="q"><range>-3 3</range></Coordinate></coordinates>
      </PinJoint>
      <SliderJoint name="slide">
        <socket_parent_frame>rod_end</socket_parent_frame>
        <socket_child_frame>/bodyset/bob</socket_child_frame>
        <coordinates><Coordinate name="s"><range>-1 1</range></Coordinate></coordinates>
        <frames><PhysicalOffsetFrame name="rod_end"><socket_parent>/bodyset/rod</socket_parent><translation>0 -1 0</translation></PhysicalOffsetFrame></frames>
      </SliderJoint>
    </objects></JointSet>
    <ForceSet><objects>)" +
         forces + R"(</objects></ForceSet>
  </Model>
</OpenSimDocument>
)";
}

// OpenSim's ankle-spring example values (subject01_adjusted_spring.osim), on the pin.
const char* kLimit = R"(
      <CoordinateLimitForce name="limit">
        <coordinate>q</coordinate>
        <upper_stiffness>30</upper_stiffness><upper_limit>5</upper_limit>
        <lower_stiffness>1</lower_stiffness><lower_limit>-90</lower_limit>
        <damping>0.01</damping><transition>2</transition>
      </CoordinateLimitForce>)";
const char* kActuators = R"(
      <CoordinateActuator name="q_torque"><coordinate>q</coordinate><optimal_force>1</optimal_force></CoordinateActuator>
      <CoordinateActuator name="s_force"><coordinate>s</coordinate><optimal_force>1</optimal_force></CoordinateActuator>)";

Model load(const std::string& forces) { return compile_model(io::read_osim_text(pendulum(forces), "pendulum.osim")); }

// Inverse dynamics as the tools form it: passive elements applied, then subtracted.
Eigen::VectorXd id_with_passive(const Model& model, const Eigen::VectorXd& q, const Eigen::VectorXd& u, const Eigen::VectorXd& a) {
  Data data(model);
  Eigen::VectorXd tau(model.nq()), passive = Eigen::VectorXd::Zero(model.nq());
  calc_forward_kinematics(model, data, q);
  clear_applied_loads(data);
  apply_passive_forces(model, data, q, u, passive);
  calc_inverse_dynamics(model, data, q, u, a, tau);
  return tau - passive;
}

}  // namespace

TEST(CoordinateLimitForce, HandComputedForceAndEnergy) {
  const Model model = load(kLimit);
  ASSERT_EQ(model.passive_forces.size(), 1u);
  const PassiveForce& f = model.passive_forces[0];
  const double c = 0.01 / kDeg;  // damping per rad/s
  // 10° is past the 2° transition above 5°: full 30 N·m/° × 5° = 150 N·m back, full damping.
  EXPECT_NEAR(coordinate_limit_force(f, 10 * kDeg, 0.0), -150.0, 1e-9);
  EXPECT_NEAR(coordinate_limit_force(f, 10 * kDeg, 1.0), -150.0 - c, 1e-9);
  // 6°: halfway through the transition, S(0.5) = 0.125 (10 − 7.5 + 1.5) = 0.5 of the stiffness.
  EXPECT_NEAR(coordinate_limit_force(f, 6 * kDeg, 0.0), -0.5 * 30 * 1, 1e-9);
  EXPECT_NEAR(coordinate_limit_force(f, 6 * kDeg, -2.0), -15.0 + 0.5 * c * 2.0, 1e-9);
  // Inside the range: nothing, not even damping.
  EXPECT_EQ(coordinate_limit_force(f, 0.0, 3.0), 0.0);
  EXPECT_EQ(coordinate_limit_force(f, 5 * kDeg, 3.0), 0.0);
  // 95° below: 1 N·m/° × 5° = 5 N·m pushing up.
  EXPECT_NEAR(coordinate_limit_force(f, -95 * kDeg, 0.0), 5.0, 1e-9);
  // Energy: past the transition k (d²/2 − δ²/7) = 30 (12.5 − 4/7) N·m/°·°² in joules (× π/180).
  EXPECT_NEAR(coordinate_limit_potential_energy(f, 10 * kDeg), 30 * (12.5 - 4.0 / 7.0) * kDeg, 1e-9);
  // Inside it, x = d/δ = 0.5: k x³ (2 − 2.5x + 6x²/7) d² = 30 · 0.125 · (0.75 + 3/14) · 1²°.
  EXPECT_NEAR(coordinate_limit_potential_energy(f, 6 * kDeg), 30 * 0.125 * (0.75 + 3.0 / 14.0) * kDeg, 1e-12);
  EXPECT_EQ(coordinate_limit_potential_energy(f, 0.0), 0.0);
  // The energy's slope is the elastic force (no damping): V'(q) = −f(q, 0).
  for (double deg : {5.5, 6.0, 6.9, 8.0, -91.0, -93.0}) {
    const double q = deg * kDeg, h = 1e-6;
    const double slope = (coordinate_limit_potential_energy(f, q + h) - coordinate_limit_potential_energy(f, q - h)) / (2 * h);
    EXPECT_NEAR(slope, -coordinate_limit_force(f, q, 0.0), 1e-5 * (1 + std::abs(slope))) << deg;
  }
}

TEST(CoordinateLimitForce, InverseDynamicsSubtractsItFromThePinTorque) {
  const Model model = load(kLimit);
  Eigen::VectorXd q = Eigen::VectorXd::Zero(2), u = Eigen::VectorXd::Zero(2), a = Eigen::VectorXd::Zero(2);
  // Bob on the slider at s = 0 sits 1 m below the pin; rod COM 0.5 m.
  const double arm = kMass * kCom + 0.5 * 1.0, inertia = kIzz + kMass * kCom * kCom + 0.01 + 0.5 * 1.0;
  for (double deg : {10.0, 6.0, 0.0, -95.0}) {
    q[0] = deg * kDeg;
    u[0] = 0.7;
    a[0] = 2.0;
    const double limit = coordinate_limit_force(model.passive_forces[0], q[0], u[0]);
    const double expected = inertia * a[0] + arm * kG * std::sin(q[0]) - limit;
    const Eigen::VectorXd tau = id_with_passive(model, q, u, a);
    EXPECT_NEAR(tau[0], expected, 1e-9 * (1 + std::abs(expected))) << deg;
  }
}

TEST(PassiveForces, WithTheElementPlusItsForceEqualsWithout) {
  const std::string all = std::string(kLimit) + R"(
      <SpringGeneralizedForce name="slide_spring"><coordinate>s</coordinate><stiffness>40</stiffness><rest_length>0.1</rest_length><viscosity>3</viscosity></SpringGeneralizedForce>
      <PointToPointSpring name="cord"><socket_body1>/ground</socket_body1><socket_body2>/bodyset/bob</socket_body2>
        <point1>0.3 0.2 0</point1><point2>0 0 0</point2><stiffness>200</stiffness><rest_length>0.5</rest_length></PointToPointSpring>)";
  const Model with = load(all), without = load("");
  ASSERT_EQ(with.passive_forces.size(), 3u);
  Data data(with);
  const Eigen::VectorXd a = Eigen::Vector2d(1.5, -0.4);
  for (const auto& [q0, s0] : {std::pair{0.2, 0.05}, {1.2, -0.3}, {-0.4, 0.6}}) {
    const Eigen::VectorXd q = Eigen::Vector2d(q0, s0), u = Eigen::Vector2d(-0.8, 0.5);
    Eigen::VectorXd tau_without(2), Q = Eigen::VectorXd::Zero(2);
    calc_forward_kinematics(without, data, q);
    clear_applied_loads(data);
    calc_inverse_dynamics(without, data, q, u, a, tau_without);
    calc_forward_kinematics(with, data, q);
    add_passive_generalized_forces(with, data, q, u, Q);
    // Applying the elements as loads (ID, JR) and mapping them through Jᵀ (SO) agree.
    EXPECT_LT((id_with_passive(with, q, u, a) + Q - tau_without).cwiseAbs().maxCoeff(), 1e-10);
    // Hand values: the slider spring −40 (s − 0.1) − 3 ṡ; the cord's elastic generalized force is
    // −dV/dq with V = 100 (d − 0.5)², by central differences.
    const double cord = [&] {
      auto energy = [&](const Eigen::VectorXd& qq) {
        calc_forward_kinematics(with, data, qq);
        const double d = (data.X_GB[2].apply(Vec3::Zero()) - Vec3(0.3, 0.2, 0)).norm();
        return 100.0 * (d - 0.5) * (d - 0.5);
      };
      const double h = 1e-6;
      return -(energy(q + Eigen::Vector2d(0, h)) - energy(q - Eigen::Vector2d(0, h))) / (2 * h);
    }();
    EXPECT_NEAR(Q[1], -40 * (s0 - 0.1) - 3 * 0.5 + cord, 1e-5);
  }
}

TEST(PassiveForces, StaticOptimizationAndJointReactionsIncludeTheLimit) {
  const Model model = load(std::string(kLimit) + kActuators);
  MotionFrames motion;
  motion.time = {0.0, 0.1, 0.2};
  motion.q.resize(3, 2);
  motion.q << 10 * kDeg, 0.0, 6 * kDeg, 0.0, -95 * kDeg, 0.0;
  motion.u = Eigen::MatrixXd::Constant(3, 2, 0.4);
  motion.qddot = Eigen::MatrixXd::Constant(3, 2, -1.0);
  ThreadOptions one;
  one.threads = 1;
  const auto so = run_static_optimization(model, motion, nullptr, StaticOptimizationOptions{}, one);
  ASSERT_EQ(so.actuators.size(), 2u);
  std::vector<std::string> labels;
  Eigen::MatrixXd values;
  static_optimization_force_columns(model, so, labels, values);
  // OpenSim's columns: the limit (force, PotentialEnergy) where it stands in the ForceSet.
  EXPECT_EQ(labels, (std::vector<std::string>{"limit", "PotentialEnergy", "q_torque", "s_force"}));
  for (int i = 0; i < 3; ++i) {
    const Eigen::VectorXd q = motion.q.row(i).transpose(), u = motion.u.row(i).transpose(), a = motion.qddot.row(i).transpose();
    const Eigen::VectorXd tau = id_with_passive(model, q, u, a);
    EXPECT_NEAR(so.forces(i, 0), tau[0], 1e-6 * (1 + std::abs(tau[0])));  // the actuator supplies the rest
    EXPECT_NEAR(values(i, 0), coordinate_limit_force(model.passive_forces[0], q[0], u[0]), 1e-12);
    EXPECT_NEAR(values(i, 1), coordinate_limit_potential_energy(model.passive_forces[0], q[0]), 1e-12);
    EXPECT_EQ(values(i, 2), so.forces(i, 0));
  }
  // Joint reactions with the actuators switched off: the limit torque is the only moment the pin
  // transmits about its axis (a mobility force on the joint's own coordinate,
  // docs/opensim-semantics.md#joint-reaction).
  const auto requests = reaction_requests(model, {"pin"}, {"child"}, {"ground"}, "test", "test");
  const Eigen::MatrixXd loads = run_joint_reactions(model, motion, nullptr, so.actuators, Eigen::MatrixXd::Zero(3, 2), requests, one);
  for (int i = 0; i < 3; ++i)
    EXPECT_NEAR(loads(i, 5), coordinate_limit_force(model.passive_forces[0], motion.q(i, 0), motion.u(i, 0)), 1e-8) << i;
}

TEST(PassiveForces, PerFrameEvaluationAllocatesNothing) {
  const Model model = load(std::string(kLimit) + kActuators + R"(
      <PointToPointSpring name="cord"><socket_body1>/ground</socket_body1><socket_body2>/bodyset/bob</socket_body2>
        <point1>0.3 0.2 0</point1><stiffness>200</stiffness></PointToPointSpring>)");
  Data data(model);
  StaticOptimization so(model, StaticOptimizationOptions{});
  Eigen::VectorXd q(2), u = Eigen::VectorXd::Constant(2, 0.3), a = Eigen::VectorXd::Zero(2), m(2), x(2), f(2);
  double record[12];
  auto frame = [&](int k) {
    q << 0.1 * k, 0.01 * k;
    calc_forward_kinematics(model, data, q);
    clear_applied_loads(data);
    m.setZero();
    apply_passive_forces(model, data, q, u, m);
    add_passive_generalized_forces(model, data, q, u, m);
    record_passive_force(model, data, 1, q, u, record);
    clear_applied_loads(data);
    so.solve(model, data, {.q = q, .u = u, .qddot_target = a}, x, f);
  };
  frame(0);
  const std::size_t before = test::allocations_on_this_thread();
  for (int k = 1; k < 20; ++k) frame(k);
  EXPECT_EQ(test::allocations_on_this_thread() - before, 0u);
}

TEST(PassiveForces, BadParametersAreRefusedNamingTheElement) {
  auto message = [](const std::string& forces) {
    try {
      load(forces);
    } catch (const InputError& e) {
      return std::string(e.what());
    }
    return std::string("accepted");
  };
  EXPECT_NE(message(R"(<CoordinateLimitForce name="L"><coordinate>q</coordinate><lower_stiffness>0</lower_stiffness></CoordinateLimitForce>)")
                .find("force 'L': upper_stiffness and lower_stiffness must be positive"),
            std::string::npos);
  EXPECT_NE(message(R"(<CoordinateLimitForce name="L"><coordinate>q</coordinate><damping>nan</damping></CoordinateLimitForce>)").find("finite"),
            std::string::npos);
  EXPECT_NE(message(R"(<CoordinateLimitForce name="L"><coordinate>q</coordinate><upper_limit>-5</upper_limit><lower_limit>5</lower_limit></CoordinateLimitForce>)")
                .find("lower_limit must not exceed upper_limit"),
            std::string::npos);
  EXPECT_NE(message(R"(<SpringGeneralizedForce name="S"><coordinate>nope</coordinate></SpringGeneralizedForce>)").find("coordinate 'nope'"),
            std::string::npos);
  EXPECT_NE(message(R"(<PointToPointSpring name="P"><socket_body1>/ground</socket_body1></PointToPointSpring>)").find("socket_body2"),
            std::string::npos);
  // Disabled elements are left out, as OpenSim does.
  EXPECT_TRUE(load(R"(<CoordinateLimitForce name="L"><appliesForce>false</appliesForce><coordinate>q</coordinate></CoordinateLimitForce>)")
                  .passive_forces.empty());
}

TEST(UnmodelledForces, NamedInWarningsAndInTheResultHeader) {
  const Model model = load(std::string(kLimit) + R"(
      <Ligament name="lig 1"><GeometryPath><PathPointSet><objects>
        <PathPoint name="a"><socket_parent_frame>/ground</socket_parent_frame></PathPoint>
        <PathPoint name="b"><socket_parent_frame>/bodyset/rod</socket_parent_frame></PathPoint>
      </objects></PathPointSet></GeometryPath></Ligament>
      <HuntCrossleyForce name="off"><appliesForce>false</appliesForce></HuntCrossleyForce>
      <ExpressionBasedCoordinateForce name="expr"><coordinate>q</coordinate><expression>-k*q; k=2</expression></ExpressionBasedCoordinateForce>)");
  const auto warnings = unmodelled_force_warnings(model, "the inverse dynamics results");
  ASSERT_EQ(warnings.size(), 2u);  // the disabled HuntCrossleyForce changes nothing
  EXPECT_NE(warnings[0].find("pendulum.osim: force element /forceset/lig 1"), std::string::npos) << warnings[0];
  EXPECT_NE(warnings[0].find("of type Ligament is not modelled: the inverse dynamics results leave its force out"), std::string::npos);
  EXPECT_NE(warnings[1].find("ExpressionBasedCoordinateForce"), std::string::npos);
  EXPECT_EQ(unmodelled_forces_header(model), "lig_1:Ligament,expr:ExpressionBasedCoordinateForce");

  // The header line survives a write and a read and is an ordinary key=value line before endheader.
  io::Table t;
  t.name = "Inverse Dynamics Generalized Forces";
  t.labels = {"q_moment"};
  t.time = {0.0};
  t.data = Eigen::MatrixXd::Zero(1, 1);
  note_unmodelled_forces(model, t);
  const std::string text = io::format_storage(t);
  EXPECT_NE(text.find("\nunmodelledForces=lig_1:Ligament,expr:ExpressionBasedCoordinateForce\nendheader\n"), std::string::npos) << text;
  EXPECT_TRUE(unmodelled_force_warnings(load(kLimit), "x").empty());
  EXPECT_EQ(unmodelled_forces_header(load(kLimit)), "");
}

TEST(ExpressionBasedCoordinateForce, LeptonSyntaxEvaluatedAndAppliedOnTheCoordinate) {
  const std::vector<std::string> vars{"q", "qdot"};
  std::string error;
  auto value = [&](const char* text, double q, double qdot) {
    const auto e = Expression::compile(text, vars, error);
    EXPECT_TRUE(e.has_value()) << text << ": " << error;
    const double v[2] = {q, qdot};
    return e ? e->eval(v) : NAN;
  };
  EXPECT_DOUBLE_EQ(value("-10*q - 0.5*qdot", 0.2, 2.0), -3.0);
  EXPECT_DOUBLE_EQ(value("-q^2", 3.0, 0), -9.0);          // ^ binds tighter than unary minus
  EXPECT_DOUBLE_EQ(value("2^3^2", 0, 0), 512.0);          // and is right-associative
  EXPECT_DOUBLE_EQ(value("2 * - 3 + 1e1 / 4", 0, 0), -3.5);  // −6 + 2.5
  EXPECT_DOUBLE_EQ(value("max(q, 0)*step(qdot) + min(-1, square(q))", 2.0, 1.0), 1.0);
  EXPECT_NEAR(value("exp(log(cube(q)))", 2.0, 0), 8.0, 1e-12);
  for (const char* bad : {"", "q +", "foo(q)", "x*q", "(q", "min(q)", "q; a=1", "q $ 2"}) {
    EXPECT_FALSE(Expression::compile(bad, vars, error).has_value()) << bad;
    EXPECT_FALSE(error.empty()) << bad;
  }
  EXPECT_FALSE(Expression::compile("q\x1b[2J", vars, error).has_value());
  EXPECT_EQ(error, "unexpected '\\x1b' at character 2");  // control characters are never quoted raw
  std::string deep(200, '(');
  EXPECT_FALSE(Expression::compile(deep + "q" + std::string(200, ')'), vars, error).has_value());
  EXPECT_EQ(error, "nested too deeply");

  // On the pendulum: inverse dynamics subtracts −40 q − 2 q̇, and the element records one column.
  const Model model = load(R"(<ExpressionBasedCoordinateForce name="torsion"><coordinate>q</coordinate>
      <expression>-40*q - 2*qdot</expression></ExpressionBasedCoordinateForce>)");
  ASSERT_EQ(model.passive_forces.size(), 1u);
  EXPECT_EQ(passive_force_labels(model, 0), std::vector<std::string>{"torsion"});
  const Eigen::VectorXd q = Eigen::Vector2d(0.3, 0), u = Eigen::Vector2d(0.5, 0), a = Eigen::Vector2d::Zero();
  const Eigen::VectorXd tau = id_with_passive(model, q, u, a), tau0 = id_with_passive(load(""), q, u, a);
  EXPECT_NEAR(tau[0] - tau0[0], 40 * 0.3 + 2 * 0.5, 1e-10);
  // An expression weaklink cannot read (a sub-expression definition) leaves the element unmodelled, named.
  const Model unread = load(R"(<ExpressionBasedCoordinateForce name="e"><coordinate>q</coordinate><expression>-k*q; k=2</expression></ExpressionBasedCoordinateForce>)");
  EXPECT_TRUE(unread.passive_forces.empty());
  EXPECT_EQ(unmodelled_forces_header(unread), "e:ExpressionBasedCoordinateForce");
}

// A PointToPointSpring's points are given in its socket frames; on an offset frame the point is
// moved by the frame's offset (rod_end sits 1 m down the rod), so the spring equals one on the rod
// at the offset point, in the compiled stations and in the generalized forces it applies.
TEST(PointToPointSpring, ASocketOnAnOffsetFrameAppliesTheFrameOffset) {
  const Model on_offset = load(R"(<PointToPointSpring name="P"><socket_body1>/jointset/slide/rod_end</socket_body1>
      <socket_body2>/ground</socket_body2><point1>0.1 0 0</point1><point2>0.5 0 0</point2><stiffness>100</stiffness></PointToPointSpring>)");
  const Model on_body = load(R"(<PointToPointSpring name="P"><socket_body1>/bodyset/rod</socket_body1>
      <socket_body2>/ground</socket_body2><point1>0.1 -1 0</point1><point2>0.5 0 0</point2><stiffness>100</stiffness></PointToPointSpring>)");
  ASSERT_EQ(on_offset.passive_forces.size(), 1u);
  const PassiveForce& f = on_offset.passive_forces[0];
  EXPECT_EQ(f.body1, on_offset.find_body("rod"));
  EXPECT_NEAR((f.point1 - Vec3(0.1, -1, 0)).norm(), 0.0, 1e-15);
  Eigen::VectorXd q(2), u = Eigen::VectorXd::Zero(2);
  q << 0.3, 0.2;
  ASSERT_EQ(on_offset.nq(), 2);
  Data d1(on_offset), d2(on_body);
  Eigen::VectorXd t1 = Eigen::VectorXd::Zero(2), t2 = Eigen::VectorXd::Zero(2);
  calc_forward_kinematics(on_offset, d1, q);
  calc_forward_kinematics(on_body, d2, q);
  add_passive_generalized_forces(on_offset, d1, q, u, t1);
  add_passive_generalized_forces(on_body, d2, q, u, t2);
  EXPECT_GT(t2.norm(), 1.0);  // the spring is stretched: it does act
  EXPECT_NEAR((t1 - t2).norm(), 0.0, 1e-12);
}

TEST(PointToPointSpring, PointsBeyondTheLengthPlausibilityLimitAreRefused) {
  for (const char* which : {"point1", "point2"}) {
    const std::string xml = std::string(R"(<PointToPointSpring name="P"><socket_body1>/bodyset/rod</socket_body1><socket_body2>/ground</socket_body2><)") +
                            which + ">0 20 0</" + which + "></PointToPointSpring>";
    try {
      load(xml);
      ADD_FAILURE() << which << " 20 m from its frame was accepted";
    } catch (const InputError& e) {
      EXPECT_NE(std::string(e.what()).find(std::string("<") + which + "> lies 20 m from its frame"), std::string::npos) << e.what();
    }
  }
}
