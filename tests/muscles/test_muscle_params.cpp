// read_muscle_params on shipped models (values must equal the XML text) and on malformed input.
#include <gtest/gtest.h>

#include <cmath>
#include <cstdlib>
#include <functional>
#include <pugixml.hpp>
#include <string>
#include <vector>

#include "core/error.hpp"
#include "io/muscle_params_reader.hpp"
#include "muscles/muscle_params.hpp"
#include "support/reference.hpp"

using namespace weaklink;

namespace {

struct Property {
  const char* name;
  const char* object;  // sub-object element holding it, or nullptr
  std::function<double(const MuscleParams&)> get;
};

const std::vector<Property>& common_properties() {
  static const std::vector<Property> props{
      {"max_isometric_force", nullptr, [](const MuscleParams& p) { return p.max_isometric_force; }},
      {"optimal_fiber_length", nullptr, [](const MuscleParams& p) { return p.optimal_fiber_length; }},
      {"tendon_slack_length", nullptr, [](const MuscleParams& p) { return p.tendon_slack_length; }},
      {"pennation_angle_at_optimal", nullptr, [](const MuscleParams& p) { return p.pennation_angle_at_optimal; }},
      {"max_contraction_velocity", nullptr, [](const MuscleParams& p) { return p.max_contraction_velocity; }},
      {"min_control", nullptr, [](const MuscleParams& p) { return p.min_control; }},
      {"max_control", nullptr, [](const MuscleParams& p) { return p.max_control; }},
      {"default_activation", nullptr, [](const MuscleParams& p) { return p.default_activation; }},
      {"maximum_pennation_angle", nullptr, [](const MuscleParams& p) { return p.maximum_pennation_angle; }},
      {"minimum_activation", nullptr, [](const MuscleParams& p) { return p.minimum_activation; }},
  };
  return props;
}

const std::vector<Property>& thelen_properties() {
  static const std::vector<Property> props{
      {"FmaxTendonStrain", nullptr, [](const MuscleParams& p) { return p.thelen.fmax_tendon_strain; }},
      {"FmaxMuscleStrain", nullptr, [](const MuscleParams& p) { return p.thelen.fmax_muscle_strain; }},
      {"KshapeActive", nullptr, [](const MuscleParams& p) { return p.thelen.kshape_active; }},
      {"KshapePassive", nullptr, [](const MuscleParams& p) { return p.thelen.kshape_passive; }},
      {"Af", nullptr, [](const MuscleParams& p) { return p.thelen.af; }},
      {"Flen", nullptr, [](const MuscleParams& p) { return p.thelen.flen; }},
      {"fv_linear_extrap_threshold", nullptr,
       [](const MuscleParams& p) { return p.thelen.fv_linear_extrap_threshold; }},
  };
  return props;
}

const std::vector<Property>& millard_properties() {
  constexpr const char* afl = "ActiveForceLengthCurve";
  constexpr const char* fv = "ForceVelocityCurve";
  constexpr const char* fpe = "FiberForceLengthCurve";
  constexpr const char* fse = "TendonForceLengthCurve";
  static const std::vector<Property> props{
      {"fiber_damping", nullptr, [](const MuscleParams& p) { return p.millard.fiber_damping; }},
      {"min_norm_active_fiber_length", afl,
       [](const MuscleParams& p) { return p.millard.active.min_norm_active_fiber_length; }},
      {"transition_norm_fiber_length", afl,
       [](const MuscleParams& p) { return p.millard.active.transition_norm_fiber_length; }},
      {"max_norm_active_fiber_length", afl,
       [](const MuscleParams& p) { return p.millard.active.max_norm_active_fiber_length; }},
      {"shallow_ascending_slope", afl, [](const MuscleParams& p) { return p.millard.active.shallow_ascending_slope; }},
      {"minimum_value", afl, [](const MuscleParams& p) { return p.millard.active.minimum_value; }},
      {"concentric_slope_at_vmax", fv,
       [](const MuscleParams& p) { return p.millard.velocity.concentric_slope_at_vmax; }},
      {"concentric_slope_near_vmax", fv,
       [](const MuscleParams& p) { return p.millard.velocity.concentric_slope_near_vmax; }},
      {"isometric_slope", fv, [](const MuscleParams& p) { return p.millard.velocity.isometric_slope; }},
      {"eccentric_slope_at_vmax", fv, [](const MuscleParams& p) { return p.millard.velocity.eccentric_slope_at_vmax; }},
      {"eccentric_slope_near_vmax", fv,
       [](const MuscleParams& p) { return p.millard.velocity.eccentric_slope_near_vmax; }},
      {"max_eccentric_velocity_force_multiplier", fv,
       [](const MuscleParams& p) { return p.millard.velocity.max_eccentric_velocity_force_multiplier; }},
      {"concentric_curviness", fv, [](const MuscleParams& p) { return p.millard.velocity.concentric_curviness; }},
      {"eccentric_curviness", fv, [](const MuscleParams& p) { return p.millard.velocity.eccentric_curviness; }},
      {"strain_at_zero_force", fpe, [](const MuscleParams& p) { return p.millard.passive.strain_at_zero_force; }},
      {"strain_at_one_norm_force", fpe,
       [](const MuscleParams& p) { return p.millard.passive.strain_at_one_norm_force; }},
      {"stiffness_at_low_force", fpe,
       [](const MuscleParams& p) { return p.millard.passive.stiffness_at_low_force.value_or(NAN); }},
      {"stiffness_at_one_norm_force", fpe,
       [](const MuscleParams& p) { return p.millard.passive.stiffness_at_one_norm_force.value_or(NAN); }},
      {"curviness", fpe, [](const MuscleParams& p) { return p.millard.passive.curviness.value_or(NAN); }},
      {"strain_at_one_norm_force", fse,
       [](const MuscleParams& p) { return p.millard.tendon.strain_at_one_norm_force; }},
      {"stiffness_at_one_norm_force", fse,
       [](const MuscleParams& p) { return p.millard.tendon.stiffness_at_one_norm_force.value_or(NAN); }},
      {"norm_force_at_toe_end", fse,
       [](const MuscleParams& p) { return p.millard.tendon.norm_force_at_toe_end.value_or(NAN); }},
      {"curviness", fse, [](const MuscleParams& p) { return p.millard.tendon.curviness.value_or(NAN); }},
  };
  return props;
}

pugi::xml_node property_element(pugi::xml_node owner, const Property& prop) {
  if (!owner) return {};
  if (prop.object) owner = owner.child(prop.object);
  return owner ? owner.child(prop.name) : pugi::xml_node{};
}

// Every muscle of `file` parses, and each property written in the XML (in the muscle, else in the
// document's <defaults>) reads back as exactly the number in the text.
void check_model_file(const char* relative_path, MuscleType type, int expected_muscles) {
  const auto file = test::reference_dir() / relative_path;
  pugi::xml_document doc;
  ASSERT_TRUE(doc.load_file(file.c_str())) << file;
  const pugi::xml_node root = doc.child("OpenSimDocument");
  const pugi::xml_node model = root.child("Model");
  const std::string tag(muscle_class_name(type));
  const pugi::xml_node defaults = model.child("defaults").child(tag.c_str());
  std::vector<Property> props = common_properties();
  const auto& specific = type == MuscleType::Thelen2003 ? thelen_properties() : millard_properties();
  props.insert(props.end(), specific.begin(), specific.end());

  int muscles = 0, compared = 0;
  for (const pugi::xml_node m : model.child("ForceSet").child("objects").children(tag.c_str())) {
    ++muscles;
    const MuscleParams p = read_muscle_params(m, defaults, root.attribute("Version").as_int(), file.string());
    EXPECT_EQ(p.type, type);
    EXPECT_EQ(p.applies_force, m.child("appliesForce") ? m.child("appliesForce").text().as_bool() : true);
    for (const Property& prop : props) {
      pugi::xml_node e = property_element(m, prop);
      if (!e || std::string(e.text().as_string()).empty()) e = property_element(defaults, prop);
      if (!e) continue;  // class default: covered by the synthetic tests below
      const std::string text = e.text().as_string();
      const double expected = text.empty() ? NAN : std::strtod(text.c_str(), nullptr);
      const double actual = prop.get(p);
      if (std::isnan(expected))
        EXPECT_TRUE(std::isnan(actual)) << m.attribute("name").value() << " " << prop.name;
      else
        EXPECT_EQ(actual, expected) << m.attribute("name").value() << " " << prop.name << " '" << text << "'";
      ++compared;
    }
  }
  EXPECT_EQ(muscles, expected_muscles);
  EXPECT_GT(compared, 5 * muscles);
}

struct Doc {
  pugi::xml_document xml;
  explicit Doc(const std::string& text) { EXPECT_TRUE(xml.load_string(text.c_str())); }
  pugi::xml_node muscle(const char* tag) const {
    return xml.child("Model").child("ForceSet").child("objects").child(tag);
  }
  pugi::xml_node defaults(const char* tag) const { return xml.child("Model").child("defaults").child(tag); }
};

std::string model_xml(const std::string& muscle, const std::string& defaults = "") {
  return "<Model name=\"m\"><defaults>" + defaults + "</defaults><ForceSet><objects>" + muscle +
         "</objects></ForceSet></Model>";
}

// The InputError message of parsing `muscle_xml`, or "" if it parsed.
std::string parse_error(const std::string& muscle_xml, const char* tag, int version = 40000) {
  const Doc d(model_xml(muscle_xml));
  try {
    read_muscle_params(d.muscle(tag), d.defaults(tag), version, "bad_model.osim");
  } catch (const InputError& e) {
    return e.what();
  }
  return "";
}

}  // namespace

