#pragma once
// OpenSim setups name their inputs as they sit beside the setup (reference README): tests run them
// from a scratch folder holding symbolic links to the setup and its inputs, as a user would.
#include <filesystem>
#include <string>
#include <utility>
#include <vector>

#include <unistd.h>

#include <gtest/gtest.h>

#include "support/reference.hpp"

namespace weaklink::test {

// A fresh folder per test and process (ctest runs tests in parallel processes), removed on exit.
class ScratchDir {
 public:
  ScratchDir() {
    dir_ = std::filesystem::temp_directory_path() /
           ("weaklink_" + std::string(::testing::UnitTest::GetInstance()->current_test_info()->name()) + "_" +
            std::to_string(::getpid()));
    std::filesystem::remove_all(dir_);
    std::filesystem::create_directories(dir_);
  }
  ~ScratchDir() {
    std::error_code ec;
    std::filesystem::remove_all(dir_, ec);
  }
  ScratchDir(const ScratchDir&) = delete;
  ScratchDir& operator=(const ScratchDir&) = delete;
  // Links reference_dir()/rel into the folder (under `as`, default its file name); returns the link.
  std::filesystem::path link(const std::string& rel, const std::string& as = "") const {
    const std::filesystem::path target = reference_dir() / rel;
    const std::filesystem::path name = dir_ / (as.empty() ? target.filename().string() : as);
    std::filesystem::create_symlink(target, name);
    return name;
  }
  const std::filesystem::path& path() const { return dir_; }

 private:
  std::filesystem::path dir_;
};

}  // namespace weaklink::test
