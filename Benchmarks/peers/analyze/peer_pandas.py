"""The pandas + pingouin + factor_analyzer peer of `candor analyze` (issue 7, "Speed").

pandas.read_csv, reverse-keying of the Edmondson items, pingouin.cronbach_alpha
(pairwise) on the Edmondson and trust items, factor_analyzer (3 factors, minres,
oblimin) on the trust items, pingouin.corr of the scale scores with the outcomes.
usage: python peer_pandas.py FILE
"""
import sys
import time

t0 = time.perf_counter()
import pandas as pd
import pingouin as pg
from factor_analyzer import FactorAnalyzer

path = sys.argv[1]
t1 = time.perf_counter()
df = pd.read_csv(path, na_values=["", "NA"])
ps = [f"ps{i}" for i in range(1, 8)]
tr = [f"tr{i}" for i in range(1, 13)]
for c in ("ps1", "ps3", "ps5"):
    df[c] = 6 - df[c]
a_ps, _ = pg.cronbach_alpha(data=df[ps], nan_policy="pairwise")
a_tr, _ = pg.cronbach_alpha(data=df[tr], nan_policy="pairwise")
fa = FactorAnalyzer(n_factors=3, method="minres", rotation="oblimin")
fa.fit(df[tr])  # factor_analyzer imputes missing cells (median) before its correlations
score_ps = df[ps].mean(axis=1)
score_tr = df[tr].mean(axis=1)
left = df["status_next_year"].isin(["leaver", "mover"]).astype(float)
left[df["status_next_year"].isna()] = float("nan")
tests = [pg.corr(s, o) for s in (score_tr, score_ps) for o in (left, df["intent_stay"])]
print(f"rows={len(df)} seconds={time.perf_counter() - t1:.3f} imports={t1 - t0:.3f}")
print(f"alpha_psych_safety={a_ps:.17g}")
print(f"alpha_trust={a_tr:.17g}")
print(f"r_trust_left={tests[0]['r'].iloc[0]:.6f} r_trust_intent={tests[1]['r'].iloc[0]:.6f}")
