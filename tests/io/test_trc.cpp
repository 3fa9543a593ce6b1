#include <gtest/gtest.h>
#include <unistd.h>

#include <cmath>
#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <limits>
#include <string>
#include <vector>

#include "core/error.hpp"
#include "io/storage.hpp"
#include "io/trc.hpp"
#include "support/io_helpers.hpp"
#include "support/reference.hpp"

namespace fs = std::filesystem;
using weaklink::InputError;
using weaklink::io::MarkerTable;
using weaklink::io::read_trc;

using weaklink::test::expect_input_error;
using weaklink::test::TempDir;

namespace {

fs::path data_dir() { return weaklink::test::source_dir() / "tests" / "data" / "io"; }

std::vector<std::string> split(const std::string& line, char sep) {
  std::vector<std::string> out(1);
  for (char c : line) {
    if (c == sep)
      out.emplace_back();
    else if (c != '\r')
      out.back() += c;
  }
  return out;
}

std::vector<std::string> non_empty(std::vector<std::string> v) {
  std::erase_if(v, [](const std::string& s) { return s.empty(); });
  return v;
}

}  // namespace

// Every .trc in the reference folder reads; counts agree with the file's own header line.
TEST(TrcReference, ReadsEveryFileInTheReferenceFolder) {
  WEAKLINK_REQUIRE_REFERENCE();
  int files = 0;
  for (const auto& entry : fs::recursive_directory_iterator(weaklink::test::reference_dir())) {
    if (!entry.is_regular_file() || entry.path().extension() != ".trc") continue;
    const fs::path& p = entry.path();
    SCOPED_TRACE(p.string());
    ++files;
    // Naive independent reading of the header and the first data row.
    std::ifstream in(p);
    std::vector<std::string> lines;
    for (std::string line; std::getline(in, line);) lines.push_back(line);
    ASSERT_GT(lines.size(), 6u);
    const auto keys = non_empty(split(lines[1], '\t')), values = non_empty(split(lines[2], '\t'));
    ASSERT_EQ(keys.size(), values.size());
    std::size_t num_frames = 0, num_markers = 0;
    std::string units;
    for (std::size_t i = 0; i < keys.size(); ++i) {
      if (keys[i] == "NumFrames") num_frames = std::stoul(values[i]);
      if (keys[i] == "NumMarkers") num_markers = std::stoul(values[i]);
      if (keys[i] == "Units") units = values[i];
    }
    std::size_t first_data = 5;
    while (non_empty(split(lines[first_data], '\t')).empty()) ++first_data;
    const auto first_row = split(lines[first_data], '\t');

    const MarkerTable m = read_trc(p);
    EXPECT_EQ(m.names.size(), num_markers);
    EXPECT_EQ(m.time.size(), num_frames);
    EXPECT_EQ(m.frame.size(), num_frames);
    EXPECT_EQ(m.xyz.rows(), static_cast<Eigen::Index>(num_frames));
    EXPECT_EQ(m.xyz.cols(), static_cast<Eigen::Index>(3 * num_markers));
    EXPECT_EQ(m.units, units);
    EXPECT_EQ(m.to_meters, units == "mm" ? 0.001 : units == "cm" ? 0.01 : 1.0);
    EXPECT_GT(m.data_rate, 0.0);
    for (std::size_t i = 1; i < m.time.size(); ++i) ASSERT_GT(m.time[i], m.time[i - 1]);
    ASSERT_GE(first_row.size(), 2 + 3 * num_markers);
    EXPECT_EQ(m.time[0], std::strtod(first_row[1].c_str(), nullptr));
    for (std::size_t j = 0; j < 3 * num_markers; ++j) {
      if (first_row[2 + j].empty())
        EXPECT_TRUE(std::isnan(m.xyz(0, static_cast<Eigen::Index>(j))));
      else
        EXPECT_EQ(m.xyz(0, static_cast<Eigen::Index>(j)),
                  std::strtod(first_row[2 + j].c_str(), nullptr));
    }
  }
  EXPECT_GT(files, 0);
}

// Marker names there are offset by one column from their X column.
TEST(TrcReference, MisalignedNameLine) {
  WEAKLINK_REQUIRE_REFERENCE();
  const MarkerTable m = read_trc(weaklink::test::reference_dir() / "gait2354-ik" /
                                 "subject01_synthetic_marker_data.trc");
  ASSERT_FALSE(m.names.empty());
  EXPECT_EQ(m.names.front(), "Sternum");
  EXPECT_EQ(m.to_meters, 1.0);
}

TEST(Trc, MissingMarkersAreNaNAndReadingStopsAtBlankLine) {
  const MarkerTable m = read_trc(data_dir() / "missing_markers.trc");
  EXPECT_EQ(m.names, (std::vector<std::string>{"A", "B"}));
  EXPECT_EQ(m.units, "mm");
  EXPECT_EQ(m.to_meters, 0.001);
  EXPECT_EQ(m.data_rate, 100.0);
  EXPECT_EQ(m.frame, (std::vector<int>{1, 2, 3}));
  ASSERT_EQ(m.xyz.rows(), 3);
  EXPECT_EQ(m.xyz(0, 3), 10.0);
  EXPECT_EQ(m.xyz(2, 0), 1.7);
  for (int c = 3; c < 6; ++c) {
    EXPECT_TRUE(std::isnan(m.xyz(1, c)));  // all three fields empty
    EXPECT_TRUE(std::isnan(m.xyz(2, c)));  // only Y empty: the whole marker is missing
  }
  EXPECT_FALSE(m.xyz.topLeftCorner(3, 3).hasNaN());
}

