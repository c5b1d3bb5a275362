"""The "equal-work" pandas peer of `candor analyze` (issue 7, "Speed").

Every table Candor writes for datasets/demo/demo.codebook.yaml, with pandas, pingouin,
factor_analyzer and statsmodels (numpy/scipy where they have nothing):
  - pandas.read_csv; reverse-keying of the Edmondson items (ps1, ps3, ps5: 6 - x)
  - reliability: pingouin.cronbach_alpha (pairwise) for psych_safety, trust and each of
    the 10 PVQ-40 values, alpha if item deleted (pingouin on the other items), r.drop
    (psych's formula on the pairwise covariances); omega total and hierarchical
    (Schmid-Leiman of a factor_analyzer minres solution, as psych::omega: trust with 3
    oblimin factors, psych_safety with 1)
  - EFA: factor_analyzer on the pairwise correlations of the trust items (3 factors,
    minres, oblimin); parallel analysis (minres factor eigenvalues against the 95th
    percentile of 20 simulated normal data sets, as psych::fa.parallel(fa = "fa"))
  - values: value scores MRAT-centred (respondent's mean over the 40 items, when >= 80 %
    answered), classical MDS (numpy) of their correlations, distance sqrt(2(1 - r))
  - scale scores (row means, NaN below half the items answered, Candor's default); pingouin.corr of trust and
    psych_safety with left and intent_stay; partial correlations on tenure from the
    pairwise correlation matrix (as psych::partial.r)
  - retention: statsmodels logit left ~ trust + psych_safety + tenure, cluster-robust
    SEs by school_id (CR1, as sandwich::vcovCL(type = "HC1"))
  - aggregation by school_id (mean, SD, n; ICC1/ICC2 from pingouin.anova; rwg(j) of the
    psych_safety items, A = 5, listwise as multilevel::rwg.j) and by school_id x role
  - key drivers: relative weights (Johnson 2000) of intent_stay on the two scales, from
    the pairwise correlation matrix
usage: python full_pandas.py FILE
"""
import sys
import time
import warnings

t0 = time.perf_counter()
import numpy as np
import pandas as pd
import pingouin as pg
import statsmodels.formula.api as smf
from peer_stats import VALUES, classical_mds, minres, omega, parallel_analysis, relative_weights

warnings.filterwarnings("ignore", category=FutureWarning)  # sklearn, inside factor_analyzer


def reliability(items):
    """Alpha, alpha if item deleted and r.drop (psych::alpha), pairwise."""
    a, _ = pg.cronbach_alpha(data=items, nan_policy="pairwise")
    c = items.cov()
    total = c.values.sum()
    stats = pd.DataFrame(index=items.columns, columns=["alpha_if_deleted", "r_drop"], dtype=float)
    for col in items.columns:
        rest = items.columns.drop(col)
        stats.loc[col, "alpha_if_deleted"] = pg.cronbach_alpha(data=items[rest], nan_policy="pairwise")[0]
        c_drop = c[col].sum() - c.loc[col, col]
        v_drop = total - 2 * c[col].sum() + c.loc[col, col]
        stats.loc[col, "r_drop"] = c_drop / np.sqrt(c.loc[col, col] * v_drop)
    return a, stats


path = sys.argv[1]
t1 = time.perf_counter()
df = pd.read_csv(path, na_values=["", "NA"])
ps = [f"ps{i}" for i in range(1, 8)]
tr = [f"tr{i}" for i in range(1, 13)]
pvq = [f"pvq{i}" for i in range(1, 41)]
for c in ("ps1", "ps3", "ps5"):
    df[c] = 6 - df[c]

# Reliability
a_ps, items_ps = reliability(df[ps])
a_tr, items_tr = reliability(df[tr])
a_values = {v: reliability(df[[f"pvq{i}" for i in items]]) for v, items in VALUES.items()}
r_ps = df[ps].corr()
r_tr = df[tr].corr()
omega_tr = omega(r_tr, 3)
omega_ps = omega(r_ps, 1)

# EFA and parallel analysis
fa = minres(r_tr, 3, "oblimin")
loadings = pd.DataFrame(fa.loadings_, index=tr)
# h2 = diag(L Phi L') = row sums of pattern x structure: factor_analyzer's
# get_communalities() sums the squared pattern loadings (no factor correlations)
communalities = pd.Series((fa.loadings_ * fa.structure_).sum(axis=1), index=tr)
n_factors = parallel_analysis(r_tr.values, len(df))

# Values: MRAT-centred value scores and MDS of their correlations
answered = df[pvq].notna().sum(axis=1)
mrat = df[pvq].mean(axis=1).where(answered >= 0.8 * len(pvq))


