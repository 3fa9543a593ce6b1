#pragma once
// Spatial math on Eigen. Monogram notation (Drake): R_AB rotates vectors from B to A coordinates,
// p_AB is B's origin from A's origin expressed in A, X_AB = (R_AB, p_AB).
#include <Eigen/Core>
#include <Eigen/Geometry>
#include <algorithm>
#include <cmath>

namespace weaklink {

using Vec3 = Eigen::Vector3d;
using Mat3 = Eigen::Matrix3d;

struct Transform {
  Mat3 R = Mat3::Identity();
  Vec3 p = Vec3::Zero();

  static Transform identity() { return {}; }
  // X_AC = X_AB * X_BC
  Transform operator*(const Transform& X_BC) const { return {R * X_BC.R, R * X_BC.p + p}; }
  Vec3 apply(const Vec3& p_BQ) const { return R * p_BQ + p; }  // p_AQ
  Transform inverse() const {
    Transform X;
    X.R = R.transpose();
    X.p = -(X.R * p);
    return X;
  }
};

// Right-handed rotation by angle about a unit axis.
inline Mat3 rotation_about(const Vec3& unit_axis, double angle) {
  return Eigen::AngleAxisd(angle, unit_axis).toRotationMatrix();
}

// Rot(unit_axis, angle) in closed form (Rodrigues, as Eigen::AngleAxis) from s = sin, c = cos.
inline Mat3 rotation_about_sc(const Vec3& a, double s, double c) {
  const Vec3 sa = s * a, ca = (1.0 - c) * a;
  Mat3 R;
  R(0, 0) = ca.x() * a.x() + c;
  R(1, 1) = ca.y() * a.y() + c;
  R(2, 2) = ca.z() * a.z() + c;
  R(0, 1) = ca.x() * a.y() - sa.z();
  R(1, 0) = ca.x() * a.y() + sa.z();
  R(0, 2) = ca.x() * a.z() + sa.y();
  R(2, 0) = ca.x() * a.z() - sa.y();
  R(1, 2) = ca.y() * a.z() - sa.x();
  R(2, 1) = ca.y() * a.z() + sa.x();
  return R;
}

// Rot(e_i, angle) about coordinate axis i (0, 1, 2), from s = sin, c = cos.
inline Mat3 rotation_about_unit(int i, double s, double c) {
  const int j = i == 2 ? 0 : i + 1, k = i == 0 ? 2 : i - 1;
  Mat3 R = Mat3::Zero();
  R(i, i) = 1.0;
  R(j, j) = c;
  R(k, k) = c;
  R(j, k) = -s;
  R(k, j) = s;
  return R;
}

// R ← R · Rot(e_i, angle): only columns j = i+1 and k = i+2 (mod 3) change.
inline void post_rotate_unit(Mat3& R, int i, double s, double c) {
  const int j = i == 2 ? 0 : i + 1, k = i == 0 ? 2 : i - 1;
  const Vec3 cj = R.col(j), ck = R.col(k);
  R.col(j) = c * cj + s * ck;
  R.col(k) = c * ck - s * cj;
}

// Body-fixed X-Y-Z Euler angles (OpenSim's `orientation`, `xyz_body_rotation`): R = Rx*Ry*Rz.
inline Mat3 rotation_body_xyz(const Vec3& angles) {
  return (Eigen::AngleAxisd(angles.x(), Vec3::UnitX()) * Eigen::AngleAxisd(angles.y(), Vec3::UnitY()) *
          Eigen::AngleAxisd(angles.z(), Vec3::UnitZ()))
      .toRotationMatrix();
}

// Inverse of rotation_body_xyz: angles (x, y, z) with y in [-pi/2, pi/2].
inline Vec3 body_xyz_from_rotation(const Mat3& R) {
  // R = Rx Ry Rz: R(0,2) = sin(y); R(1,2) = -sin(x)cos(y); R(2,2) = cos(x)cos(y);
  // R(0,1) = -cos(y)sin(z); R(0,0) = cos(y)cos(z).
  const double y = std::asin(std::clamp(R(0, 2), -1.0, 1.0));
  const double x = std::atan2(-R(1, 2), R(2, 2));
  const double z = std::atan2(-R(0, 1), R(0, 0));
  return {x, y, z};
}

inline Transform make_transform(const Vec3& translation, const Vec3& body_xyz_angles) {
  return {rotation_body_xyz(body_xyz_angles), translation};
}

}  // namespace weaklink
