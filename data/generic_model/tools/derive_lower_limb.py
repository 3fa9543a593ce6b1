#!/usr/bin/env python3
"""Derive weaklink's lower-limb geometry (landmarks, muscle paths, knee wrap) from TLEM 2.0.

Source dataset: Carbone V, Fluit R, Pellikaan P, van der Krogt MM, Janssen D, Damsgaard M,
Vigneron L, Feilkas T, Koopman HFJM, Verdonschot N (2015) TLEM 2.0 - A comprehensive
musculoskeletal geometry dataset for subject-specific modeling of lower extremity.
J Biomech 48(5):734-741 (one cadaver; bone landmarks and attachments from the same subject).

The numbers below were read from the CusToM toolbox (github.com/anmuller/CusToM), which carries
the published TLEM 2.0 data, files
  Functions/Models/Osteoarticular/PelvisLowerTrunk/Pelvis_TLEM.m      (pelvis)
  Functions/Models/Osteoarticular/Leg/ModelParts/Thigh_TLEM.m          (femur)
  Functions/Models/Osteoarticular/Leg/ModelParts/Patella_TLEM.m        (patella)
  Functions/Models/Osteoarticular/Leg/ModelParts/Shank_TLEM.m          (tibia/fibula)
  Functions/Models/Osteoarticular/Leg/ModelParts/Talus_TLEM.m          (talus)
  Functions/Models/Osteoarticular/Leg/ModelParts/Foot_TLEM.m           (foot)
  Functions/Models/Muscles/LegMusclesTLEM.m                            (path order, f0)
The raw numbers are used unscaled (CusToM multiplies them by k*1.2063 for a 1.80 m person; we do
not: the builder scales each body by the ratio of segment dimensions of this dataset).

Source frame conventions (worked out from that code; metres):
  pelvis: origin midway between the ASIS; x anterior, y superior, z right; ASIS on the z axis
          (RFWT=[0,0,0.1177]); PSIS (RBWT) has y~0 -> x in the ASIS/PSIS plane. Attachment points
          are given relative to the right HJC: p_midASIS = p_hip - Hip_midRASISASIS,
          Hip_midRASISASIS = [0.0338, 0.0807, -0.0843].
  thigh:  origin at the midpoint of the epicondyles (both epicondyles have x=0, opposite y,z);
          y towards the HJC ([0,0.3591,0]); z lateral in the plane of y and the epicondyles.
          (CusToM subtracts CoM_Thigh only to move the origin; we use the raw values.)
  shank:  origin at the midpoint of the malleoli; y towards the tibial condyles; knee joint node
          at [-0.0102,0.3670,-0.0016]; at zero joint angles CusToM keeps thigh and shank axes
          parallel with Thigh_KneeJointNode ([-0.0022,0.0067,0] in thigh) coinciding with
          Shank_KneeJointNode. Hence KJC (epicondyle midpoint) in shank coordinates =
          ShankKneeNode - ThighKneeNode.
  talus/foot: foot origin at the subtalar joint node; shank TalocruralJointNode [0.0052,-0.0147,0]
          = talus TalocruralJointNode [-0.0013,-0.0113,0.0014]; talus SubtalarJointNode
          [-0.0065,-0.0243,0.0058] = foot origin; axes parallel at zero angles.
  patella: origin at patella CoM, Patella_KneeJointNode [-0.0366,-0.0060,0.0020] coincides with
          Thigh_PatellaFemurJointNode [0.0055,0.0057,0] (thigh); axes parallel at zero angle.

Our frames: see ../README.md. Run:  /usr/bin/python3 derive_lower_limb.py
"""
import csv, io, os, sys
import numpy as np

HERE = os.path.dirname(os.path.abspath(__file__))
OUT = os.path.dirname(HERE)
CIT = "Carbone V et al. (2015) J Biomech 48(5):734-741 (TLEM 2.0)"
SRC_P = "anmuller/CusToM Functions/Models/Osteoarticular/PelvisLowerTrunk/Pelvis_TLEM.m"
SRC_T = "anmuller/CusToM Functions/Models/Osteoarticular/Leg/ModelParts/Thigh_TLEM.m"
SRC_S = "anmuller/CusToM Functions/Models/Osteoarticular/Leg/ModelParts/Shank_TLEM.m"
SRC_F = "anmuller/CusToM Functions/Models/Osteoarticular/Leg/ModelParts/Foot_TLEM.m (+Talus_TLEM.m)"
SRC_PAT = "anmuller/CusToM Functions/Models/Osteoarticular/Leg/ModelParts/Patella_TLEM.m"
SRC_M = "anmuller/CusToM Functions/Models/Muscles/LegMusclesTLEM.m"
A = np.array