TEST(Trc, WrongFieldCountNamesLineAndExpectedCount) {
  expect_input_error([] { read_trc(data_dir() / "wrong_field_count.trc"); },
                     {"wrong_field_count.trc", "line 8", "expected 8 fields", "found 7"});
}

TEST(Trc, NonNumericValueNamesLineAndColumn) {
  expect_input_error([] { read_trc(data_dir() / "non_numeric.trc"); },
                     {"non_numeric.trc", "line 8", "'B Y'", "'x5'"});
}

TEST(Trc, FewerFramesThanHeaderIsAnError) {
  expect_input_error([] { read_trc(data_dir() / "truncated.trc"); },
                     {"truncated.trc", "header says 5 frames, found 1"});
}

TEST(Trc, SpaceSeparatedFile) {
  const MarkerTable m = read_trc(data_dir() / "spaces.trc");
  EXPECT_EQ(m.names, (std::vector<std::string>{"A"}));
  ASSERT_EQ(m.xyz.rows(), 2);
  EXPECT_EQ(m.xyz(1, 1), 5.0);
  EXPECT_TRUE(std::isnan(m.xyz(1, 2)));
}

TEST(Trc, HeaderErrors) {
  TempDir dir;
  expect_input_error([&] { read_trc(dir.write("a.trc", "Something\n")); },
                     {"line 1", "PathFileType"});
  expect_input_error(
      [&] {
        read_trc(dir.write("b.trc",
                           "PathFileType\t4\nDataRate\tNumFrames\tNumMarkers\tUnits\n"
                           "60\t1\t1\tinch\nFrame#\tTime\tA\nX1\tY1\tZ1\n1\t0\t1\t2\t3\n"));
      },
      {"line 3", "Units 'inch'"});
  expect_input_error(
      [&] {
        read_trc(dir.write("c.trc",
                           "PathFileType\t4\nDataRate\tNumFrames\tNumMarkers\tUnits\n"
                           "60\t1\t2\tm\nFrame#\tTime\tA\nX1\tY1\tZ1\n1\t0\t1\t2\t3\n"));
      },
      {"line 4", "NumMarkers=2", "names 1 markers"});
}

TEST(Trc, CrlfAndByteOrderMark) {
  TempDir dir;
  const std::string short_header =
      "PathFileType\t4\t(X/Y/Z)\tx.trc\nDataRate\tCameraRate\tNumFrames\tNumMarkers\t"
      "Units\nmissing\n";
  const std::string text =
      "PathFileType\t4\t(X/Y/Z)\tx.trc\r\nDataRate\tNumFrames\tNumMarkers\tUnits\r\n"
      "60\t2\t1\tm\r\nFrame#\tTime\tA\t\t\r\n\t\tX1\tY1\tZ1\r\n\r\n"
      "1\t0\t1\t2\t3\t\r\n2\t0.5\t\t5\t6\r\n\r\n";
  const MarkerTable m = read_trc(dir.write("crlf.trc", "\xEF\xBB\xBF" + text));
  EXPECT_EQ(m.names, (std::vector<std::string>{"A"}));
  ASSERT_EQ(m.xyz.rows(), 2);
  EXPECT_EQ(m.xyz(0, 2), 3.0);
  EXPECT_TRUE(std::isnan(m.xyz(1, 2)));
  expect_input_error([&] { read_trc(dir.write("short_header.trc", short_header)); }, {"line 3"});
}

TEST(Trc, WriteThenReadRoundTrips) {
  TempDir dir;
  MarkerTable m;
  m.data_rate = 60;
  m.camera_rate = 120;
  m.units = "mm";
  m.to_meters = 0.001;
  m.names = {"R.ASIS", "L.ASIS", "V.Sacral"};
  const int n = 7;
  m.xyz.resize(n, 9);
  for (int i = 0; i < n; ++i) {
    m.frame.push_back(10 + i);
    m.time.push_back(i / 60.0);
    for (int j = 0; j < 9; ++j) m.xyz(i, j) = std::sin(i + 0.1 * j) * 1000 / 3;
  }
  m.xyz(2, 3) = std::numeric_limits<double>::quiet_NaN();
  const fs::path p = dir.path / "out.trc";
  weaklink::io::write_trc(p, m);
  const MarkerTable r = read_trc(p);
  EXPECT_EQ(r.names, m.names);
  EXPECT_EQ(r.frame, m.frame);
  EXPECT_EQ(r.time, m.time);
  EXPECT_EQ(r.units, "mm");
  EXPECT_EQ(r.data_rate, 60.0);
  EXPECT_EQ(r.camera_rate, 120.0);
  ASSERT_EQ(r.xyz.rows(), n);
  for (int i = 0; i < n; ++i)
    for (int j = 0; j < 9; ++j) {
      if (i == 2 && j >= 3 && j < 6)
        EXPECT_TRUE(std::isnan(r.xyz(i, j)));  // a marker is missing as a whole
      else
        EXPECT_EQ(r.xyz(i, j), m.xyz(i, j));
    }
}

