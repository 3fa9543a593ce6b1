// WrapSphere kernel (docs/opensim-semantics.md#paths-and-wrapping): great-circle closed form, quadrant handling
// including the negative far-side length quirk, the envelope property and continuity.
#include <gtest/gtest.h>

#include <algorithm>
#include <cmath>
#include <numbers>

#include "muscles/wrap_sphere.hpp"

using namespace weaklink;

namespace {

constexpr double kPi = std::numbers::pi;
constexpr double kR = 0.02;

bool wraps(const WrapResult& w) { return w.status == WrapStatus::Wrapped || w.status == WrapStatus::MandatoryWrap; }

double total_length(const Vec3& p1, const Vec3& p2, const WrapResult& w) {
  return wraps(w) ? (p1 - w.r1).norm() + w.length + (w.r2 - p2).norm() : (p1 - p2).norm();
}

double angle_between(const Vec3& a, const Vec3& b) {
  return std::acos(std::clamp(a.normalized().dot(b.normalized()), -1.0, 1.0));
}

// Great-circle closed form: the arc is the angle between the end points seen from the centre
// (or the other way round) less the tangent angles acos(R/|P|).
double great_circle_arc(const Vec3& p1, const Vec3& p2, double radius, bool other_side = false) {
  const double phi = angle_between(p1, p2);
  return (other_side ? 2.0 * kPi - phi : phi) - std::acos(radius / p1.norm()) - std::acos(radius / p2.norm());
}

// A point at distance d and angle a in the plane through the centre spanned by e1, e2.
Vec3 in_plane(const Vec3& e1, const Vec3& e2, double d, double a) { return d * (std::cos(a) * e1 + std::sin(a) * e2); }

}  // namespace

TEST(WrapSphere, GreatCircleClosedForm) {
  const Vec3 n = Vec3(1.0, 2.0, 3.0).normalized();
  const Vec3 e1 = n.unitOrthogonal(), e2 = n.cross(e1);
  struct Case {
    double d1, a1, d2, a2;
  };
  for (const Case& c : {Case{0.06, 0.0, 0.05, 2.8}, Case{0.03, 0.3, 0.09, 3.0}, Case{0.025, -0.5, 0.025, 2.3}}) {
    const Vec3 p1 = in_plane(e1, e2, c.d1, c.a1), p2 = in_plane(e1, e2, c.d2, c.a2);
    const WrapResult w = wrap_sphere(p1, p2, kR, {});
    ASSERT_EQ(w.status, WrapStatus::Wrapped);  // OpenSim's unconstrained sphere reports "wrapped"
    for (const auto& [p, r] : {std::pair{p1, w.r1}, std::pair{p2, w.r2}}) {
      EXPECT_NEAR(r.norm(), kR, 1e-12);                           // on the sphere
      EXPECT_NEAR(r.dot(n), 0.0, 1e-12);                          // in the plane of P1, P2, centre
      EXPECT_NEAR((p - r).dot(r), 0.0, 1e-12 * kR);               // tangent
      EXPECT_NEAR((p - r).norm(), std::sqrt(p.squaredNorm() - kR * kR), 1e-12);
    }
    EXPECT_NEAR(w.length, kR * great_circle_arc(p1, p2, kR), 1e-12);
  }
}

TEST(WrapSphere, InsideAndNoWrap) {
  const Vec3 p2(0.06, 0.005, 0.0);
  EXPECT_EQ(wrap_sphere({0.0, 0.019, 0.0}, p2, kR, {}).status, WrapStatus::InsideRadius);
  EXPECT_EQ(wrap_sphere(p2, {0.01, 0.01, 0.01}, kR, {}).status, WrapStatus::InsideRadius);
  EXPECT_EQ(wrap_sphere({-0.06, 0.021, 0.0}, {0.06, 0.021, 0.0}, kR, {}).status, WrapStatus::NoWrap);  // misses
  EXPECT_EQ(wrap_sphere({-0.09, 0.005, 0.0}, {-0.05, 0.005, 0.0}, kR, {}).status, WrapStatus::NoWrap);  // stops short
  // Step 2 also applies with a quadrant: a line missing the sphere never wraps (a cylinder with
  // the same quadrant would wrap this path round its +y side).
  EXPECT_EQ(wrap_sphere({-0.06, 0.005, 0.0}, {0.06, -0.06, 0.0}, kR, parse_wrap_quadrant("+y")).status,
            WrapStatus::NoWrap);
}

TEST(WrapSphere, QuadrantSendsPathAroundTheActiveSide) {
  const Vec3 p1(-0.06, 0.005, 0.0), p2(0.06, 0.005, 0.0);
  const WrapResult over = wrap_sphere(p1, p2, kR, parse_wrap_quadrant("+y"));
  const WrapResult under = wrap_sphere(p1, p2, kR, parse_wrap_quadrant("-y"));
  EXPECT_EQ(over.status, WrapStatus::MandatoryWrap);
  EXPECT_EQ(under.status, WrapStatus::Wrapped);
  EXPECT_GT(over.r1.y(), 0.0);
  EXPECT_GT(over.r2.y(), 0.0);
  EXPECT_LT(under.r1.y(), 0.0);
  EXPECT_LT(under.r2.y(), 0.0);
  EXPECT_NEAR(over.length, kR * great_circle_arc(p1, p2, kR), 1e-12);
  EXPECT_NEAR(under.length, kR * great_circle_arc(p1, p2, kR, true), 1e-12);
}