# ---------------------------------------------------------------- source numbers (raw, metres)
# Pelvis: points relative to the right HJC (as in Pelvis_TLEM.m), unless noted
HIP_MIDASIS = A([0.0338, 0.0807, -0.0843])   # mid-ASIS relative to right HJC
P_HIP = {  # muscle points, right side, relative to right HJC
 'AdductorBrevisDistal1':[0.023190,-0.030860,-0.074680],'AdductorBrevisDistal2':[0.022120,-0.032640,-0.073820],
 'AdductorBrevisMid1':[0.028290,-0.02370,-0.074560],'AdductorBrevisMid2':[0.025280,-0.027880,-0.074880],
 'AdductorBrevisProximal1':[0.036760,-0.011140,-0.072780],'AdductorBrevisProximal2':[0.03220,-0.018210,-0.073770],
 'AdductorLongus1':[0.043680,-0.006170,-0.07330],'AdductorLongus2':[0.043130,-0.007080,-0.074220],
 'AdductorLongus3':[0.042660,-0.008010,-0.075160],'AdductorLongus4':[0.042160,-0.009040,-0.0760],
 'AdductorLongus5':[0.041710,-0.010260,-0.076950],'AdductorLongus6':[0.04150,-0.011540,-0.077750],
 'AdductorMagnusDistal1':[-0.030790,-0.063870,-0.041590],'AdductorMagnusDistal2':[-0.024270,-0.064480,-0.04670],
 'AdductorMagnusDistal3':[-0.011840,-0.062170,-0.055260],'AdductorMagnusMid1':[0.004990,-0.055780,-0.057610],
 'AdductorMagnusMid2':[-0.002910,-0.060260,-0.054620],'AdductorMagnusMid3':[-0.010420,-0.061650,-0.050720],
 'AdductorMagnusMid4':[-0.016430,-0.062980,-0.046230],'AdductorMagnusMid5':[-0.020990,-0.064490,-0.041020],
 'AdductorMagnusMid6':[-0.025140,-0.063490,-0.035260],'AdductorMagnusProximal1':[0.025230,-0.030140,-0.077450],
 'AdductorMagnusProximal2':[0.022240,-0.035850,-0.073240],'AdductorMagnusProximal3':[0.019860,-0.041510,-0.069440],
 'AdductorMagnusProximal4':[0.016990,-0.04660,-0.065560],'BicepsFemorisCaputLongum1':[-0.047380,-0.042470,-0.026110],
 'GemellusInferior1':[-0.035620,-0.016460,-0.015670],'GemellusSuperior1':[-0.048280,-0.006420,-0.035040],
 'GluteusMaximusInferior1':[-0.088050,0.039450,-0.0590],'GluteusMaximusInferior2':[-0.084670,0.035580,-0.048970],
 'GluteusMaximusInferior3':[-0.089480,0.023790,-0.070410],'GluteusMaximusInferior4':[-0.084920,0.018960,-0.057620],
 'GluteusMaximusInferior5':[-0.082670,0.009140,-0.076550],'GluteusMaximusInferior6':[-0.079870,0.008920,-0.072690],
 'GluteusMaximusSuperior1':[-0.078110,0.12125,-0.018150],'GluteusMaximusSuperior2':[-0.070180,0.11931,-0.016550],
 'GluteusMaximusSuperior3':[-0.087230,0.10144,-0.029560],'GluteusMaximusSuperior4':[-0.076690,0.095120,-0.023390],
 'GluteusMaximusSuperior5':[-0.087660,0.079890,-0.037270],'GluteusMaximusSuperior6':[-0.079930,0.076670,-0.030440],
 'GluteusMediusAnterior1':[-0.024350,0.10368,0.029590],'GluteusMediusAnterior2':[-0.02270,0.11128,0.039770],
 'GluteusMediusAnterior3':[-0.010680,0.094340,0.035870],'GluteusMediusAnterior4':[-0.008560,0.10307,0.045590],
 'GluteusMediusAnterior5':[0.010040,0.090050,0.037420],'GluteusMediusAnterior6':[0.011130,0.09560,0.044590],
 'GluteusMediusPosterior1':[-0.050110,0.12595,0.003490],'GluteusMediusPosterior2':[-0.037220,0.11308,0.014770],
 'GluteusMediusPosterior3':[-0.060540,0.11029,-0.01550],'GluteusMediusPosterior4':[-0.041050,0.096640,-0.002280],
 'GluteusMediusPosterior5':[-0.064820,0.083090,-0.019270],'GluteusMediusPosterior6':[-0.04990,0.074540,-0.012470],
 'GluteusMinimusAnterior1':[-0.008240,0.084330,0.029170],'GluteusMinimusAnterior2':[0.009410,0.068940,0.025320],
 'GluteusMinimusMid1':[-0.027010,0.074570,0.004480],'GluteusMinimusMid2':[-0.010050,0.051860,0.012770],
 'GluteusMinimusPosterior1':[-0.037740,0.052150,-0.00660],'GluteusMinimusPosterior2':[-0.026390,0.033740,0.003450],
 'Gracilis1':[0.01360,-0.049190,-0.064660],'Gracilis2':[0.024570,-0.030540,-0.076140],
 'IliacusLateralis1':[0.009310,0.093860,0.030650],'IliacusLateralis2':[0.001220,0.066240,0.009930],
 'IliacusMedialis1':[-0.041380,0.12323,0.006770],'IliacusMedialis2':[-0.044170,0.10243,-0.016290],
 'IliacusMid1':[-0.020440,0.10574,0.026840],'IliacusMid2':[-0.024490,0.076580,-0.002230],
 'IliacusVia':[0.018490,0.030890,-0.001550],   # same Via2 for all six iliacus elements (pelvic brim)
 'ObturatorExternusInferior1':[-0.01270,-0.040040,-0.045990],'ObturatorExternusInferior2':[0.001430,-0.041210,-0.0550],
 'ObturatorExternusSuperior1':[0.023380,-0.00470,-0.052410],'ObturatorExternusSuperior2':[0.026410,-0.012390,-0.063550],
 'ObturatorExternusSuperior3':[0.029950,-0.020760,-0.073770],
 'ObturatorInternus1':[-0.00230,0.026970,-0.027560],'ObturatorInternus2':[-0.025680,0.023610,-0.023740],
 'ObturatorInternus3':[0.016640,0.003530,-0.04450],'ObturatorInternus4':[-0.026930,-0.00750,-0.034640],
 'ObturatorInternus5':[0.00540,-0.034140,-0.061070],'ObturatorInternus6':[-0.024980,-0.034050,-0.040850],
 'ObturatorInternusVia':[-0.045480,-0.01870,-0.031210],  # lesser sciatic notch, same for all six
 'Pectineus1':[0.0160,0.024040,-0.029070],'Pectineus2':[0.022060,0.015450,-0.035480],
 'Pectineus3':[0.028320,0.00760,-0.042720],'Pectineus4':[0.035890,0.000550,-0.049820],
 'Piriformis1':[-0.071570,0.05790,-0.056680],
 'PsoasVia':[0.013490,0.032890,-0.001550],      # PsoasMajor1..5 Via1 (pelvic brim), identical
 'QuadratusFemoris1':[-0.024850,-0.036230,-0.017030],'QuadratusFemoris2':[-0.02230,-0.044280,-0.021040],
 'QuadratusFemoris3':[-0.021540,-0.052630,-0.026940],'QuadratusFemoris4':[-0.021710,-0.060720,-0.032230],
 'RectusFemoris1':[-0.007840,0.034330,0.011270],'RectusFemoris2':[0.020730,0.04280,0.016130],
 'Sartorius1':[0.031950,0.078610,0.032610],
 'Semimembranosus1':[-0.038320,-0.027610,-0.015480],'Semimembranosus2':[-0.034010,-0.042980,-0.01490],
 'Semimembranosus3':[-0.02710,-0.056770,-0.024390],'Semitendinosus1':[-0.043160,-0.057260,-0.034470],
 'TensorFasciaeLatae1':[0.022490,0.091550,0.046770],'TensorFasciaeLatae2':[0.029420,0.086140,0.042660],
 'PubicTubercleR':[0.0489,-0.0032,-0.0853],
}
# Pelvis landmarks given relative to mid-ASIS (virtual markers on the bone in Pelvis_TLEM.m)
RASIS_S = A([0, 0, 0.11770]); LASIS_S = A([0, 0, -0.11770])
RPSIS_S = A([-0.1232, -0.000299, 0.0373]); LPSIS_S = A([-0.1232, -0.000299, -0.0332])
HJC_S_REL_MIDASIS = A([-0.0338, -0.0807, 0.0843])
L5S1_S = A([-0.0664, 0.0224, 0.0])   # Pelvis_L5JointNode ("from TLEM to OldPelvis morphing")

