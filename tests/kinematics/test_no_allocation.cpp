// The per-frame kinematics + muscle geometry pipeline allocates nothing after Data is built.
#include <gtest/gtest.h>

#include "io/osim_reader.hpp"
#include "kinematics/forward_kinematics.hpp"
#include "model/data.hpp"
#include "muscles/path_geometry.hpp"
#include "support/allocation_counter.hpp"
#include "support/reference.hpp"

using namespace weaklink;

namespace {
void expect_no_allocation(const Model& model) {
  Data data(model);
  Eigen::VectorXd q = model.default_q(), qd = Eigen::VectorXd::Zero(model.nq()), speeds(model.muscles.size());
  const Eigen::VectorXd q0 = q;
  const std::size_t before = test::allocations_on_this_thread();
  for (int frame = 0; frame < 50; ++frame) {
    for (int c = 0; c < model.nq(); ++c) q[c] = q0[c] + 0.01 * std::sin(0.3 * frame + c);
    apply_couplers(model, q);
    calc_forward_kinematics(model, data, q);
    calc_marker_positions(model, data);
    calc_path_geometry(model, data, q);
    calc_path_speeds(model, data, qd, speeds);
  }
  EXPECT_EQ(test::allocations_on_this_thread() - before, 0u) << model.name;
}
}  // namespace

TEST(NoAllocation, DemoModelPerFramePipeline) {
  expect_no_allocation(compile_model(io::read_osim(test::source_dir() / "data/models/weaklink_demo_leg.osim")));
}

TEST(NoAllocation, ReferenceModelsPerFramePipeline) {
  WEAKLINK_REQUIRE_REFERENCE();
  for (const char* f : {"models/gait2392_thelen2003muscle.osim", "models/RajagopalLaiUhlrich2023.osim"})
    expect_no_allocation(compile_model(io::read_osim(test::reference_dir() / f)));
}
