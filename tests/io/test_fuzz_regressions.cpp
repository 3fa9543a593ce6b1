// Inputs that once crashed, hung or hit undefined behaviour (found by fuzzing and review, see
// docs/reliability.md). Each must now give a clear InputError or a sound result.
#include <filesystem>
#include <string>

#include <fmt/format.h>
#include <gtest/gtest.h>

#include "core/error.hpp"
#include "io/osim_reader.hpp"
#include "io/storage.hpp"
#include "model/model.hpp"
#include "support/reference.hpp"

namespace fs = std::filesystem;
using namespace weaklink;

namespace {
fs::path regression(const char* name) { return test::source_dir() / "tests/data/fuzz_regressions" / name; }

std::string message_of(const fs::path& osim) {
  try {
    compile_model(io::read_osim(osim));
  } catch (const InputError& e) {
    return e.what();
  }
  return "";
}
}  // namespace

TEST(FuzzRegressions, PathWrapRangeOutsideIntIsAnError) {
  const std::string m = message_of(regression("fuzz_osim_wrap_range_int_overflow.osim"));
  EXPECT_NE(m.find("<range> must be two whole numbers"), std::string::npos) << m;
}

TEST(FuzzRegressions, DeeplyNestedFunctionsAreRejectedBeforeRecursion) {
  const std::string m = message_of(regression("fuzz_osim_deep_multiplier_function.osim"));
  EXPECT_NE(m.find("nesting deeper than 256"), std::string::npos) << m;
}

TEST(FuzzRegressions, ManyRepeatedLabelsAreRenamedInLinearTime) {
  io::StorageReadOptions o;
  o.make_labels_unique = true;
  const io::Table t = io::read_storage(regression("fuzz_storage_duplicate_labels_quadratic.mot"), o);
  ASSERT_GT(t.labels.size(), 1000u);
  EXPECT_EQ(t.labels[1], "1_" + t.labels[0]);
  EXPECT_EQ(t.labels[2], "2_" + t.labels[0]);
  // Strict reading refuses duplicates with a clear message.
  EXPECT_THROW(io::read_storage(regression("fuzz_storage_duplicate_labels_quadratic.mot")), InputError);
}

TEST(FuzzRegressions, LongOffsetFrameChainsCompileWithoutDeepRecursion) {
  // 50,000 PhysicalOffsetFrames, each the parent of the previous one: once a stack overflow.
  const int n = 50000;
  std::string xml = "<OpenSimDocument Version=\"40000\"><Model name=\"chain\"><BodySet><objects>"
                    "<Body name=\"b\"><mass>1</mass></Body></objects></BodySet><ComponentSet><objects>";
  for (int i = 0; i < n; ++i)
    // fmt::format, not chained operator+: GCC 12 reports a false -Wrestrict on the latter.
    xml += fmt::format("<PhysicalOffsetFrame name=\"f{}\"><socket_parent>{}</socket_parent>"
                       "<translation>0 0.001 0</translation></PhysicalOffsetFrame>",
                       i, i + 1 < n ? fmt::format("f{}", i + 1) : std::string("/ground"));
  xml += "</objects></ComponentSet><MarkerSet><objects><Marker name=\"m\"><socket_parent_frame>f0</socket_parent_frame>"
         "</Marker></objects></MarkerSet></Model></OpenSimDocument>";
  const Model m = compile_model(io::read_osim_text(xml, "chain.osim"));
  ASSERT_EQ(m.markers.size(), 1u);
  EXPECT_NEAR(m.markers[0].p_BM.y(), n * 0.001, 1e-6);  // offsets add up along the chain
}