// Tolerant reading: files other tools write.
TEST(Trc, ExtraUnlabelledDataColumnsAreIgnoredWithAWarning) {
  TempDir dir;
  const MarkerTable m = read_trc(dir.write("extra.trc",
                                           "PathFileType\t4\t(X/Y/Z)\textra.trc\n"
                                           "DataRate\tCameraRate\tNumFrames\tNumMarkers\tUnits\n"
                                           "100\t100\t2\t1\tmm\nFrame#\tTime\tA\t\t\n\t\tX1\tY1\tZ1\n\n"
                                           "1\t0\t1\t2\t3\t99\t98\n2\t0.01\t4\t5\t6\t97\t96\n"));
  EXPECT_EQ(m.names, (std::vector<std::string>{"A"}));
  ASSERT_EQ(m.xyz.rows(), 2);
  EXPECT_EQ(m.xyz(1, 2), 6.0);
  ASSERT_EQ(m.warnings.size(), 1u);
  EXPECT_NE(m.warnings[0].find("line 7"), std::string::npos) << m.warnings[0];
  EXPECT_NE(m.warnings[0].find("ignored"), std::string::npos) << m.warnings[0];
}

TEST(Trc, XyzColumnsWithoutMarkerNameAreIgnoredWithAWarning) {
  TempDir dir;
  const MarkerTable m = read_trc(dir.write("unnamed.trc",
                                           "PathFileType\t4\t(X/Y/Z)\tunnamed.trc\n"
                                           "DataRate\tCameraRate\tNumFrames\tNumMarkers\tUnits\n"
                                           "100\t100\t1\t1\tm\nFrame#\tTime\tA\t\t\n\t\tX1\tY1\tZ1\tX2\tY2\tZ2\n"
                                           "1\t0\t1\t2\t3\t4\t5\t6\n"));
  EXPECT_EQ(m.names, (std::vector<std::string>{"A"}));
  EXPECT_EQ(m.xyz.cols(), 3);
  ASSERT_EQ(m.warnings.size(), 1u);
  EXPECT_NE(m.warnings[0].find("line 5"), std::string::npos) << m.warnings[0];
  EXPECT_NE(m.warnings[0].find("no marker name"), std::string::npos) << m.warnings[0];
}

TEST(Trc, NoXyzLineDecimalOrEmptyFrameNumbersNanFieldsAndUnitSpellings) {
  TempDir dir;
  const MarkerTable m = read_trc(dir.write("loose.trc",
                                           "PathFileType 4 (X/Y/Z) loose.trc\r\n"
                                           "DataRate\tCameraRate\tNumFrames\tNumMarkers\tUnits\r\n"
                                           "30\t30\t3\t2\tMillimetres\r\nFrame#\tTime\tA\t\t\tB\t\t\r\n"
                                           "1.0\t0.0\t1\t2\t3\t4\t5\t6\r\n"
                                           "\t0.1\tnan\tnan\tnan\t7\t8\t9\r\n"
                                           "3 0.2 1 2 3 4 5 6\r\n"));
  EXPECT_EQ(m.names, (std::vector<std::string>{"A", "B"}));
  EXPECT_EQ(m.to_meters, 0.001);
  EXPECT_EQ(m.frame, (std::vector<int>{1, 2, 3}));
  ASSERT_EQ(m.xyz.rows(), 3);
  EXPECT_TRUE(std::isnan(m.xyz(1, 0)));
  EXPECT_EQ(m.xyz(1, 5), 9.0);
  EXPECT_EQ(m.xyz(2, 4), 5.0);
  ASSERT_EQ(m.warnings.size(), 1u);
  EXPECT_NE(m.warnings[0].find("X1 Y1 Z1"), std::string::npos) << m.warnings[0];
}

TEST(Trc, ShortRowsAndBadFramesStillFailNamingTheLine) {
  TempDir dir;
  const std::string header =
      "PathFileType\t4\nDataRate\tNumFrames\tNumMarkers\tUnits\n60\t1\t1\tm\nFrame#\tTime\tA\nX1\tY1\tZ1\n";
  expect_input_error([&] { read_trc(dir.write("short.trc", header + "1\t0\t1\t2\n")); },
                     {"short.trc", "line 6", "expected 5 fields", "found 4"});
  expect_input_error([&] { read_trc(dir.write("frame.trc", header + "one\t0\t1\t2\t3\n")); },
                     {"frame.trc", "line 6", "'Frame#'", "'one'"});
  expect_input_error([&] { read_trc(dir.write("time.trc", header + "1\tnan\t1\t2\t3\n")); },
                     {"time.trc", "line 6", "'Time'"});
}
