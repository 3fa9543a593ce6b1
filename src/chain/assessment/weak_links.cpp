#include "chain/assessment/weak_links.hpp"

#include <algorithm>
#include <cmath>
#include <numeric>

namespace weaklink {

double peak_compression(const ActivityResult& r) {
  double p = 0;
  for (const auto& j : r.joints) p = std::max(p, j.lumbar_compression);
  return p;
}

double restored_peak(const StrengthRuns& runs, int activity, const AssessedGroup& group, const Eigen::VectorXd& client_scale,
                     const ActivityResult& client) {
  Eigen::VectorXd s = client_scale;
  bool changed = false;
  for (int m : group_members(group)) {
    changed = changed || s[m] != 1.0;
    s[m] = 1.0;
  }
  return changed ? peak_compression(runs.run(activity, s)) : peak_compression(client);
}

double weaker_peak(const StrengthRuns& runs, int activity, const AssessedGroup& group, const Eigen::VectorXd& client_scale) {
  Eigen::VectorXd s = client_scale;
  for (int m : group_members(group)) s[m] = std::max(kMinStrengthFactor, s[m] - 0.1);
  return peak_compression(runs.run(activity, s));
}

namespace {

// Largest excess of |reserve| over the baseline's, per frame in `frames` (all when empty).
double reserve_excess(const ActivityResult& r, const ActivityResult& baseline, const std::vector<int>& frames) {
  double worst = 0;
  auto frame = [&](int i) {
    for (Eigen::Index k = 0; k < r.reserves.cols(); ++k)
      worst = std::max(worst, std::abs(r.reserves(i, k)) - std::abs(baseline.reserves(i, k)));
  };
  if (frames.empty())
    for (Eigen::Index i = 0; i < r.reserves.rows(); ++i) frame(static_cast<int>(i));
  else
    for (int i : frames) frame(i);
  return worst;
}

// The `count` frames where the group's utilisation (its worst slot) is highest, in time order
// for the solver's warm starts.
std::vector<int> hardest_frames(const Eigen::MatrixXd& utilisation, const std::vector<GroupSlot>& slots, int group, int count) {
  const int n = static_cast<int>(utilisation.rows());
  std::vector<double> worst(static_cast<std::size_t>(n), 0.0);
  for (std::size_t s = 0; s < slots.size(); ++s)
    if (slots[s].group == group)
      for (int i = 0; i < n; ++i)
        worst[static_cast<std::size_t>(i)] = std::max(worst[static_cast<std::size_t>(i)], utilisation(i, static_cast<Eigen::Index>(s)));
  std::vector<int> order(static_cast<std::size_t>(n));
  std::iota(order.begin(), order.end(), 0);
  std::stable_sort(order.begin(), order.end(), [&](int x, int y) { return worst[static_cast<std::size_t>(x)] > worst[static_cast<std::size_t>(y)]; });
  order.resize(static_cast<std::size_t>(std::min(n, std::max(1, count))));
  std::sort(order.begin(), order.end());
  return order;
}

}  // namespace

std::optional<double> deficit_threshold(const StrengthRuns& runs, int activity, int group, const std::vector<AssessedGroup>& groups,
                                        const ActivityResult& baseline, const Eigen::MatrixXd& baseline_utilisation,
                                        const std::vector<GroupSlot>& slots, const AssessmentOptions& options) {
  const std::vector<int> members = group_members(groups[static_cast<std::size_t>(group)]);
  const std::vector<int> frames = hardest_frames(baseline_utilisation, slots, group, options.search_frames);
  auto feasible = [&](double factor) {
    Eigen::VectorXd s = Eigen::VectorXd::Ones(static_cast<Eigen::Index>(runs.model.muscles.size()));
    for (int m : members) s[m] = factor;
    return reserve_excess(runs.run(activity, s, frames, false), baseline, frames) <= options.reserve_threshold;
  };
  if (feasible(kMinStrengthFactor)) return std::nullopt;
  double lo = kMinStrengthFactor, hi = 1.0;  // lo infeasible, hi feasible (the baseline)
  for (int it = 0; it < 6; ++it) {
    const double mid = 0.5 * (lo + hi);
    (feasible(mid) ? hi : lo) = mid;
  }
  return hi;
}

WeakLinkRuns::WeakLinkRuns(int groups, int activities)
    : restored(static_cast<std::size_t>(groups), std::vector<double>(static_cast<std::size_t>(activities), 0.0)),
      weaker(restored),
      infeasible_below(static_cast<std::size_t>(groups), std::vector<std::optional<double>>(static_cast<std::size_t>(activities))) {}

std::vector<double> group_strength_factors(const Model& model, const std::vector<AssessedGroup>& groups, const Eigen::VectorXd& client_scale) {
  std::vector<double> out(groups.size(), 1.0);
  for (std::size_t g = 0; g < groups.size(); ++g) {
    double f = 0, w = 0;
    for (int m : group_members(groups[g])) {
      const double fmax = model.muscles[static_cast<std::size_t>(m)].params.max_isometric_force;
      f += client_scale[m] * fmax;
      w += fmax;
    }
    out[g] = w > 0 ? f / w : 1.0;
  }
  return out;
}

std::vector<WeakLink> rank_weak_links(const std::vector<AssessedGroup>& groups, const std::vector<double>& group_factors,
                                      const std::vector<std::string>& activities, const std::vector<double>& client_peaks,
                                      const WeakLinkRuns& runs) {
  std::vector<WeakLink> out;
  for (std::size_t g = 0; g < groups.size(); ++g) {
    WeakLink w;
    w.group = groups[g].name;
    w.client_factor = group_factors[g];
    for (std::size_t a = 0; a < activities.size(); ++a) {
      const double d = runs.restored[g][a] - client_peaks[a];
      w.restore_by_activity[activities[a]] = d;
      w.restore_change += d;
      w.sensitivity_per_10pct += runs.weaker[g][a] - client_peaks[a];
      w.infeasible_below[activities[a]] = runs.infeasible_below[g][a];
    }
    out.push_back(std::move(w));
  }
  std::stable_sort(out.begin(), out.end(), [](const WeakLink& x, const WeakLink& y) {
    const bool wx = x.client_factor < 0.999, wy = y.client_factor < 0.999;
    if (wx != wy) return wx;  // the client's own weaknesses first
    if (wx && x.restore_change != y.restore_change) return x.restore_change < y.restore_change;
    return x.sensitivity_per_10pct > y.sensitivity_per_10pct;
  });
  return out;
}

}  // namespace weaklink
