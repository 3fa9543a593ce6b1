#pragma once
// The comparison of one activity at norm strength (baseline) and at the client's (docs/assessment.md,
// "What is computed"): loads, compensations, utilisation per group, and where the client falls short.
#include <string>
#include <vector>

#include <Eigen/Core>

#include "chain/assessment/assessed_groups.hpp"
#include "chain/assessment/assessment.hpp"
#include "chain/assessment/utilisation.hpp"
#include "chain/simulation/simulate_activity.hpp"
#include "model/model.hpp"

namespace weaklink {

LoadSeries load_series(const ActivityResult& r);
LoadSummary summarise(const ActivityResult& r, const LoadSeries& s);

// One activity's two runs, side by side. `baseline_utilisation` and `client_utilisation` are
// frames × slots (utilisation.hpp); `client_scale` the client's strength per muscle;
// `actuator_muscle` per actuator of the runs, its muscle (-1: not a muscle). The validity holds the
// two runs' reasons.
ActivityAssessment compare_activity(const Model& model, const std::string& activity, const ActivityResult& baseline,
                                    const ActivityResult& client, const Eigen::MatrixXd& baseline_utilisation,
                                    const Eigen::MatrixXd& client_utilisation, const std::vector<GroupSlot>& slots,
                                    const std::vector<AssessedGroup>& groups, const std::vector<int>& actuator_muscle,
                                    const Eigen::VectorXd& client_scale, double reserve_threshold);

// Body-figure regions (one per muscle region and side): the peak over frames and activities of the
// region's mean activation, baseline and client.
std::vector<RegionDemand> muscle_demand(const Model& model, const std::vector<int>& actuator_muscle,
                                        const std::vector<ActivityResult>& baseline, const std::vector<ActivityResult>& client);

}  // namespace weaklink
