// The allocation counter sees both operator new and Eigen's malloc (outside AddressSanitizer).
#include <memory>

#include <Eigen/Core>
#include <gtest/gtest.h>

#include "support/allocation_counter.hpp"

TEST(AllocationCounter, CountsNewAndEigenHeapAllocations) {
  const std::size_t a = weaklink::test::allocations_on_this_thread();
  auto p = std::make_unique<int>(3);
  EXPECT_GT(weaklink::test::allocations_on_this_thread(), a);
#if defined(__SANITIZE_ADDRESS__)
  GTEST_SKIP() << "under AddressSanitizer only operator new is counted";
#else
  const std::size_t b = weaklink::test::allocations_on_this_thread();
  Eigen::VectorXd v = Eigen::VectorXd::Zero(100);
  EXPECT_GT(weaklink::test::allocations_on_this_thread(), b);
  EXPECT_EQ(v.size(), 100);
#endif
}