// OpenSim bug reproduced (docs/opensim-semantics.md#paths-and-wrapping): when the quadrant forces the path the long
// way round (more than half the great circle), the reported length is −R(2π − angle(r1, r2)).
TEST(WrapSphere, FarSideWrapHasNegativeLength) {
  const double radius = 0.05;
  const Vec3 p1(-0.04, -0.045, 0.0), p2(0.04, -0.045, 0.0);  // below the centre, forced over +y
  const WrapResult w = wrap_sphere(p1, p2, radius, parse_wrap_quadrant("+y"));
  ASSERT_EQ(w.status, WrapStatus::Wrapped);
  EXPECT_LT(w.r1.y(), 0.0);  // tangent points below the centre: the arc over the top exceeds π
  EXPECT_LT(w.r2.y(), 0.0);
  EXPECT_NEAR(w.length, -radius * (2.0 * kPi - angle_between(w.r1, w.r2)), 1e-12);
  EXPECT_NEAR(w.length, -radius * great_circle_arc(p1, p2, radius, true), 1e-12);
}

// Deviation from OpenSim (which reuses the previous call's tangent points here): a line through
// the centre wraps in a fixed plane containing it (the quadrant axis when constrained).
TEST(WrapSphere, PathThroughCentreUsesAFixedPlane) {
  const Vec3 p1(-0.06, 0.0, 0.0), p2(0.06, 0.0, 0.0);
  for (const WrapQuadrant q : {WrapQuadrant{}, parse_wrap_quadrant("-z")}) {
    const WrapResult w = wrap_sphere(p1, p2, kR, q);
    ASSERT_TRUE(wraps(w));
    for (const auto& [p, r] : {std::pair{p1, w.r1}, std::pair{p2, w.r2}}) {
      EXPECT_NEAR(r.norm(), kR, 1e-12);
      EXPECT_NEAR((p - r).dot(r), 0.0, 1e-12 * kR);
    }
    EXPECT_NEAR(w.length, kR * (kPi - 2.0 * std::acos(kR / 0.06)), 1e-12);
    if (q.constrained()) {
      EXPECT_LT(w.r1.z(), 0.0);
      EXPECT_LT(w.r2.z(), 0.0);
    }
  }
}

// dL/dP1 = unit(P1 − r1): the great-circle path is a true geodesic with exactly tangent segments.
TEST(WrapSphere, EnvelopeProperty) {
  const Vec3 paths[][2] = {{{-0.06, 0.005, 0.003}, {0.06, 0.004, -0.01}},
                           {{-0.03, -0.02, 0.02}, {0.05, 0.01, -0.03}},
                           {{0.01, 0.04, -0.03}, {-0.02, -0.05, 0.02}}};
  for (const auto& [p1, p2] : paths) {
    for (const WrapQuadrant q : {WrapQuadrant{}, parse_wrap_quadrant("+z")}) {
      const WrapResult w = wrap_sphere(p1, p2, kR, q);
      ASSERT_TRUE(wraps(w));
      const double h = 1e-6;
      Vec3 g;
      for (int i = 0; i < 3; ++i) {
        Vec3 a = p1, b = p1;
        a[i] += h;
    b[i] -= h;
        g[i] = (total_length(a, p2, wrap_sphere(a, p2, kR, q)) - total_length(b, p2, wrap_sphere(b, p2, kR, q))) / (2 * h);
      }
      EXPECT_LT((g - (p1 - w.r1).normalized()).norm(), 1e-6) << "p1 " << p1.transpose() << " axis " << q.axis;
    }
  }
}

// Sweeping P2 so that the line moves from missing the sphere to crossing it: the wrap grows from
// zero and the path length is continuous (jumps bounded by 2 × the sweep step).
TEST(WrapSphere, LengthIsContinuousAcrossTheWrapBoundary) {
  const Vec3 p1(-0.06, 0.005, 0.003), from(0.06, 0.05, 0.0), to(0.06, 0.0, 0.0);
  const int n = 1000;
  for (const WrapQuadrant q : {WrapQuadrant{}, parse_wrap_quadrant("+y")}) {
    double previous = 0.0, worst_jump = 0.0;
    int wrapped = 0;
    for (int i = 0; i <= n; ++i) {
      const Vec3 p2 = from + (to - from) * (static_cast<double>(i) / n);
      const WrapResult w = wrap_sphere(p1, p2, kR, q);
      wrapped += wraps(w);
      const double length = total_length(p1, p2, w);
      if (i > 0) worst_jump = std::max(worst_jump, std::abs(length - previous));
      previous = length;
    }
    EXPECT_GT(wrapped, 0);
    EXPECT_LT(wrapped, n + 1);
    EXPECT_LT(worst_jump, 2.0 * (to - from).norm() / n) << "quadrant axis " << q.axis;
  }
}
