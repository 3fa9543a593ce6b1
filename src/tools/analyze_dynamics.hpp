#pragma once
// The Analyze tool's dynamics analyses (docs/opensim-semantics.md#analyze-tool and after): InverseDynamics,
// StaticOptimization and JointReaction over the tool's states, written with OpenSim's file names and columns.
#include <filesystem>
#include <string>
#include <vector>

#include <pugixml.hpp>

#include "dynamics/external_forces.hpp"
#include "io/output_set.hpp"
#include "io/xml_document.hpp"
#include "model/model.hpp"
#include "tools/analyze_tool.hpp"
#include "tools/coordinate_states.hpp"
#include "tools/held_outputs.hpp"
#include "tools/motion_rows.hpp"
#include "tools/trajectory_analyses.hpp"

namespace weaklink {

// What every analysis of one AnalyzeTool run shares.
struct AnalyzeContext {
  const Model& model;
  const StatesTable& states;
  const ExternalForces* external = nullptr;
  const io::XmlDocument& doc;
  std::filesystem::path setup_dir;
  HeldOutputs& outputs;    // written into the run's set in the results directory once all are checked
  std::string tool_name;   // checked by io::output_file_name, as the analyses' names
  int precision = 8;
  RowRange rows;  // the frame range (tools/motion_rows.hpp)
  ThreadOptions threads;
  RunToolReport& report;
};

// Bounds of the analyses' whole-number properties.
constexpr int kMaxStepInterval = 1000000;
constexpr int kMaxOptimizerIterations = 1000000;

// A result table in OpenSim's storage layout; `description` becomes header lines, one per line.
io::Table make_table(std::string name, std::vector<std::string> labels, const std::vector<double>& time, Eigen::MatrixXd data,
                     const std::string& description);

// Target accelerations as OpenSim's SO builds them (docs/opensim-semantics.md#filtering): the derivative of a quintic
// spline through the speeds. rows × nq.
Eigen::MatrixXd spline_accelerations(const StatesTable& states);

void run_inverse_dynamics_analysis(const AnalyzeContext& ctx, const pugi::xml_node& analysis);
void run_static_optimization_analysis(const AnalyzeContext& ctx, const pugi::xml_node& analysis);
void run_joint_reaction_analysis(const AnalyzeContext& ctx, const pugi::xml_node& analysis);

// Parses OpenSim's joint_names / apply_on_bodies / express_in_frame lists into requests; throws
// InputError naming the element for unknown joints or frames.
std::vector<ReactionRequest> reaction_requests(const Model& model, const std::vector<std::string>& joints,
                                               const std::vector<std::string>& on_bodies,
                                               const std::vector<std::string>& frames, const std::string& where_file,
                                               const std::string& where);

}  // namespace weaklink