TEST(MuscleParamsReference, Gait2392ThelenModel) {
  WEAKLINK_REQUIRE_REFERENCE();
  check_model_file("models/gait2392_thelen2003muscle.osim", MuscleType::Thelen2003, 92);
}

TEST(MuscleParamsReference, Gait2392MillardModel) {
  WEAKLINK_REQUIRE_REFERENCE();
  check_model_file("models/gait2392_millard2012muscle.osim", MuscleType::Millard2012Equilibrium, 92);
}

TEST(MuscleParamsReference, RajagopalModels) {
  WEAKLINK_REQUIRE_REFERENCE();
  check_model_file("models/RajagopalLaiUhlrich2023.osim", MuscleType::Millard2012Equilibrium, 80);
  check_model_file("models/Rajagopal2016.osim", MuscleType::Millard2012Equilibrium, 80);
}

TEST(MuscleParamsReference, SoTutorialModel) {
  WEAKLINK_REQUIRE_REFERENCE();
  check_model_file("gait2392-so-jra/subject01_simbody_adjusted_StaticOp.osim", MuscleType::Thelen2003, 92);
}

TEST(MuscleParams, ClassDefaults) {
  const Doc d(
      model_xml("<Thelen2003Muscle name=\"t\"/><Millard2012EquilibriumMuscle name=\"m\"/>"
                "<DeGrooteFregly2016Muscle name=\"d\"/>"));
  const MuscleParams t = read_muscle_params(d.muscle("Thelen2003Muscle"), {}, 40000, "f.osim");
  EXPECT_EQ(t.max_isometric_force, 1000);
  EXPECT_EQ(t.optimal_fiber_length, 0.1);
  EXPECT_EQ(t.tendon_slack_length, 0.2);
  EXPECT_EQ(t.min_control, 0.01);
  EXPECT_EQ(t.thelen.fmax_tendon_strain, 0.04);
  EXPECT_EQ(t.thelen.flen, 1.4);
  EXPECT_EQ(t.default_activation, 0.05);
  EXPECT_TRUE(t.applies_force);
  const MuscleParams m = read_muscle_params(d.muscle("Millard2012EquilibriumMuscle"), {}, 40000, "f.osim");
  EXPECT_EQ(m.millard.fiber_damping, 0.1);
  EXPECT_EQ(m.millard.active.min_norm_active_fiber_length, 0.4441);
  EXPECT_FALSE(m.millard.passive.curviness.has_value());
  EXPECT_NEAR(m.millard.tendon_force_length.value(1.049), 1.0, 1e-14);
  const MuscleParams g = read_muscle_params(d.muscle("DeGrooteFregly2016Muscle"), {}, 40000, "f.osim");
  EXPECT_EQ(g.min_control, 0.0);
  EXPECT_EQ(g.default_activation, 0.5);
  EXPECT_EQ(g.degroote.tendon_strain_at_one_norm_force, 0.049);
}

