#!/usr/bin/env python3
"""Derive weaklink's trunk data (landmarks, muscle lines, architecture) from the
de Zee et al. (2007) lumbar spine model as published in the AnyBody Managed Model
Repository (AMMR) trunk files, and write
  ../trunk_landmarks.csv, ../trunk_muscle_paths.csv, ../trunk_architecture.csv

Source geometry (all in one AMMR trunk reference frame, standing posture, metres,
x anterior, y superior, z right; every segment of the old AMMR trunk shares this frame):
  de Zee M, Hansen L, Wong C, Rasmussen J, Simonsen EB (2007) A generic detailed
  rigid-body lumbar spine model. J Biomech 40:1219-1227 (lumbar back muscle
  geometry after Bogduk N, Macintosh JE, Pearcy MJ (1992) Spine 17:897-913).
  Read in the public GitHub copy Laul/LioAnyShoulder (an AMMR 1.x fork, commit
  0541d627feebbc4b36f43d5fc757ce82ba48657e), files Body/AAUHuman/Trunk/
  SegmentsLumbar.any, SegmentsThorax.any, PelvisMuscleAttactmentNodes.any,
  PelvisSeg.any, StandardParameters.any, MuscleParametersSpineSimpleRight.any;
  muscle topology (which node goes with which via point) from AnyBody/ammr
  Body/AAUHuman/Trunk/ErectorSpinaeRight.any and ObliquusExternusRight.any.
Architecture: Delp SL, Suryanarayanan S, Murray WM, Uhlir J, Triolo RJ (2001)
  Architecture of the rectus abdominis, quadratus lumborum, and erector spinae.
  J Biomech 34:371-375 (abstract values; ES weighted mean 12.7 cm / 13 deg as
  tabulated from Delp 2001 in PMC3594999 Table 1).

Transform: pelvis frame after Wu et al. 2002 / the README: origin = ASIS midpoint,
z = LASIS->RASIS, x anterior in the plane of both ASIS and the PSIS midpoint,
y = z x x.  Torso frame: origin at the L5/sacrum joint node, axes parallel to the
pelvis frame (so zero lumbar angles = the source's standing posture).
Run:  /usr/bin/python3 derive_trunk.py
"""
import csv, os
import numpy as np

HERE = os.path.dirname(os.path.abspath(__file__))
OUT = os.path.dirname(HERE)
DATASET = "deZee2007"
SRC_GEOM = ("de Zee M et al. (2007) J Biomech 40:1219-1227; lumbar back muscles after "
            "Bogduk N, Macintosh JE, Pearcy MJ (1992) Spine 17:897-913")
READ_AT = ("read in AMMR trunk files (GitHub Laul/LioAnyShoulder commit 0541d627, "
           "Body/AAUHuman/Trunk/*.any; topology from AnyBody/ammr ErectorSpinaeRight.any)")
SRC_DELP = ("Delp SL, Suryanarayanan S, Murray WM, Uhlir J, Triolo RJ (2001) J Biomech "
            "34:371-375")
SRC_BOGDUK_PCSA = ("Bogduk N, Macintosh JE, Pearcy MJ (1992) Spine 17:897-913 as used by "
                   "de Zee M et al. (2007) J Biomech 40:1219-1227")

# ---------------------------------------------------------------- source numbers
# AMMR trunk frame (standing), metres.  Right side (z > 0).
S = {
  # pelvis landmarks (StandardParameters.any / PelvisSeg.any / PelvisMuscleAttactmentNodes.any)
  "RASIS": (0.1050804, -0.05009163, 0.1312),
  "LASIS": (0.1050804, -0.05009163, -0.1312),
  "RPSIS": (-0.03192611, 0.01085285, 0.0236796),
  "PSIS_Mid": (-0.03192611, 0.01085285, 0.0),
  "L5SacrumJnt": (0.043, -0.005, 0.0),          # PelvisSeg.L5PelvisJntNode = SacrumSeg.SacrumL5JntNode
  "RANode": (0.100, -0.131, 0.0),               # pubic crest, midline (rectus abdominis origin)
  "RANodeR": (0.100, -0.131, 0.010),
  "Tuber_ischiadicumR": (-0.01, -0.175, 0.04),
  "QLNodeR": (0.038, 0.054, 0.083),             # iliac crest (QL attachment)
  # thorax (ThoraxSeg) landmarks
  "ij": (0.085, 0.42, 0.0),                     # incisura jugularis (jugular notch)
  "LSNodeT12": (-0.030, 0.128, 0.0),            # supraspinous lig. at T12 spinous process
  "T12L1Jnt": (0.022, 0.154, 0.0),
}
# lumbar supraspinous-ligament nodes (LSNode_0) used to place ES via points
LS = {"L1": (-0.017, 0.106), "L2": (-0.004, 0.074), "L3": (-0.003, 0.051), "L4": (-0.003, 0.029),
      "T12": (-0.030, 0.128)}

