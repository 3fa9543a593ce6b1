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
