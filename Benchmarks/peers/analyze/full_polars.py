"""The "equal-work" polars + numpy peer of `candor analyze` (issue 7, "Speed").

Every table Candor writes for datasets/demo/demo.codebook.yaml: polars for the read,
the scores and the group-bys; numpy/scipy, factor_analyzer and statsmodels for the
statistics.
  - polars.read_csv; reverse-keying of the Edmondson items (ps1, ps3, ps5: 6 - x)
  - reliability: Cronbach's alpha, alpha if item deleted and r.drop from the pairwise
    covariance matrix (numpy, as psych::alpha) for psych_safety, trust and each of the
    10 PVQ-40 values; omega total and hierarchical (Schmid-Leiman of a factor_analyzer
    minres solution, as psych::omega: trust with 3 oblimin factors, psych_safety with 1)
  - EFA: factor_analyzer on the pairwise correlations of the trust items (3 factors,
    minres, oblimin); parallel analysis (minres factor eigenvalues against the 95th
    percentile of 20 simulated normal data sets, as psych::fa.parallel(fa = "fa"))
  - values: value scores MRAT-centred (respondent's mean over the 40 items, when >= 80 %
    answered), classical MDS (numpy) of their correlations, distance sqrt(2(1 - r))
  - scale scores (row means, null below half the items answered, Candor's default); Pearson correlations of trust
    and psych_safety with left and intent_stay (pairwise complete, t test); partial
    correlations on tenure from the pairwise correlation matrix (as psych::partial.r)
  - retention: statsmodels Logit left ~ trust + psych_safety + tenure, cluster-robust
    SEs by school_id (CR1, as sandwich::vcovCL(type = "HC1"))
  - aggregation by school_id (mean, SD, n; ICC1/ICC2 from the one-way ANOVA mean
    squares; rwg(j) of the psych_safety items, A = 5, listwise as multilevel::rwg.j)
    and by school_id x role
  - key drivers: relative weights (Johnson 2000) of intent_stay on the two scales, from
    the pairwise correlation matrix
usage: python full_polars.py FILE
"""
import math
import sys
import time
import warnings

t0 = time.perf_counter()
import numpy as np
import polars as pl
import statsmodels.api as sm
from peer_stats import (VALUES, classical_mds, corr_test, minres, omega, pairwise_corr, parallel_analysis,
                        relative_weights, reliability)

warnings.filterwarnings("ignore", category=FutureWarning)  # sklearn, inside factor_analyzer


def icc(scores, group):
    """ICC1 and ICC2 from the one-way ANOVA of scores on group (multilevel::ICC1/2)."""
    g = (pl.DataFrame({"y": scores, "g": group}).drop_nulls()
         .group_by("g").agg(n=pl.len(), mean=pl.col("y").mean(), var=pl.col("y").var()))
    n, j = g["n"].sum(), g.height
    grand = (g["n"] * g["mean"]).sum() / n
    msb = (g["n"] * (g["mean"] - grand) ** 2).sum() / (j - 1)
    msw = ((g["n"] - 1) * g["var"].fill_null(0)).sum() / (n - j)
    k = n / j
    return (msb - msw) / (msb + (k - 1) * msw), (msb - msw) / msb


def to_np(s):
    return s.cast(pl.Float64).to_numpy()   # nulls become NaN


path = sys.argv[1]
t1 = time.perf_counter()
df = pl.read_csv(path, null_values=["", "NA"], infer_schema_length=10000)
ps = [f"ps{i}" for i in range(1, 8)]
tr = [f"tr{i}" for i in range(1, 13)]
pvq = [f"pvq{i}" for i in range(1, 41)]
df = df.with_columns([(6 - pl.col(c)).alias(c) for c in ("ps1", "ps3", "ps5")])
xps = df.select(ps).to_numpy().astype(np.float64)      # nulls become NaN
xtr = df.select(tr).to_numpy().astype(np.float64)

# Reliability
a_ps, ifdel_ps, rdrop_ps = reliability(xps)
a_tr, _, _ = reliability(xtr)
a_values = {v: reliability(df.select([f"pvq{i}" for i in items]).to_numpy().astype(np.float64))
            for v, items in VALUES.items()}
r_tr = pairwise_corr(xtr)
omega_tr = omega(r_tr, 3)
omega_ps = omega(pairwise_corr(xps), 1)

# EFA and parallel analysis
fa = minres(r_tr, 3, "oblimin")
# h2 = diag(L Phi L') = row sums of pattern x structure: factor_analyzer's
# get_communalities() sums the squared pattern loadings (no factor correlations)
communalities = (fa.loadings_ * fa.structure_).sum(axis=1)
n_factors = parallel_analysis(r_tr, df.height)

# Values, scale scores and the outcome
def scale_score(items):
    """Mean of the answered items; null below half the items answered, rounded up
    (Candor's default `min_items`, design.md section 4)."""
    enough = pl.sum_horizontal(pl.col(items).is_not_null()) >= (len(items) + 1) // 2
    return pl.when(enough).then(pl.mean_horizontal(items))


