#pragma once
// Internal to src/chain/motion: the steps of making an activity's motion (build_activity_motion),
// as one builder whose steps live in files by responsibility:
//   motion_builder.cpp      the order of the steps, tracks and surfaces resolved, splines through the poses
//   anchored_poses.cpp      non-periodic poses: tracks and anchors met frame by frame, surfaces placed
//   pose_balance.cpp        non-periodic balance: static (over the support) and capture-point
//   gait_motion.cpp         periodic walking: poses from the tracks, pelvis balanced on the feet
//   contact_resolution.cpp  contact pairs and prescribed surface loads; contact availability
//   known_loads.cpp         hand-held masses and bands sampled at every frame
#include <cstddef>
#include <limits>
#include <memory>
#include <string>
#include <utility>
#include <vector>

#include <Eigen/Core>

#include "chain/activities/contact_sites.hpp"
#include "chain/motion/activity_motion.hpp"
#include "core/error.hpp"
#include "kinematics/inverse_kinematics.hpp"
#include "model/data.hpp"

namespace weaklink::motion_building {

inline constexpr double kNaN = std::numeric_limits<double>::quiet_NaN();

// Arm length from the shoulder centre to the grip (mid-hand), as fractions of stature, and the
// hip-centre-to-ankle-centre length as a fraction of stature: Drillis R, Contini R (1966) Body
// segment parameters, Report 1166-03, New York University (via Winter DA 2009, Biomechanics and
// Motor Control of Human Movement, 4th ed., Fig. 4.1): upper arm 0.186, forearm 0.146, hand 0.108
// (half of it to the grip); greater trochanter 0.530 and ankle 0.039 above the floor.
inline constexpr double kArmToGripPerStature = 0.186 + 0.146 + 0.5 * 0.108;
inline constexpr double kLegPerStature = 0.530 - 0.039;

[[noreturn]] inline void fail(const std::string& activity, const std::string& what) {
  throw_input_error("activity '" + activity + "'", "", what);
}

// A contact site of the model: its marker, and the body and point it sits at.
struct SiteRef {
  int marker = -1, body = 0;
  Vec3 p_B = Vec3::Zero();
};

class MotionBuilder {
 public:
  MotionBuilder(const Model& model, const ActivityPlan& plan, const std::string& activity)
      : m_(model), plan_(plan), name_(activity), data_(model) {}

  // Every step, in order; the builder is spent afterwards.
  ActivityMotion build();

 private:
  // ---- shared look-ups ---------------------------------------------------------------------------
  SiteRef site(const std::string& name) const {
    const int k = find_contact_site(m_, name);
    if (k < 0) fail(name_, "the model has no contact site '" + name + "' (marker contact_" + name + ")");
    return {k, m_.markers[k].body, m_.markers[k].p_BM};
  }
  Vec3 site_position(const SiteRef& s) const { return data_.X_GB[s.body].apply(s.p_B); }
  int surface_index(const std::string& name) const {
    for (std::size_t k = 0; k < plan_.surfaces.size(); ++k)
      if (plan_.surfaces[k].name == name) return static_cast<int>(k);
    fail(name_, "no surface named '" + name + "'");
  }
  double time(int i) const { return out_.motion.time[static_cast<std::size_t>(i)]; }

  // ---- motion_builder.cpp ------------------------------------------------------------------------
  void resolve_tracks();    // the driven coordinates, with their anatomical signs
  void resolve_surfaces();  // the plan's surfaces as contact surfaces (unit normals)
  void differentiate();     // speeds and accelerations from splines through the poses
  void resample(const std::vector<double>& times);  // the poses' splines sampled at other times
  double stature();         // estimated from the leg, for the arm of hand-held loads