def scale_score(items):
    """Mean of the answered items; missing below half the items answered, rounded up
    (Candor's default `min_items`, design.md section 4)."""
    return df[items].mean(axis=1).where(df[items].notna().sum(axis=1) >= (len(items) + 1) // 2)


value_scores = pd.DataFrame(
    {v: scale_score([f"pvq{i}" for i in items]) - mrat for v, items in VALUES.items()})
coords, mds_eig = classical_mds(np.sqrt(2 * (1 - value_scores.corr().values)))

# Scale scores, outcomes, correlations
df["psych_safety"] = scale_score(ps)
df["trust"] = scale_score(tr)
df["left"] = df["status_next_year"].isin(["leaver", "mover"]).astype(float)
df.loc[df["status_next_year"].isna(), "left"] = np.nan
pairs = [(s, o) for s in ("trust", "psych_safety") for o in ("left", "intent_stay")]
tests = {p: pg.corr(df[p[0]], df[p[1]]) for p in pairs}
r = df[["trust", "psych_safety", "left", "intent_stay", "tenure"]].corr()   # pairwise
partials = {(a, b): (r.loc[a, b] - r.loc[a, "tenure"] * r.loc[b, "tenure"])
            / np.sqrt((1 - r.loc[a, "tenure"] ** 2) * (1 - r.loc[b, "tenure"] ** 2)) for a, b in pairs}

# Retention: logistic regression with cluster-robust (CR1) standard errors
d = df[["left", "trust", "psych_safety", "tenure", "school_id"]].dropna()
logit = smf.logit("left ~ trust + psych_safety + tenure", data=d).fit(
    disp=0, cov_type="cluster", cov_kwds={"groups": pd.factorize(d["school_id"])[0]})

# Aggregation by school and by school x role
by_school = df.groupby("school_id")[["psych_safety", "trust"]].agg(["mean", "std", "count"])
icc = {}
for s in ("psych_safety", "trust"):
    aov = pg.anova(data=df[[s, "school_id"]].dropna(), dv=s, between="school_id", detailed=True)
    msb, msw = aov["MS"].iloc[0], aov["MS"].iloc[1]
    k = (aov["DF"].iloc[0] + 1 + aov["DF"].iloc[1]) / (aov["DF"].iloc[0] + 1)   # N / J
    icc[s] = ((msb - msw) / (msb + (k - 1) * msw), (msb - msw) / msb)
ranvar = (5 ** 2 - 1) / 12
s2 = df[ps + ["school_id"]].dropna().groupby("school_id")[ps].var().mean(axis=1).clip(upper=ranvar)
rwg = len(ps) * (1 - s2 / ranvar) / (len(ps) * (1 - s2 / ranvar) + s2 / ranvar)
by_school_role = df.groupby(["school_id", "role"])["psych_safety"].agg(["mean", "count"])

# Key drivers: relative weights (Johnson 2000)
weights = relative_weights(df[["intent_stay", "psych_safety", "trust"]].corr().values)

print(f"rows={len(df)} seconds={time.perf_counter() - t1:.3f} imports={t1 - t0:.3f}")
print(f"alpha_psych_safety={a_ps:.17g}")
print(f"alpha_trust={a_tr:.17g}")
print(f"r_trust_left={tests[pairs[0]]['r'].iloc[0]:.6f} r_trust_intent={tests[pairs[1]]['r'].iloc[0]:.6f}")
print(f"alpha_benevolence={a_values['benevolence'][0]:.17g}")
print("alpha_values=" + ",".join(f"{a[0]:.12f}" for a in a_values.values()))
print(f"alpha_if_deleted_ps1={items_ps.loc['ps1', 'alpha_if_deleted']:.12f} "
      f"r_drop_ps1={items_ps.loc['ps1', 'r_drop']:.12f}")
print(f"omega_trust_total={omega_tr[0]:.6f} omega_trust_h={omega_tr[1]:.6f} "
      f"omega_psych_safety_total={omega_ps[0]:.6f}")
print(f"fa_trust_h2_tr1={communalities['tr1']:.6f} parallel_factors={n_factors}")
print(f"value_self_direction_mean={value_scores['self_direction'].mean():.12f} mds_eig1={mds_eig[0]:.10f}")
print(f"partial_trust_left={partials[pairs[0]]:.10f} partial_trust_intent={partials[pairs[1]]:.10f}")
print(f"glm_trust={logit.params['trust']:.12f} se_trust={logit.bse['trust']:.12f} n={int(logit.nobs)}")
print(f"icc1_trust={icc['trust'][0]:.12f} icc2_trust={icc['trust'][1]:.12f} "
      f"icc1_psych_safety={icc['psych_safety'][0]:.12f}")
print(f"rwgj_mean={rwg.mean():.12f} school_role_groups={len(by_school_role)} "
      f"school_S0111_trust_mean={by_school.loc['S0111', ('trust', 'mean')]:.12f}")
print(f"rw_psych_safety={weights[0]:.12f} rw_trust={weights[1]:.12f}")
