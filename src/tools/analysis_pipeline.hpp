#pragma once
// `weaklink analyze`: inverse dynamics → static optimization → joint reactions (+ lumbar loads)
// in one process, without intermediate files: a motion file, a model, optional external loads and
// reserve actuators in; OpenSim-layout results out.
#include <filesystem>
#include <string>
#include <vector>

#include "model/model.hpp"
#include "tools/analyze_tool.hpp"
#include "tools/trajectory_analyses.hpp"

namespace weaklink {

struct AnalysisPipelineOptions {
  std::filesystem::path model, motion, external_loads, reserves, output_dir = "weaklink_results";
  double lowpass_hz = -1;      // coordinate filter (OpenSim's pipeline), off by default
  double start = -INFINITY, end = INFINITY;
  int step = 1;                // analyse every step-th row of the motion
  StaticOptimizationOptions so;
  ThreadOptions threads;
};

// The joint between the pelvis and the body above it (torso, lumbar vertebra, thorax...), or -1.
int find_lumbar_joint(const Model& model);

// Lumbar load at joint `joint` from its reaction on the child (superior) body, expressed in the
// child body's frame at the joint centre: compression along the child's long (y) axis, positive
// when the segments are pressed together; anterior–posterior shear along x (positive anterior);
// lateral shear along z (positive to the right); moments about x, y, z of that frame.
struct LumbarLoad {
  double compression = 0, ap_shear = 0, lateral_shear = 0;
  Vec3 moment = Vec3::Zero();
};
LumbarLoad lumbar_load_from_reaction(const Vec3& force_in_child, const Vec3& moment_in_child);

RunToolReport run_analysis_pipeline(const AnalysisPipelineOptions& options);

}  // namespace weaklink
