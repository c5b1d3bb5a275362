# High-precision F quantiles for large denominator df, where R's qf switches to a
# chi-square approximation (df2 > 4e5). Run once: python3 make_qf_mpmath.py
# -> qf_mpmath.csv (df1,df2,p,quantile with 17 significant digits).
# I_x(a, b) is the continued fraction (DLMF 8.17.22) evaluated with 60-digit
# mpmath arithmetic to 1e-45; mpmath's own betainc (hypergeometric series)
# does not converge for parameters this large.
import mpmath as mp
mp.mp.dps = 60

def ibeta(x, a, b):
    if x > (a + 1) / (a + b + 2):
        return 1 - ibeta(1 - x, b, a)
    front = mp.exp(a * mp.log(x) + b * mp.log1p(-x) - mp.log(mp.beta(a, b))) / a
    tiny = mp.mpf(10) ** -200
    c, d = mp.mpf(1), 1 - (a + b) * x / (a + 1)
    d = 1 / (d if abs(d) > tiny else tiny)
    h = d
    m = 1
    while True:
        aa = m * (b - m) * x / ((a + 2 * m - 1) * (a + 2 * m))
        d = 1 / (1 + aa * d); c = 1 + aa / c; h *= d * c
        aa = -(a + m) * (a + b + m) * x / ((a + 2 * m) * (a + 2 * m + 1))
        d = 1 / (1 + aa * d); c = 1 + aa / c; delta = d * c; h *= delta
        if abs(delta - 1) < mp.mpf(10) ** -45:
            return front * h
        m += 1

rows = []
for d1, d2 in [(4999, 1995601), (99999, 3899961), (499, 2994)]:
    a, b = mp.mpf(d1) / 2, mp.mpf(d2) / 2
    for p in ["0.025", "0.975"]:
        pp = mp.mpf(p)
        g = lambda f: ibeta(d1 * f / (d1 * f + d2), a, b) - pp
        lo, hi = mp.mpf("0.5"), mp.mpf("2")   # bisection: g is increasing in f
        while hi - lo > mp.mpf(10) ** -22:
            mid = (lo + hi) / 2
            lo, hi = (mid, hi) if g(mid) < 0 else (lo, mid)
        f = (lo + hi) / 2
        rows.append(f"{d1},{d2},{p},{mp.nstr(f, 17, strip_zeros=False)}")
open("qf_mpmath.csv", "w").write("df1,df2,p,quantile\n" + "\n".join(rows) + "\n")
print("\n".join(rows))
