"""The polars + numpy peer of `candor analyze` (issue 7, "Speed").

polars.read_csv, reverse-keying of the Edmondson items, Cronbach's alpha by hand from
the pairwise covariance matrix (numpy, as psych::alpha), Pearson correlations of the
scale scores with the outcomes by hand (pairwise complete, t test), and the EFA (3
factors, minres, oblimin) by factor_analyzer on the pairwise correlation matrix.
usage: python peer_polars.py FILE
"""
import sys
import time

t0 = time.perf_counter()
import numpy as np
import polars as pl
from factor_analyzer import FactorAnalyzer
from peer_stats import corr_test, pairwise_cov


def alpha(x):
    c = pairwise_cov(x)
    p = c.shape[0]
    return p / (p - 1) * (1 - np.trace(c) / c.sum()), c


path = sys.argv[1]
t1 = time.perf_counter()
df = pl.read_csv(path, null_values=["", "NA"], infer_schema_length=10000)
ps = [f"ps{i}" for i in range(1, 8)]
tr = [f"tr{i}" for i in range(1, 13)]
df = df.with_columns([(6 - pl.col(c)).alias(c) for c in ("ps1", "ps3", "ps5")])
xps = df.select(ps).to_numpy().astype(np.float64)      # nulls become NaN
xtr = df.select(tr).to_numpy().astype(np.float64)
a_ps, _ = alpha(xps)
a_tr, ctr = alpha(xtr)
d = np.sqrt(np.diag(ctr))
fa = FactorAnalyzer(n_factors=3, method="minres", rotation="oblimin", is_corr_matrix=True)
fa.fit(ctr / np.outer(d, d))
score_ps = np.nanmean(xps, axis=1)
score_tr = np.nanmean(xtr, axis=1)
status = df["status_next_year"]
left = status.is_in(["leaver", "mover"]).cast(pl.Float64).to_numpy().copy()
left[status.is_null().to_numpy()] = np.nan
intent = df["intent_stay"].cast(pl.Float64).to_numpy()
tests = [corr_test(s, o) for s in (score_tr, score_ps) for o in (left, intent)]
print(f"rows={df.height} seconds={time.perf_counter() - t1:.3f} imports={t1 - t0:.3f}")
print(f"alpha_psych_safety={a_ps:.17g}")
print(f"alpha_trust={a_tr:.17g}")
print(f"r_trust_left={tests[0][0]:.6f} r_trust_intent={tests[1][0]:.6f}")