TEST(MuscleParams, DefaultsBlockFillsMissingProperties) {
  const Doc d(model_xml("<Thelen2003Muscle name=\"a\"><FmaxTendonStrain>0.05</FmaxTendonStrain></Thelen2003Muscle>",
                        "<Thelen2003Muscle name=\"default\"><FmaxTendonStrain>0.033</FmaxTendonStrain><Af>0.3</Af>"
                        "<max_isometric_force>321</max_isometric_force></Thelen2003Muscle>"));
  const MuscleParams p =
      read_muscle_params(d.muscle("Thelen2003Muscle"), d.defaults("Thelen2003Muscle"), 40000, "f.osim");
  EXPECT_EQ(p.thelen.fmax_tendon_strain, 0.05);  // the muscle's own value wins
  EXPECT_EQ(p.thelen.af, 0.3);                   // from <defaults>
  EXPECT_EQ(p.max_isometric_force, 321);
  EXPECT_EQ(p.thelen.flen, 1.4);  // class default

  // Millard curve objects inherit property by property.
  const Doc m(model_xml(
      "<Millard2012EquilibriumMuscle name=\"a\"><ActiveForceLengthCurve><minimum_value>0</minimum_value>"
      "</ActiveForceLengthCurve></Millard2012EquilibriumMuscle>",
      "<Millard2012EquilibriumMuscle name=\"default\"><ActiveForceLengthCurve><minimum_value>0.2</minimum_value>"
      "<shallow_ascending_slope>0.75</shallow_ascending_slope></ActiveForceLengthCurve>"
      "<TendonForceLengthCurve><strain_at_one_norm_force>0.06</strain_at_one_norm_force></TendonForceLengthCurve>"
      "</Millard2012EquilibriumMuscle>"));
  const MuscleParams q = read_muscle_params(m.muscle("Millard2012EquilibriumMuscle"),
                                            m.defaults("Millard2012EquilibriumMuscle"), 40000, "f.osim");
  EXPECT_EQ(q.millard.active.minimum_value, 0.0);
  EXPECT_EQ(q.millard.active.shallow_ascending_slope, 0.75);
  EXPECT_EQ(q.millard.tendon.strain_at_one_norm_force, 0.06);
  EXPECT_NEAR(q.millard.tendon_force_length.value(1.06), 1.0, 1e-14);
}

