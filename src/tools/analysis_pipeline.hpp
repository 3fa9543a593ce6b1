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
  StaticOptimizationOptions static_optimization;
  ThreadOptions threads;
};

RunToolReport run_analysis_pipeline(const AnalysisPipelineOptions& options);

}  // namespace weaklink
