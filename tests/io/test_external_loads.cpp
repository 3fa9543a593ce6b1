#include <gtest/gtest.h>

#include <filesystem>
#include <pugixml.hpp>
#include <string>
#include <vector>

#include "core/error.hpp"
#include "io/external_loads.hpp"
#include "support/io_helpers.hpp"
#include "support/reference.hpp"

namespace fs = std::filesystem;
using weaklink::InputError;
using weaklink::io::ExternalLoads;
using weaklink::io::read_external_loads;

using weaklink::test::expect_input_error;
using weaklink::test::TempDir;

namespace {

fs::path data_dir() { return weaklink::test::source_dir() / "tests" / "data" / "io"; }

std::vector<std::string> labels_of(const ExternalLoads& loads, const int (&columns)[3]) {
  std::vector<std::string> out;
  for (int c : columns)
    out.push_back(c < 0 ? "" : loads.data.labels.at(static_cast<std::size_t>(c)));
  return out;
}

}  // namespace

TEST(ExternalLoads, ReadsForcesAndResolvesColumnsRelativeToTheXml) {
  const ExternalLoads loads = read_external_loads(data_dir() / "loads_ok.xml");
  EXPECT_EQ(loads.name, "tiny");
  EXPECT_TRUE(fs::equivalent(loads.datafile, data_dir() / "loads_grf.mot"));
  ASSERT_EQ(loads.forces.size(), 2u);  // <defaults> is ignored

  const auto& right = loads.forces[0];
  EXPECT_EQ(right.name, "right");
  EXPECT_TRUE(right.applies_force);
  EXPECT_EQ(right.applied_to_body, "calcn_r");
  EXPECT_EQ(right.point_expressed_in_body, "pelvis");
  EXPECT_EQ(labels_of(loads, right.force_columns),
            (std::vector<std::string>{"ground_force_vx", "ground_force_vy", "ground_force_vz"}));
  EXPECT_EQ(labels_of(loads, right.point_columns),
            (std::vector<std::string>{"ground_force_px", "ground_force_py", "ground_force_pz"}));
  EXPECT_EQ(labels_of(loads, right.torque_columns),
            (std::vector<std::string>{"ground_torque_x", "ground_torque_y", "ground_torque_z"}));

  // 3.x style: <isDisabled>, padded values, "Unassigned"; the repeated labels got OpenSim's "1_".
  const auto& left = loads.forces[1];
  EXPECT_FALSE(left.applies_force);
  EXPECT_EQ(left.applied_to_body, "calcn_l");
  EXPECT_EQ(left.force_expressed_in_body, "ground");
  EXPECT_EQ(left.force_identifier, "1_ground_force_v");
  EXPECT_EQ(left.point_identifier, "");
  EXPECT_EQ(
      labels_of(loads, left.force_columns),
      (std::vector<std::string>{"1_ground_force_vx", "1_ground_force_vy", "1_ground_force_vz"}));
  EXPECT_EQ(left.point_columns[0], -1);
  EXPECT_EQ(left.torque_columns[0], -1);
  EXPECT_EQ(loads.data.data(0, left.force_columns[2]), 6.0);
}

TEST(ExternalLoads, IdentifierMustMatchExactlyThreeColumns) {
  expect_input_error([] { read_external_loads(data_dir() / "loads_ambiguous_identifier.xml"); },
                     {"loads_ambiguous_identifier.xml", "ExternalForce 'too_many'",
                      "'ground_force_' matches 6", "exactly 3"});
}

TEST(ExternalLoads, PointWithoutForceIsAnError) {
  expect_input_error([] { read_external_loads(data_dir() / "loads_point_without_force.xml"); },
                     {"ExternalForce 'pointless'", "point_identifier"});
}

TEST(ExternalLoads, MissingDatafileIsNamed) {
  expect_input_error([] { read_external_loads(data_dir() / "loads_missing_datafile.xml"); },
                     {"loads_missing_datafile.xml", "datafile", "no_such_grf_file.mot"});
}

// Every ExternalLoads XML in the reference folder reads when its datafile sits next to it (some
// copies live in output folders without their data; those must fail naming the datafile).
TEST(ExternalLoadsReference, ReadsEveryExternalLoadsFile) {
  WEAKLINK_REQUIRE_REFERENCE();
  int read = 0;
  for (const auto& entry : fs::recursive_directory_iterator(weaklink::test::reference_dir())) {
    if (!entry.is_regular_file() || entry.path().extension() != ".xml") continue;
    pugi::xml_document doc;
    if (!doc.load_file(entry.path().c_str())) continue;
    const pugi::xml_node root = doc.child("OpenSimDocument").child("ExternalLoads");
    if (!root) continue;
    SCOPED_TRACE(entry.path().string());
    std::string datafile = root.child_value("datafile");
    std::erase_if(datafile, [](char c) { return c == ' ' || c == '\t' || c == '\n'; });
    if (!fs::exists(entry.path().parent_path() / datafile)) {
      expect_input_error([&] { read_external_loads(entry.path()); }, {"datafile", datafile});
      continue;
    }
    const ExternalLoads loads = read_external_loads(entry.path());
    ++read;
    EXPECT_FALSE(loads.forces.empty());
    for (const auto& f : loads.forces) {
      EXPECT_FALSE(f.applied_to_body.empty());
      for (const auto& [id, columns] : {std::pair{f.force_identifier, f.force_columns},
                                        std::pair{f.point_identifier, f.point_columns},
                                        std::pair{f.torque_identifier, f.torque_columns}}) {
        for (int k = 0; k < 3; ++k) {
          if (id.empty()) {
            EXPECT_EQ(columns[k], -1);
          } else {
            ASSERT_GE(columns[k], 0) << f.name;
            EXPECT_TRUE(loads.data.labels.at(static_cast<std::size_t>(columns[k])).starts_with(id));
          }
        }
      }
    }
  }
  EXPECT_GE(read, 2);
}

TEST(ExternalLoadsReference, Version20302FileWithPaddedValues) {
  WEAKLINK_REQUIRE_REFERENCE();
  const ExternalLoads loads = read_external_loads(weaklink::test::reference_dir() /
                                                  "gait2392-ik-id" / "subject01_walk1_grf.xml");
  EXPECT_EQ(loads.name, "Ex2");
  ASSERT_EQ(loads.forces.size(), 2u);
  EXPECT_TRUE(loads.forces[0].applies_force);  // <isDisabled> false
  EXPECT_EQ(loads.forces[0].applied_to_body, "calcn_r");
  EXPECT_EQ(loads.forces[1].force_identifier, "1_ground_force_v");
  EXPECT_EQ(loads.data.labels.at(static_cast<std::size_t>(loads.forces[1].force_columns[0])),
            "1_ground_force_vx");
}

// The reference's right foot uses the LEFT foot torque columns; we read it as written.
TEST(ExternalLoadsReference, FootFloorLoadsKeepsItsTorqueIdentifiers) {
  WEAKLINK_REQUIRE_REFERENCE();
  const ExternalLoads loads = read_external_loads(weaklink::test::reference_dir() /
                                                  "gait2392-so-jra" / "foot_floor_loads.xml");
  ASSERT_EQ(loads.forces.size(), 2u);
  EXPECT_EQ(loads.forces[0].torque_identifier, loads.forces[1].torque_identifier);
  for (int k = 0; k < 3; ++k)
    EXPECT_EQ(loads.forces[0].torque_columns[k], loads.forces[1].torque_columns[k]);
}