# Thigh (femur) frame, origin = epicondyle midpoint
T = {
 'MedialEpicondyle':[0,0.0043104,-0.040828],'LateralEpicondyle':[0,-0.0043104,0.040828],
 'GreaterTrochanter':[0.0031629,0.32922,0.069583],'LesserTrochanter':[-0.019907,0.30260,0.013999],
 'HipJointNode':[0,0.3591,0],'KneeJointNode':[-0.0022,0.0067,0],'PatellaFemurJointNode':[0.0055,0.0057,0],
 'AdductorBrevisDistal1':[-0.00172,0.22554,0.02503],'AdductorBrevisDistal2':[-0.00071,0.21485,0.02402],
 'AdductorBrevisMid1':[-0.00364,0.24702,0.02712],'AdductorBrevisMid2':[-0.00246,0.23627,0.02623],
 'AdductorBrevisProximal1':[-0.00679,0.26827,0.02838],'AdductorBrevisProximal2':[-0.0051,0.25768,0.02783],
 'AdductorLongus1':[0.00986,0.22586,0.01398],'AdductorLongus2':[0.01069,0.20896,0.01208],
 'AdductorLongus3':[0.01148,0.19249,0.0103],'AdductorLongus4':[0.01219,0.17648,0.00845],
 'AdductorLongus5':[0.01288,0.1609,0.00672],'AdductorLongus6':[0.01351,0.14576,0.00506],
 'AdductorMagnusDistal1':[-0.01093,0.01454,-0.02939],'AdductorMagnusDistal2':[-0.01093,0.01454,-0.02939],
 'AdductorMagnusDistal3':[-0.01093,0.01454,-0.02939],'AdductorMagnusMid1':[-0.00577,0.24412,0.03348],
 'AdductorMagnusMid2':[-0.00293,0.22074,0.02864],'AdductorMagnusMid3':[-0.0012,0.19532,0.02397],
 'AdductorMagnusMid4':[-0.0006,0.16799,0.0198],'AdductorMagnusMid5':[-0.0004,0.13867,0.01578],
 'AdductorMagnusMid6':[0.00135,0.10782,0.01234],'AdductorMagnusProximal1':[-0.01439,0.29772,0.04405],
 'AdductorMagnusProximal2':[-0.01179,0.28741,0.04097],'AdductorMagnusProximal3':[-0.01019,0.2771,0.03801],
 'AdductorMagnusProximal4':[-0.00811,0.26684,0.03512],
 'BicepsFemorisCaputBreve1':[-0.00172,0.21961,0.02546],'BicepsFemorisCaputBreve2':[-0.00067,0.16753,0.01767],
 'BicepsFemorisCaputBreve3':[0.00122,0.10762,0.01337],
 'GastrocnemiusLateralis1':[-0.00866,0.00994,0.03635],'GastrocnemiusMedialis1':[-0.00851,0.0158,-0.02853],
 'GastrocnemiusMedialisVia':[-0.01276,0.01103,-0.0167],
 'GemellusInferior1':[-0.00752,0.34984,0.03214],'GemellusSuperior1':[0.00321,0.35505,0.03253],
 'GluteusMaximusInferior1':[-0.00843,0.25911,0.0379],'GluteusMaximusInferior2':[-0.00843,0.25911,0.0379],
 'GluteusMaximusInferior3':[-0.00403,0.23844,0.0359],'GluteusMaximusInferior4':[-0.00403,0.23844,0.0359],
 'GluteusMaximusInferior5':[0.00015,0.21838,0.03321],'GluteusMaximusInferior6':[0.00015,0.21838,0.03321],
 'GluteusMaximusSuperior1':[-0.0117,0.28838,0.04548],'GluteusMaximusSuperior2':[-0.0117,0.28838,0.04548],
 'GluteusMaximusSuperior3':[-0.01046,0.28094,0.04338],'GluteusMaximusSuperior4':[-0.01046,0.28094,0.04338],
 'GluteusMaximusSuperior5':[-0.00953,0.27348,0.04108],'GluteusMaximusSuperior6':[-0.00953,0.27348,0.04108],
 'GluteusMediusAnterior1':[-0.00379,0.34932,0.06574],'GluteusMediusAnterior2':[0.00213,0.34856,0.06489],
 'GluteusMediusAnterior3':[0.00048,0.3539,0.06414],'GluteusMediusAnterior4':[0.00879,0.35158,0.06124],
 'GluteusMediusAnterior5':[0.00838,0.35579,0.05972],'GluteusMediusAnterior6':[0.01537,0.35358,0.05599],
 'GluteusMediusPosterior1':[-0.01014,0.34942,0.06367],'GluteusMediusPosterior2':[-0.00718,0.35174,0.06344],
 'GluteusMediusPosterior3':[-0.01579,0.35539,0.05894],'GluteusMediusPosterior4':[-0.01142,0.35907,0.05855],
 'GluteusMediusPosterior5':[-0.01977,0.35915,0.05206],'GluteusMediusPosterior6':[-0.01664,0.36185,0.05178],
 'GluteusMinimusAnterior1':[0.01716,0.32615,0.0516],'GluteusMinimusAnterior2':[0.01716,0.32615,0.0516],
 'GluteusMinimusMid1':[0.01735,0.33517,0.05215],'GluteusMinimusMid2':[0.01735,0.33517,0.05215],
 'GluteusMinimusPosterior1':[0.01593,0.34569,0.0523],'GluteusMinimusPosterior2':[0.01593,0.34569,0.0523],
 'IliacusLateralis1':[-0.01139,0.30134,0.0169],'IliacusLateralis2':[-0.00963,0.29515,0.0222],
 'IliacusMedialis1':[-0.01139,0.30134,0.0169],'IliacusMedialis2':[-0.00963,0.29515,0.0222],
 'IliacusMid1':[-0.01139,0.30134,0.0169],'IliacusMid2':[-0.00963,0.29515,0.0222],
 'ObturatorExternusVia':[-0.015,0.338,0.01],'ObturatorExternusIns':[-0.01228,0.34359,0.03067],
 'ObturatorInternusIns':[-1e-05,0.35651,0.04529],
 'Pectineus1':[-0.01239,0.28657,0.03165],'Pectineus2':[-0.01002,0.27797,0.03517],
 'Pectineus3':[-0.00821,0.26952,0.03433],'Pectineus4':[-0.00708,0.26132,0.0334],
 'Piriformis1':[0.00153,0.36326,0.05249],'PsoasIns':[-0.01551,0.30733,0.01332],
 'QuadratusFemoris1':[-0.02018,0.34341,0.04217],'QuadratusFemoris2':[-0.02468,0.33712,0.04391],
 'QuadratusFemoris3':[-0.02434,0.32528,0.0464],'QuadratusFemoris4':[-0.01767,0.3109,0.0468],
 'SartoriusVia1':[0.042187,0.34,0.0017475],'SartoriusVia2':[0.034481,0.2375,-0.017538],
 'SartoriusVia3':[0.0085826,0.14503,-0.025708],'SartoriusVia4':[-0.005957,0.078864,-0.032495],
 'SartoriusVia5':[-0.025196,0.010221,-0.040041],
 'VastusIntermedius1':[0.01612,0.2768,0.03078],'VastusIntermedius2':[0.00307,0.27226,0.04922],
 'VastusIntermedius3':[0.01259,0.20295,0.01122],'VastusIntermedius4':[0.00202,0.19948,0.02964],
 'VastusIntermedius5':[0.029,0.1196,0.01242],'VastusIntermedius6':[0.02021,0.11731,0.02719],
 'VastusLateralisInferior1':[-0.00799,0.28089,0.04663],'VastusLateralisInferior2':[-0.00211,0.23091,0.0352],
 'VastusLateralisInferior3':[0.00249,0.18389,0.02637],'VastusLateralisInferior4':[0.0043,0.13948,0.02228],
 'VastusLateralisInferior5':[0.00403,0.09823,0.02102],'VastusLateralisInferior6':[0.00391,0.06017,0.02207],
 'VastusLateralisSuperior1':[0.01584,0.33503,0.04286],'VastusLateralisSuperior2':[-0.00461,0.3114,0.05643],
 'VastusMedialisInferior1':[0.00254,0.13959,0.01141],'VastusMedialisInferior2':[0.00133,0.10576,0.0115],
 'VastusMedialisMid1':[0.00086,0.20011,0.02082],'VastusMedialisMid2':[0.00195,0.17032,0.0145],
 'VastusMedialisSuperior1':[0.00951,0.31153,0.02639],'VastusMedialisSuperior2':[-0.00162,0.30299,0.02059],
 'VastusMedialisSuperior3':[-0.00459,0.28775,0.02312],'VastusMedialisSuperior4':[-0.00349,0.26498,0.02467],
}
# Patella frame (origin patella CoM); insertions of the quadriceps elements (Patella_TLEM.m)
PAT_KNEE_NODE = A([-0.0366, -0.0060, 0.0020])
PAT_LIG1 = A([0.0069, -0.0152, -0.0007])
PAT = {
 'RectusFemoris1':[0.00397,0.01249,0.00462],'RectusFemoris2':[0.0029,0.01391,-0.00732],
 'VastusIntermedius1':[0.0029,0.01391,-0.00732],'VastusIntermedius2':[0.00397,0.01249,0.00462],
 'VastusIntermedius3':[0.0029,0.01391,-0.00732],'VastusIntermedius4':[0.00397,0.01249,0.00462],
 'VastusIntermedius5':[0.0029,0.01391,-0.00732],'VastusIntermedius6':[0.00397,0.01249,0.00462],
 'VastusLateralisInferior1':[0.00083,0.00713,0.02075],'VastusLateralisInferior2':[0.00108,0.00089,0.022],
 'VastusLateralisInferior3':[0.00042,-0.00694,0.01884],'VastusLateralisInferior4':[0.00083,0.00713,0.02075],
 'VastusLateralisInferior5':[0.00108,0.00089,0.022],'VastusLateralisInferior6':[0.00042,-0.00694,0.01884],
 'VastusLateralisSuperior1':[0.00391,0.01007,0.01535],'VastusLateralisSuperior2':[0.00391,0.01007,0.01535],
 'VastusMedialisInferior1':[-0.00094,0.00164,-0.01873],'VastusMedialisInferior2':[-0.00094,0.00164,-0.01873],
 'VastusMedialisMid1':[-0.00294,0.01136,-0.01534],'VastusMedialisMid2':[-0.00294,0.01136,-0.01534],
 'VastusMedialisSuperior1':[0.00145,0.01251,-0.01563],'VastusMedialisSuperior2':[0.00145,0.01251,-0.01563],
 'VastusMedialisSuperior3':[0.00145,0.01251,-0.01563],'VastusMedialisSuperior4':[0.00145,0.01251,-0.01563],
}
# Shank frame (origin = malleoli midpoint)
S = {
 'KneeJointNode':[-0.0102,0.3670,-0.0016],'TalocruralJointNode':[0.0052,-0.0147,0],
 'MedialCondyle':[0,0.32146,-0.038646],'LateralCondyle':[0,0.3194,0.038646],
 'TibialTuberosity':[0.032171,0.27476,0.0097883],'FibularHead':[-0.028328,0.31974,0.031814],
 'MedialMalleolus':[0.017065,0.0049672,-0.027608],'LateralMalleolus':[-0.017065,-0.0049672,0.027608],
 'PatellarLigament2':[0.0321,0.2932,0.0114],
 'BicepsFemorisIns':[-0.02252,0.31306,0.03954],   # common to BF short 1-3 and BF long
 'GastrocnemiusLateralisVia':[-0.04748,0.15711,0.00138],
 'GastrocnemiusMedialisVia1':[-0.0331,0.30075,-0.01802],'GastrocnemiusMedialisVia2':[-0.03395,0.26145,-0.02239],
 'GastrocnemiusMedialisVia3':[-0.03433,0.22333,-0.02427],'GastrocnemiusMedialisVia4':[-0.03426,0.1864,-0.02367],
 'GastrocnemiusMedialisVia5':[-0.03372,0.15066,-0.02059],'GastrocnemiusMedialisVia6':[-0.03271,0.1161,-0.01503],
 'GracilisVia1':[-0.01316,0.31812,-0.03736],'GracilisVia2':[-0.01079,0.31117,-0.03469],
 'GracilisVia3':[-0.00621,0.30449,-0.03171],'GracilisIns':[0.02047,0.28263,-0.00681],
 'SartoriusVia1':[-0.0066685,0.31866,-0.037093],'SartoriusVia2':[-0.0036549,0.3097,-0.034996],
 'SartoriusVia3':[-0.00042061,0.3033,-0.032114],'SartoriusIns':[0.01796,0.2902,-0.01085],
 'Semimembranosus1':[-0.02054,0.31458,-0.01617],'Semimembranosus2':[-0.01521,0.31218,-0.0277],
 'Semimembranosus3':[-0.00644,0.3134,-0.03297],
 'SemitendinosusVia':[-0.0154,0.31325,-0.03226],'SemitendinosusIns':[0.01942,0.27145,-0.00743],
 'SoleusLateralis1':[-0.028,0.29987,0.02729],'SoleusLateralis2':[-0.02813,0.25003,0.02253],
 'SoleusLateralis3':[-0.02698,0.18321,0.01689],'SoleusMedialis1':[-0.0036,0.2454,-0.00375],
 'SoleusMedialis2':[0.00113,0.2205,-0.01218],'SoleusMedialis3':[0.00378,0.19825,-0.0131],
 'TFLIns':[0.01568,0.32738,0.03194],
 'TibialisAnterior1':[0.01253,0.27569,0.01594],'TibialisAnterior2':[0.0115,0.21214,0.00949],
 'TibialisAnterior3':[0.00786,0.13667,0.00912],'TibialisAnteriorVia':[0.03221,0.00648,-0.0005],
}
TALUS_TC = A([-0.0013, -0.0113, 0.0014]); TALUS_ST = A([-0.0065, -0.0243, 0.0058])
# Foot frame (origin = subtalar joint node)
F = {
 'HEE':[-0.045,-0.0156,0.0046],'HeelContact':[-0.0261,-0.0491,-0.0021],'BigToe':[0.1741,-0.0408,-0.006],
 'FirstMetatarsalContact':[0.1219,-0.0491,-0.0196],'FifthMetatarsalContact':[0.0979,-0.0491,0.033],
 'GastrocnemiusLateralisIns':[-0.03679,-0.01718,-0.00014],'GastrocnemiusMedialisIns':[-0.03679,-0.01718,-0.01014],
 'SoleusLateralisIns':[-0.03679,-0.01718,-0.00014],'SoleusMedialisIns':[-0.03679,-0.01718,-0.01014],
 'TibialisAnteriorVia':[0.03967,0.01383,-0.02391],'TibialisAnterior1Ins':[0.07628,-0.02512,-0.01172],
 'TibialisAnterior2Ins':[0.07628,-0.02512,-0.01172],'TibialisAnterior3Ins':[0.06649,-0.02515,-0.02191],
}
# Element strengths f0 (N) from LegMusclesTLEM.m, used as weights when elements are combined
F0 = {'AdductorBrevisDistal':45.0409,'AdductorBrevisMid':47.2993,'AdductorBrevisProximal':48.8606,
      'AdductorLongus':55.4615,'AdductorMagnusDistal':296.3277,'AdductorMagnusMid':89.5221,
      'AdductorMagnusProximal':39.2265,'BicepsFemorisCaputBreve':102.1598,'GluteusMaximusInferior':164.534,
      'GluteusMaximusSuperior':85.414,'GluteusMediusAnterior':161.9274,'GluteusMediusPosterior':284.151,
      'GluteusMinimusAnterior':230.0578,'GluteusMinimusMid':216.832,'GluteusMinimusPosterior':242.149,
      'Gracilis':95.3844,'IliacusLateralis':96.8254,'IliacusMedialis':86.8708,'IliacusMid':171.7073,
      'ObturatorExternusInferior':63.564,'ObturatorExternusSuperior':182.272,'ObturatorInternus':145.532,
      'Pectineus':49.4079,'QuadratusFemoris':142.763,'RectusFemoris':390.0439,'Semimembranosus':247.0407,
      'SoleusLateralis':1116.3228,'SoleusMedialis':653.9587,'TensorFasciaeLatae':98.6829,
      'TibialisAnterior':319.8905,'VastusIntermedius':121.3047,'VastusLateralisInferior':211.9371,
      'VastusLateralisSuperior':1061.0355,'VastusMedialisInferior':134.5015,'VastusMedialisMid':276.1659,
      'VastusMedialisSuperior':143.5881}
