// The generic model built from the project's own tables: mass and geometry of the person, export
// round trip, the anatomy the low-back story rests on, group moment arms against gait2392 and
// RajagopalLaiUhlrich2023, and isometric strength against published norms.
#include <cmath>
#include <cstdio>
#include <cstdlib>
#include <map>
#include <random>

#include <gtest/gtest.h>

#include "chain/client/isometric_strength.hpp"
#include "core/error.hpp"
#include "chain/client/strength_profile.hpp"
#include "io/osim_reader.hpp"
#include "io/osim_writer.hpp"
#include "kinematics/forward_kinematics.hpp"
#include "generic_model/generic_model.hpp"
#include "model/model.hpp"
#include "muscles/path_geometry.hpp"
#include "support/reference.hpp"

namespace weaklink {
namespace {

constexpr double kDeg = M_PI / 180;

Person person(Sex sex = Sex::Female, double h = 1.75, double m = 72, double age = 40) {
  Person p;
  p.sex = sex;
  p.height_m = h;
  p.mass_kg = m;
  p.age_years = age;
  return p;
}

Eigen::VectorXd defaults(const Model& m) {
  Eigen::VectorXd q(m.coordinates.size());
  for (std::size_t c = 0; c < m.coordinates.size(); ++c) q[c] = m.coordinates[c].default_value;
  return q;
}

// F0-weighted mean moment arm of `muscles` about coordinate `coord` at q (muscles missing from
// the model are an error).
double group_moment_arm(const Model& m, Data& d, const Eigen::VectorXd& q, const std::vector<std::string>& muscles,
                        const std::string& coord) {
  calc_forward_kinematics(m, d, q);
  calc_path_geometry(m, d, q);
  const int c = m.find_coordinate(coord);
  EXPECT_GE(c, 0) << coord;
  double num = 0, den = 0;
  for (const auto& name : muscles) {
    const int i = m.find_muscle(name);
    EXPECT_GE(i, 0) << name;
    if (i < 0 || c < 0) continue;
    const double f0 = m.muscles[i].params.max_isometric_force;
    num += f0 * d.moment_arm(i, c);
    den += f0;
  }
  return num / den;
}

TEST(GenericModel, MassAndStanceMatchThePerson) {
  for (const Sex sex : {Sex::Female, Sex::Male}) {
    for (const double h : {1.55, 1.75, 1.95}) {
      const ModelSpec spec = build_generic_model(person(sex, h, 80));
      const Model m = compile_model(spec);
      double mass = 0;
      for (const auto& b : m.bodies) mass += b.mass;
      EXPECT_NEAR(mass, 80.0, 80.0 * 2e-4) << "de Leva's rounded mass fractions sum to 100 +- 0.01 %";
      Data d(m);
      const Eigen::VectorXd q = defaults(m);
      calc_forward_kinematics(m, d, q);
      calc_marker_positions(m, d);
      // Standing at zero angles: heels and metatarsal heads on the floor, the head's top near the stature.
      for (const char* mk : {"contact_heel_r", "contact_first_metatarsal_l", "contact_fifth_metatarsal_r"}) {
        const int i = [&] {
          for (std::size_t k = 0; k < m.markers.size(); ++k)
            if (m.markers[k].name == mk) return static_cast<int>(k);
          return -1;
        }();
        ASSERT_GE(i, 0) << mk;
        EXPECT_NEAR(d.marker_G[i].y(), 0.0, 1e-9) << mk;
      }
      // The posterior heel bone sits above the floor, by less than the 6 cm of a calcaneus'
      // height: the plantigrade foot is neither on its toes nor on its heel.
      const double heel_y = d.marker_G[m.find_marker("heel_r")].y();
      EXPECT_GT(heel_y, 0.0);
      EXPECT_LT(heel_y, 0.06);
      // Whole-body centre of mass over the feet and at 52-58 % of stature (Winter 2009: ~55 % in standing).
      Vec3 com = Vec3::Zero();
      for (std::size_t b = 1; b < m.bodies.size(); ++b) com += m.bodies[b].mass * d.X_GB[b].apply(m.bodies[b].mass_center);
      com /= mass;
      EXPECT_GT(com.y() / h, 0.50);
      EXPECT_LT(com.y() / h, 0.60);
    }
  }
}

TEST(GenericModel, ExportReadsBackIdentically) {
  const ModelSpec spec = build_generic_model(person(Sex::Male, 1.82, 85, 30));
  const std::string text = io::osim_text(spec);
  const ModelSpec back = io::read_osim_text(text, "generic.osim");
  EXPECT_TRUE(back.unsupported.empty());
  const Model a = compile_model(spec), b = compile_model(back);
  ASSERT_EQ(a.coordinates.size(), b.coordinates.size());
  ASSERT_EQ(a.muscles.size(), b.muscles.size());
  Data da(a), db(b);
  std::mt19937 rng(7);
  for (int trial = 0; trial < 20; ++trial) {
    Eigen::VectorXd q = defaults(a);
    for (std::size_t c = 0; c < a.coordinates.size(); ++c) {
      std::uniform_real_distribution<double> u(a.coordinates[c].range_min, a.coordinates[c].range_max);
      if (a.coordinates[c].motion_type == MotionType::Rotational) q[c] = u(rng);
    }
    calc_forward_kinematics(a, da, q);
    calc_forward_kinematics(b, db, q);
    calc_path_geometry(a, da, q);
    calc_path_geometry(b, db, q);
    for (std::size_t k = 0; k < a.bodies.size(); ++k) {
      EXPECT_EQ((da.X_GB[k].p - db.X_GB[k].p).norm(), 0.0);
      EXPECT_EQ((da.X_GB[k].R - db.X_GB[k].R).norm(), 0.0);
    }
    EXPECT_EQ((da.muscle_length - db.muscle_length).norm(), 0.0);
    EXPECT_EQ((da.moment_arm - db.moment_arm).norm(), 0.0);
    for (std::size_t k = 0; k < a.muscles.size(); ++k) {
      EXPECT_EQ(a.muscles[k].params.max_isometric_force, b.muscles[k].params.max_isometric_force);
      EXPECT_EQ(a.muscles[k].params.tendon_slack_length, b.muscles[k].params.tendon_slack_length);
    }
  }
}

// Delp SL, Hess WE, Hungerford DS, Jones LC (1999) Variation of rotation moment arms with hip
// flexion. J Biomech 32:493-501: piriformis rotates the hip externally in extension and
// internally beyond ~60-90 degrees of flexion.
TEST(GenericModel, PiriformisTurnsIntoAnInternalRotatorInDeepFlexion) {
  const Model m = compile_model(build_generic_model(person()));
  Data d(m);
  Eigen::VectorXd q = defaults(m);
  const int flex = m.find_coordinate("hip_flexion_r"), rot = m.find_coordinate("hip_rotation_r");
  const int piri = m.find_muscle("piriformis_r");
  std::vector<double> arm;
  for (int deg = 0; deg <= 120; deg += 10) {
    q[flex] = deg * kDeg;
    calc_forward_kinematics(m, d, q);
    calc_path_geometry(m, d, q);
    arm.push_back(d.moment_arm(piri, rot));  // hip_rotation positive = internal rotation
  }
  EXPECT_LT(arm.front(), -0.01) << "external rotator (> 1 cm) in standing";
  int crossing = -1;
  for (std::size_t i = 1; i < arm.size(); ++i)
    if (arm[i - 1] < 0 && arm[i] >= 0) crossing = static_cast<int>(10 * i);
  EXPECT_GE(crossing, 50) << "turns between 50 and 100 degrees of flexion";
  EXPECT_LE(crossing, 100);
  EXPECT_GT(arm.back(), 0.0) << "internal rotator at 120 degrees";
}

// The vastus medialis extends the knee over its whole range and, unlike the vastus lateralis,
// pulls the patella (the wrap over the condyles) medially.
TEST(GenericModel, VastusMedialisExtendsTheKneeAndPullsThePatellaMedially) {
  const Model m = compile_model(build_generic_model(person()));
  Data d(m);
  Eigen::VectorXd q = defaults(m);
  const int knee = m.find_coordinate("knee_angle_r");
  const int femur = m.find_body("femur_r");
  for (int deg = 0; deg <= 120; deg += 15) {
    q[knee] = deg * kDeg;
    calc_forward_kinematics(m, d, q);
    calc_path_geometry(m, d, q);
    for (const char* name : {"vastus_medialis_longus_r", "vastus_medialis_obliquus_r", "vastus_lateralis_r"}) {
      const int i = m.find_muscle(name);
      EXPECT_LT(d.moment_arm(i, knee), -0.02) << name << " at " << deg << " deg: knee extensor, > 2 cm";
    }
    // Direction of pull on the patella (where the path first touches the condylar wrap), in the
    // femur frame; medial is -z for the right leg. The vastus medialis pulls medially of the
    // quadriceps' F0-weighted resultant, the vastus lateralis laterally of it.
    auto pull = [&](const char* name) -> Vec3 {
      const int i = m.find_muscle(name);
      calc_muscle_path(m, d, q, i);
      int k = -1;
      for (std::size_t n = 0; n < d.path.size(); ++n)
        if (d.path[n].wrap >= 0) {
          k = static_cast<int>(n);
          break;
        }
      EXPECT_GT(k, 0) << name << " wraps over the condyles at " << deg << " deg";
      if (k <= 0) return Vec3::Zero();
      return d.X_GB[femur].R.transpose() * (d.path[k - 1].p_G - d.path[k].p_G).normalized();
    };
    Vec3 resultant = Vec3::Zero();
    for (const char* name : {"rectus_femoris_r", "vastus_lateralis_r", "vastus_intermedius_r", "vastus_medialis_longus_r",
                             "vastus_medialis_obliquus_r"})
      resultant += m.muscles[m.find_muscle(name)].params.max_isometric_force * pull(name);
    resultant.normalize();
    if (deg <= 90) {
      EXPECT_LT(pull("vastus_medialis_obliquus_r").z(), resultant.z()) << deg << " deg";
      EXPECT_LT(pull("vastus_medialis_longus_r").z(), resultant.z()) << deg << " deg";
      EXPECT_GT(pull("vastus_lateralis_r").z(), resultant.z()) << deg << " deg";
    }
  }
}

TEST(GenericModel, MusclesOfTheSeedStoryAreThereByName) {
  const ModelSpec spec = build_generic_model(person());
  const auto& t = GenericTables::builtin();
  for (const char* g : {"hip external rotators", "deep hip external rotators", "hip abductors", "hip extensors", "vastus medialis",
                        "quadriceps", "trunk extensors", "hamstrings", "hip flexors", "abdominals"}) {
    for (const char* side : {"r", "l"}) {
      const auto muscles = group_muscles(t, g, side);
      EXPECT_FALSE(muscles.empty()) << g;
      for (const auto& mu : muscles) {
        bool found = false;
        for (const auto& ms : spec.muscles) found |= ms.name == mu;
        EXPECT_TRUE(found) << g << ": " << mu;
      }
    }
  }
  EXPECT_EQ(group_muscles(t, "deep hip external rotators", "r").size(), 6u);
  EXPECT_THROW(group_muscles(t, "hip rotator cuff", "r"), InputError);
}

}  // namespace
}  // namespace weaklink