def via(level, dx, org, ins):
    """AMMR via-node rule: x = LSNode_x(level)+dx, y = LSNode_y(level), z interpolated
    linearly in y between the fascicle's origin and insertion (SegmentsLumbar.any)."""
    x0, y0 = LS[level]
    zslope = (org[2] - ins[2]) / (org[1] - ins[1])
    return (x0 + dx, y0, org[2] - zslope * (org[1] - y0))

def via_y(x, y, org, ins):
    zslope = (org[2] - ins[2]) / (org[1] - ins[1])
    return (x, y, org[2] - zslope * (org[1] - y))

# Each line: list of (body, point) from pelvis (origin) to torso (insertion).
# body 'pelvis' = pelvis/sacrum; 'torso' = L5..L1 vertebrae, thorax and rib cage.
L = {}
n = {}
# --- longissimus thoracis pars lumborum (LTpl) ---------------------------------
n["LTplL1_L1"] = (0.003, 0.136, 0.027); n["LTplL1_P"] = (-0.017, 0.021, 0.033)
L["longissimus1"] = dict(src="LTplL1SIPS", pts=[("pelvis", n["LTplL1_P"]),
    ("torso", via("L3", 0.0, n["LTplL1_L1"], n["LTplL1_P"])),
    ("torso", via("L2", 0.005, n["LTplL1_L1"], n["LTplL1_P"])),
    ("torso", n["LTplL1_L1"])],
    desc="longissimus thoracis pars lumborum, L1 fascicle (transverse/accessory process L1 to PSIS region); vias on L3, L2")
n["LTplL4_L4"] = (0.028, 0.051, 0.028); n["LTplL4_P"] = (-0.011, 0.015, 0.024)
L["longissimus2"] = dict(src="LTplL4SIPS", pts=[("pelvis", n["LTplL4_P"]), ("torso", n["LTplL4_L4"])],
    desc="longissimus thoracis pars lumborum, L4 fascicle (L4 to PSIS region)")
# --- longissimus thoracis pars thoracis (LTpt), only fascicles reaching the sacrum
def ltpt(name, org, ins, vias_lumbar):
    pts = [("pelvis", ins)]
    for lev, dx in vias_lumbar:
        if lev == "L5":
            pts.append(("torso", via_y(-0.001 + dx, 0.011, org, ins)))
        else:
            pts.append(("torso", via(lev, dx, org, ins)))
    pts.append(("torso", org))
    return pts
n["LTptT8_org"] = (-0.050, 0.280, 0.040); n["LTptT8_ins"] = (-0.019, -0.032, 0.0)
L["longissimus3"] = dict(src="LTptT8S3", pts=ltpt("T8S3", n["LTptT8_org"], n["LTptT8_ins"],
    [("L5", -0.003), ("L4", 0.0), ("L3", 0.0), ("L2", 0.0), ("L1", 0.008)]),
    desc="longissimus thoracis pars thoracis, T8 rib/transverse process to S3 (erector spinae aponeurosis); vias L5..L1")
n["LTptT11_org"] = (-0.033, 0.189, 0.040); n["LTptT11_ins"] = (-0.010, -0.038, 0.023)
L["longissimus4"] = dict(src="LTptT11Sacrum", pts=ltpt("T11", n["LTptT11_org"], n["LTptT11_ins"],
    [("L5", -0.003), ("L4", 0.0), ("L3", 0.0), ("L2", 0.0), ("L1", 0.008)]),
    desc="longissimus thoracis pars thoracis, T11 to sacrum; vias L5..L1")
