#pragma once
// The generic model's data tables (data/generic_model/*.csv, see its README), parsed once into
// plain structs. The builder reads only these; every row keeps its source line for messages.
#include <array>
#include <map>
#include <set>
#include <optional>
#include <string>
#include <vector>

#include "core/spatial.hpp"
#include "generic_model/person.hpp"

namespace weaklink {

struct LandmarkRow {
  std::string dataset, body, name;
  Vec3 position = Vec3::Zero();
};

struct PathPointRow {
  std::string muscle, body, dataset;
  int point = 0;
  Vec3 position = Vec3::Zero();
};

struct WrapCylinderRow {
  std::string name, body, dataset, quadrant;
  Vec3 position = Vec3::Zero(), rotation_deg = Vec3::Zero();
  double radius = 0, length = 0;
  std::vector<std::string> muscles;
};

struct ArchitectureRow {
  std::string muscle;
  double pcsa_cm2 = 0, optimal_fiber_length = 0, pennation_deg = 0, line_fraction = 1;
};

struct StrengthNormRow {
  std::string measure;
  std::optional<Sex> sex;  // nullopt: both
  double age_min = 0, age_max = 200, value = 0, sd = 0;
  std::string unit, posture, method, citation, verification;
};

struct SegmentRow {
  Sex sex = Sex::Female;
  std::string segment;
  double mass_pct = 0, com_pct = 0, rg_sagittal_pct = 0, rg_transverse_pct = 0, rg_longitudinal_pct = 0;
  double length_pct_stature = 0;  // 0 when the table has none
};

struct GenericTables {
  std::vector<LandmarkRow> landmarks;
  std::vector<PathPointRow> path_points;  // sorted by muscle (file order of first appearance), point
  std::vector<std::string> muscle_order;  // muscles in file order
  std::vector<WrapCylinderRow> wraps;
  std::map<std::string, ArchitectureRow> architecture;
  std::set<std::string> trunk_architecture;            // muscles whose row came from trunk_architecture.csv
  std::vector<std::pair<std::string, std::string>> groups;  // (group, muscle) in file order
  std::map<std::string, double> constants;
  std::vector<StrengthNormRow> norms;
  std::map<std::string, double> mmt_percent;  // grade text ("4", "4-", ...) -> % of normal
  std::set<std::string> mmt_unverified;       // grades whose % is an assumption or unverified
  std::vector<SegmentRow> segments;
  std::map<std::string, std::pair<double, double>> ranges;
  // Knee motion coupled to flexion: quantity -> polynomial coefficients c0..c4 in degrees of flexion.
  std::map<std::string, std::array<double, 5>> knee_polynomials;  // coordinate (side-less) -> [min, max], deg or m

  // The tables compiled into this build.
  static const GenericTables& builtin();

  // Lookups that throw InputError naming the table when a row is missing.
  const LandmarkRow* find_landmark(const std::string& dataset, const std::string& body, const std::string& name) const;
  const LandmarkRow& landmark(const std::string& dataset, const std::string& body, const std::string& name) const;
  const SegmentRow& segment(Sex sex, const std::string& name) const;
  double constant(const std::string& name) const;
};

// Parses the tables from the given file texts (name -> text, names as in data/generic_model/);
// used by builtin() and by tests that feed broken tables.
GenericTables parse_generic_tables(const std::map<std::string, std::string>& files);

}  // namespace weaklink
