#!/usr/bin/env python3
"""Reference numbers for the unit tests of src/research/stats.rs, computed outside the
crate: scipy and statsmodels for the textbook tests, and the log-odds z-scores of Monroe,
Colaresi & Quinn (2008, "Fightin' Words", section 3.5.1, eq. 16 and 19) written out again
from the paper. Run: python3 bench/compare_reference.py (pip install scipy statsmodels)."""
import math

from scipy.stats import chi2_contingency
from statsmodels.stats.multitest import multipletests
from statsmodels.stats.proportion import proportion_confint

# Chi-square test of independence on a groups x (with, without) table, no continuity
# correction, and Cramér's V = sqrt(chi2 / (N * (min(rows, cols) - 1))).
table = [[12, 88], [30, 70], [5, 45]]
chi2, p, df, _ = chi2_contingency(table, correction=False)
n = sum(map(sum, table))
print("chi2", repr(chi2), "p", repr(p), "df", df, "V", repr(math.sqrt(chi2 / n)))

# Wilson score intervals (95 %).
for count, nobs in [(12, 100), (30, 100), (0, 20), (20, 20), (1, 3)]:
    print("wilson", count, nobs, [repr(x) for x in proportion_confint(count, nobs, alpha=0.05, method="wilson")])

# Benjamini-Hochberg q-values.
ps = [0.01, 0.04, 0.03, 0.20, 0.005]
print("bh", [repr(q) for q in multipletests(ps, method="fdr_bh")[1]])

# Monroe et al.: group i against the rest j, prior alpha_w = counts of the whole report
# (alpha_0 = its total). delta = log-odds(i) - log-odds(j), var = 1/(y_i+a) + 1/(y_j+a).
group = {"a": 10, "b": 2, "c": 5}
rest = {"a": 3, "b": 12, "c": 5}
a = {w: group[w] + rest[w] for w in group}
a0 = sum(a.values())
ni, nj = sum(group.values()), sum(rest.values())
for w in group:
    yi, yj = group[w], rest[w]
    d = math.log((yi + a[w]) / (ni + a0 - yi - a[w])) - math.log((yj + a[w]) / (nj + a0 - yj - a[w]))
    var = 1 / (yi + a[w]) + 1 / (yj + a[w])
    print("monroe", w, repr(d), repr(d / math.sqrt(var)))

# The hand-made report of tests/compare.rs (groups x, y, z; frames a and b).
print("-- hand-made report")
ta = [[12, 88], [30, 70], [5, 45]]
tb = [[1, 99], [1, 99], [0, 50]]
pa = chi2_contingency(ta, correction=False)
pb = chi2_contingency(tb, correction=False)
print("frame a", repr(pa[0]), repr(pa[1]), repr(math.sqrt(pa[0] / 250)))
print("frame b", repr(pb[0]), repr(pb[1]), repr(math.sqrt(pb[0] / 250)))
print("q", [repr(q) for q in multipletests([pa[1], pb[1]], method="fdr_bh")[1]])
print("x share a", [repr(v) for v in proportion_confint(12, 100, alpha=0.05, method="wilson")])
print("x voice a authorial 9/12", [repr(v) for v in proportion_confint(9, 12, alpha=0.05, method="wilson")])
# Entries: x {alpha: 12, beta: 1}, rest (y + z) {alpha: 35, beta: 1}.
for w, yi, yj in [("alpha", 12, 35), ("beta", 1, 1)]:
    a, a0, ni, nj = yi + yj, 49, 13, 36
    d = math.log((yi + a) / (ni + a0 - yi - a)) - math.log((yj + a) / (nj + a0 - yj - a))
    print("x entry", w, repr(d), repr(d / math.sqrt(1 / (yi + a) + 1 / (yj + a))))