def f0(name):
    return F0.get(name.rstrip('0123456789'), 1.0)   # single-element muscles: weight irrelevant

# Lumbar disc centres for the psoas torso point (not TLEM; AnyBody lumbar spine model geometry
# as carried in CusToM Pelvis_TLEMLowerTrunk.m, cited there to Damsgaard et al. 2006 / de Zee 2007)
LUMBAR = {'L5S1':[0.043,-0.005,0],'L4L5':[0.050,0.027,0],'L3L4':[0.050,0.061,0],
          'L2L3':[0.044,0.094,0],'L1L2':[0.034,0.123,0],'T12L1':[0.022,0.154,0]}
PSOAS_LATERAL = 0.025  # half lumbar end-plate width, ~45-50 mm (Panjabi MM et al. 1992 Spine 17:299)

# ---------------------------------------------------------------- frames
def unit(v): return v / np.linalg.norm(v)
def frame_y_zplane(y, zhint):
    """rows = our axes (x,y,z) in source coordinates; y given, z perpendicular to y in plane(y,zhint)."""
    y = unit(y); z = unit(zhint - np.dot(zhint, y) * y); x = np.cross(y, z)
    return np.vstack([x, y, z])

# pelvis: origin mid-ASIS; z LASIS->RASIS; x perpendicular to z in plane(ASIS, mid-PSIS)
O_P = (RASIS_S + LASIS_S) / 2
zp = unit(RASIS_S - LASIS_S)
midPSIS = (RPSIS_S + LPSIS_S) / 2
xp = -(midPSIS - O_P); xp = unit(xp - np.dot(xp, zp) * zp)
R_P = np.vstack([xp, np.cross(zp, xp), zp])
def pel(p_hip):   # from 'relative to right HJC' to our pelvis frame
    return R_P @ (A(p_hip) - HIP_MIDASIS - O_P)
