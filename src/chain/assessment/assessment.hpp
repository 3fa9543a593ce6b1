#pragma once
// The weak-link assessment (docs/assessment.md): one person at norm strength (baseline) against
// the same person at their measured strength (client), over the activities they care about:
// lumbar, hip and knee loads, which muscles compensate, how much of each group's strength the
// activity uses, where the muscles fall short, and which weak group matters most to the spine.
//
// Everything runs on one model and one motion per activity; only the muscles' strengths differ
// (a per-muscle scale passed to static optimization at run time, strength_runs.hpp), so
// restoring every group to norm reproduces the baseline exactly, bit for bit.
#include <functional>
#include <map>
#include <optional>
#include <string>
#include <vector>

#include <Eigen/Core>

#include "chain/assessment/assessed_groups.hpp"
#include "chain/client/client.hpp"
#include "chain/client/strength_profile.hpp"
#include "chain/motion/activity_motion.hpp"
#include "chain/simulation/simulate_activity.hpp"
#include "model/model.hpp"

namespace weaklink {

struct LoadSeries {
  std::vector<double> compression, shear_ap, hip, knee;  // N per frame; hip/knee: larger side
};

struct LoadSummary {
  double peak_compression = 0, integrated_compression = 0, peak_shear = 0, integrated_shear = 0;
  double peak_hip = 0, peak_knee = 0, max_reserve = 0;
};

struct Compensation {
  std::string muscle;
  double baseline = 0, client = 0, change = 0;  // mean activation over the activity
};

struct GroupUtilisation {
  std::string group, side;  // "r", "l" or "both"
  double baseline = 0, client = 0;
};

struct Shortfall {
  std::string coordinate;
  int frames = 0;
  double first_time = 0, last_time = 0, client_peak = 0, baseline_peak = 0;
};

struct ActivityAssessment {
  std::string name, description;
  std::vector<double> time;
  LoadSeries baseline, client;
  LoadSummary baseline_summary, client_summary;
  std::vector<Compensation> compensations;    // largest increase first
  std::vector<GroupUtilisation> utilisation;  // per group and side
  bool feasible = true;
  std::vector<Shortfall> shortfalls;
  std::vector<std::string> warnings;
  ResultValidity validity;  // both runs of this activity (simulate_activity.hpp's check) and its weak-link runs
};

struct WeakLink {
  std::string group;
  double client_factor = 1;                       // force-weighted mean strength factor of its muscles
  double restore_change = 0;                      // Σ over activities: peak compression restored − client (N)
  std::map<std::string, double> restore_by_activity;
  double sensitivity_per_10pct = 0;               // Σ over activities: peak compression change per 10 % of norm lost (N)
  std::map<std::string, std::optional<double>> infeasible_below;  // per activity; nullopt: feasible down to kMinFactor
};

struct RegionDemand {
  std::string region, side;
  double baseline = 0, client = 0;  // peak over activities of the region's mean activation
};

struct AssessmentOptions {
  SimulationOptions simulation;
  // A client "falls short" where a coordinate reserve exceeds the baseline's in that frame by more
  // than this (N·m): the reserves are 1 N·m per unit, a last resort (simulate_activity.hpp).
  double reserve_threshold = 5.0;
  // Frames per activity searched for the deficit at which it becomes infeasible: those where the
  // group's utilisation is highest.
  int search_frames = 8;
  int threads = 0;  // 0: hardware concurrency
  // Called with the fraction done and what just finished; calls may come from worker threads but
  // never overlap (a mutex serialises them).
  std::function<void(double, const std::string&)> progress;
};

struct Assessment {
  std::string model_name;
  double body_weight = 0;
  double reserve_threshold = 0;  // N·m (AssessmentOptions)
  std::vector<StrengthAdjustment> adjustments;
  std::vector<ActivityAssessment> activities;
  // Ranked: the client's weak groups (factor < 0.999) by lumbar relief from restoring them, then
  // the others by sensitivity.
  std::vector<WeakLink> weak_links;
  std::vector<RegionDemand> muscle_demand;
  std::vector<std::string> warnings;
  ResultValidity validity;  // every activity's; invalid: the report is written with valid=false and the run fails (exit 4)
};

// The smallest strength factor the infeasibility search tries.
inline constexpr double kMinStrengthFactor = 0.05;

// The comparison on a built model. `motions` are the activities' motions (same order as
// `activities`); `client_scale` the client's strength, a scale per muscle (Model::muscles order;
// strength_scale in muscle_strength.hpp).
Assessment compare_strength(const Model& model, const std::vector<std::string>& activities, const std::vector<ActivityMotion>& motions,
                            const Eigen::VectorXd& client_scale, const std::vector<AssessedGroup>& groups,
                            const AssessmentOptions& options);

// The whole assessment of a client on the generic model built for them.
Assessment assess_client(const Client& client, const AssessmentOptions& options);

}  // namespace weaklink
