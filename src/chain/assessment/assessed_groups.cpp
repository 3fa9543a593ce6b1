#include "chain/assessment/assessed_groups.hpp"

#include <algorithm>

#include "generic_model/generic_model.hpp"
#include "generic_model/generic_tables.hpp"

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

std::vector<int> group_members(const AssessedGroup& group) {
  std::vector<int> m = group.muscles_r;
  m.insert(m.end(), group.muscles_l.begin(), group.muscles_l.end());
  return m;
}

}  // namespace weaklink