def pel_mid(p):   # from 'relative to mid-ASIS'
    return R_P @ (A(p) - O_P)

# femur: origin HJC, y KJC->HJC, z in plane of y and epicondyles (lateral)
HJC_T = A(T['HipJointNode']); ME = A(T['MedialEpicondyle']); LE = A(T['LateralEpicondyle'])
KJC_T = (ME + LE) / 2
R_F = frame_y_zplane(HJC_T - KJC_T, LE - ME)
def fem(p): return R_F @ (A(p) - HJC_T)

# patella points expressed in thigh coordinates (neutral: axes parallel, knee nodes coincide)
def pat_in_thigh(p): return A(T['PatellaFemurJointNode']) - PAT_KNEE_NODE + A(p)

# tibia: origin KJC (epicondyle midpoint, knee extended), y AJC->KJC, z in plane(y, source z)
MM = A(S['MedialMalleolus']); LM = A(S['LateralMalleolus'])
AJC_S = (MM + LM) / 2
KJC_S = A(S['KneeJointNode']) - (A(T['KneeJointNode']) - KJC_T)
R_T = frame_y_zplane(KJC_S - AJC_S, A([0, 0, 1.0]))
def tib(p): return R_T @ (A(p) - KJC_S)
# foot: origin AJC, axes parallel to tibia in neutral standing
FOOT_ORIGIN_S = A(S['TalocruralJointNode']) - TALUS_TC + TALUS_ST   # subtalar node in shank coords
def foot(p): return R_T @ (A(p) + FOOT_ORIGIN_S - AJC_S)

# torso: origin L5S1, axes parallel to pelvis
L5S1_P = pel_mid(L5S1_S)

# ---------------------------------------------------------------- outputs
LM_ROWS = []
def lmk(body, name, v, note):
    LM_ROWS.append(['TLEM2', body, name, *[f"{c:.5f}" for c in v], CIT, note])

lmk('pelvis', 'ASIS', pel_mid(RASIS_S), f"right ASIS (RFWT virtual marker on bone); defines the frame; read from {SRC_P}")
lmk('pelvis', 'PSIS', pel_mid(RPSIS_S), f"right PSIS (RBWT; left PSIS z=-0.0332, slightly asymmetric); frame uses the PSIS midpoint; {SRC_P}")
lmk('pelvis', 'HJC', pel_mid(HJC_S_REL_MIDASIS), f"Pelvis_HipJointRightNode (TLEM 2.0 HJC; inter-HJC 0.1686 m); {SRC_P}")
ps = pel(P_HIP['PubicTubercleR']); ps[2] = 0.0
lmk('pelvis', 'pubic_symphysis', ps, f"CusToM 'RightPubicTubercle' lies at z=-0.001 (midline), used as symphysis, z set to 0; {SRC_P}")
lmk('pelvis', 'L5S1', L5S1_P, f"Pelvis_L5JointNode (CusToM: 'from TLEM to OldPelvis morphing', i.e. AnyBody L5/S1 disc morphed onto the TLEM 2.0 pelvis; not a direct TLEM measurement); origin of torso frame; {SRC_P}")
isch = (pel(P_HIP['BicepsFemorisCaputLongum1']) + pel(P_HIP['Semitendinosus1'])) / 2
lmk('pelvis', 'ischial_tuberosity', isch, f"mean of TLEM biceps femoris long head and semitendinosus origins (conjoint tendon footprint), not a digitised landmark; {SRC_P}")
lmk('pelvis', 'iliac_crest', pel(P_HIP['GluteusMediusPosterior1']), f"highest TLEM attachment on the crest (gluteus medius posterior 1 origin, outer lip), proxy landmark; {SRC_P}")
lmk('femur', 'KJC', fem(KJC_T), f"midpoint of epicondyles = thigh-frame origin in source; {SRC_T}")
lmk('femur', 'lateral_epicondyle', fem(LE), SRC_T)
lmk('femur', 'medial_epicondyle', fem(ME), SRC_T)
lmk('femur', 'greater_trochanter', fem(T['GreaterTrochanter']), SRC_T)
lmk('tibia', 'AJC', tib(AJC_S), f"midpoint of malleoli; {SRC_S}")
lmk('tibia', 'lateral_malleolus', tib(LM), SRC_S)
lmk('tibia', 'medial_malleolus', tib(MM), SRC_S)
lmk('tibia', 'tibial_tuberosity', tib(S['TibialTuberosity']), SRC_S)
lmk('foot', 'heel', foot(F['HEE']), f"posterior calcaneus (CusToM 'HEE', measured on the TLEM 2.0 foot bone surface); {SRC_F}")
lmk('foot', 'first_metatarsal_head', foot(F['FirstMetatarsalContact']), f"plantar contact point under MT1 head (sole level); {SRC_F}")
lmk('foot', 'fifth_metatarsal_head', foot(F['FifthMetatarsalContact']), f"plantar contact point under MT5 head (sole level); {SRC_F}")
lmk('foot', 'toe_tip', foot(F['BigToe']), f"tip of hallux (Foot_ToetipNode); {SRC_F}")

MP = []   # muscle path rows
def wavg(names, table, conv):
    w = np.array([f0(n) for n in names]); P = np.array([conv(table[n]) for n in names])
    return (w[:, None] * P).sum(0) / w.sum()
def add(muscle, pts, note):
    for i, (body, v, where) in enumerate(pts, 1):
        MP.append([muscle, i, body, *[f"{c:.5f}" for c in v], 'TLEM2', CIT,
                   (note if i == 1 else where)])

def elems(prefix, n): return [f"{prefix}{i}" for i in range(1, n + 1)]
def simple(muscle, names, note, ins_table=None, ins_names=None):
    ins_names = ins_names or names
    add(muscle, [('pelvis', wavg(names, P_HIP, pel), f'origin; {SRC_P}'),
                 ('femur', wavg(ins_names, T, fem), f'insertion; {SRC_T}')], note)

# --- gluteus maximus: 12 elements -> cranial/middle/caudal thirds by origin height
gm = elems('GluteusMaximusSuperior', 6) + elems('GluteusMaximusInferior', 6)
gm = sorted(gm, key=lambda n: -P_HIP[n][1])
for k, grp in enumerate([gm[0:4], gm[4:8], gm[8:12]], 1):
    simple(f'glut_max{k}', grp, f"TLEM 2.0 elements {','.join(grp)} (third {k} of 12 by origin height, cranial->caudal), f0-weighted mean of origins and insertions; no via point: TLEM 2.0 (as read in {SRC_M}) gives none for gluteus maximus (CusToM uses a wrap cylinder instead); read from {SRC_P} and {SRC_T}")
# --- gluteus medius: 12 elements -> anterior/middle/posterior thirds by origin x
gd = sorted(elems('GluteusMediusAnterior', 6) + elems('GluteusMediusPosterior', 6), key=lambda n: -P_HIP[n][0])
for k, grp in enumerate([gd[0:4], gd[4:8], gd[8:12]], 1):
    simple(f'glut_med{k}', grp, f"TLEM 2.0 elements {','.join(grp)} (third {k} of 12 sorted by origin x, anterior->posterior), f0-weighted mean; read from {SRC_P} and {SRC_T}")
for k, part in enumerate(['Anterior', 'Mid', 'Posterior'], 1):
    grp = elems(f'GluteusMinimus{part}', 2)
    simple(f'glut_min{k}', grp, f"TLEM 2.0 gluteus minimus {part.lower()} 1-2, mean; read from {SRC_P} and {SRC_T}")
