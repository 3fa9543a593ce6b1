#!/usr/bin/env bash
# Runs every main command of a weaklink binary into one folder, so that two binaries' outputs can
# be compared byte for byte (`diff -r`): the safety net of behaviour-preserving changes.
#   bash scripts/capture_outputs.sh OLD/weaklink /tmp/before
#   bash scripts/capture_outputs.sh build/weaklink /tmp/after && diff -r /tmp/before /tmp/after
# Needs ../shared/opensim-reference beside the repository for analyze, weakness and run-tool.
# Each command's exit code is in its .log; a progress line can appear in assess.log when a run
# lasts over a second (timing, not output).
set -u
W=$(realpath "$1"); OUT=$(realpath -m "$2")
S=$(realpath -m "$(dirname "$0")/../../shared/opensim-reference")
rm -rf "$OUT"; mkdir -p "$OUT"; cd "$OUT"
"$W" activities > activities.txt 2>&1; echo "rc=$?" >> activities.txt
for a in $("$W" activities | awk '/^[a-z_]+ /{print $1}'); do
  mkdir -p sim/$a; "$W" simulate $a -o sim/$a > sim/$a.log 2>&1; echo "rc=$?" >> sim/$a.log
done
mkdir -p simm; "$W" simulate sit_to_stand --sex male --height 1.68 --mass 70 --age 60 -o simm > simm.log 2>&1; echo "rc=$?" >> simm.log
"$W" assess --demo -o assess --threads 2 > assess.log 2>&1; echo "rc=$?" >> assess.log
"$W" analyze --model $S/gait2392-so-jra/subject01_simbody_adjusted_StaticOp.osim --motion $S/gait2392-so-jra/subject01_walk1_Kinematics.sto --external-loads $S/gait2392-so-jra/foot_floor_loads.xml --reserves $S/gait2392-so-jra/gait2392_SO_weak_Residual_Actuators.xml --step 10 -o analyze --threads 2 > analyze.log 2>&1; echo "rc=$?" >> analyze.log
"$W" weakness --setup $S/gait2392-so-jra/setup_static_optimization.xml --model $S/gait2392-so-jra/subject01_simbody_adjusted_StaticOp.osim --weaken "hip external rotators=0.5,vastus medialis=0.6" --step 10 -o weakness --threads 2 > weakness.log 2>&1; echo "rc=$?" >> weakness.log
"$W" model generic --height 1.8 --mass 80 --sex male -o generic.osim > generic.log 2>&1; echo "rc=$?" >> generic.log
for s in $S/gait2392-so-jra/setup_static_optimization.xml $S/gait2392-so-jra/setup_JointReaction.xml $S/arm26/arm26_Setup_StaticOptimization.xml $S/gait2392-ik-id/subject01_Setup_IK.xml $S/gait2392-ik-id/subject01_Setup_InverseDynamics.xml; do
  n=$(basename $s .xml); mkdir -p rt/$n; m=""
  case $s in *so-jra*) m="--model $S/gait2392-so-jra/subject01_simbody_adjusted_StaticOp.osim";; *ik-id*) m="--model $S/gait2392-ik-id/OutputReference/subject01_simbody.osim";; esac
  "$W" run-tool $s $m --results-dir rt/$n > rt/$n.log 2>&1; echo "rc=$?" >> rt/$n.log
done