answered = pl.sum_horizontal(pl.col(pvq).is_not_null())
mrat = pl.when(answered >= 0.8 * len(pvq)).then(pl.mean_horizontal(pvq))
df = df.with_columns(
    [(scale_score([f"pvq{i}" for i in items]) - mrat).alias(v) for v, items in VALUES.items()]
    + [scale_score(ps).alias("psych_safety"), scale_score(tr).alias("trust"),
       pl.when(pl.col("status_next_year").is_null()).then(None)
       .otherwise(pl.col("status_next_year").is_in(["leaver", "mover"]).cast(pl.Float64)).alias("left")])
value_scores = df.select(list(VALUES)).to_numpy().astype(np.float64)
coords, mds_eig = classical_mds(np.sqrt(2 * (1 - pairwise_corr(value_scores))))

# Correlations
cols = {c: to_np(df[c]) for c in ("psych_safety", "trust", "left", "intent_stay", "tenure")}
pairs = [(s, o) for s in ("trust", "psych_safety") for o in ("left", "intent_stay")]
tests = {p: corr_test(cols[p[0]], cols[p[1]]) for p in pairs}
names = ["trust", "psych_safety", "left", "intent_stay", "tenure"]
r = pairwise_corr(np.column_stack([cols[c] for c in names]))
ix = {c: i for i, c in enumerate(names)}
z = ix["tenure"]
partials = {(a, b): (r[ix[a], ix[b]] - r[ix[a], z] * r[ix[b], z])
            / math.sqrt((1 - r[ix[a], z] ** 2) * (1 - r[ix[b], z] ** 2)) for a, b in pairs}

# Retention: logistic regression with cluster-robust (CR1) standard errors
d = df.select("left", "trust", "psych_safety", "tenure", "school_id").drop_nulls()
x = sm.add_constant(d.select("trust", "psych_safety", "tenure").cast(pl.Float64).to_numpy())
groups = d["school_id"].cast(pl.Categorical).to_physical().to_numpy()
logit = sm.Logit(d["left"].to_numpy(), x).fit(disp=0, cov_type="cluster", cov_kwds={"groups": groups})

# Aggregation by school and by school x role
by_school = df.group_by("school_id").agg(
    psych_safety_mean=pl.col("psych_safety").mean(), psych_safety_sd=pl.col("psych_safety").std(),
    psych_safety_n=pl.col("psych_safety").count(), trust_mean=pl.col("trust").mean(),
    trust_sd=pl.col("trust").std(), trust_n=pl.col("trust").count())
iccs = {s: icc(df[s], df["school_id"]) for s in ("psych_safety", "trust")}
ranvar = (5 ** 2 - 1) / 12
rwg = (df.select(ps + ["school_id"]).drop_nulls().group_by("school_id").agg([pl.col(c).var() for c in ps])
       .select(s2=pl.mean_horizontal(ps).clip(upper_bound=ranvar))
       .select(rwg=len(ps) * (1 - pl.col("s2") / ranvar)
               / (len(ps) * (1 - pl.col("s2") / ranvar) + pl.col("s2") / ranvar)))
by_school_role = df.group_by("school_id", "role").agg(
    mean=pl.col("psych_safety").mean(), n=pl.col("psych_safety").count())

# Key drivers: relative weights (Johnson 2000)
weights = relative_weights(pairwise_corr(np.column_stack([cols[c] for c in ("intent_stay", "psych_safety", "trust")])))

print(f"rows={df.height} seconds={time.perf_counter() - t1:.3f} imports={t1 - t0:.3f}")
print(f"alpha_psych_safety={a_ps:.17g}")
print(f"alpha_trust={a_tr:.17g}")
print(f"r_trust_left={tests[pairs[0]][0]:.6f} r_trust_intent={tests[pairs[1]][0]:.6f}")
print(f"alpha_benevolence={a_values['benevolence'][0]:.17g}")
print("alpha_values=" + ",".join(f"{a[0]:.12f}" for a in a_values.values()))
print(f"alpha_if_deleted_ps1={ifdel_ps[0]:.12f} r_drop_ps1={rdrop_ps[0]:.12f}")
print(f"omega_trust_total={omega_tr[0]:.6f} omega_trust_h={omega_tr[1]:.6f} "
      f"omega_psych_safety_total={omega_ps[0]:.6f}")
print(f"fa_trust_h2_tr1={communalities[0]:.6f} parallel_factors={n_factors}")
print(f"value_self_direction_mean={np.nanmean(value_scores[:, 0]):.12f} mds_eig1={mds_eig[0]:.10f}")
print(f"partial_trust_left={partials[pairs[0]]:.10f} partial_trust_intent={partials[pairs[1]]:.10f}")
print(f"glm_trust={logit.params[1]:.12f} se_trust={logit.bse[1]:.12f} n={int(logit.nobs)}")
print(f"icc1_trust={iccs['trust'][0]:.12f} icc2_trust={iccs['trust'][1]:.12f} "
      f"icc1_psych_safety={iccs['psych_safety'][0]:.12f}")
s0111 = by_school.filter(pl.col("school_id") == "S0111")["trust_mean"][0]
print(f"rwgj_mean={rwg['rwg'].mean():.12f} school_role_groups={by_school_role.height} "
      f"school_S0111_trust_mean={s0111:.12f}")
print(f"rw_psych_safety={weights[0]:.12f} rw_trust={weights[1]:.12f}")
