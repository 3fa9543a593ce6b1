#pragma once
// ModelSpec: the editable, name-based description of a model, as read from an .osim file (or built
// by code). Nothing here is resolved to indices; compile_model() does that and validates.
#include <array>
#include <cmath>
#include <optional>
#include <string>
#include <vector>

#include "core/function.hpp"
#include "core/spatial.hpp"
#include "muscles/muscle_params.hpp"

namespace weaklink {

enum class JointType { Custom, Pin, Slider, Weld, Universal, Gimbal, Ball, Free, Planar };

// OpenSim's class name of a joint type ("CustomJoint", ...).
inline const char* joint_class_name(JointType t) {
  switch (t) {
    case JointType::Custom: return "CustomJoint";
    case JointType::Pin: return "PinJoint";
    case JointType::Slider: return "SliderJoint";
    case JointType::Weld: return "WeldJoint";
    case JointType::Universal: return "UniversalJoint";
    case JointType::Gimbal: return "GimbalJoint";
    case JointType::Ball: return "BallJoint";
    case JointType::Free: return "FreeJoint";
    case JointType::Planar: return "PlanarJoint";
  }
  return "CustomJoint";
}

// The non-empty parts of a component path: "/bodyset/femur_r" -> {"bodyset", "femur_r"}.
inline std::vector<std::string> split_component_path(const std::string& path) {
  std::vector<std::string> out;
  std::string cur;
  for (char c : path) {
    if (c == '/') {
      if (!cur.empty()) out.push_back(cur);
      cur.clear();
    } else {
      cur += c;
    }
  }
  if (!cur.empty()) out.push_back(cur);
  return out;
}
enum class MotionType { Rotational, Translational, Coupled };

struct OffsetFrameSpec {           // PhysicalOffsetFrame
  std::string name, origin;
  std::string parent;              // path or name of the parent frame (body, ground or offset frame)
  Vec3 translation = Vec3::Zero();
  Vec3 orientation = Vec3::Zero(); // body-fixed X-Y-Z angles
};

struct WrapObjectSpec {
  enum class Kind { Cylinder, Sphere, Ellipsoid, Torus };
  Kind kind = Kind::Cylinder;
  std::string name, body, origin;
  Vec3 translation = Vec3::Zero(), xyz_body_rotation = Vec3::Zero();
  std::string quadrant = "all";
  bool active = true;
  double radius = 0.05, length = 1.0;      // cylinder (OpenSim default radius 1.0; set by reader)
  Vec3 dimensions = Vec3::Constant(0.05);  // ellipsoid semi-axes
  double inner_radius = 0.01, outer_radius = 0.05;  // torus
};

struct BodySpec {
  std::string name, origin;
  double mass = 0.0;
  Vec3 mass_center = Vec3::Zero();
  std::array<double, 6> inertia{};  // Ixx Iyy Izz Ixy Ixz Iyz about the COM in body axes
  std::vector<WrapObjectSpec> wrap_objects;
};

struct CoordinateSpec {
  std::string name;
  double default_value = 0.0, default_speed = 0.0;
  double range_min = -10.0, range_max = 10.0;
  bool clamped = false, locked = false, prescribed = false;
};

struct TransformAxisSpec {
  std::vector<std::string> coordinates;
  Vec3 axis = Vec3::UnitX();
  Function function = Function::constant(0.0);
};

struct JointSpec {
  std::string name, origin;  // origin: "line N <CustomJoint name=...>" for messages
  JointType type = JointType::Custom;
  std::string parent_frame, child_frame;  // socket paths as written
  std::vector<CoordinateSpec> coordinates;
  std::vector<OffsetFrameSpec> frames;    // frames owned by the joint
  std::array<TransformAxisSpec, 6> axes;  // CustomJoint only: rotation1..3, translation1..3
};

struct MarkerSpec {
  std::string name, parent_frame, origin;
  Vec3 location = Vec3::Zero();
  bool fixed = false;
};

struct PathPointSpec {
  enum class Kind { Fixed, Conditional, Moving };
  Kind kind = Kind::Fixed;
  std::string name, parent_frame;
  Vec3 location = Vec3::Zero();
  std::string coordinate;           // Conditional
  double range_min = 0, range_max = 0;
  std::array<std::optional<Function>, 3> moving;      // Moving: x, y, z location functions
  std::array<std::string, 3> moving_coordinates;      // Moving: their coordinates
};

struct PathWrapSpec {
  std::string wrap_object;
  std::string method = "hybrid";
  int range_begin = -1, range_end = -1;  // 1-based indices into the path points; < 1 means ends
};

struct GeometryPathSpec {
  std::vector<PathPointSpec> points;
  std::vector<PathWrapSpec> wraps;
};

struct MuscleSpec {
  std::string name, class_name, origin;
  MuscleParams params;
  GeometryPathSpec path;
};

struct ActuatorSpec {
  enum class Kind { Coordinate, Point, Torque };
  Kind kind = Kind::Coordinate;
  std::string name, origin;
  bool applies_force = true;
  double min_control = -INFINITY, max_control = INFINITY, optimal_force = 1.0;
  std::string coordinate;                       // Coordinate
  std::string body, body_b;                     // Point: body; Torque: bodyA, bodyB
  Vec3 point = Vec3::Zero(), direction = Vec3::UnitX();
  bool point_is_global = false, force_is_global = true;
};

struct CouplerSpec {
  std::string name, origin;
  bool enforced = true;
  std::vector<std::string> independent;
  std::string dependent;
  Function function = Function::linear(1, 0);
  double scale_factor = 1.0;
};

// A passive force element with its own law (docs/opensim-semantics.md#passive-forces): evaluated from q and q̇, never
// solved for. Values as written in the file (CoordinateLimitForce in degrees for rotations).
struct PassiveForceSpec {
  enum class Kind { CoordinateLimit, SpringGeneralized, PointToPointSpring, ExpressionCoordinate };
  Kind kind = Kind::CoordinateLimit;
  std::string name, origin;
  std::string coordinate;                         // CoordinateLimit, SpringGeneralized, ExpressionCoordinate
  std::string expression;                         // ExpressionCoordinate: in q and qdot (SI)
  // CoordinateLimitForce (OpenSim's defaults).
  double upper_stiffness = 1, upper_limit = 0, lower_stiffness = 1, lower_limit = 0, damping = 0.001, transition = 0.1;
  // SpringGeneralizedForce: stiffness, rest_length, viscosity; PointToPointSpring: stiffness, rest_length.
  double stiffness = 0, rest_length = 0, viscosity = 0;
  std::string body1, body2;                       // PointToPointSpring sockets (paths or names)
  Vec3 point1 = Vec3::Zero(), point2 = Vec3::Zero();
};

// Something in the file weaklink does not model; kept so that nothing is dropped silently.
struct UnsupportedElement {
  std::string where;   // component path, e.g. "/forceset/knee_lig"
  std::string tag;     // XML class name
  std::string effect;  // what ignoring it means
  bool unmodelled_force = false;  // an enabled force element: dynamics results differ from OpenSim's
  std::string name;               // its name attribute
};

struct ModelSpec {
  std::string name, source_file;
  int document_version = 40000;
  Vec3 gravity{0.0, -9.80665, 0.0};
  std::vector<BodySpec> bodies;             // BodySet order, ground excluded
  std::vector<WrapObjectSpec> ground_wrap_objects;
  std::vector<JointSpec> joints;            // JointSet order
  std::vector<OffsetFrameSpec> frames;      // offset frames owned by bodies, ground or componentset
  std::vector<MarkerSpec> markers;
  std::vector<MuscleSpec> muscles;          // ForceSet order (muscles only)
  std::vector<ActuatorSpec> actuators;      // ForceSet order (non-muscle actuators)
  std::vector<PassiveForceSpec> passive_forces;  // ForceSet order (enabled passive elements only)
  std::vector<std::string> force_order;     // names of every force, ForceSet order
  std::vector<CouplerSpec> couplers;
  std::vector<UnsupportedElement> unsupported;
  std::vector<std::string> warnings;
};

}  // namespace weaklink