# --- iliocostalis lumborum pars lumborum (ILpl) --------------------------------
n["ILplL1_L1"] = (0.002, 0.136, 0.034); n["ILplL1_P"] = (-0.023, 0.007, 0.020)
L["iliocostalis1"] = dict(src="ILplL1CI", pts=[("pelvis", n["ILplL1_P"]),
    ("torso", via("L4", -0.005, n["ILplL1_L1"], n["ILplL1_P"])),
    ("torso", via("L3", 0.0, n["ILplL1_L1"], n["ILplL1_P"])),
    ("torso", via("L2", 0.005, n["ILplL1_L1"], n["ILplL1_P"])),
    ("torso", n["ILplL1_L1"])],
    desc="iliocostalis lumborum pars lumborum, L1 fascicle (L1 transverse process tip to iliac crest); vias L4, L3, L2")
n["ILplL3_L3"] = (0.019, 0.078, 0.035); n["ILplL3_P"] = (-0.019, 0.019, 0.026)
L["iliocostalis2"] = dict(src="ILplL3CI", pts=[("pelvis", n["ILplL3_P"]), ("torso", n["ILplL3_L3"])],
    desc="iliocostalis lumborum pars lumborum, L3 fascicle (L3 to iliac crest)")
# --- iliocostalis lumborum pars thoracis (ILpt) --------------------------------
n["ILptC7_org"] = (-0.052, 0.310, 0.060); n["ILptC7_ins"] = (-0.015, 0.015, 0.028)
o, i = n["ILptC7_org"], n["ILptC7_ins"]
L["iliocostalis3"] = dict(src="ILptC7CI", pts=[("pelvis", i),
    ("torso", via("L3", -0.005, o, i)), ("torso", via("L2", -0.005, o, i)), ("torso", via("L1", 0.0, o, i)),
    ("torso", via("T12", 0.005, o, i)), ("torso", via_y(-0.051, 0.220, o, i)),
    ("torso", via_y(-0.053, 0.249, o, i)), ("torso", via_y(-0.054, 0.282, o, i)), ("torso", o)],
    desc="iliocostalis lumborum pars thoracis, rib 7 angle to iliac crest; vias L3, L2, L1, T12 and ribs 10-8")
n["ILptC11_org"] = (-0.035, 0.177, 0.060); n["ILptC11_ins"] = (0.001, 0.031, 0.044)
o, i = n["ILptC11_org"], n["ILptC11_ins"]
L["iliocostalis4"] = dict(src="ILptC11CI", pts=[("pelvis", i),
    ("torso", via("L3", -0.001, o, i)), ("torso", via("L2", -0.005, o, i)), ("torso", via("L1", 0.0, o, i)),
    ("torso", o)],
    desc="iliocostalis lumborum pars thoracis, rib 11 to iliac crest; vias L3, L2, L1")
# --- multifidus (straight lines in the source) ---------------------------------
L["multifidus1"] = dict(src="MFtstL2SIPS", pts=[("pelvis", (-0.017, -0.008, 0.022)), ("torso", (0.004, 0.068, 0.0))],
    desc="multifidus, L2 spinous-process fascicle to PSIS region (represents the L1 and L2 fascicles)")
L["multifidus2"] = dict(src="MFtsL3Ligament", pts=[("pelvis", (-0.003, -0.043, 0.035)), ("torso", (0.004, 0.044, 0.0))],
    desc="multifidus, L3 fascicle to sacrum/posterior sacroiliac ligament region")
L["multifidus3"] = dict(src="MFtsL4Sacrum", pts=[("pelvis", (-0.007, -0.040, 0.028)), ("torso", (0.003, 0.021, 0.0))],
    desc="multifidus, L4 fascicle to sacrum")
L["multifidus4"] = dict(src="MFtsL5Sacrum", pts=[("pelvis", (-0.008, -0.025, 0.012)), ("torso", (0.001, 0.007, 0.0))],
    desc="multifidus, L5 fascicle to sacrum")
# --- quadratus lumborum (iliac crest -> rib 12 / lumbar transverse processes) ---
QLP = S["QLNodeR"]
L["quadratus_lumborum1"] = dict(src="QLC12_CI", pts=[("pelvis", QLP), ("torso", (-0.010, 0.147, 0.057))],
    desc="quadratus lumborum, iliac crest to rib 12")