TEST(MuscleParams, OldPropertyNames) {
  const Doc d(
      model_xml("<Thelen2003Muscle name=\"a\"><pennation_angle>0.2</pennation_angle>"
                "<isDisabled>true</isDisabled></Thelen2003Muscle>"
                "<Millard2012EquilibriumMuscle name=\"b\"><isDisabled>FALSE</isDisabled>"
                "<MuscleFirstOrderActivationDynamicModel><minimum_activation>0.02</minimum_activation>"
                "</MuscleFirstOrderActivationDynamicModel><min_control>0.02</min_control>"
                "<MuscleFixedWidthPennationModel><maximum_pennation_angle>1.2</maximum_pennation_angle>"
                "</MuscleFixedWidthPennationModel></Millard2012EquilibriumMuscle>"));
  const MuscleParams a = read_muscle_params(d.muscle("Thelen2003Muscle"), {}, 30000, "f.osim");
  EXPECT_EQ(a.pennation_angle_at_optimal, 0.2);
  EXPECT_FALSE(a.applies_force);
  const MuscleParams b = read_muscle_params(d.muscle("Millard2012EquilibriumMuscle"), {}, 30000, "f.osim");
  EXPECT_TRUE(b.applies_force);
  EXPECT_EQ(b.minimum_activation, 0.02);
  EXPECT_EQ(b.maximum_pennation_angle, 1.2);
}

TEST(MuscleParams, OldDocumentsDiscardMuscleControlBounds) {
  // Before version 30513 a min_control of 0 / max_control of 1 was Muscle's own default.
  const std::string xml =
      "<Thelen2003Muscle name=\"a\"><min_control>0</min_control><max_control>1</max_control>"
      "</Thelen2003Muscle><DeGrooteFregly2016Muscle name=\"d\"><min_control>0</min_control>"
      "</DeGrooteFregly2016Muscle>";
  const Doc d(model_xml(xml));
  const MuscleParams old = read_muscle_params(d.muscle("Thelen2003Muscle"), {}, 30000, "f.osim");
  EXPECT_EQ(old.min_control, 0.01);
  EXPECT_EQ(old.max_control, 1.0);
  EXPECT_EQ(read_muscle_params(d.muscle("DeGrooteFregly2016Muscle"), {}, 30000, "f.osim").min_control, 0.0);
  // In a 4.0 document min_control 0 is kept, and OpenSim rejects it for Thelen (< minimum_activation).
  const std::string msg = parse_error(xml, "Thelen2003Muscle", 40000);
  EXPECT_NE(msg.find("min_control"), std::string::npos) << msg;
  const Doc k(model_xml("<Thelen2003Muscle name=\"a\"><min_control>0.02</min_control></Thelen2003Muscle>"));
  EXPECT_EQ(read_muscle_params(k.muscle("Thelen2003Muscle"), {}, 30000, "f.osim").min_control, 0.02);
}

