"""The shipped profiles: readable without ../shared/data, and equal to a rebuild from the data."""

from __future__ import annotations

import csv
import re

import numpy as np
import pytest

from cxqueue.data import available_profiles, concat_histories, fit_history, load_profile, write_profile
from cxqueue.data.profiles import PROFILE_DIR
from cxqueue.exceptions import ConfigError


def _params(name):
    with (PROFILE_DIR / f"{name}-params.csv").open(newline="") as fh:
        return {r["key"]: r["value"] for r in csv.DictReader(fh)}


@pytest.mark.parametrize("name", ["bank-1999", "bank-1999-october"])
def test_load_shipped_profile(name):
    p = load_profile(name)
    params = _params(name)
    assert p.forecast.n_intervals == 672 and p.forecast.interval_s == 900.0 and p.forecast.start_s == 0.0
    assert p.handle.kind == params["handle_kind"] and p.handle.mean_s == float(params["handle_mean_s"])
    assert p.patience.kind == "exponential" and p.patience.mean_s == float(params["patience_mean_s"])
    assert sum(p.priority_shares) == pytest.approx(1.0, abs=1e-5)
    assert p.handle_fit is None and p.lines is None
    # the profile's own totals agree with its parameters: abandoned / offered over all days
    o = p.observed
    share = float(np.sum(o.abandoned * o.days) / np.sum(o.offered * o.days))
    assert share == pytest.approx(float(params["abandon_share"]), rel=1e-4)
    # small files (KBs, not the logs)
    assert (PROFILE_DIR / f"{name}.csv").stat().st_size < 80_000


def test_shipped_profiles_listed_and_documented():
    assert {"bank-1999", "bank-1999-october"} <= set(available_profiles())
    readme = (PROFILE_DIR / "README.md").read_text()
    for needle in ("Anonymous Bank", "Brown", "Technion", "bank-1999-october", "python -m cxqueue.data.profiles"):
        assert needle in readme


def test_shipped_profiles_equal_a_rebuild(bank_logs, tmp_path):
    # provenance: refitting January + February (and October) gives the shipped files byte for byte
    jan_feb = concat_histories([bank_logs["january"], bank_logs["february"]])
    for name, h in (("bank-1999", jan_feb), ("bank-1999-october", bank_logs["october"])):
        table, params = write_profile(fit_history(h), tmp_path, name)
        assert table.read_bytes() == (PROFILE_DIR / f"{name}.csv").read_bytes(), name
        assert params.read_bytes() == (PROFILE_DIR / f"{name}-params.csv").read_bytes(), name


def test_profile_round_trip(bank_logs, tmp_path):
    fit = fit_history(bank_logs["october"])
    write_profile(fit, tmp_path, "oct")
    back = load_profile("oct", directory=tmp_path)
    np.testing.assert_allclose(back.forecast.calls, fit.forecast.calls, rtol=1e-5)
    np.testing.assert_allclose(back.forecast.aht_s, fit.forecast.aht_s, rtol=1e-5)
    np.testing.assert_allclose(back.observed.agents, fit.observed.agents, rtol=1e-5)
    np.testing.assert_allclose(back.observed.staffed_agents, fit.observed.staffed_agents, rtol=1e-5)
    np.testing.assert_allclose(back.observed.service_level, fit.observed.service_level, rtol=1e-5)
    assert back.handle.cv == pytest.approx(fit.handle.cv, rel=1e-5)
    assert back.ivr.mean_s == pytest.approx(fit.ivr.mean_s, rel=1e-5)
    assert back.redial_after_abandoned == pytest.approx(fit.redial_after_abandoned, rel=1e-5)


def test_profile_errors(tmp_path, bank_logs):
    with pytest.raises(ConfigError, match=re.escape("name must be a profile in")):
        load_profile("bank-2042")
    with pytest.raises(ConfigError, match=re.escape("(available: none)")):
        load_profile("x", directory=tmp_path)
    with pytest.raises(ConfigError, match=re.escape("fit must be a HistoryFit (from fit_history); got dict")):
        write_profile({}, tmp_path, "x")
    by_date = fit_history(bank_logs["october"], by="date")
    msg = "fit must be estimated with by='weekday' to be written as a profile; got by='date'"
    with pytest.raises(ConfigError, match=re.escape(msg)):
        write_profile(by_date, tmp_path, "x")