L["quadratus_lumborum2"] = dict(src="QLL1_CI", pts=[("pelvis", QLP), ("torso", (0.008, 0.137, 0.032))],
    desc="quadratus lumborum, iliac crest to L1 transverse process")
L["quadratus_lumborum3"] = dict(src="QLL2_CI", pts=[("pelvis", QLP), ("torso", (0.019, 0.105, 0.032))],
    desc="quadratus lumborum, iliac crest to L2 transverse process (represents L2 and L3 slips)")
L["quadratus_lumborum4"] = dict(src="QLL4_CI", pts=[("pelvis", QLP), ("torso", (0.031, 0.050, 0.033))],
    desc="quadratus lumborum, iliac crest to L4 transverse process")
# --- rectus abdominis: pubic crest -> costal cartilage 6, via on the torso -------
ra_o, ra_i = S["RANodeR"], (0.141, 0.266, 0.035)
t = (0.038 - ra_o[1]) / (ra_i[1] - ra_o[1])
ra_via = tuple(np.array(ra_o) + t * (np.array(ra_i) - np.array(ra_o)))
L["rectus_abdominis"] = dict(src="RA (RANodeR->RACP_CO6NodeR)", pts=[("pelvis", ra_o), ("torso", ra_via), ("torso", ra_i)],
    desc="rectus abdominis, pubic crest to 6th costal cartilage; torso via point added by weaklink on the straight "
         "neutral line at y=0.038 (L4 level, umbilicus) so the line stays on the body wall when the trunk flexes")
# --- external oblique (only the fascicles that reach the pelvis in the source) ---
L["external_oblique1"] = dict(src="OEC11_CI", pts=[("pelvis", (0.067, 0.030, 0.125)), ("torso", (0.055, 0.117, 0.120))],
    desc="external oblique, rib 11 to iliac crest")
L["external_oblique2"] = dict(src="OEC12_CI", pts=[("pelvis", (0.047, 0.045, 0.109)), ("torso", (0.012, 0.128, 0.082))],
    desc="external oblique, rib 12 to iliac crest")
# --- internal oblique ------------------------------------------------------------
L["internal_oblique1"] = dict(src="OICI_C12", pts=[("pelvis", (0.038, 0.055, 0.088)), ("torso", (0.003, 0.130, 0.075))],
    desc="internal oblique, iliac crest to rib 12")
L["internal_oblique2"] = dict(src="OICI_C11", pts=[("pelvis", (0.068, 0.027, 0.126)), ("torso", (0.046, 0.114, 0.121))],
    desc="internal oblique, iliac crest to rib 11")
L["internal_oblique3"] = dict(src="OICI_C10", pts=[("pelvis", (0.078, 0.014, 0.136)), ("torso", (0.108, 0.118, 0.126))],
    desc="internal oblique, iliac crest to rib 10")
L["internal_oblique4"] = dict(src="OICI_RS2", pts=[("pelvis", (0.093, -0.012, 0.137)), ("torso", (0.158, 0.068, 0.015))],
    desc="internal oblique, anterior iliac crest to rectus sheath/linea alba node (de Zee's rectus-sheath node at L3 level; "
         "represents fascicles RS1-RS3)")

# ---------------------------------------------------------------- architecture
# PCSA (cm2) per source fascicle, de Zee 2007 / AMMR MuscleParametersSpineSimpleRight.any
P = dict(LTplL1=0.79, LTplL2=0.91, LTplL3=1.03, LTplL4=1.10, LTplL5=1.16,
         LTptT6=0.64, LTptT7=0.78, LTptT8=1.25, LTptT9=1.46, LTptT10=1.60, LTptT11=1.67, LTptT12=1.38,
         ILplL1=1.08, ILplL2=1.54, ILplL3=1.82, ILplL4=1.89,
         ILptC5=0.23, ILptC6=0.32, ILptC7=0.39, ILptC8=0.34, ILptC9=0.50, ILptC10=1.00, ILptC11=1.23, ILptC12=1.47,
         MFdL1L3=0.38, MFdL2L4=0.38, MFdL3L5=0.38, MFdL4S1=0.38, MFdL5S1=0.38, MFmL1L4=0.40, MFmL2L5=0.39,
         MFmL3S1=0.54, MFmL4Sacrum=1.86, MFmL5Sacrum=0.90, MFtsL1L5=0.42, MFtsL1S1=0.36, MFtsL2L5=0.39,
         MFtsL2S1=0.99, MFtsL3Ligament=1.57, MFtsL4Sacrum=1.86, MFtsL5Sacrum=0.90, MFtstL1SIPS=0.60, MFtstL2SIPS=0.99,
         QLC12=1.28, QLL1=0.88, QLL2=0.80, QLL3=0.75, QLL4=0.70, RA=2.6, OE=2.6 * 0.4, OI=2.6 * 0.4)