TEST(MuscleParams, MalformedValuesNameTheFileAndMuscle) {
  struct Case {
    const char* xml;
    const char* tag;
    const char* expect;
  };
  const Case cases[] = {
      {"<Thelen2003Muscle name=\"vas_bad\"><optimal_fiber_length>-0.1</optimal_fiber_length></Thelen2003Muscle>",
       "Thelen2003Muscle", "optimal_fiber_length"},
      {"<Thelen2003Muscle name=\"vas_bad\"><max_isometric_force>NaN</max_isometric_force></Thelen2003Muscle>",
       "Thelen2003Muscle", "max_isometric_force"},
      {"<Millard2012EquilibriumMuscle name=\"vas_bad\"><max_isometric_force>nan</max_isometric_force>"
       "</Millard2012EquilibriumMuscle>",
       "Millard2012EquilibriumMuscle", "max_isometric_force"},
      {"<DeGrooteFregly2016Muscle "
       "name=\"vas_bad\"><tendon_slack_length>-1</tendon_slack_length></DeGrooteFregly2016Muscle>",
       "DeGrooteFregly2016Muscle", "tendon_slack_length"},
      {"<Thelen2003Muscle name=\"vas_bad\"><optimal_fiber_length>0</optimal_fiber_length></Thelen2003Muscle>",
       "Thelen2003Muscle", "optimal_fiber_length"},
      {"<Thelen2003Muscle name=\"vas_bad\"><tendon_slack_length>0.2m</tendon_slack_length></Thelen2003Muscle>",
       "Thelen2003Muscle", "tendon_slack_length"},
      {"<Thelen2003Muscle name=\"vas_bad\"><appliesForce>maybe</appliesForce></Thelen2003Muscle>", "Thelen2003Muscle",
       "appliesForce"},
      {"<Thelen2003Muscle name=\"vas_bad\"><Flen>0.9</Flen></Thelen2003Muscle>", "Thelen2003Muscle", "Flen"},
      {"<Millard2012EquilibriumMuscle name=\"vas_bad\"><FiberForceLengthCurve><curviness>0.5</curviness>"
       "</FiberForceLengthCurve></Millard2012EquilibriumMuscle>",
       "Millard2012EquilibriumMuscle", "all set or all empty"},
      {"<Millard2012EquilibriumMuscle name=\"vas_bad\"><ForceVelocityCurve><isometric_slope>0.5</isometric_slope>"
       "</ForceVelocityCurve></Millard2012EquilibriumMuscle>",
       "Millard2012EquilibriumMuscle", "isometric_slope"},
  };
  for (const Case& c : cases) {
    const std::string msg = parse_error(c.xml, c.tag);
    EXPECT_NE(msg.find("bad_model.osim"), std::string::npos) << c.xml << " -> " << msg;
    EXPECT_NE(msg.find("vas_bad"), std::string::npos) << c.xml << " -> " << msg;
    EXPECT_NE(msg.find(c.expect), std::string::npos) << c.xml << " -> " << msg;
  }
}

TEST(MuscleParams, AcceptsOpenSimNumberSpellings) {
  const Doc d(
      model_xml("<Thelen2003Muscle name=\"a\"><max_control> Inf </max_control>"
                "<appliesForce>False</appliesForce><max_isometric_force>\n 1e3 </max_isometric_force>"
                "</Thelen2003Muscle>"));
  const MuscleParams p = read_muscle_params(d.muscle("Thelen2003Muscle"), {}, 40000, "f.osim");
  EXPECT_TRUE(std::isinf(p.max_control));
  EXPECT_FALSE(p.applies_force);
  EXPECT_EQ(p.max_isometric_force, 1000);
}

TEST(MuscleParams, UnsupportedClassIsAnInputError) {
  const Doc d(model_xml("<RigidTendonMuscle name=\"r\"/>"));
  EXPECT_THROW(read_muscle_params(d.muscle("RigidTendonMuscle"), {}, 40000, "f.osim"), InputError);
}