simple('piriformis', ['Piriformis1'], f"TLEM 2.0 piriformis (1 element), straight line; read from {SRC_P} and {SRC_T}")
simple('gemellus_superior', ['GemellusSuperior1'], f"TLEM 2.0 (1 element); read from {SRC_P} and {SRC_T}")
simple('gemellus_inferior', ['GemellusInferior1'], f"TLEM 2.0 (1 element); read from {SRC_P} and {SRC_T}")
oi = elems('ObturatorInternus', 6)
add('obturator_internus', [('pelvis', wavg(oi, P_HIP, pel), f'origin; {SRC_P}'),
    ('pelvis', pel(P_HIP['ObturatorInternusVia']), f'via point at the lesser sciatic notch (TLEM Via2, common to all 6 elements); {SRC_P}'),
    ('femur', fem(T['ObturatorInternusIns']), f'insertion, trochanteric fossa; {SRC_T}')],
    f"TLEM 2.0 obturator internus 1-6, mean origin (inner surface of obturator membrane/frame); read from {SRC_P}")
oe = elems('ObturatorExternusInferior', 2) + elems('ObturatorExternusSuperior', 3)
add('obturator_externus', [('pelvis', wavg(oe, P_HIP, pel), f'origin; {SRC_P}'),
    ('femur', fem(T['ObturatorExternusVia']), f'via point posterior to the femoral neck (TLEM Via1 on the thigh, common to all 5 elements); {SRC_T}'),
    ('femur', fem(T['ObturatorExternusIns']), f'insertion, trochanteric fossa; {SRC_T}')],
    f"TLEM 2.0 obturator externus inferior 1-2 + superior 1-3, f0-weighted mean origin; read from {SRC_P}")
simple('quadratus_femoris', elems('QuadratusFemoris', 4), f"TLEM 2.0 quadratus femoris 1-4, mean; read from {SRC_P} and {SRC_T}")
simple('adductor_longus', elems('AdductorLongus', 6), f"TLEM 2.0 adductor longus 1-6, mean; read from {SRC_P} and {SRC_T}")
ab = elems('AdductorBrevisProximal', 2) + elems('AdductorBrevisMid', 2) + elems('AdductorBrevisDistal', 2)
simple('adductor_brevis', ab, f"TLEM 2.0 adductor brevis proximal/mid/distal 1-2, f0-weighted mean; read from {SRC_P} and {SRC_T}")
for k, (part, n) in enumerate([('Proximal', 4), ('Mid', 6), ('Distal', 3)], 1):
    grp = elems(f'AdductorMagnus{part}', n)
    simple(f'adductor_magnus{k}', grp, f"TLEM 2.0 adductor magnus {part.lower()} 1-{n}, mean (1=proximal/'minimus' part, 2=middle part to linea aspera, 3=distal ischiocondylar part to the adductor tubercle); read from {SRC_P} and {SRC_T}")
gr = elems('Gracilis', 2)
add('gracilis', [('pelvis', wavg(gr, P_HIP, pel), f'origin; {SRC_P}'),
    ('tibia', tib(S['GracilisVia1']), f'via behind the medial femoral condyle (on tibia, moves with it); {SRC_S}'),
    ('tibia', tib(S['GracilisVia2']), f'via; {SRC_S}'), ('tibia', tib(S['GracilisVia3']), f'via; {SRC_S}'),
    ('tibia', tib(S['GracilisIns']), f'insertion, pes anserinus; {SRC_S}')],
    f"TLEM 2.0 gracilis 1-2 (mean origin; common vias/insertion); read from {SRC_P}")
simple('pectineus', elems('Pectineus', 4), f"TLEM 2.0 pectineus 1-4, mean; read from {SRC_P} and {SRC_T}")
il = elems('IliacusLateralis', 2) + elems('IliacusMid', 2) + elems('IliacusMedialis', 2)
add('iliacus', [('pelvis', wavg(il, P_HIP, pel), f'origin, iliac fossa; {SRC_P}'),
    ('pelvis', pel(P_HIP['IliacusVia']), f'via over the pelvic brim / iliopubic eminence (TLEM Via2, common to all 6); {SRC_P}'),
    ('femur', wavg(il, T, fem), f'insertion, lesser trochanter; {SRC_T}')],
    f"TLEM 2.0 iliacus lateralis/mid/medialis 1-2, f0-weighted mean origin and insertion; read from {SRC_P}")
# psoas: torso point from lumbar disc centres relative to L5/S1 (+ lateral offset)
L = {k: A(v) for k, v in LUMBAR.items()}
lev = ['T12L1', 'L1L2', 'L2L3', 'L3L4', 'L4L5']
ps_t = np.mean([L[k] - L['L5S1'] for k in lev], axis=0) + A([0, 0, PSOAS_LATERAL])
# lumbar geometry assumed to be in pelvis-parallel axes (see note)
add('psoas', [('torso', ps_t, 'see point 1 note'),
    ('pelvis', pel(P_HIP['PsoasVia']), f'via over the pelvic brim (TLEM Via1, common to PsoasMajor1-5); {SRC_P}'),
    ('femur', fem(T['PsoasIns']), f'insertion, lesser trochanter (TLEM PsoasMajor1-5 insertion); {SRC_T}')],
    "DOUBTFUL/APPROXIMATE torso point (not TLEM 2.0: its psoas origins live on a separate spine model): mean of the T12/L1..L4/L5 disc centres relative to L5/S1 from the AnyBody lumbar spine model (de Zee M et al. 2007 J Biomech 40:1219; read in anmuller/CusToM Functions/Models/Osteoarticular/PelvisLowerTrunk/Pelvis_TLEMLowerTrunk.m), axes assumed parallel to the pelvis frame, plus 0.025 m lateral = half lumbar end-plate width (Panjabi MM et al. 1992 Spine 17:299); one line for TLEM PsoasMajor1-5")
for r in MP:   # the psoas torso point is not TLEM: cite its actual sources
    if r[0] == 'psoas' and r[1] == 1:
        r[7] = 'de Zee M et al. (2007) J Biomech 40:1219 (lumbar disc centres); Panjabi MM et al. (1992) Spine 17:299 (end-plate width)'
tf = elems('TensorFasciaeLatae', 2)
add('tfl', [('pelvis', wavg(tf, P_HIP, pel), f'origin; {SRC_P}'),
    ('tibia', tib(S['TFLIns']), f'insertion via iliotibial tract on Gerdy tubercle; {SRC_S}')],
    f"TLEM 2.0 tensor fasciae latae 1-2 (mean origin, common insertion on the tibia through the IT band); read from {SRC_P}")
add('sartorius', [('pelvis', pel(P_HIP['Sartorius1']), f'origin ASIS; {SRC_P}')] +
    [('femur', fem(T[f'SartoriusVia{i}']), f'via (TLEM thigh Via{i}); {SRC_T}') for i in range(1, 6)] +
    [('tibia', tib(S[f'SartoriusVia{i}']), f'via behind the medial condyle (TLEM shank Via{i}); {SRC_S}') for i in range(1, 4)] +
    [('tibia', tib(S['SartoriusIns']), f'insertion pes anserinus; {SRC_S}')],
    f"TLEM 2.0 sartorius (1 element, all TLEM vias kept); read from {SRC_P}")
sm = elems('Semimembranosus', 3)
add('semimembranosus', [('pelvis', wavg(sm, P_HIP, pel), f'origin; {SRC_P}'),
    ('tibia', wavg(sm, S, tib), f'insertion posteromedial tibial condyle; {SRC_S}')],
    f"TLEM 2.0 semimembranosus 1-3, mean; TLEM gives no via point; read from {SRC_P}")
add('semitendinosus', [('pelvis', pel(P_HIP['Semitendinosus1']), f'origin; {SRC_P}'),
    ('tibia', tib(S['SemitendinosusVia']), f'via behind the medial condyle (on tibia); {SRC_S}'),
    ('tibia', tib(S['SemitendinosusIns']), f'insertion pes anserinus; {SRC_S}')],
    f"TLEM 2.0 semitendinosus (1 element); read from {SRC_P}")
