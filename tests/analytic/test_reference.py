"""Every row of ../shared/reference/{erlang_b,erlang_c,erlang_a,mmck_erlangx}.csv.

The tables hold published values (reproduced to their printed digits) and mpmath values
computed at 30-80 digits (the `source` column of each row says which). Units are
converted to seconds by taking 1 time unit of the row = 60 s (any scale works: the
models depend only on ratios). Relative tolerance 1e-10 throughout.
"""

from __future__ import annotations

import math

import pytest

from cxqueue import erlang_a, erlang_b, erlang_c, erlang_x
from tests.conftest import read_reference

RTOL = 1e-10
UNIT_S = 60.0


def close(got, want: str, rtol=RTOL):
    w = float(want)
    g = float(got)
    if w == 0.0:  # includes values that underflow float64 (e.g. 1e-618)
        return abs(g) <= 1e-300
    return abs(g - w) <= rtol * abs(w)


def ids(rows):
    return [r["case"] for r in rows]


B_ROWS = read_reference("erlang_b.csv")
C_ROWS = read_reference("erlang_c.csv")
A_ROWS = read_reference("erlang_a.csv")
X_ROWS = read_reference("mmck_erlangx.csv")


@pytest.mark.parametrize("row", B_ROWS, ids=ids(B_ROWS))
def test_erlang_b_row(row):
    A, N = float(row["A"]), float(row["N"])
    if "1200/36" in row["source"]:  # the row prints 33.3333333 for 1200 calls/h x 100 s
        A = 1200 / 36
    kind = row["kind"]
    if kind == "forward":
        assert close(erlang_b.blocking_probability(A, N), row["blocking"])
    elif kind == "inverse_A":
        # the load that N lines carry at the target; the table prints A to a fixed number
        # of decimals, so compare to half a unit of its last printed digit
        got = float(erlang_b.load_for_blocking(N, blocking=float(row["target"])))
        decimals = len(row["A"].split(".")[1]) if "." in row["A"] else 0
        assert abs(got - A) <= 0.5 * 10.0**-decimals + RTOL * A, (got, row["A"])
    elif kind == "min_N":
        n = int(erlang_b.lines_for_blocking(A, blocking=float(row["target"])))
        assert n == int(N)
        assert close(erlang_b.blocking_probability(A, n), row["blocking"])
        assert erlang_b.blocking_probability(A, n - 1) > float(row["target"])
    elif kind == "extended_min_N":
        # erlang.com: 5.5 E fresh, 50 % of blocked callers retry, 3 % target -> 11 lines
        n = int(erlang_b.lines_for_blocking(A, blocking=float(row["target"]), redial=0.5))
        assert n == int(N)
        r = erlang_b.extended_blocking(A, n - 1, redial=0.5)
        assert float(r.blocking) > float(row["target"])
        r = erlang_b.extended_blocking(A, n, redial=0.5)
        assert bool(r.converged)
        assert abs(float(r.blocking) - float(row["blocking"])) < 5e-9  # published to 9 digits
    else:  # pragma: no cover - a new kind in the table must be handled here
        pytest.fail(f"unknown kind {kind}")


@pytest.mark.parametrize("row", C_ROWS, ids=ids(C_ROWS))
def test_erlang_c_row(row):
    A, N = float(row["A"]), float(row["N"])
    aht_s = float(row["aht"]) * UNIT_S
    t_s = float(row["awt"]) * UNIT_S
    assert close(erlang_c.wait_probability(A, N), row["pw"])
    assert close(erlang_c.service_level(A, N, aht_s=aht_s, answer_within_s=t_s), row["sl"])
    assert close(erlang_c.average_speed_of_answer(A, N, aht_s=aht_s) / UNIT_S, row["asa"])
    assert close(erlang_c.occupancy(A, N), row["occ"])
    if row["case"].startswith("minN_"):
        # "minimum agents for X/Y (each checked that N-1 fails)"
        level = float(row["case"].split("_")[3].split("in")[0])
        n = int(erlang_c.agents_for_service_level(A, aht_s=aht_s, answer_within_s=t_s, level=level))
        assert n == int(N)


@pytest.mark.parametrize("row", A_ROWS, ids=ids(A_ROWS))
def test_erlang_a_row(row):
    lam, mu, theta, n, t = (float(row[k]) for k in ("lam", "mu", "theta", "n", "t"))
    aht_s = UNIT_S / mu
    m = erlang_a.metrics(lam / mu, n, aht_s=aht_s, mean_patience_s=UNIT_S / theta, answer_within_s=t * UNIT_S)
    got = {
        "pw": m.wait_probability,
        "pab": m.abandon_probability,
        "ew_all": m.mean_wait_s / UNIT_S,
        "asa_served": m.average_speed_of_answer_s / UNIT_S,
        "eq": m.mean_queue,
        "p_w_gt_t": m.wait_exceeds,
        "sl_offered": m.service_level_offered,
        "sl_answered": m.service_level_answered,
        "sl_virtual": m.service_level_virtual,
        "p_w_le_t": 1.0 - m.wait_exceeds,
        "occupancy": m.occupancy,
    }
    for key, value in got.items():
        if row[key] == "":  # not given for this row
            continue
        assert close(value, row[key]), (key, float(value), row[key])


@pytest.mark.parametrize("row", X_ROWS, ids=ids(X_ROWS))
def test_erlang_x_row(row):
    lam, mu, theta, c, K, t = (float(row[k]) for k in ("lam", "mu", "theta", "c", "K", "t"))
    aht_s = UNIT_S / mu
    patience_s = math.inf if theta == 0 else UNIT_S / theta
    m = erlang_x.metrics(lam / mu, c, K, aht_s=aht_s, mean_patience_s=patience_s, answer_within_s=t * UNIT_S)
    got = {
        "pblock": m.blocking,
        "pwait": m.wait_probability,
        "pab": m.abandon_probability,
        "pab_given_admitted": m.abandon_probability / (1.0 - m.blocking),
        "ew_admitted": m.mean_wait_s / UNIT_S,
        "eq": m.mean_queue,
        "p_w_gt_t": m.wait_exceeds,
        "sl_offered": m.service_level_offered,
        "sl_answered": m.service_level_answered,
        "sl_admitted": m.service_level_admitted,
        "occupancy": m.occupancy,
    }
    for key, value in got.items():
        assert close(value, row[key]), (key, float(value), row[key])


def test_tables_are_present():
    # under CI the tables must be there; elsewhere this documents how many rows ran
    assert len(B_ROWS) + len(C_ROWS) + len(A_ROWS) + len(X_ROWS) == 0 or (
        len(B_ROWS) >= 500 and len(C_ROWS) >= 60 and len(A_ROWS) >= 60 and len(X_ROWS) >= 50
    )
