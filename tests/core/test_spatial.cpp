#include <gtest/gtest.h>
#include "core/spatial.hpp"
using namespace weaklink;
TEST(Spatial, BodyXyzRoundTrip) {
  const Vec3 a(0.3, -0.7, 1.2);
  const Vec3 b = body_xyz_from_rotation(rotation_body_xyz(a));
  EXPECT_NEAR((a - b).norm(), 0.0, 1e-12);
}
TEST(Spatial, TransformInverse) {
  const Transform X = make_transform(Vec3(1, 2, 3), Vec3(0.1, 0.2, 0.3));
  const Transform I = X * X.inverse();
  EXPECT_NEAR((I.R - Mat3::Identity()).norm(), 0.0, 1e-14);
  EXPECT_NEAR(I.p.norm(), 0.0, 1e-14);
}
