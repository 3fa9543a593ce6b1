#include "chain/activities/contact_sites.hpp"

#include "core/error.hpp"
#include "kinematics/forward_kinematics.hpp"
#include "model/data.hpp"
#include "generic_model/generic_model.hpp"

namespace weaklink {
namespace {

// Where a site sits: its generic body, and the joint centre its offset is measured from.
enum class Reference { Ankle, Knee, Hip, MidHips, Lumbar };
struct SiteRule {
  const char* site;  // without side suffix
  bool sided;
  const char* generic_body;  // with "_s" for the side where sided
  Reference reference;
};

constexpr SiteRule kRules[] = {
    {"heel", true, "foot", Reference::Ankle},
    {"first_metatarsal", true, "foot", Reference::Ankle},
    {"fifth_metatarsal", true, "foot", Reference::Ankle},
    {"toe", true, "foot", Reference::Ankle},
    {"lateral_ankle", true, "tibia", Reference::Ankle},
    {"thigh", true, "femur", Reference::Hip},
    {"lateral_hip", true, "femur", Reference::Hip},
    {"lateral_knee", true, "femur", Reference::Knee},
    {"ischial", true, "pelvis", Reference::MidHips},
    {"buttock", true, "pelvis", Reference::MidHips},
    {"sacrum", false, "pelvis", Reference::MidHips},
    {"shoulder", true, "torso", Reference::Lumbar},
    {"lateral_shoulder", true, "torso", Reference::Lumbar},
    {"shoulder_centre", true, "torso", Reference::Lumbar},
    {"back", false, "torso", Reference::Lumbar},
};

std::string sided(const std::string& name, const char* side) { return name + "_" + side; }

// Joint centres in the default pose of a compiled model with OpenSim's coordinate names.
struct Centres {
  const Model& model;
  Data data;
  explicit Centres(const Model& m) : model(m), data(m) {
    const Eigen::VectorXd q = m.default_q();
    calc_forward_kinematics(m, data, q);
  }
  Vec3 of_coordinate(const std::string& coordinate) const {
    const int c = model.find_coordinate(coordinate);
    if (c < 0)
      throw_input_error(model.source_file.empty() ? model.name : model.source_file, "coordinate '" + coordinate + "'",
                        "contact sites are mapped from joint centres found by OpenSim's coordinate names; this model has none by that name");
    const Joint& j = model.joints[model.coordinates[c].joint];
    return (data.X_GB[j.child_body] * j.X_BM).p;
  }
  Vec3 reference(Reference r, const char* side) const {
    switch (r) {
      case Reference::Ankle: return of_coordinate(sided("ankle_angle", side));
      case Reference::Knee: return of_coordinate(sided("knee_angle", side));
      case Reference::Hip: return of_coordinate(sided("hip_flexion", side));
      case Reference::MidHips: return 0.5 * (of_coordinate("hip_flexion_r") + of_coordinate("hip_flexion_l"));
      case Reference::Lumbar: return of_coordinate("lumbar_extension");
    }
    return Vec3::Zero();
  }
  double leg_length() const { return of_coordinate("hip_flexion_r").y() - of_coordinate("ankle_angle_r").y(); }
};

// The target model's body for a generic one: OpenSim models call the foot "calcn".
int target_body(const Model& model, const std::string& generic_body, const char* side) {
  std::string name = generic_body == "pelvis" || generic_body == "torso" ? generic_body : sided(generic_body, side);
  int b = model.find_body(name);
  if (b < 0 && generic_body == "foot") b = model.find_body(sided("calcn", side));
  if (b < 0)
    throw_input_error(model.source_file.empty() ? model.name : model.source_file, "body '" + name + "'",
                      "contact sites need the bodies pelvis, torso, femur_r/l, tibia_r/l and foot_r/l or calcn_r/l");
  return b;
}

}  // namespace

const std::vector<std::string>& contact_site_names() {
  static const std::vector<std::string> names = [] {
    std::vector<std::string> out;
    for (const auto& r : kRules) {
      if (!r.sided) {
        out.emplace_back(r.site);
        continue;
      }
      for (const char* side : {"r", "l"}) out.push_back(sided(r.site, side));
    }
    return out;
  }();
  return names;
}

int find_contact_site(const Model& model, const std::string& site) {
  return model.find_marker(kContactMarkerPrefix + site);
}

ModelSpec with_contact_sites(ModelSpec spec) {
  const Model target = compile_model(spec);
  bool complete = true;
  for (const auto& s : contact_site_names()) complete = complete && find_contact_site(target, s) >= 0;
  if (complete) return spec;

  // The template: the generic model of a man of 1.75 m (only its proportions matter here).
  static const Model generic = compile_model(build_generic_model(Person{1.75, 75.0, Sex::Male, 40.0}));
  const Centres g(generic), t(target);
  const double scale = t.leg_length() / g.leg_length();
  for (const auto& r : kRules) {
    const std::vector<const char*> sides = r.sided ? std::vector<const char*>{"r", "l"} : std::vector<const char*>{"r"};
    for (const char* side : sides) {
      const std::string site = r.sided ? sided(r.site, side) : r.site;
      if (find_contact_site(target, site) >= 0) continue;
      const int gm = find_contact_site(generic, site);
      if (gm < 0) throw InputError("contact site '" + site + "' is missing from the generic model (internal error)");
      const Marker& mk = generic.markers[gm];
      const Vec3 offset = g.data.X_GB[mk.body].apply(mk.p_BM) - g.reference(r.reference, side);
      const Vec3 p_G = t.reference(r.reference, side) + scale * offset;
      const int body = target_body(target, r.generic_body, side);
      const Transform& X = t.data.X_GB[body];
      MarkerSpec m;
      m.name = kContactMarkerPrefix + site;
      m.parent_frame = "/bodyset/" + target.bodies[body].name;
      m.location = X.R.transpose() * (p_G - X.p);
      m.fixed = true;
      m.origin = "mapped from weaklink's generic model";
      spec.markers.push_back(m);
    }
  }
  return spec;
}

}  // namespace weaklink