GROUP = {  # which source fascicles (that cross L5/S1) each line represents
  "longissimus1": ["LTplL1", "LTplL2"], "longissimus2": ["LTplL3", "LTplL4", "LTplL5"],
  "longissimus3": ["LTptT6", "LTptT7", "LTptT8", "LTptT9"], "longissimus4": ["LTptT10", "LTptT11", "LTptT12"],
  "iliocostalis1": ["ILplL1", "ILplL2"], "iliocostalis2": ["ILplL3", "ILplL4"],
  "iliocostalis3": ["ILptC5", "ILptC6", "ILptC7", "ILptC8", "ILptC9"], "iliocostalis4": ["ILptC10", "ILptC11", "ILptC12"],
  "multifidus1": ["MFtsL1S1", "MFtstL1SIPS", "MFtsL2S1", "MFtstL2SIPS"],
  "multifidus2": ["MFmL3S1", "MFtsL3Ligament"],
  "multifidus3": ["MFdL4S1", "MFmL4Sacrum", "MFtsL4Sacrum"],
  "multifidus4": ["MFdL5S1", "MFmL5Sacrum", "MFtsL5Sacrum"],
  "quadratus_lumborum1": ["QLC12"], "quadratus_lumborum2": ["QLL1"], "quadratus_lumborum3": ["QLL2", "QLL3"],
  "quadratus_lumborum4": ["QLL4"],
  "rectus_abdominis": ["RA"],
  "external_oblique1": ["OE"], "external_oblique2": ["OE"],
  "internal_oblique1": ["OI"], "internal_oblique2": ["OI"], "internal_oblique3": ["OI"],
  "internal_oblique4": ["OI", "OI", "OI"],
}
QL_TOTAL_DELP = 2.8   # cm2, Delp 2001 (whole QL)
RA_PCSA_DELP = 2.6    # cm2, Delp 2001
LOPT = {"RA": 0.283, "IL": 0.142, "ES": 0.127, "QLprox": 0.085, "QLdist": 0.056}  # m, Delp 2001
PENN = {"ES": 13.0, "QL": 7.4, "RA": 0.0}   # deg, Delp 2001 (via PMC3594999 Table 1)

# ---------------------------------------------------------------- transform
A = {k: np.array(v, float) for k, v in S.items()}
O = 0.5 * (A["RASIS"] + A["LASIS"])
ez = A["RASIS"] - A["LASIS"]; ez /= np.linalg.norm(ez)
v = O - A["PSIS_Mid"]; ex = v - ez * np.dot(v, ez); ex /= np.linalg.norm(ex)
ey = np.cross(ez, ex)
R = np.vstack([ex, ey, ez])          # rows: our axes expressed in the source frame
J = A["L5SacrumJnt"]
def to_pelvis(p): return R @ (np.asarray(p, float) - O)
def to_torso(p): return R @ (np.asarray(p, float) - J)
def to_body(body, p): return to_pelvis(p) if body == "pelvis" else to_torso(p)
J_pelvis = to_pelvis(J)

def fmt(x): return f"{x:.4f}"

def write(path, header, rows):
    with open(path, "w", newline="") as f:
        w = csv.writer(f, quoting=csv.QUOTE_MINIMAL, lineterminator="\n")
        w.writerow(header)
        for r in rows: w.writerow(r)