add('biceps_femoris_long', [('pelvis', pel(P_HIP['BicepsFemorisCaputLongum1']), f'origin ischial tuberosity; {SRC_P}'),
    ('tibia', tib(S['BicepsFemorisIns']), f'insertion fibular head; {SRC_S}')],
    f"TLEM 2.0 biceps femoris caput longum (1 element), no via in TLEM; read from {SRC_P}")
bs = elems('BicepsFemorisCaputBreve', 3)
add('biceps_femoris_short', [('femur', wavg(bs, T, fem), f'origin; {SRC_T}'),
    ('tibia', tib(S['BicepsFemorisIns']), f'insertion fibular head; {SRC_S}')],
    f"TLEM 2.0 biceps femoris caput breve 1-3, mean origin on the lateral lip of the linea aspera; read from {SRC_T}")

# --- quadriceps: origins -> (knee_extensor_wrap) -> tibial tuberosity (TLEM PatellarLigament2)
TT = tib(S['PatellarLigament2'])
QNOTE = ("ends at the tibial tuberosity (TLEM 'PatellarLigament2', patellar-ligament insertion); the patella and "
         "patellar ligament are represented by knee_extensor_wrap")
def quad(muscle, names, note, origin_body='femur'):
    if origin_body == 'pelvis':
        o = wavg(names, P_HIP, pel); osrc = SRC_P
    else:
        o = wavg(names, T, fem); osrc = SRC_T
    add(muscle, [(origin_body, o, f'origin; {osrc}'), ('tibia', TT, f'{QNOTE}; {SRC_S}')], note)
quad('rectus_femoris', elems('RectusFemoris', 2), f"TLEM 2.0 rectus femoris 1-2 (straight and reflected heads), mean origin; TLEM inserts on the patella; here {QNOTE}; read from {SRC_P}", 'pelvis')
vl = elems('VastusLateralisSuperior', 2) + elems('VastusLateralisInferior', 6)
quad('vastus_lateralis', vl, f"TLEM 2.0 vastus lateralis superior 1-2 + inferior 1-6, f0-weighted mean origin (superior elements carry 83% of f0); {QNOTE}; read from {SRC_T}")
quad('vastus_intermedius', elems('VastusIntermedius', 6), f"TLEM 2.0 vastus intermedius 1-6, mean origin; {QNOTE}; read from {SRC_T}")
# VM split by fibre direction (angle of origin->patellar insertion to the femoral long axis)
vm_all = elems('VastusMedialisSuperior', 4) + elems('VastusMedialisMid', 2) + elems('VastusMedialisInferior', 2)
vm_angle = {}
for n in vm_all:
    d = fem(pat_in_thigh(PAT[n]) + [0, 0, 0]) - fem(T[n])
    vm_angle[n] = (np.degrees(np.arctan2(abs(d[2]), abs(d[1]))), np.degrees(np.arccos(abs(d[1]) / np.linalg.norm(d))))
vmo = [n for n in vm_all if n.startswith('VastusMedialisInferior')]
vml = [n for n in vm_all if n not in vmo]
ang_txt = '; '.join(f"{n.replace('VastusMedialis','')}: {vm_angle[n][0]:.0f} deg frontal/{vm_angle[n][1]:.0f} deg 3D" for n in vm_all)
quad('vastus_medialis_longus', vml, f"TLEM 2.0 vastus medialis superior 1-4 + mid 1-2 (fibres within ~{max(vm_angle[n][1] for n in vml):.0f} deg of the femoral axis), f0-weighted mean origin; split from VMO by fibre direction (angles to femoral y axis, origin->TLEM patellar insertion: {ang_txt}); {QNOTE}; read from {SRC_T} and {SRC_PAT}")
quad('vastus_medialis_obliquus', vmo, f"TLEM 2.0 vastus medialis inferior 1-2 = the most oblique and most distal VM elements (origins 0.11-0.14 m above the KJC on the distal medial femur; {vm_angle[vmo[0]][1]:.0f}-{vm_angle[vmo[1]][1]:.0f} deg 3D to the femoral axis vs <= {max(vm_angle[n][1] for n in vml):.0f} deg for the others); DOUBTFUL: TLEM's distal VM is less oblique than the 50-55 deg VMO reported by Lieb FJ & Perry J 1968 J Bone Joint Surg Am 50:1535, and TLEM gives no origin on the adductor magnus tendon; {QNOTE}; read from {SRC_T} and {SRC_PAT}")

add('gastrocnemius_medial', [('femur', fem(T['GastrocnemiusMedialis1']), f'origin medial condyle; {SRC_T}'),
    ('femur', fem(T['GastrocnemiusMedialisVia']), f'via on the posterior medial condyle (thigh); {SRC_T}')] +
    [('tibia', tib(S[f'GastrocnemiusMedialisVia{i}']), f'via behind the knee/calf (on tibia; TLEM shank Via{i}); {SRC_S}') for i in range(1, 7)] +
    [('foot', foot(F['GastrocnemiusMedialisIns']), f'insertion calcaneal tuberosity; {SRC_F}')],
    f"TLEM 2.0 gastrocnemius medialis (1 element, all TLEM vias kept); read from {SRC_T}")
add('gastrocnemius_lateral', [('femur', fem(T['GastrocnemiusLateralis1']), f'origin lateral condyle; {SRC_T}'),
    ('tibia', tib(S['GastrocnemiusLateralisVia']), f'via on the posterior calf (on tibia); {SRC_S}'),
    ('foot', foot(F['GastrocnemiusLateralisIns']), f'insertion calcaneal tuberosity; {SRC_F}')],
    f"TLEM 2.0 gastrocnemius lateralis (1 element); read from {SRC_T}")
so = elems('SoleusLateralis', 3) + elems('SoleusMedialis', 3)
so_ins = (f0('SoleusLateralis') * foot(F['SoleusLateralisIns']) + f0('SoleusMedialis') * foot(F['SoleusMedialisIns'])) / (f0('SoleusLateralis') + f0('SoleusMedialis'))
add('soleus', [('tibia', wavg(so, S, tib), f'origin; {SRC_S}'), ('foot', so_ins, f'insertion calcaneal tuberosity (f0-weighted mean of lateral/medial); {SRC_F}')],
    f"TLEM 2.0 soleus lateralis 1-3 + medialis 1-3, f0-weighted mean origin; read from {SRC_S}")
ta = elems('TibialisAnterior', 3)
add('tibialis_anterior', [('tibia', wavg(ta, S, tib), f'origin; {SRC_S}'),
    ('tibia', tib(S['TibialisAnteriorVia']), f'via under the superior extensor retinaculum (on tibia); {SRC_S}'),
    ('foot', foot(F['TibialisAnteriorVia']), f'via under the inferior extensor retinaculum (on foot); {SRC_F}'),
    ('foot', np.mean([foot(F[f'TibialisAnterior{i}Ins']) for i in (1, 2, 3)], axis=0), f'insertion medial cuneiform/MT1 base; {SRC_F}')],
    f"TLEM 2.0 tibialis anterior 1-3, mean origin/insertion, common vias; read from {SRC_S}")

# --- knee extensor wrap: centre at TLEM patellofemoral hinge, radius from TLEM patella geometry
pf_T = A(T['PatellaFemurJointNode'])
att = [pat_in_thigh(PAT[n]) for n in PAT] + [pat_in_thigh(PAT_LIG1)]
rad = float(np.mean([np.hypot(*(p - pf_T)[:2]) for p in att]))
pat_com = float(np.hypot(*(-PAT_KNEE_NODE)[:2]))
WRAP = [['knee_extensor_wrap', 'femur', 'cylinder', *[f"{c:.5f}" for c in fem(pf_T)], '0', '0', '0',
         f"{rad:.4f}", '0.10', '+x',
         'rectus_femoris;vastus_lateralis;vastus_intermedius;vastus_medialis_longus;vastus_medialis_obliquus',
         'TLEM2', CIT,
         f"centre = TLEM 2.0 patellofemoral hinge (Thigh_PatellaFemurJointNode, {SRC_T}); axis = femur z; radius = femoral trochlea/condyle radius + patella thickness, taken in the same subject as the mean sagittal distance from that hinge to the TLEM quadriceps-tendon and patellar-ligament attachments on the patella ({SRC_PAT}; patella CoM lies {pat_com:.4f} m from the hinge); not cross-checked against an independent condyle-radius/patella-thickness study; length 0.10 m spans both condyles (epicondyle width {np.linalg.norm(LE-ME):.3f} m)"]]

