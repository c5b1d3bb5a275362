"""Statistics helpers shared by the Python peers of `candor analyze` (issue 7, "Speed"):
plain numpy and factor_analyzer, for what neither pandas nor polars has a function for.
The PVQ-40 value map, pairwise covariances and correlations (R's use = "pairwise"),
psych::alpha's statistics, minres EFA, psych::omega, psych::fa.parallel, cmdscale and
Johnson's relative weights.
"""
import math

import numpy as np
from factor_analyzer import FactorAnalyzer, Rotator
from scipy import stats

VALUES = {
    "self_direction": [1, 11, 22, 34], "stimulation": [6, 15, 30], "hedonism": [10, 26, 37],
    "achievement": [4, 13, 24, 32], "power": [2, 17, 39], "security": [5, 14, 21, 31, 35],
    "conformity": [7, 16, 28, 36], "tradition": [9, 20, 25, 38], "benevolence": [12, 18, 27, 33],
    "universalism": [3, 8, 19, 23, 29, 40],
}

def pairwise_cov(x):
    """Pairwise-complete covariance matrix of the columns of x (NaN = missing)."""
    m = ~np.isnan(x)
    x0 = np.where(m, x, 0.0)
    mf = m.astype(np.float64)
    n = mf.T @ mf                      # n_ij: rows with both i and j
    s = x0.T @ mf                      # s_ij: sum of x_i over rows where j is present
    sxy = x0.T @ x0
    return (sxy - s * s.T / n) / (n - 1)


def pairwise_corr(x):
    """Pairwise-complete correlation matrix (R's cor(use = "pairwise")): every r_ij from
    the rows with both i and j, means and SDs included."""
    m = ~np.isnan(x)
    x0 = np.where(m, x, 0.0)
    mf = m.astype(np.float64)
    n = mf.T @ mf
    s = x0.T @ mf
    ss = (x0 * x0).T @ mf              # ss_ij: sum of x_i^2 over rows where j is present
    cov = x0.T @ x0 - s * s.T / n
    var = ss - s * s / n               # var_ij: of x_i over rows where j is present
    r = cov / np.sqrt(var * var.T)
    np.fill_diagonal(r, 1.0)
    return r


def alpha_of(c):
    p = c.shape[0]
    return p / (p - 1) * (1 - np.trace(c) / c.sum())


def reliability(x):
    """Alpha, alpha if item deleted and r.drop (psych::alpha), pairwise."""
    c = pairwise_cov(x)
    p = c.shape[0]
    if_deleted = np.array([alpha_of(np.delete(np.delete(c, i, 0), i, 1)) for i in range(p)])
    col = c.sum(axis=0)
    r_drop = (col - np.diag(c)) / np.sqrt(np.diag(c) * (c.sum() - 2 * col + np.diag(c)))
    return alpha_of(c), if_deleted, r_drop


def corr_test(a, b):
    ok = ~(np.isnan(a) | np.isnan(b))
    n = int(ok.sum())
    r = np.corrcoef(a[ok], b[ok])[0, 1]
    t = r * math.sqrt((n - 2) / (1 - r * r))
    return r, 2 * stats.t.sf(abs(t), n - 2)


def minres(r, n_factors, rotation=None):
    return FactorAnalyzer(n_factors=n_factors, method="minres", rotation=rotation,
                          is_corr_matrix=True).fit(r)


def omega(r, n_factors):
    """psych::omega: Schmid-Leiman of the oblimin minres solution; (omega_t, omega_h)."""
    r = np.asarray(r)
    if n_factors == 1:
        general = minres(r, 1).loadings_[:, 0]
        h2 = general ** 2
    else:
        # Rotate here: FactorAnalyzer sorts its loadings_ columns by variance but not phi_
        rotator = Rotator(method="oblimin")
        pattern = rotator.fit_transform(minres(r, n_factors).loadings_)
        g = minres(rotator.phi_, 1).loadings_[:, 0]       # the factors' loadings on g
        general = pattern @ g
        h2 = general ** 2 + ((pattern * np.sqrt(1 - g ** 2)) ** 2).sum(axis=1)
    vt = r.sum()
    return 1 - (1 - h2).sum() / vt, general.sum() ** 2 / vt


def parallel_analysis(r, n, iterations=20, seed=20260101):
    """Number of factors whose minres eigenvalue beats the simulated 95th percentile."""
    observed = minres(r, 1).get_eigenvalues()[1]
    rng = np.random.default_rng(seed)
    simulated = [minres(np.corrcoef(rng.standard_normal((n, r.shape[0])), rowvar=False), 1)
                 .get_eigenvalues()[1] for _ in range(iterations)]
    beaten = observed > np.quantile(simulated, 0.95, axis=0)
    return int(np.argmin(beaten)) if not beaten.all() else len(beaten)


def classical_mds(d, k=2):
    """cmdscale: double-centred squared distances, top-k eigenvectors."""
    n = d.shape[0]
    j = np.eye(n) - 1 / n
    b = -0.5 * j @ (d ** 2) @ j
    eig, vec = np.linalg.eigh(b)
    eig, vec = eig[::-1], vec[:, ::-1]
    return vec[:, :k] * np.sqrt(eig[:k]), eig


def relative_weights(r):
    """Johnson (2000) relative weights from the correlation matrix, outcome first."""
    rxx, rxy = r[1:, 1:], r[1:, 0]
    eig, vec = np.linalg.eigh(rxx)
    lam = vec @ np.diag(np.sqrt(eig)) @ vec.T
    beta = np.linalg.solve(lam, rxy)
    return lam ** 2 @ beta ** 2
