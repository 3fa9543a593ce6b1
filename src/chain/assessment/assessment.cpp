#include "chain/assessment/assessment.hpp"

#include <fmt/format.h>

#include <algorithm>
#include <atomic>
#include <cmath>
#include <mutex>
#include <numeric>

#include "chain/activities/activity.hpp"
#include "chain/activities/contact_sites.hpp"
#include "chain/client/isometric_strength.hpp"
#include "core/error.hpp"
#include "kinematics/forward_kinematics.hpp"
#include "generic_model/generic_model.hpp"
#include "generic_model/generic_tables.hpp"
#include "muscles/muscle_force.hpp"
#include "muscles/path_geometry.hpp"
#include "solvers/static_optimization.hpp"
#include "tools/trajectory_analyses.hpp"
#include "tools/trajectory_threads.hpp"

namespace weaklink {
namespace {

// The groups ranked, with the joint action that defines each one's utilisation. Mostly the
// strength measure of the group (isometric_strength.cpp); the hamstrings are judged by hip
// extension, the action that the low-back story is about.
struct GroupAction {
  const char* group;
  const char* coordinate;
  double direction;
  bool bilateral;
};
constexpr GroupAction kGroupActions[] = {
    {"deep hip external rotators", "hip_rotation", -1, false},
    {"hip external rotators", "hip_rotation", -1, false},
    {"gluteus maximus", "hip_flexion", -1, false},
    {"hip abductors", "hip_adduction", -1, false},
    {"hip adductors", "hip_adduction", +1, false},
    {"hip internal rotators", "hip_rotation", +1, false},
    {"hip flexors", "hip_flexion", +1, false},
    {"hamstrings", "hip_flexion", -1, false},
    {"quadriceps", "knee_angle", -1, false},
    {"vastus medialis", "knee_angle", -1, false},
    {"calf", "ankle_angle", -1, false},
    {"trunk extensors", "lumbar_extension", +1, true},
    {"abdominals", "lumbar_extension", -1, true},
};

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

// The generic model's muscle lines and their names in gait2392 (Delp et al. 1990; OpenSim's
// gait2392_simbody.osim) and in Rajagopal et al. 2016 (RajagopalLaiUhlrich2023.osim), so that the
// same groups can be weakened on those models. Several generic lines may map to one reference
// muscle (the gemelli, the vastus medialis' two parts).
struct MuscleAlias {
  const char* generic;
  const char* gait2392;
  const char* rajagopal;
};
constexpr MuscleAlias kAliases[] = {
    {"piriformis", "peri", "piri"}, {"gemellus_superior", "gem", ""}, {"gemellus_inferior", "gem", ""},
    {"quadratus_femoris", "quad_fem", ""}, {"glut_max1", "glut_max1", "glmax1"}, {"glut_max2", "glut_max2", "glmax2"},
    {"glut_max3", "glut_max3", "glmax3"}, {"glut_med1", "glut_med1", "glmed1"}, {"glut_med2", "glut_med2", "glmed2"},
    {"glut_med3", "glut_med3", "glmed3"}, {"glut_min1", "glut_min1", "glmin1"}, {"glut_min2", "glut_min2", "glmin2"},
    {"glut_min3", "glut_min3", "glmin3"}, {"sartorius", "sar", "sart"}, {"pectineus", "pect", ""},
    {"adductor_longus", "add_long", "addlong"}, {"adductor_brevis", "add_brev", "addbrev"}, {"adductor_magnus1", "add_mag1", "addmagProx"},
    {"adductor_magnus2", "add_mag2", "addmagMid"}, {"adductor_magnus3", "add_mag3", "addmagIsch"}, {"gracilis", "grac", "grac"},
    {"rectus_femoris", "rect_fem", "recfem"}, {"vastus_lateralis", "vas_lat", "vaslat"}, {"vastus_intermedius", "vas_int", "vasint"},
    {"vastus_medialis_longus", "vas_med", "vasmed"}, {"vastus_medialis_obliquus", "vas_med", "vasmed"},
    {"semimembranosus", "semimem", "semimem"}, {"semitendinosus", "semiten", "semiten"}, {"biceps_femoris_long", "bifemlh", "bflh"},
    {"biceps_femoris_short", "bifemsh", "bfsh"}, {"gastrocnemius_medial", "med_gas", "gasmed"}, {"gastrocnemius_lateral", "lat_gas", "gaslat"},
    {"tibialis_anterior", "tib_ant", "tibant"}, {"longissimus1", "ercspn", ""}, {"external_oblique1", "extobl", ""},
    {"internal_oblique1", "intobl", ""},
};

// The model's index of a generic muscle line ("glut_max1_r"), by its own name or an alias; -1.
int find_generic_muscle(const Model& model, const std::string& name) {
  if (const int m = model.find_muscle(name); m >= 0) return m;
  const std::string side = name.size() > 2 ? name.substr(name.size() - 2) : "";
  const std::string base = name.substr(0, name.size() - side.size());
  for (const auto& a : kAliases) {
    if (base != a.generic) continue;
    for (const char* alias : {a.gait2392, a.rajagopal})
      if (*alias)
        if (const int m = model.find_muscle(std::string(alias) + side); m >= 0) return m;
  }
  return -1;
}

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

// What one activity's frames offer every group: moment arms about the groups' coordinates and
// each muscle's isometric force at full activation (rigid tendon, at norm strength), from the
// motion's poses (strength does not change them).
struct ActivityGeometry {
  std::vector<int> coordinates;            // model coordinate per (group, side) slot
  std::vector<Eigen::MatrixXd> arms;       // per frame: muscles × slots
  Eigen::MatrixXd iso_force;               // frames × muscles, N
};

struct Slot {
  int group;
  std::string side;  // "r", "l", "both"
  int coordinate;
  double direction;  // the group's action in this model's sign convention
};

std::vector<Slot> make_slots(const Model& model, const std::vector<AssessedGroup>& groups) {
  std::vector<Slot> slots;
  for (std::size_t g = 0; g < groups.size(); ++g) {
    const auto& grp = groups[g];
    if (grp.bilateral) {
      const int c = model.find_coordinate(grp.coordinate);
      if (c >= 0) slots.push_back({static_cast<int>(g), "both", c, grp.direction * anatomical_sign(model, c)});
      continue;
    }
    for (const char* side : {"r", "l"}) {
      const int c = model.find_coordinate(grp.coordinate + "_" + side);
      if (c >= 0) slots.push_back({static_cast<int>(g), side, c, grp.direction * anatomical_sign(model, c)});
    }
  }
  return slots;
}

ActivityGeometry activity_geometry(const Model& model, const ActivityMotion& motion, const std::vector<Slot>& slots) {
  ActivityGeometry g;
  const int n = static_cast<int>(motion.motion.time.size()), nm = static_cast<int>(model.muscles.size());
  for (const auto& s : slots) g.coordinates.push_back(s.coordinate);
  g.arms.resize(static_cast<std::size_t>(n));
  g.iso_force.resize(n, nm);
  Data data(model);
  for (int i = 0; i < n; ++i) {
    const Eigen::VectorXd q = motion.motion.q.row(i).transpose();
    calc_forward_kinematics(model, data, q);
    calc_path_geometry(model, data, q);
    Eigen::MatrixXd& a = g.arms[static_cast<std::size_t>(i)];
    a.resize(nm, static_cast<Eigen::Index>(slots.size()));
    for (std::size_t s = 0; s < slots.size(); ++s) a.col(static_cast<Eigen::Index>(s)) = data.moment_arm.col(slots[s].coordinate);
    for (int m = 0; m < nm; ++m)
      g.iso_force(i, m) = rigid_tendon_active_force(model.muscles[static_cast<std::size_t>(m)].params, data.muscle_length[m], 0.0, 1.0);
  }
  return g;
}

// Per frame and slot: the net joint moment in the group's direction that the solution's muscles
// and reserves produce (the task's demand as `r` performs it), over what the group's muscles
// could produce at full activation with `muscle_strength` (the person's capacity): the
// "percent capable" of ergonomics tools, for one muscle group.
Eigen::MatrixXd utilisation(const ActivityResult& r, const ActivityGeometry& geo, const std::vector<Slot>& slots,
                            const std::vector<AssessedGroup>& groups, const std::vector<int>& actuator_muscle,
                            const Eigen::VectorXd& muscle_strength) {
  const int n = static_cast<int>(r.motion.motion.time.size());
  Eigen::MatrixXd u = Eigen::MatrixXd::Zero(n, static_cast<Eigen::Index>(slots.size()));
  for (int i = 0; i < n; ++i) {
    const Eigen::MatrixXd& arms = geo.arms[static_cast<std::size_t>(i)];
    for (std::size_t s = 0; s < slots.size(); ++s) {
      const AssessedGroup& grp = groups[static_cast<std::size_t>(slots[s].group)];
      const Eigen::Index col = static_cast<Eigen::Index>(s);
      double net = 0;
      for (std::size_t k = 0; k < actuator_muscle.size(); ++k)
        if (actuator_muscle[k] >= 0) net += r.forces(i, static_cast<Eigen::Index>(k)) * arms(actuator_muscle[k], col);
      for (std::size_t k = 0; k < r.reserve_coordinates.size(); ++k)
        if (r.reserve_coordinates[k] == slots[s].coordinate) net += r.reserves(i, static_cast<Eigen::Index>(k));
      const double demand = std::max(0.0, slots[s].direction * net);
      const auto& members = slots[s].side == "l" ? grp.muscles_l : grp.muscles_r;
      double capacity = 0;
      for (int m : members) capacity += muscle_strength[m] * geo.iso_force(i, m) * std::max(0.0, slots[s].direction * arms(m, col));
      u(i, col) = capacity > 1e-9 ? demand / capacity : (demand > 1e-6 ? 1e6 : 0.0);
    }
  }
  return u;
}

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

// Largest excess of |reserve| over the baseline's, per frame in `frames` (all when empty).
double reserve_excess(const ActivityResult& r, const ActivityResult& base, const std::vector<int>& frames) {
  double worst = 0;
  auto frame = [&](int i) {
    for (Eigen::Index k = 0; k < r.reserves.cols(); ++k)
      worst = std::max(worst, std::abs(r.reserves(i, k)) - std::abs(base.reserves(i, k)));
  };
  if (frames.empty())
    for (Eigen::Index i = 0; i < r.reserves.rows(); ++i) frame(static_cast<int>(i));
  else
    for (int i : frames) frame(i);
  return worst;
}

}  // namespace

std::vector<AssessedGroup> assessed_groups(const Model& model) {
  const GenericTables& tables = GenericTables::builtin();
  std::vector<AssessedGroup> out;
  for (const auto& a : kGroupActions) {
    AssessedGroup g;
    g.name = a.group;
    g.coordinate = a.coordinate;
    g.direction = a.direction;
    g.bilateral = a.bilateral;
    for (const char* side : {"r", "l"}) {
      auto& list = (a.bilateral || std::string(side) == "r") ? g.muscles_r : g.muscles_l;
      for (const auto& name : group_muscles(tables, a.group, side)) {
        const int m = find_generic_muscle(model, name);
        if (m >= 0 && std::find(list.begin(), list.end(), m) == list.end()) list.push_back(m);
      }
    }
    if (!g.muscles_r.empty() || !g.muscles_l.empty()) out.push_back(std::move(g));
  }
  return out;
}

Eigen::VectorXd strength_factors(const ModelSpec& baseline, const ModelSpec& client) {
  if (baseline.muscles.size() != client.muscles.size()) throw std::invalid_argument("strength_factors: different muscle sets");
  Eigen::VectorXd f(static_cast<Eigen::Index>(baseline.muscles.size()));
  for (std::size_t m = 0; m < baseline.muscles.size(); ++m) {
    const double b = baseline.muscles[m].params.max_isometric_force;
    f[static_cast<Eigen::Index>(m)] = b > 0 ? client.muscles[m].params.max_isometric_force / b : 1.0;
  }
  return f;
}

Assessment compare_strength(const Model& model, const std::vector<std::string>& names, const std::vector<ActivityMotion>& motions,
                            const Eigen::VectorXd& client_strength, const std::vector<AssessedGroup>& groups,
                            const AssessmentOptions& options) {
  const int na = static_cast<int>(names.size()), nm = static_cast<int>(model.muscles.size()), ng = static_cast<int>(groups.size());
  if (client_strength.size() != nm) throw std::invalid_argument("compare_strength: one strength factor per muscle expected");
  Assessment out;
  out.reserve_threshold = options.reserve_threshold;

  // Actuator k → muscle index (−1: not a muscle), from the solver's own ordering.
  std::vector<int> actuator_muscle;
  {
    StaticOptimization so(model, options.simulation.so, motions.empty() ? ContactSet{} : motions[0].contacts);
    for (const auto& f : so.actuators()) actuator_muscle.push_back(f.muscle ? f.index : -1);
  }
  auto actuator_strength = [&](const Eigen::VectorXd& muscle_strength) {
    Eigen::VectorXd s = Eigen::VectorXd::Ones(static_cast<Eigen::Index>(actuator_muscle.size()));
    for (std::size_t k = 0; k < actuator_muscle.size(); ++k)
      if (actuator_muscle[k] >= 0) s[static_cast<Eigen::Index>(k)] = muscle_strength[actuator_muscle[k]];
    return s;
  };
  auto group_members = [&](const AssessedGroup& g) {
    std::vector<int> m = g.muscles_r;
    m.insert(m.end(), g.muscles_l.begin(), g.muscles_l.end());
    return m;
  };
  const Eigen::VectorXd norm = Eigen::VectorXd::Ones(nm);

  // Jobs run on a small pool; each writes only its own slot. Progress callbacks are serialised.
  ThreadOptions threads;
  threads.threads = options.threads;
  threads.chunk_frames = 1;
  std::atomic<int> done{0};
  int total = 0;
  std::mutex progress_mutex;
  auto report = [&](const std::string& what) {
    const int d = ++done;
    if (!options.progress) return;
    std::lock_guard<std::mutex> lock(progress_mutex);
    options.progress(total > 0 ? static_cast<double>(d) / total : 1.0, what);
  };
  auto run = [&](int a, const Eigen::VectorXd& muscle_strength, std::vector<int> frames = {}, bool joint_loads = true) {
    SimulationOptions so = options.simulation;
    so.frames = std::move(frames);
    so.joint_loads = joint_loads;
    return simulate_activity(model, names[static_cast<std::size_t>(a)], motions[static_cast<std::size_t>(a)], so,
                             actuator_strength(muscle_strength));
  };

  // Stage 1: baseline and client, and each activity's geometry.
  const std::vector<Slot> slots = make_slots(model, groups);
  std::vector<ActivityResult> base(static_cast<std::size_t>(na)), cli(static_cast<std::size_t>(na));
  std::vector<ActivityGeometry> geo(static_cast<std::size_t>(na));
  // Weak-link jobs: per group a restore and a sensitivity run over all activities, and per
  // (group, activity) an infeasibility search.
  std::vector<double> group_factor(static_cast<std::size_t>(ng), 1.0);
  for (int g = 0; g < ng; ++g) {
    double f = 0, w = 0;
    for (int m : group_members(groups[static_cast<std::size_t>(g)])) {
      const double fmax = model.muscles[static_cast<std::size_t>(m)].params.max_isometric_force;
      f += client_strength[m] * fmax;
      w += fmax;
    }
    group_factor[static_cast<std::size_t>(g)] = w > 0 ? f / w : 1.0;
  }
  total = 3 * na + 2 * ng * na + ng * na;
  for_each_chunk(2 * na, threads, [&](int, int begin, int end) {
    for (int j = begin; j < end; ++j) {
      const int a = j / 2;
      if (j % 2 == 0) {
        base[static_cast<std::size_t>(a)] = run(a, norm);
        geo[static_cast<std::size_t>(a)] = activity_geometry(model, motions[static_cast<std::size_t>(a)], slots);
        report("baseline " + names[static_cast<std::size_t>(a)]);
      } else {
        cli[static_cast<std::size_t>(a)] = run(a, client_strength);
        report("client " + names[static_cast<std::size_t>(a)]);
      }
    }
  });
  std::vector<Eigen::MatrixXd> util_base(static_cast<std::size_t>(na)), util_client(static_cast<std::size_t>(na));
  for (int a = 0; a < na; ++a) {
    util_base[static_cast<std::size_t>(a)] = utilisation(base[static_cast<std::size_t>(a)], geo[static_cast<std::size_t>(a)], slots,
                                                         groups, actuator_muscle, norm);
    // The demand is the task as a person of norm strength performs it, so that utilisation
    // compares capacities on the same task: the client's own solution may move load elsewhere
    // (another foot's centre of pressure, a synergist), which the compensations report instead.
    util_client[static_cast<std::size_t>(a)] = utilisation(base[static_cast<std::size_t>(a)], geo[static_cast<std::size_t>(a)],
                                                           slots, groups, actuator_muscle, client_strength);
    report("utilisation " + names[static_cast<std::size_t>(a)]);
  }

  // Stage 2: weak links. peak[g][a] for the restored and the 10 %-weaker runs.
  std::vector<std::vector<double>> restored(static_cast<std::size_t>(ng), std::vector<double>(static_cast<std::size_t>(na), 0.0));
  std::vector<std::vector<double>> weaker = restored;
  std::vector<std::vector<std::optional<double>>> infeasible(static_cast<std::size_t>(ng),
                                                             std::vector<std::optional<double>>(static_cast<std::size_t>(na)));
  auto peak_compression = [](const ActivityResult& r) {
    double p = 0;
    for (const auto& j : r.joints) p = std::max(p, j.lumbar_compression);
    return p;
  };
  for_each_chunk(3 * ng * na, threads, [&](int, int begin, int end) {
    for (int j = begin; j < end; ++j) {
      const int kind = j / (ng * na), g = (j / na) % ng, a = j % na;
      const AssessedGroup& grp = groups[static_cast<std::size_t>(g)];
      const auto members = group_members(grp);
      const std::string label = grp.name + " in " + names[static_cast<std::size_t>(a)];
      if (kind == 0) {  // restore this group to norm, the others as the client's
        Eigen::VectorXd s = client_strength;
        bool changed = false;
        for (int m : members) {
          changed = changed || s[m] != 1.0;
          s[m] = 1.0;
        }
        restored[static_cast<std::size_t>(g)][static_cast<std::size_t>(a)] =
            changed ? peak_compression(run(a, s)) : peak_compression(cli[static_cast<std::size_t>(a)]);
        report("restoring " + label);
      } else if (kind == 1) {  // 10 % of norm weaker than the client
        Eigen::VectorXd s = client_strength;
        for (int m : members) s[m] = std::max(kMinStrengthFactor, s[m] - 0.1);
        weaker[static_cast<std::size_t>(g)][static_cast<std::size_t>(a)] = peak_compression(run(a, s));
        report("sensitivity " + label);
      } else {  // the factor below which the activity needs reserves (others at norm)
        const ActivityResult& b = base[static_cast<std::size_t>(a)];
        const Eigen::MatrixXd& u = util_base[static_cast<std::size_t>(a)];
        const int n = static_cast<int>(u.rows());
        std::vector<double> worst(static_cast<std::size_t>(n), 0.0);
        for (std::size_t s = 0; s < slots.size(); ++s)
          if (slots[s].group == g)
            for (int i = 0; i < n; ++i) worst[static_cast<std::size_t>(i)] = std::max(worst[static_cast<std::size_t>(i)], u(i, static_cast<Eigen::Index>(s)));
        std::vector<int> order(static_cast<std::size_t>(n));
        std::iota(order.begin(), order.end(), 0);
        std::stable_sort(order.begin(), order.end(), [&](int x, int y) { return worst[static_cast<std::size_t>(x)] > worst[static_cast<std::size_t>(y)]; });
        order.resize(static_cast<std::size_t>(std::min(n, std::max(1, options.search_frames))));
        std::sort(order.begin(), order.end());  // in time order, for the solver's warm starts
        auto feasible = [&](double f) {
          Eigen::VectorXd s = norm;
          for (int m : members) s[m] = f;
          return reserve_excess(run(a, s, order, false), b, order) <= options.reserve_threshold;
        };
        if (!feasible(kMinStrengthFactor)) {
          double lo = kMinStrengthFactor, hi = 1.0;  // lo infeasible, hi feasible (the baseline)
          for (int it = 0; it < 6; ++it) {
            const double mid = 0.5 * (lo + hi);
            (feasible(mid) ? hi : lo) = mid;
          }
          infeasible[static_cast<std::size_t>(g)][static_cast<std::size_t>(a)] = hi;
        }
        report("deficit search " + label);
      }
    }
  });

  // Per activity.
  out.body_weight = base.empty() ? 0 : base[0].body_weight;
  for (int a = 0; a < na; ++a) {
    const ActivityResult& b = base[static_cast<std::size_t>(a)];
    const ActivityResult& c = cli[static_cast<std::size_t>(a)];
    ActivityAssessment aa;
    aa.name = names[static_cast<std::size_t>(a)];
    try {
      aa.description = find_activity(aa.name).description;
    } catch (const InputError&) {
      aa.description = aa.name;
    }
    aa.time = b.motion.motion.time;
    aa.baseline = load_series(b);
    aa.client = load_series(c);
    aa.baseline_summary = summarise(b, aa.baseline);
    aa.client_summary = summarise(c, aa.client);
    for (const auto& reason : b.validity.reasons) aa.validity.fail(fmt::format("{} at norm strength: {}", aa.name, reason));
    for (const auto& reason : c.validity.reasons) aa.validity.fail(fmt::format("{} at the client's strength: {}", aa.name, reason));
    for (int g = 0; g < ng; ++g) {
      const std::string label = aa.name + " with " + groups[static_cast<std::size_t>(g)].name;
      aa.validity.check_finite(restored[static_cast<std::size_t>(g)][static_cast<std::size_t>(a)], label + " restored: peak L5/S1 load");
      aa.validity.check_finite(weaker[static_cast<std::size_t>(g)][static_cast<std::size_t>(a)], label + " 10 % weaker: peak L5/S1 load");
    }
    for (const auto& reason : aa.validity.reasons) out.validity.fail(reason);
    // Compensations: the muscles whose strength is unchanged, by their mean activation's increase.
    for (std::size_t k = 0; k < actuator_muscle.size(); ++k) {
      const int m = actuator_muscle[k];
      if (m < 0 || client_strength[m] != 1.0) continue;
      Compensation comp;
      comp.muscle = model.muscles[static_cast<std::size_t>(m)].name;
      comp.baseline = b.activations.col(static_cast<Eigen::Index>(k)).mean();
      comp.client = c.activations.col(static_cast<Eigen::Index>(k)).mean();
      comp.change = comp.client - comp.baseline;
      if (comp.change > 1e-4) aa.compensations.push_back(comp);
    }
    std::stable_sort(aa.compensations.begin(), aa.compensations.end(), [](const auto& x, const auto& y) { return x.change > y.change; });
    if (aa.compensations.size() > 10) aa.compensations.resize(10);
    for (std::size_t s = 0; s < slots.size(); ++s) {
      GroupUtilisation gu;
      gu.group = groups[static_cast<std::size_t>(slots[s].group)].name;
      gu.side = slots[s].side;
      gu.baseline = util_base[static_cast<std::size_t>(a)].col(static_cast<Eigen::Index>(s)).maxCoeff();
      gu.client = util_client[static_cast<std::size_t>(a)].col(static_cast<Eigen::Index>(s)).maxCoeff();
      aa.utilisation.push_back(gu);
    }
    // Shortfalls: per reserve coordinate, the frames where the client needs more than the baseline.
    for (std::size_t k = 0; k < c.reserve_coordinates.size(); ++k) {
      Shortfall sf;
      sf.coordinate = model.coordinates[static_cast<std::size_t>(c.reserve_coordinates[k])].name;
      for (Eigen::Index i = 0; i < c.reserves.rows(); ++i) {
        const double cv = std::abs(c.reserves(i, static_cast<Eigen::Index>(k))), bv = std::abs(b.reserves(i, static_cast<Eigen::Index>(k)));
        sf.baseline_peak = std::max(sf.baseline_peak, bv);
        if (cv - bv <= options.reserve_threshold) continue;
        if (sf.frames == 0) sf.first_time = aa.time[static_cast<std::size_t>(i)];
        sf.last_time = aa.time[static_cast<std::size_t>(i)];
        sf.client_peak = std::max(sf.client_peak, cv);
        ++sf.frames;
      }
      if (sf.frames > 0) aa.shortfalls.push_back(sf);
    }
    aa.feasible = aa.shortfalls.empty();
    aa.warnings = c.warnings;
    out.activities.push_back(std::move(aa));
  }

  // Weak links: the client's weak groups first, by the lumbar relief of restoring each (most relief
  // first); then the groups at norm, by how much more load 10 % less strength would bring.
  for (int g = 0; g < ng; ++g) {
    WeakLink w;
    w.group = groups[static_cast<std::size_t>(g)].name;
    w.client_factor = group_factor[static_cast<std::size_t>(g)];
    for (int a = 0; a < na; ++a) {
      const double client_peak = out.activities[static_cast<std::size_t>(a)].client_summary.peak_compression;
      const double d = restored[static_cast<std::size_t>(g)][static_cast<std::size_t>(a)] - client_peak;
      w.restore_by_activity[names[static_cast<std::size_t>(a)]] = d;
      w.restore_change += d;
      w.sensitivity_per_10pct += weaker[static_cast<std::size_t>(g)][static_cast<std::size_t>(a)] - client_peak;
      w.infeasible_below[names[static_cast<std::size_t>(a)]] = infeasible[static_cast<std::size_t>(g)][static_cast<std::size_t>(a)];
    }
    out.weak_links.push_back(std::move(w));
  }
  std::stable_sort(out.weak_links.begin(), out.weak_links.end(), [](const WeakLink& x, const WeakLink& y) {
    const bool wx = x.client_factor < 0.999, wy = y.client_factor < 0.999;
    if (wx != wy) return wx;  // the client's own weaknesses first
    if (wx && x.restore_change != y.restore_change) return x.restore_change < y.restore_change;
    return x.sensitivity_per_10pct > y.sensitivity_per_10pct;
  });
  // Body-figure regions: per frame the mean activation of the region's muscles, peak over frames
  // and activities.
  std::map<std::pair<std::string, std::string>, std::vector<int>> region_actuators;
  for (std::size_t k = 0; k < actuator_muscle.size(); ++k) {
    if (actuator_muscle[k] < 0) continue;
    const std::string& name = model.muscles[static_cast<std::size_t>(actuator_muscle[k])].name;
    const std::string region = region_of(name), side = side_of(name);
    if (!region.empty() && !side.empty()) region_actuators[{region, side}].push_back(static_cast<int>(k));
  }
  for (const auto& [key, ks] : region_actuators) {
    RegionDemand d;
    d.region = key.first;
    d.side = key.second;
    for (int a = 0; a < na; ++a) {
      for (const auto* r : {&base[static_cast<std::size_t>(a)], &cli[static_cast<std::size_t>(a)]}) {
        double peak = 0;
        for (Eigen::Index i = 0; i < r->activations.rows(); ++i) {
          double mean = 0;
          for (int k : ks) mean += r->activations(i, k);
          peak = std::max(peak, mean / static_cast<double>(ks.size()));
        }
        double& v = (r == &base[static_cast<std::size_t>(a)]) ? d.baseline : d.client;
        v = std::max(v, peak);
      }
    }
    out.muscle_demand.push_back(d);
  }
  return out;
}

Assessment assess_client(const Client& client, const AssessmentOptions& options) {
  const ModelSpec baseline = build_generic_model(client.person);
  ModelSpec strong = baseline;
  Assessment out;
  out.adjustments = apply_strength_profile(strong, client.person, client.strength, GenericTables::builtin());
  const Eigen::VectorXd factors = strength_factors(baseline, strong);
  const Model model = compile_model(with_contact_sites(baseline));
  std::vector<ActivityMotion> motions(client.activities.size());
  ThreadOptions threads;
  threads.threads = options.threads;
  threads.chunk_frames = 1;
  for_each_chunk(static_cast<int>(client.activities.size()), threads, [&](int, int begin, int end) {
    for (int a = begin; a < end; ++a) {
      const Activity& act = find_activity(client.activities[static_cast<std::size_t>(a)]);
      motions[static_cast<std::size_t>(a)] = build_activity_motion(model, act.plan(activity_parameters(act, {})), act.name);
    }
  });
  Assessment cmp = compare_strength(model, client.activities, motions, factors, assessed_groups(model), options);
  cmp.adjustments = std::move(out.adjustments);
  cmp.model_name = "weaklink generic";
  for (const auto& adj : cmp.adjustments)
    for (const auto& w : adj.warnings) cmp.warnings.push_back(adj.test + ": " + w);
  return cmp;
}

}  // namespace weaklink
