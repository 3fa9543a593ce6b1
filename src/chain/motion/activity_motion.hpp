#pragma once
// From an activity's plan to a motion of one model: the pose of every frame (angle tracks met,
// anchors met by the coordinates the tracks leave free, solved as inverse kinematics on the
// contact-site markers), speeds and accelerations from quintic splines through the poses, the
// contact pairs and surfaces as the contact-solving static optimization takes them, and the known
// loads (hand-held mass, bands, machine resistance) sampled at every frame.
#include <string>
#include <vector>

#include <Eigen/Core>

#include "chain/activities/activity.hpp"
#include "model/model.hpp"
#include "solvers/contact_set.hpp"
#include "tools/trajectory_analyses.hpp"

namespace weaklink {

// A load known in advance, applied to one body at a point, per frame (Ground).
struct KnownLoad {
  std::string name;
  int body = 0;
  std::vector<Vec3> point, force;
  std::vector<Vec3> moment;  // free couple per frame (Ground); empty: none (measured loads carry one)
};

struct ActivityMotion {
  MotionFrames motion;
  ContactSet contacts;                 // surfaces resolved (through_site planes placed)
  std::vector<char> pair_attached;     // per pair: on an attached surface (always available)
  Eigen::MatrixXd surface_load;        // frames × surfaces: prescribed normal load (N), NaN: solved
  std::vector<KnownLoad> loads;
  double max_anchor_error = 0;         // m: worst distance of an anchored site from its target
  double max_track_error = 0;          // rad or m: worst departure from an angle track (balance offsets included)
  double max_balance_error = 0;        // m: worst horizontal distance of the centre of mass from its support target
  std::vector<std::string> warnings;
};

// +1, or −1 where a model counts the anatomical direction negatively (gait2392's knee_angle is
// negative in flexion; detected from the coordinate's range: most of it below zero).
double anatomical_sign(const Model& model, int coordinate);

// Throws InputError naming the activity and the coordinate or site the model lacks. The model
// must carry the contact sites (with_contact_sites).
ActivityMotion build_activity_motion(const Model& model, const ActivityPlan& plan, const std::string& activity);

// Contact availability (Fluit et al. 2014; Skals et al. 2017; thresholds and fade as the
// AnyBody GRF-prediction defaults, repository AnyBody/GRF-prediction): a site may press on its
// surface when it is less than `reach` above it (0.04 m there: full strength below 80 % of that,
// fading linearly to zero at it; down to 0.10 m below it) and slower than 0.8 m/s (full below
// 15 % of that). The 4 cm allow for measured feet floating or sinking; on seats, whose contact
// sites the pose solver places exactly, activities use 1 cm.
double contact_availability(double height, double speed, double reach = 0.04);

}  // namespace weaklink
