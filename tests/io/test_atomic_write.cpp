#include <gtest/gtest.h>
#include <unistd.h>

#include <filesystem>
#include <fstream>
#include <sstream>
#include <string>

#include "core/error.hpp"
#include "io/atomic_write.hpp"

namespace fs = std::filesystem;
using weaklink::io::write_file_atomically;

namespace {

// A fresh directory per test, removed afterwards.
struct TempDir {
  fs::path path;
  TempDir() {
    const auto* info = ::testing::UnitTest::GetInstance()->current_test_info();
    path = fs::temp_directory_path() /
           ("weaklink-atomic-" + std::to_string(::getpid()) + "-" + info->name());
    fs::remove_all(path);
    fs::create_directories(path);
  }
  ~TempDir() { fs::remove_all(path); }
};

std::string slurp(const fs::path& p) {
  std::ifstream in(p, std::ios::binary);
  std::ostringstream s;
  s << in.rdbuf();
  return s.str();
}

std::size_t entries(const fs::path& dir) {
  return static_cast<std::size_t>(
      std::distance(fs::directory_iterator(dir), fs::directory_iterator()));
}

}  // namespace

TEST(AtomicWrite, WritesAndReplacesWithoutLeftovers) {
  TempDir dir;
  const fs::path target = dir.path / "out.sto";
  write_file_atomically(target, "first\n");
  EXPECT_EQ(slurp(target), "first\n");
  write_file_atomically(target, std::string("second\0binary", 13));
  EXPECT_EQ(slurp(target), std::string("second\0binary", 13));
  write_file_atomically(target, "");
  EXPECT_EQ(slurp(target), "");
  EXPECT_EQ(entries(dir.path), 1u) << "a temporary file was left behind";
}

TEST(AtomicWrite, MissingDirectoryIsAnInputErrorNamingThePath) {
  TempDir dir;
  const fs::path target = dir.path / "no_such_dir" / "out.sto";
  try {
    write_file_atomically(target, "x");
    FAIL() << "expected InputError";
  } catch (const weaklink::InputError& e) {
    EXPECT_NE(std::string(e.what()).find(target.string()), std::string::npos) << e.what();
  }
}

TEST(AtomicWrite, FailedRenameRemovesTheTemporaryFile) {
  TempDir dir;
  // A non-empty directory cannot be replaced by a file: the rename step fails.
  const fs::path target = dir.path / "target";
  fs::create_directories(target / "child");
  EXPECT_THROW(write_file_atomically(target, "x"), weaklink::InputError);
  EXPECT_EQ(entries(dir.path), 1u) << "a temporary file was left behind";
  EXPECT_TRUE(fs::is_directory(target / "child"));
}