  // ---- anchored_poses.cpp: non-periodic poses meeting the tracks, the anchors and the balance ----
  // An anchor as the pose solver meets it.
  struct AnchorGoal {
    SiteRef site;
    int surface;
    PlanAnchor::Kind kind;
    double begin, end;
    bool fixed_set = false;
    Vec3 fixed = Vec3::Zero();
  };
  // A balance entry being met: the tracks it offsets (index into tracks_, gain) and its support.
  struct BalanceState {
    const PlanBalance* spec;
    std::vector<std::pair<int, double>> tracks;
    std::vector<SiteRef> support;
    double full = 0, slope = 0;     // the offset that balances fully, and d(imbalance)/d(offset)
    double weight = 0, offset = 0;  // this frame's share of it, and the offset applied
    bool started = false;           // capture: the window has opened
    double xi = 0, x0 = 0, t0 = 0, omega = 0;
  };
  // The state of solving one motion's poses, frame after frame, each warm-started from the last.
  struct PoseSolve {
    std::vector<AnchorGoal> goals;
    std::vector<IKMarkerGoal> marker_goals;
    std::vector<IKCoordinateGoal> coordinate_goals;
    std::vector<double> rest;  // target per free coordinate, goals after the tracks
    std::unique_ptr<IKProblem> problem;
    std::unique_ptr<IKWorkspace> ws;
    Eigen::VectorXd q;
    std::vector<double> observed, targets;
    std::vector<char> placed, surface_anchored;  // per surface
    std::vector<BalanceState> balances;
    double hand_mass = 0, arm = 0;  // hand-held mass and the arm's length to the grip
    SiteRef shoulder_r, shoulder_l;
    double now = 0;  // the time of the frame being solved
  };

  void anchored_poses();                                // every frame's pose, warm-started
  void add_anchor_goals(PoseSolve& s) const;            // anchors as marker goals
  void add_coordinate_goals(PoseSolve& s) const;        // tracks, and free coordinates held near the start
  bool anchor_active(const PoseSolve& s, const AnchorGoal& goal, double t) const;
  Vec3 on_surface(const AnchorGoal& goal) const;        // nearest point of the anchor's surface
  void solve_pose(PoseSolve& s, double t, bool first);  // one pose meeting tracks and anchors
  bool place_surfaces_through_sites(PoseSolve& s, double t, bool anchored);
  bool fix_anchors_starting_now(PoseSolve& s, double t) const;
  void record_pose_errors(const PoseSolve& s, double t);
  void place_surfaces_at_later_times(const PoseSolve& s);
  void place_surface(std::size_t s);                    // a surface through its site, this pose

  // ---- pose_balance.cpp: static and capture-point balance of the non-periodic poses --------------
  void add_balances(PoseSolve& s) const;                // the plan's balances, resolved
  void add_hand_held_mass(PoseSolve& s);                // the mass the centre of mass includes
  void set_balance_weights(PoseSolve& s, double t) const;
  void start_capture_balances(PoseSolve& s, double t, bool first_frame, const Vec3& previous_com, double previous_time);
  void balance_pose(PoseSolve& s, double t);            // secant steps on each balance's offset
  Vec3 centre_of_mass(const PoseSolve& s) const;        // whole body with the hand-held mass
  double imbalance(const PoseSolve& s, const BalanceState& bal) const;

  // ---- gait_motion.cpp: periodic walking -------------------------------------------------------
  void set_tracks(int i, Eigen::VectorXd& q) const;     // the tracks' values at frame i
  void gait_poses();                                    // poses, forward speed, pelvis height
  void gait_balance();                                  // pelvis corrected until the ZMP follows the feet

  // ---- contact_resolution.cpp --------------------------------------------------------------------
  void resolve_contacts();  // contact pairs, attached flags, prescribed surface loads

  // ---- known_loads.cpp ---------------------------------------------------------------------------
  void sample_loads();  // hand-held masses and bands at every frame

  // A name in the plan the model does not have: names the activity file and the entry's field
  // when the plan came from a file (`fields[k]`), else the activity.
  [[noreturn]] void fail_on_field(const std::vector<std::string>& fields, std::size_t k, const std::string& what) const {
    if (plan_.source_file.empty() || k >= fields.size()) fail(name_, what);
    throw_input_error(plan_.source_file, fields[k], what);
  }

  struct ResolvedTrack {
    int coordinate;
    double sign;
    const Track* track;
  };
  const Model& m_;
  const ActivityPlan& plan_;
  std::string name_;
  Data data_;
  ActivityMotion out_;
  std::vector<ResolvedTrack> tracks_;
  // Frames of the pose grid being solved (plan_.frames unless resampled).
  int frames_ = 0;
  int forward_coordinate_ = -1;
  double speed_ = 0;
};

}  // namespace weaklink::motion_building