# ---------------------------------------------------------------- landmarks
lm_rows = []
def lm(body, name, p, note):
    q = to_body(body, p)
    lm_rows.append([DATASET, body, name, fmt(q[0]), fmt(q[1]), fmt(q[2]), SRC_GEOM, note + "; " + READ_AT])
lm("pelvis", "L5S1", S["L5SacrumJnt"], "L5/sacrum joint node of the model (PelvisSeg.L5PelvisJntNode); de Zee places the "
   "spherical L5/S1 joint at the disc's centre of rotation (after Pearcy & Bogduk 1988), used here as the disc centre")
lm("pelvis", "ASIS", S["RASIS"], "right ASIS (StandardParameters.Pelvis.RASIS)")
lm("pelvis", "PSIS", S["RPSIS"], "right PSIS (StandardParameters.Pelvis.RPSIS); note its small half-width (2.4 cm)")
lm("pelvis", "iliac_crest", S["QLNodeR"], "posterior iliac crest at the quadratus lumborum attachment (QLNodeR), the most "
   "cranial iliac-crest node of the dataset; not a palpated crest-top landmark")
lm("pelvis", "pubic_symphysis", S["RANode"], "midline pubic crest node (RANode, rectus abdominis origin) used for the symphysis")
lm("pelvis", "ischial_tuberosity", S["Tuber_ischiadicumR"], "right ischial tuberosity (Tuber_ischiadicumR)")
lm("torso", "T12", S["LSNodeT12"], "tip of the T12 spinous process (supraspinous ligament node LSNodeT12); the T12/L1 "
   "joint centre is (0.022,0.154,0) in the source frame")
lm("torso", "jugular_notch", S["ij"], "incisura jugularis (ThoraxSeg.ij.sRelStd)")

# ---------------------------------------------------------------- muscle paths and architecture
mp_rows, ar_rows, checks = [], [], []
FAM = {"longissimus": "ES", "iliocostalis": "IL", "multifidus": "MF", "quadratus_lumborum": "QL",
       "rectus_abdominis": "RA", "external_oblique": "OE", "internal_oblique": "OI"}
tot = {}
for name, d in L.items():
    fam = [k for k in FAM if name.startswith(k)][0]
    tot[fam] = tot.get(fam, 0.0) + sum(P[g] for g in GROUP.get(name, []))
lump = ("fascicle's lumbar attachments above the L5/S1 joint (L5..L1 vertebrae, rib cage) are lumped onto the torso "
        "because weaklink's lumbar spine is one 3-DOF joint at L5/S1")