# --- iliopsoas over the femoral head (added for weaklink; TLEM 2.0 has no wrap here, TLEM 2.1
# added one: De Pieri E et al. (2018) PLoS One 13(9):e0204109). A cylinder about the hip's
# flexion axis through the HJC, on the anterior side, whose radius is the smaller sagittal distance
# from the HJC to the iliacus/psoas via points on the pelvic brim, rounded down to 1 mm: the tendon
# leaves the brim at that distance and cannot pass closer to the joint centre over the head and
# capsule. Without it the straight lines cut through the femoral head (flexion moment arm < 1 cm).
_hjc = pel_mid(HJC_S_REL_MIDASIS)
_brim = [A([float(c) for c in r[3:6]]) for r in MP if r[0] in ('iliacus', 'psoas') and r[2] == 'pelvis' and r[1] == 2]
_r = np.floor(min(float(np.hypot(*(b - _hjc)[:2])) for b in _brim) * 1000) / 1000
WRAP.append(['iliopsoas_head_wrap', 'pelvis', 'cylinder', *[f"{c:.5f}" for c in _hjc], '0', '0', '0', f"{_r:.4f}", '0.06', '+x',
             'iliacus;psoas', 'TLEM2', CIT + '; wrap added after De Pieri E et al. (2018) PLoS One 13(9):e0204109',
             f"centre = TLEM 2.0 hip joint centre, axis = pelvis z; radius = smaller sagittal distance from the HJC to the iliacus/psoas pelvic-brim via points ({_r:.3f} m), i.e. derived from the same subject's geometry, not measured; anterior quadrant"])

# ---------------------------------------------------------------- sanity checks
def hip_check():
    HJC = pel_mid(HJC_S_REL_MIDASIS)
    KJC_in_fem = fem(KJC_T)
    def to_pel(body, v, Rz):
        if body in ('pelvis',): return v
        if body == 'torso': return L5S1_P + v
        if body == 'femur': return HJC + Rz @ v
        if body == 'tibia': return HJC + Rz @ (KJC_in_fem + v)
        if body == 'foot': return HJC + Rz @ (KJC_in_fem + tib(AJC_S) + v)
    paths = {}
    for r in MP:
        paths.setdefault(r[0], []).append((r[2], A([float(c) for c in r[3:6]])))
    res = {}
    for flex in (0, 90):
        c, s = np.cos(np.radians(flex)), np.sin(np.radians(flex))
        Rz = A([[c, -s, 0], [s, c, 0], [0, 0, 1]])
        for m, pts in paths.items():
            bodies = [b for b, _ in pts]
            if not any(b in ('pelvis', 'torso') for b in bodies): continue
            i = max(k for k, b in enumerate(bodies) if b in ('pelvis', 'torso'))   # last proximal point
            P = to_pel(*pts[i], Rz); D = to_pel(*pts[i + 1], Rz)
            u = unit(P - D)     # force on the distal segment, acting at D, pulls toward P
            M = np.cross(D - HJC, u)
            res[(m, flex)] = (Rz.T @ M) * 100   # cm, about the femur's own axes (rotation = femoral long axis)
    return res

EXPECT = {  # (axis index, sign) ; x: + adduction / - abduction ; y: + internal / - external ; z: + flexion / - extension
 'glut_max1': (2, -1), 'glut_max2': (2, -1), 'glut_max3': (2, -1),
 'iliacus': (2, 1), 'psoas': (2, 1), 'rectus_femoris': (2, 1), 'tfl': (2, 1),
 'glut_med1': (0, -1), 'glut_med2': (0, -1), 'glut_med3': (0, -1),
 'adductor_longus': (0, 1), 'adductor_brevis': (0, 1), 'adductor_magnus1': (0, 1), 'adductor_magnus2': (0, 1),
 'adductor_magnus3': (0, 1), 'gracilis': (0, 1), 'pectineus': (0, 1),
 'piriformis': (1, -1), 'gemellus_superior': (1, -1), 'gemellus_inferior': (1, -1), 'obturator_internus': (1, -1),
 'obturator_externus': (1, -1), 'quadratus_femoris': (1, -1)}

def main():
    res = hip_check()
    print("Hip moment arms (cm) about femur axes: [x add(+)/abd(-), y int(+)/ext(-) rot, z flex(+)/ext(-)]  neutral | hip flexed 90 deg (femur points rotated +90 deg about z)")
    fails = 0
    for m in sorted({k[0] for k in res}):
        a, b = res[(m, 0)], res[(m, 90)]
        flag = ''
        if m in EXPECT:
            ax, sg = EXPECT[m]
            ok = np.sign(a[ax]) == sg
            flag = 'OK ' if ok else 'FAIL'
            fails += (not ok)
        print(f"  {flag:4s} {m:26s} {a[0]:6.2f} {a[1]:6.2f} {a[2]:6.2f}   | {b[0]:6.2f} {b[1]:6.2f} {b[2]:6.2f}")
    p0, p90 = res[('piriformis', 0)][1], res[('piriformis', 90)][1]
    ok = p90 > p0 and (abs(p90) < abs(p0) or p90 > 0)
    print(f"piriformis rotation moment arm: neutral {p0:.2f} cm -> 90 deg flexion {p90:.2f} cm: "
          f"{'OK (shrinks / turns internal, cf. Delp et al. 1999 J Biomech 32:493)' if ok else 'FAIL'}")
    fails += (not ok)
    print("VM fibre angles (frontal, 3D) deg:", {k: tuple(round(x) for x in v) for k, v in vm_angle.items()})
    print(f"segment sizes: HJC-HJC {2*abs(pel_mid(HJC_S_REL_MIDASIS)[2]):.4f}  HJC-KJC {np.linalg.norm(HJC_T-KJC_T):.4f}  "
          f"KJC-AJC {np.linalg.norm(KJC_S-AJC_S):.4f}  heel-toe {np.linalg.norm(foot(F['BigToe'])-foot(F['HEE'])):.4f}  "
          f"tibia-frame tilt vs source {np.degrees(np.arccos(R_T[1] @ A([0,1,0]))):.2f} deg; knee wrap radius {rad:.4f}")
    return fails

def write(path, header, rows, trailer):
    buf = io.StringIO(); w = csv.writer(buf, lineterminator='\n')
    buf.write("# generated by tools/derive_lower_limb.py -- do not edit by hand; lower-limb rows from TLEM 2.0\n")
    w.writerow(header); [w.writerow(r) for r in rows]
    if trailer: buf.write(trailer + "\n")
    with open(path, 'w') as f: f.write(buf.getvalue())

if __name__ == '__main__':
    fails = main()
    write(os.path.join(OUT, 'landmarks.csv'), ['dataset','body','landmark','x','y','z','source_citation','note'], LM_ROWS, '# trunk rows follow')
    write(os.path.join(OUT, 'muscle_paths.csv'), ['muscle','point','body','x','y','z','dataset','source_citation','note'], MP, '# trunk rows follow')
    write(os.path.join(OUT, 'wrap_objects.csv'), ['name','body','kind','x','y','z','rx_deg','ry_deg','rz_deg','radius','length','quadrant','muscles','dataset','source_citation','note'], WRAP, None)
    print(f"wrote {len(LM_ROWS)} landmarks, {len(MP)} path points ({len({r[0] for r in MP})} muscles), {len(WRAP)} wrap(s); sanity failures: {fails}")
    sys.exit(1 if fails else 0)
