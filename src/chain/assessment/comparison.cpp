#include "chain/assessment/comparison.hpp"

#include <algorithm>
#include <cmath>
#include <map>

#include "chain/activities/activity.hpp"
#include "core/error.hpp"

namespace weaklink {
namespace {

// Body-figure regions by muscle-name prefix (generic model names, then gait2392/Rajagopal's).
struct RegionPrefix {
  const char* prefix;
  const char* region;
};
constexpr RegionPrefix kRegions[] = {
    {"glut_max", "gluteus maximus"}, {"glmax", "gluteus maximus"},
    {"glut_med", "gluteus medius and minimus"}, {"glut_min", "gluteus medius and minimus"},
    {"glmed", "gluteus medius and minimus"}, {"glmin", "gluteus medius and minimus"},
    {"piriformis", "deep hip rotators"}, {"peri", "deep hip rotators"}, {"gemellus", "deep hip rotators"}, {"gem_", "deep hip rotators"},
    {"obturator", "deep hip rotators"}, {"quadratus_femoris", "deep hip rotators"}, {"quad_fem", "deep hip rotators"},
    {"iliacus", "hip flexors"}, {"psoas", "hip flexors"}, {"sartorius", "hip flexors"}, {"sar_", "hip flexors"},
    {"adductor", "adductors"}, {"add_", "adductors"}, {"addbrev", "adductors"}, {"addlong", "adductors"}, {"addmag", "adductors"},
    {"gracilis", "adductors"}, {"grac", "adductors"}, {"pectineus", "adductors"}, {"pect", "adductors"},
    {"tfl", "tensor fasciae latae"},
    {"vastus_medialis", "vastus medialis"}, {"vas_med", "vastus medialis"}, {"vasmed", "vastus medialis"},
    {"rectus_femoris", "quadriceps (without vastus medialis)"}, {"rect_fem", "quadriceps (without vastus medialis)"},
    {"recfem", "quadriceps (without vastus medialis)"}, {"vastus", "quadriceps (without vastus medialis)"},
    {"vas_", "quadriceps (without vastus medialis)"}, {"vaslat", "quadriceps (without vastus medialis)"},
    {"vasint", "quadriceps (without vastus medialis)"},
    {"semimem", "hamstrings"}, {"semiten", "hamstrings"}, {"biceps_femoris", "hamstrings"}, {"bifem", "hamstrings"},
    {"gastrocnemius", "calf"}, {"med_gas", "calf"}, {"lat_gas", "calf"}, {"gasmed", "calf"}, {"gaslat", "calf"}, {"soleus", "calf"},
    {"tibialis_anterior", "shin"}, {"tib_ant", "shin"}, {"tibant", "shin"},
    {"longissimus", "back extensors"}, {"iliocostalis", "back extensors"}, {"multifidus", "back extensors"}, {"ercspn", "back extensors"},
    {"quadratus_lumborum", "quadratus lumborum"},
    {"rectus_abdominis", "abdominals"}, {"external_oblique", "abdominals"}, {"internal_oblique", "abdominals"},
    {"intobl", "abdominals"}, {"extobl", "abdominals"},
};

std::string region_of(const std::string& muscle) {
  for (const auto& r : kRegions)
    if (muscle.rfind(r.prefix, 0) == 0) return r.region;
  return "";
}

std::string side_of(const std::string& name) {
  if (name.size() > 2 && name.compare(name.size() - 2, 2, "_r") == 0) return "r";
  if (name.size() > 2 && name.compare(name.size() - 2, 2, "_l") == 0) return "l";
  return "";
}

double trapezoid(const std::vector<double>& t, const std::vector<double>& y) {
  double s = 0;
  for (std::size_t i = 1; i < t.size(); ++i) s += 0.5 * (t[i] - t[i - 1]) * (y[i] + y[i - 1]);
  return s;
}

// The muscles whose strength is unchanged, by their mean activation's increase (the ten largest).
std::vector<Compensation> compensations(const Model& model, const ActivityResult& baseline, const ActivityResult& client,
                                        const std::vector<int>& actuator_muscle, const Eigen::VectorXd& client_scale) {
  std::vector<Compensation> out;
  for (std::size_t k = 0; k < actuator_muscle.size(); ++k) {
    const int m = actuator_muscle[k];
    if (m < 0 || client_scale[m] != 1.0) continue;
    Compensation comp;
    comp.muscle = model.muscles[static_cast<std::size_t>(m)].name;
    comp.baseline = baseline.activations.col(static_cast<Eigen::Index>(k)).mean();
    comp.client = client.activations.col(static_cast<Eigen::Index>(k)).mean();
    comp.change = comp.client - comp.baseline;
    if (comp.change > 1e-4) out.push_back(comp);
  }
  std::stable_sort(out.begin(), out.end(), [](const auto& x, const auto& y) { return x.change > y.change; });
  if (out.size() > 10) out.resize(10);
  return out;
}

// Per group and side, the peak utilisation over the frames.
std::vector<GroupUtilisation> peak_utilisation(const Eigen::MatrixXd& baseline, const Eigen::MatrixXd& client,
                                               const std::vector<GroupSlot>& slots, const std::vector<AssessedGroup>& groups) {
  std::vector<GroupUtilisation> out;
  for (std::size_t s = 0; s < slots.size(); ++s) {
    GroupUtilisation gu;
    gu.group = groups[static_cast<std::size_t>(slots[s].group)].name;
    gu.side = slots[s].side;
    gu.baseline = baseline.col(static_cast<Eigen::Index>(s)).maxCoeff();
    gu.client = client.col(static_cast<Eigen::Index>(s)).maxCoeff();
    out.push_back(gu);
  }
  return out;
}

// Per reserve coordinate, the frames where the client needs more than the baseline by more than
// `threshold` (N·m).
std::vector<Shortfall> shortfalls(const Model& model, const ActivityResult& baseline, const ActivityResult& client,
                                  const std::vector<double>& time, double threshold) {
  std::vector<Shortfall> out;
  for (std::size_t k = 0; k < client.reserve_coordinates.size(); ++k) {
    Shortfall sf;
    sf.coordinate = model.coordinates[static_cast<std::size_t>(client.reserve_coordinates[k])].name;
    for (Eigen::Index i = 0; i < client.reserves.rows(); ++i) {
      const double cv = std::abs(client.reserves(i, static_cast<Eigen::Index>(k)));
      const double bv = std::abs(baseline.reserves(i, static_cast<Eigen::Index>(k)));
      sf.baseline_peak = std::max(sf.baseline_peak, bv);
      if (cv - bv <= threshold) continue;
      if (sf.frames == 0) sf.first_time = time[static_cast<std::size_t>(i)];
      sf.last_time = time[static_cast<std::size_t>(i)];
      sf.client_peak = std::max(sf.client_peak, cv);
      ++sf.frames;
    }
    if (sf.frames > 0) out.push_back(sf);
  }
  return out;
}

}  // namespace

LoadSeries load_series(const ActivityResult& r) {
  LoadSeries s;
  for (const auto& j : r.joints) {
    s.compression.push_back(j.lumbar_compression);
    s.shear_ap.push_back(j.lumbar_shear_ap);
    s.hip.push_back(std::max(j.hip_r, j.hip_l));
    s.knee.push_back(std::max(j.knee_r, j.knee_l));
  }
  return s;
}

LoadSummary summarise(const ActivityResult& r, const LoadSeries& s) {
  LoadSummary m;
  const auto& t = r.motion.motion.time;
  std::vector<double> abs_shear(s.shear_ap.size());
  for (std::size_t i = 0; i < s.shear_ap.size(); ++i) abs_shear[i] = std::abs(s.shear_ap[i]);
  for (std::size_t i = 0; i < s.compression.size(); ++i) {
    m.peak_compression = std::max(m.peak_compression, s.compression[i]);
    m.peak_shear = std::max(m.peak_shear, abs_shear[i]);
    m.peak_hip = std::max(m.peak_hip, s.hip[i]);
    m.peak_knee = std::max(m.peak_knee, s.knee[i]);
  }
  m.integrated_compression = trapezoid(t, s.compression);
  m.integrated_shear = trapezoid(t, abs_shear);
  for (Eigen::Index i = 0; i < r.reserves.size(); ++i) m.max_reserve = std::max(m.max_reserve, std::abs(r.reserves.data()[i]));
  return m;
}

ActivityAssessment compare_activity(const Model& model, const std::string& activity, const ActivityResult& baseline,
                                    const ActivityResult& client, const Eigen::MatrixXd& baseline_utilisation,
                                    const Eigen::MatrixXd& client_utilisation, const std::vector<GroupSlot>& slots,
                                    const std::vector<AssessedGroup>& groups, const std::vector<int>& actuator_muscle,
                                    const Eigen::VectorXd& client_scale, double reserve_threshold) {
  ActivityAssessment aa;
  aa.name = activity;
  try {
    aa.description = find_activity(aa.name).description;
  } catch (const InputError&) {
    aa.description = aa.name;
  }
  aa.time = baseline.motion.motion.time;
  aa.baseline = load_series(baseline);
  aa.client = load_series(client);
  aa.baseline_summary = summarise(baseline, aa.baseline);
  aa.client_summary = summarise(client, aa.client);
  for (const auto& reason : baseline.validity.reasons) aa.validity.fail(fmt::format("{} at norm strength: {}", aa.name, reason));
  for (const auto& reason : client.validity.reasons) aa.validity.fail(fmt::format("{} at the client's strength: {}", aa.name, reason));
  aa.compensations = compensations(model, baseline, client, actuator_muscle, client_scale);
  aa.utilisation = peak_utilisation(baseline_utilisation, client_utilisation, slots, groups);
  aa.shortfalls = shortfalls(model, baseline, client, aa.time, reserve_threshold);
  aa.feasible = aa.shortfalls.empty();
  aa.warnings = client.warnings;
  return aa;
}

std::vector<RegionDemand> muscle_demand(const Model& model, const std::vector<int>& actuator_muscle,
                                        const std::vector<ActivityResult>& baseline, const std::vector<ActivityResult>& client) {
  std::map<std::pair<std::string, std::string>, std::vector<int>> region_actuators;
  for (std::size_t k = 0; k < actuator_muscle.size(); ++k) {
    if (actuator_muscle[k] < 0) continue;
    const std::string& name = model.muscles[static_cast<std::size_t>(actuator_muscle[k])].name;
    const std::string region = region_of(name), side = side_of(name);
    if (!region.empty() && !side.empty()) region_actuators[{region, side}].push_back(static_cast<int>(k));
  }
  // Per frame the mean activation of the region's muscles; the peak over frames and activities.
  auto peak_mean = [](const ActivityResult& r, const std::vector<int>& ks) {
    double peak = 0;
    for (Eigen::Index i = 0; i < r.activations.rows(); ++i) {
      double mean = 0;
      for (int k : ks) mean += r.activations(i, k);
      peak = std::max(peak, mean / static_cast<double>(ks.size()));
    }
    return peak;
  };
  std::vector<RegionDemand> out;
  for (const auto& [key, ks] : region_actuators) {
    RegionDemand d;
    d.region = key.first;
    d.side = key.second;
    for (std::size_t a = 0; a < baseline.size(); ++a) {
      d.baseline = std::max(d.baseline, peak_mean(baseline[a], ks));
      d.client = std::max(d.client, peak_mean(client[a], ks));
    }
    out.push_back(d);
  }
  return out;
}

}  // namespace weaklink