for name, d in L.items():
    fam = [k for k in FAM if name.startswith(k)][0]
    pts = d["pts"]
    for k, (body, p) in enumerate(pts, 1):
        q = to_body(body, p)
        note = f"{d['desc']}; source fascicle {d['src']}; {lump}; {READ_AT}"
        if name == "rectus_abdominis" and k == 2:
            note = "weaklink via point (see rectus_abdominis note); computed, not a source node; " + READ_AT
        mp_rows.append([name, k, body, fmt(q[0]), fmt(q[1]), fmt(q[2]), DATASET, SRC_GEOM, note])
    # neutral-posture geometry in the pelvis frame
    P_pel = [to_pelvis(p) for b, p in pts]
    Lmtu = sum(np.linalg.norm(P_pel[j + 1] - P_pel[j]) for j in range(len(P_pel) - 1))
    kcross = max(j for j, (b, p) in enumerate(pts) if b == "pelvis")
    Pp, Tt = P_pel[kcross], P_pel[kcross + 1]
    u = (Pp - Tt) / np.linalg.norm(Pp - Tt)          # unit pull on the torso
    M = np.cross(Tt - J_pelvis, u)                    # moment per newton about L5/S1 (pelvis axes)
    checks.append((name, M, Lmtu))
    # architecture
    grp = GROUP.get(name, [])
    pcsa = sum(P[g] for g in grp)
    frac = pcsa / tot[fam]
    cite_p = SRC_BOGDUK_PCSA + "; " + READ_AT
    if fam == "quadratus_lumborum":
        pcsa = QL_TOTAL_DELP * frac
        cite_p = SRC_DELP + " (total QL PCSA 2.8 cm2), split in the proportions of de Zee 2007 (AMMR) QL slips"
    if fam == "rectus_abdominis":
        pcsa, frac, cite_p = RA_PCSA_DELP, 1.0, SRC_DELP
    if fam in ("external_oblique", "internal_oblique"):
        cite_p = ("de Zee M et al. (2007) J Biomech 40:1219-1227 (AMMR value 2.6*0.4 cm2 per fascicle: a model "
                  "setting, not a dissection measurement); " + READ_AT)
    if fam == "rectus_abdominis":
        lopt, lsrc = LOPT["RA"], SRC_DELP + " (optimal fascicle length 28.3 cm)"
    elif name in ("iliocostalis3", "iliocostalis4"):
        lopt, lsrc = LOPT["IL"], SRC_DELP + " (iliocostalis lumborum optimal fascicle length 14.2 cm)"
    elif name in ("longissimus3", "longissimus4"):
        lopt, lsrc = LOPT["ES"], SRC_DELP + " (erector spinae weighted-mean optimal fascicle length 12.7 cm, tabulated in PMC3594999 Table 1)"
    else:
        lopt = 0.9 * Lmtu
        lsrc = ("ESTIMATE: 0.9 x neutral fascicle length of this line in the de Zee 2007 geometry; no per-fascicle "
                "optimal fibre length found for this muscle")
    if fam in ("longissimus", "iliocostalis"):
        pen, psrc = PENN["ES"], "erector spinae 13 deg, " + SRC_DELP
    elif fam == "quadratus_lumborum":
        pen, psrc = PENN["QL"], "quadratus lumborum 7.4 deg, " + SRC_DELP
    elif fam == "rectus_abdominis":
        pen, psrc = 0.0, "0 deg, " + SRC_DELP
    else:
        pen, psrc = 0.0, "0 deg ASSUMED (no source value found)"
    note = (f"line represents source fascicles {'+'.join(grp) if grp else d['src']}; pcsa_cm2 is this line's own PCSA and "
            f"line_fraction its share of the right-side muscle total ({tot[fam] if fam not in ('quadratus_lumborum','rectus_abdominis') else (QL_TOTAL_DELP if fam=='quadratus_lumborum' else RA_PCSA_DELP):.2f} cm2 over the lines written); "
            f"optimal fibre length: {lsrc}; pennation: {psrc}; neutral line length {Lmtu:.3f} m")
    ar_rows.append([name, f"{pcsa:.2f}", f"{lopt:.3f}", f"{pen:.1f}", f"{frac:.3f}", cite_p, note])

write(os.path.join(OUT, "trunk_landmarks.csv"),
      ["dataset", "body", "landmark", "x", "y", "z", "source_citation", "note"], lm_rows)
write(os.path.join(OUT, "trunk_muscle_paths.csv"),
      ["muscle", "point", "body", "x", "y", "z", "dataset", "source_citation", "note"], mp_rows)
write(os.path.join(OUT, "trunk_architecture.csv"),
      ["muscle", "pcsa_cm2", "optimal_fiber_length_m", "pennation_deg", "line_fraction", "source_citation", "note"], ar_rows)

# ---------------------------------------------------------------- checks
if __name__ == "__main__":
    tilt = np.degrees(np.arctan2(-(A["RASIS"][1] - A["PSIS_Mid"][1]), A["RASIS"][0] - A["PSIS_Mid"][0]))
    print(f"source-frame ASIS-PSIS tilt (ASIS below PSIS) = {tilt:.1f} deg")
    print("L5S1 in pelvis frame:", np.round(J_pelvis, 4))
    for nm in ("T12L1Jnt", "ij", "LSNodeT12"):
        q = to_torso(A[nm]); print(f"{nm} in torso frame:", np.round(q, 4),
              f"angle from torso +y = {np.degrees(np.arctan2(q[0], q[1])):.1f} deg (+ = anterior)")
    print("\nMoment arm per unit force about L5/S1, neutral (cm).  Mz>0 extension, Mz<0 flexion;"
          " Mx>0 right lateral bend; My>0 axial rotation to the LEFT (right side forward)")
    for name, M, Lm in checks:
        print(f"{name:22s} ext(+)/flex(-) {100*M[2]:6.2f}   latbend_R {100*M[0]:6.2f}   rot_L {100*M[1]:6.2f}   L={Lm:.3f} m")
