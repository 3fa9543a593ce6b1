#include "dynamics/joint_reactions.hpp"

#include "dynamics/inverse_dynamics.hpp"
#include "dynamics/passive_forces.hpp"

namespace weaklink {

void calc_joint_reactions(const Model& model, Data& data, ForwardDynamics& fd, const Eigen::Ref<const Eigen::VectorXd>& q,
                          const Eigen::Ref<const Eigen::VectorXd>& u, Eigen::Ref<Eigen::VectorXd> mobility,
                          Eigen::Ref<Eigen::VectorXd> qdd, Eigen::Ref<Eigen::VectorXd> tau) {
  apply_passive_forces(model, data, q, u, mobility);
  fd.calc(model, data, q, u, mobility, qdd);
  calc_inverse_dynamics(model, data, q, u, qdd, tau);
}

}  // namespace weaklink
