#pragma once
// Model: the immutable, compiled form of a ModelSpec. Every name is resolved to an index, every
// joint is flattened into six function-driven axes, every frame to (base body, fixed transform).
// Built once by compile_model(); shared read-only across threads. Per-thread results live in Data.
#include <array>
#include <string>
#include <string_view>
#include <vector>

#include "core/expression.hpp"
#include "core/function.hpp"
#include "core/spatial.hpp"
#include "model/model_spec.hpp"
#include "muscles/muscle_params.hpp"
#include "muscles/wrap_geometry.hpp"

namespace weaklink {

constexpr int kGround = 0;  // body index of Ground

struct Body {
  std::string name;
  double mass = 0;
  Vec3 mass_center = Vec3::Zero();    // in the body frame
  Mat3 inertia_com = Mat3::Zero();    // about the COM, body axes
  int joint = -1;                     // joint whose child this body is (-1 for Ground)
};

// One of a joint's six transform axes: s = f(q[coordinate]) (coordinate -1: f is constant).
struct JointAxis {
  int coordinate = -1;
  Vec3 axis = Vec3::UnitX();          // unit, in the parent joint frame F
  Function function = Function::constant(0.0);
  // Precomputed by compile_model for forward kinematics:
  int unit = -1;                      // 0, 1, 2 when axis is exactly +x, +y, +z, else -1
  double constant_value = 0;          // coordinate < 0: the axis' fixed value f(0)
  Mat3 R_constant = Mat3::Identity(); // rotation axis with coordinate < 0: Rot(axis, f(0))
};

struct Joint {
  std::string name;
  JointType type = JointType::Custom;
  int parent_body = kGround, child_body = kGround;
  Transform X_PF, X_BM;               // joint frames F (in parent P) and M (in child B)
  std::array<JointAxis, 6> axes;      // rotation1..3 (body-fixed sequence), translation1..3 (in F)
  int first_coordinate = 0, num_coordinates = 0;  // contiguous in CoordinateSet order
  // Precomputed by compile_model for forward kinematics:
  Transform X_MB;                     // X_BM.inverse()
  bool X_PF_identity = false, X_MB_identity = false;  // exactly the identity transform
};

struct Coordinate {
  std::string name;
  int joint = -1;
  MotionType motion_type = MotionType::Rotational;
  double default_value = 0, default_speed = 0, range_min = -10, range_max = 10;
  bool clamped = false, locked = false, prescribed = false;
  int coupler = -1;                   // index into couplers if this coordinate is dependent
};

struct Frame {                        // a body frame or a fixed offset frame
  std::string name;                   // body name, or offset frame name
  std::string owner;                  // joint or body that owns an offset frame ("" for bodies)
  int body = kGround;
  Transform X_BF;
};

struct Marker {
  std::string name;
  int body = kGround;
  Vec3 p_BM = Vec3::Zero();           // location in the body frame
};

struct PathPoint {
  PathPointSpec::Kind kind = PathPointSpec::Kind::Fixed;
  int body = kGround;
  Vec3 p_B = Vec3::Zero();            // fixed location in the body frame (frame offsets folded in)
  Mat3 R_BF = Mat3::Identity();       // moving points: the frame their functions are expressed in
  Vec3 p_BF = Vec3::Zero();
  int coordinate = -1;                // conditional: gating coordinate
  double range_min = 0, range_max = 0;
  std::array<int, 3> moving_coordinate{-1, -1, -1};
  std::array<Function, 3> moving_function{Function::constant(0), Function::constant(0), Function::constant(0)};
};

struct WrapObject {
  std::string name;
  WrapObjectSpec::Kind kind = WrapObjectSpec::Kind::Cylinder;
  int body = kGround;
  Transform X_BW;
  WrapQuadrant quadrant;
  bool active = true;
  double radius = 0, length = 0;
  Vec3 dimensions = Vec3::Zero();
};

struct PathWrap {
  int wrap_object = -1;
  WrapMethod method = WrapMethod::Hybrid;
  int range_begin = 0, range_end = 0; // 0-based inclusive indices into the muscle's points
};

struct Muscle {
  std::string name;
  MuscleParams params;
  int first_point = 0, num_points = 0;
  int first_wrap = 0, num_wraps = 0;
  // Precomputed by compile_model: joints whose coordinates can change the path's length, in
  // Model::muscle_joints, reverse topological order: ancestors of its points' and wrap objects'
  // bodies below root_body, the deepest body all of them descend from (Ground if one is Ground).
  // Joints at and above root_body move the whole path rigidly: their moment arms are zero.
  int first_joint = 0, num_joints = 0;
  int root_body = kGround;
  // Coordinates outside those joints that moving points or couplers write a moment arm for
  // (in Model::muscle_extra_coordinates). Every other coordinate's moment arm is zero.
  int first_extra = 0, num_extra = 0;
};

struct Actuator {
  ActuatorSpec::Kind kind = ActuatorSpec::Kind::Coordinate;
  std::string name;
  bool applies_force = true;
  double min_control = 0, max_control = 0, optimal_force = 1;
  int coordinate = -1, body = kGround, body_b = kGround;
  Vec3 point = Vec3::Zero(), direction = Vec3::UnitX();
  bool point_is_global = false, force_is_global = true;
};

// A passive force element (docs/opensim-semantics.md#passive-forces), in SI units: a CoordinateLimitForce's limits and
// stiffnesses are converted from degrees at compile time.
struct PassiveForce {
  PassiveForceSpec::Kind kind = PassiveForceSpec::Kind::CoordinateLimit;
  std::string name;
  int coordinate = -1;
  // CoordinateLimitForce: q_u, q_l (rad or m), k_u, k_l, damping c', transition δ.
  double upper_limit = 0, lower_limit = 0, upper_stiffness = 1, lower_stiffness = 1, damping = 0, transition = 1;
  // SpringGeneralizedForce: k, q0, c; PointToPointSpring: k, L0.
  double stiffness = 0, rest_length = 0, viscosity = 0;
  Expression expression;                // ExpressionBasedCoordinateForce: f(q, qdot)
  int body1 = kGround, body2 = kGround;  // PointToPointSpring: base bodies of the sockets
  Vec3 point1 = Vec3::Zero(), point2 = Vec3::Zero();  // in those bodies' frames
  int force_position = 0;  // number of entries of Model::force_order before it in the ForceSet
};

struct Coupler {
  std::string name;
  int dependent = -1, independent = -1;
  Function function = Function::linear(1, 0);
  double scale_factor = 1.0;
};

struct Model {
  std::string name, source_file;
  Vec3 gravity{0, -9.80665, 0};
  std::vector<Body> bodies;                 // [0] = Ground, then BodySet order
  std::vector<Joint> joints;                // topological (multibody-tree) order
  std::vector<Coordinate> coordinates;      // CoordinateSet order: q[i] belongs to coordinates[i]
  std::vector<int> tree_coordinate_order;   // coordinates in multibody-tree order (ID columns)
  std::vector<Frame> frames;
  std::vector<Marker> markers;
  std::vector<PathPoint> path_points;       // all muscles' points, muscle by muscle
  std::vector<PathWrap> path_wraps;
  std::vector<WrapObject> wrap_objects;
  std::vector<Muscle> muscles;
  std::vector<Actuator> actuators;
  std::vector<Coupler> couplers;
  struct ForceRef {                         // a muscle or a non-muscle actuator
    bool muscle = false;
    int index = -1;                         // into muscles or actuators
  };
  std::vector<ForceRef> force_order;        // every muscle and actuator in ForceSet order
  std::vector<PassiveForce> passive_forces; // passive elements with their own law, ForceSet order
  // For each body, the coordinates whose motion moves it (ancestor joints), flattened.
  std::vector<int> support_begin, support_coordinates;
  struct PathJoint {                        // a joint as muscle path geometry needs it
    int child_body, parent_body, first_coordinate, num_coordinates;
  };
  std::vector<PathJoint> muscle_joints;     // see Muscle::first_joint
  std::vector<int> muscle_extra_coordinates;  // see Muscle::first_extra
  int max_path_points = 0;                  // longest path incl. two wrap points per wrap
  std::vector<UnsupportedElement> unsupported;
  std::vector<std::string> warnings;

  int nq() const { return static_cast<int>(coordinates.size()); }
  // Name look-ups for set-up code (never in per-frame loops); -1 when absent.
  int find_body(std::string_view name) const;
  int find_coordinate(std::string_view name) const;
  int find_muscle(std::string_view name) const;
  int find_marker(std::string_view name) const;
  int find_joint(std::string_view name) const;
  int find_frame(std::string_view name_or_path) const;
  // Default pose: every coordinate at its default value, couplers applied.
  Eigen::VectorXd default_q() const;
};

// Resolves names, orders the tree, folds offsets and validates. Throws InputError that names the
// source file and element for anything that cannot be compiled.
Model compile_model(const ModelSpec& spec);

// Sets every coupler-dependent coordinate from its independent coordinate (position level).
void apply_couplers(const Model& model, Eigen::Ref<Eigen::VectorXd> q);

}  // namespace weaklink