namespace weaklink {
namespace {

// Group moment arms of the generic model against the same groups of two OpenSim models built from
// other cadavers (gait2392: Delp 1990; RajagopalLaiUhlrich2023: Rajagopal 2016 after Ward 2009 /
// Arnold 2010). F0-weighted mean moment arm of each group, swept over the coordinate's range.
struct GroupCompare {
  const char* label;
  const char* group;     // generic model group
  const char* coordinate;  // side-less, sweep
  double from_deg, to_deg;
  std::vector<std::string> gait2392, rajagopal;  // right-side names; empty: not in that model
  double gait_sign = 1;  // gait2392's knee angle is negative in flexion
};

std::vector<GroupCompare> comparisons() {
  return {
      {"hip extensors / hip flexion", "hip extensors", "hip_flexion", -10, 90,
       {"glut_max1_r", "glut_max2_r", "glut_max3_r", "semimem_r", "semiten_r", "bifemlh_r", "add_mag3_r"},
       {"glmax1_r", "glmax2_r", "glmax3_r", "semimem_r", "semiten_r", "bflh_r", "addmagIsch_r"}},
      {"hip flexors / hip flexion", "hip flexors", "hip_flexion", -10, 90,
       {"iliacus_r", "psoas_r", "rect_fem_r", "tfl_r", "sar_r", "pect_r"}, {"iliacus_r", "psoas_r", "recfem_r", "tfl_r", "sart_r"}},
      {"hip abductors / hip adduction", "hip abductors", "hip_adduction", -20, 20,
       {"glut_med1_r", "glut_med2_r", "glut_med3_r", "glut_min1_r", "glut_min2_r", "glut_min3_r", "tfl_r", "glut_max1_r"},
       {"glmed1_r", "glmed2_r", "glmed3_r", "glmin1_r", "glmin2_r", "glmin3_r", "tfl_r", "glmax1_r"}},
      {"hip adductors / hip adduction", "hip adductors", "hip_adduction", -20, 20,
       {"add_long_r", "add_brev_r", "add_mag1_r", "add_mag2_r", "add_mag3_r", "grac_r", "pect_r"},
       {"addlong_r", "addbrev_r", "addmagDist_r", "addmagIsch_r", "addmagMid_r", "addmagProx_r", "grac_r"}},
      {"deep hip external rotators / hip rotation", "deep hip external rotators", "hip_rotation", -30, 30,
       {"peri_r", "gem_r", "quad_fem_r"}, {"piri_r"}},
      {"quadriceps / knee angle", "quadriceps", "knee_angle", 0, 100,
       {"rect_fem_r", "vas_med_r", "vas_int_r", "vas_lat_r"}, {"recfem_r", "vasmed_r", "vasint_r", "vaslat_r"}, -1},
      {"hamstrings / knee angle", "hamstrings", "knee_angle", 0, 100,
       {"semimem_r", "semiten_r", "bifemlh_r", "bifemsh_r"}, {"semimem_r", "semiten_r", "bflh_r", "bfsh_r"}, -1},
      {"trunk extensors / lumbar extension", "trunk extensors", "lumbar_extension", -30, 15, {"ercspn_r", "ercspn_l"}, {}},
  };
}

TEST(GenericModelParity, GroupMomentArmsAgreeWithGait2392AndRajagopal) {
  WEAKLINK_REQUIRE_REFERENCE();
  const Model gen = compile_model(build_generic_model(person(Sex::Male, 1.80, 75)));
  const Model g2392 = compile_model(io::read_osim(test::reference_dir() / "models/gait2392_millard2012muscle.osim"));
  const Model raj = compile_model(io::read_osim(test::reference_dir() / "models/RajagopalLaiUhlrich2023.osim"));
  Data dg(gen), d2(g2392), dr(raj);
  const auto& tables = GenericTables::builtin();
  for (const auto& cmp : comparisons()) {
    const auto muscles = group_muscles(tables, cmp.group, "r");
    for (double deg = cmp.from_deg; deg <= cmp.to_deg + 1e-9; deg += 10) {
      auto at = [&](const Model& m, Data& d, const std::vector<std::string>& names, double sign) {
        Eigen::VectorXd q = defaults(m);
        std::string c = std::string(cmp.coordinate) + "_r";
        if (m.find_coordinate(c) < 0) c = cmp.coordinate;
        q[m.find_coordinate(c)] = sign * deg * kDeg;
        apply_couplers(m, q);
        return sign * group_moment_arm(m, d, q, names, c);
      };
      const double g = at(gen, dg, muscles, 1.0);
      const double a = at(g2392, d2, cmp.gait2392, cmp.gait_sign);
      const double r = cmp.rajagopal.empty() ? NAN : at(raj, dr, cmp.rajagopal, 1.0);
      // Bounds: same sign as the references wherever they both exceed 5 mm, and within a factor of
      // two of the nearer reference. Why two: the references share Delp's lineage of data and still
      // differ from each other by up to 1.45x (quadriceps and hamstrings at 100 deg of knee
      // flexion); the generic model comes from another cadaver (TLEM 2.0, Carbone et al. 2015)
      // with a Walker knee and its own wrap surfaces, and cadaver studies of one muscle's moment
      // arm differ by similar factors (e.g. Delp et al. 1999 vs Dostal & Andrews for the hip
      // rotators). docs/generic-model.md shows the curves.
      SCOPED_TRACE(::testing::Message() << cmp.label << " at " << deg << " deg: generic " << 100 * g << " cm, gait2392 " << 100 * a
                                        << " cm, Rajagopal " << 100 * r << " cm");
      if (std::getenv("WEAKLINK_VERBOSE"))  // the table in docs/generic-model.md
        std::printf("%-44s %6.0f deg  generic %7.2f  gait2392 %7.2f  rajagopal %7.2f cm\n", cmp.label, deg, 100 * g, 100 * a, 100 * r);
      std::vector<double> refs = {a};
      if (!std::isnan(r)) refs.push_back(r);
      bool all_big = true;
      for (double x : refs) all_big &= std::abs(x) > 0.005 && std::signbit(x) == std::signbit(refs[0]);
      if (all_big) {
        EXPECT_EQ(std::signbit(g), std::signbit(refs[0]));
      }
      double best = INFINITY;
      for (double x : refs)
        if (std::abs(x) > 0.005) best = std::min(best, std::abs(std::log(std::abs(g) / std::abs(x))));
      if (std::isfinite(best)) {
        EXPECT_LE(best, std::log(2.0)) << "more than a factor 2 from both references";
      }
    }
  }
}

}  // namespace
}  // namespace weaklink

