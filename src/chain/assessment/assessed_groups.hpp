#pragma once
// The muscle groups the assessment ranks (docs/assessment.md, "Weak links"), resolved on a model:
// the generic model's names, or their gait2392 and Rajagopal et al. 2016 equivalents.
#include <string>
#include <vector>

#include "model/model.hpp"

namespace weaklink {

// A muscle group as the assessment uses it: its muscles (indices into Model::muscles) and the
// joint action that defines its utilisation.
struct AssessedGroup {
  std::string name;
  std::vector<int> muscles_r, muscles_l;  // bilateral groups list every muscle in muscles_r
  std::string coordinate;                 // side-less, e.g. "hip_rotation"
  double direction = 1;                   // +1: the coordinate's positive sense
  bool bilateral = false;
};

// The groups the assessment ranks, resolved on `model` (gait2392/Rajagopal/generic names):
// groups whose muscles the model lacks are left out.
std::vector<AssessedGroup> assessed_groups(const Model& model);

// Both sides' muscles of a group, right first.
std::vector<int> group_members(const AssessedGroup& group);

}  // namespace weaklink