namespace weaklink {
namespace {

// Maximal isometric torques of the scaled model against Anderson, Madigan & Nussbaum (2007, J Biomech
// 40:3105, Table 3): peak torque / (body weight x height) by sex and age group, at the angle of
// peak torque. "Within the norm" = within two between-subject SDs of the group mean (~95 % of
// healthy adults). The model's strength comes from elderly cadavers' PCSAs (Ward 2009, Parvaresh
// 2019) at 60 N/cm2, so it is expected in the lower half of the young adults' range.
TEST(GenericModelStrength, MaximalIsometricTorquesFallWithinPublishedNorms) {
  const auto& t = GenericTables::builtin();
  struct Case { Sex sex; double h, m, age; };
  int checked = 0;
  for (const Case c : {Case{Sex::Female, 1.65, 60, 22}, Case{Sex::Male, 1.78, 75, 22}, Case{Sex::Female, 1.62, 68, 60},
                       Case{Sex::Male, 1.76, 82, 60}}) {
    const Person p = person(c.sex, c.h, c.m, c.age);
    const Model m = compile_model(build_generic_model(p));
    Data d(m);
    for (const char* measure : {"hip_extension", "hip_flexion", "knee_extension", "knee_flexion"}) {
      const StrengthNormRow* norm = find_strength_norm(t, measure, c.sex, c.age);
      ASSERT_NE(norm, nullptr) << measure;
      ASSERT_EQ(norm->unit, "BW*H") << measure << ": the Anderson 2007 row";
      const auto& ms = strength_measure(measure);
      const double model = max_isometric_torque(m, d, ms, "r", parse_posture(norm->posture, "norm", true), {}).total;
      const double mean = norm_torque(*norm, p), sd = norm->sd / norm->value * mean;
      EXPECT_GT(model, mean - 2 * sd) << to_string(c.sex) << " " << c.age << " y " << measure << ": model " << model << " N·m, norm "
                                      << mean << " +- " << sd;
      EXPECT_LT(model, mean + 2 * sd) << to_string(c.sex) << " " << c.age << " y " << measure << ": model " << model << " N·m, norm "
                                      << mean << " +- " << sd;
      ++checked;
    }
  }
  EXPECT_EQ(checked, 16);
}

// Trunk extension against Lee, Hwang & Bang (1997, J Korean Acad Rehabil Med 21:1, healthy men
// 49 y and women 48 y, isometric lumbar extension; strength_norms.csv): mean +- 2 SD at the
// protocol's end of extension, taken as the model's upright lumbar joint (an assumption the data
// file states). The abstract gives no body size, so the model is checked at a small and a large
// adult of each sex: the norm must hold for both.
TEST(GenericModelStrength, UprightTrunkExtensionFallsWithinLee1997) {
  const auto& t = GenericTables::builtin();
  struct Case { Sex sex; double h, m; };
  int checked = 0;
  for (const Case c : {Case{Sex::Male, 1.65, 60}, Case{Sex::Male, 1.78, 82}, Case{Sex::Female, 1.55, 50}, Case{Sex::Female, 1.66, 66}}) {
    const StrengthNormRow* norm = nullptr;
    for (const auto& n : t.norms)
      if (n.measure == "trunk_extension" && n.sex == c.sex && n.unit == "N*m") norm = &n;
    ASSERT_NE(norm, nullptr) << to_string(c.sex) << ": the Lee 1997 row";
    const Person p = person(c.sex, c.h, c.m, 0.5 * (norm->age_min + norm->age_max));
    const Model m = compile_model(build_generic_model(p));
    Data d(m);
    const double model = max_isometric_torque(m, d, strength_measure("trunk_extension"), "r", parse_posture(norm->posture, "norm"), {}).total;
    EXPECT_GT(model, norm->value - 2 * norm->sd) << to_string(c.sex) << " " << c.m << " kg: model " << model << " N·m";
    EXPECT_LT(model, norm->value + 2 * norm->sd) << to_string(c.sex) << " " << c.m << " kg: model " << model << " N·m";
    ++checked;
  }
  EXPECT_EQ(checked, 4);
}

// Johnson & Hoffman (2010, J Sport Rehabil 19:12; isometric at 10, 40 and 90 degrees of hip
// flexion) and Hoglund, Wong & Rickards (2014, Int J Sports Phys Ther 9:58; 0 and 90 degrees):
// internal-rotation torque grows as the hip flexes. (Their finding that external rotation does not
// fall with flexion is NOT reproduced: the model loses about half its external-rotation torque from
// 10 to 90 degrees; docs/generic-model.md reports it.)
TEST(GenericModelStrength, InternalRotationTorqueGrowsWithHipFlexion) {
  for (const Sex sex : {Sex::Female, Sex::Male}) {
    const Model m = compile_model(build_generic_model(person(sex, 1.72, 68, 25)));
    Data d(m);
    double previous = 0;
    for (const double flexion : {10.0, 40.0, 90.0}) {
      const double ir = max_isometric_torque(m, d, strength_measure("hip_internal_rotation"), "r",
                                             {{"hip_flexion", flexion}, {"knee_angle", 90}}, {})
                            .total;
      EXPECT_GT(ir, previous) << to_string(sex) << " at " << flexion << " degrees of hip flexion";
      previous = ir;
    }
  }
}


}  // namespace
}  // namespace weaklink
