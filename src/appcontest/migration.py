"""A *model* of RedNote's US daily active users around TikTok's 19 January 2025 deadline.

Everything this module returns is model output or a fit of the model, never a measurement;
frames carry ``kind = "model"`` (or ``"model band"``) so a chart cannot pass them off as data.
The measured points it is fitted to come from ``data/migration_metrics.csv`` through
:func:`select_points`.

The model
---------
Time ``t`` is in days since ``start`` (US Eastern clock, naive timestamps); user counts are
in millions. Three stocks: ``A`` RedNote's active US users, ``I`` RedNote accounts gone
inactive, and ``S = N - A - I`` the part of TikTok's US user pool that has not joined::

    dA/dt = b + pi(t) S + beta A (S + I) / N - delta(t) A - r(t) max(A - a0, 0)
    dI/dt =               delta(t) A - beta A I / N + r(t) max(A - a0, 0)

- ``b = delta0 a0``: a small baseline inflow that would hold ``A`` at its starting level
  ``a0`` without word of mouth (RedNote's existing US users).
- ``pi(t) S``: the *push* from TikTok. ``pi = 0`` before the shock (the day the US surge
  began), ``push`` after it, ``push * outage_boost`` while TikTok is dark and
  ``push * push_after`` once it is back. This is the "push" of the push-pull-mooring
  account of switching (Bansal, Taylor and St. James 2005; applied to social networking
  sites by Chang, Liu and Chen 2014), reduced to one rate.
- ``beta A (S + I) / N``: word of mouth. Active users draw in pool members and re-activate
  lapsed accounts at a rate proportional to ``A``: the interaction term of Ribeiro's (2014)
  reaction-decay model of membership websites, and the contagion of the irSIR model
  (Cannarella and Spechler 2014; analysed by Cooney, Prieto-Castrillo and Bar-Yam 2016).
  One rate serves both flows (an assumption; the data cannot tell them apart).
- ``delta(t) A``: active users lapse (Ribeiro's decay to inactivity), at ``decay`` per day,
  lowered by the fraction ``translation_effect`` once in-app translation is available
  (a stated assumption that translation made newcomers stay).
- ``r(t) max(A - a0, 0)`` (folded into the lapse flow to ``I``): once TikTok is back,
  users above the pre-crisis level ``a0`` (a crude stand-in for the newcomers) go home at
  ``return_rate`` per day; off by default. Without it the model cannot fall
  after TikTok's return whenever the fit has word of mouth outpacing decay
  (``wom > decay``, Ribeiro's self-sustaining case), which the pre-surge growth implies.

The ``I`` and ``S`` stocks are not measured; only ``A`` is compared with data. A measured
daily-active-user figure for a calendar day is compared with the mean of ``A`` over that
day. Empirical studies of other migrations (Twitter to Mastodon, He et al. 2023; academics
from X to Bluesky, Quelle et al. 2025) find social-network effects dominate who moves,
which is why word of mouth is in the model at all; they supply no parameter values here.

Free and fixed parameters
-------------------------
Six parameters may be fitted (:data:`FREEABLE`), at most five at once; by default three are
(:data:`DEFAULT_FREE`: ``a0``, ``wom``, ``push``), because the points before the outage
cannot inform the others (:func:`identifiable` says which). The rest are fixed at stated
defaults (:class:`Params`); :func:`bootstrap` can draw them from ranges instead.

Fitting
-------
Least squares on log10 values (a tenfold surge and a 50 % fall weigh alike), solved by a
small Levenberg-Marquardt method (Marquardt 1963) with a forward-difference Jacobian,
bounds by a logistic reparametrisation, batched so that many fits (bootstrap replicates,
profile points, several starts) run together. Only numpy and pandas are used.
:func:`identifiable` applies the profile-likelihood reading of Raue et al. (2009).

References (keys in ``references.bib``): ``ribeiro2014membership``, ``cannarella2014irsir``,
``cooney2016irsir``, ``bansal2005migrating``, ``chang2014pushpullmooring``,
``he2023flocking``, ``quelle2025academics``, ``marquardt1963algorithm``,
``raue2009identifiability``.
"""

from __future__ import annotations

import dataclasses
import itertools
from dataclasses import dataclass, field

import numpy as np
import pandas as pd

from .select import EmptySelection

MODEL_KIND = "model"
BAND_KIND = "model band"

DEFAULT_START = pd.Timestamp("2025-01-01")
DEFAULT_END = pd.Timestamp("2025-02-28")
# Sub-daily step (days). It must be 1/n so that day boundaries fall on the time grid.
DEFAULT_STEP = 1 / 24
# Assumed measurement error of a Similarweb daily estimate, in log10 units (0.1 = a factor
# of about 1.26). An assumption, not a published error; it scales the bootstrap noise and
# turns profile losses into chi-square units.
SIGMA_LOG10 = 0.1
# 95 % point of chi-square with one degree of freedom: the profile-likelihood threshold.
CHI2_95 = 3.84
MAX_GRID_ROWS = 5000


# --- events -------------------------------------------------------------------------


@dataclass(frozen=True)
class Events:
    """Dated events the model switches on (US Eastern time, naive timestamps).

    The lead passes these from a dataset; the defaults are documented assumptions:

    - ``shock``: 2025-01-13 00:00, the Monday Similarweb put RedNote's US daily users at
      about 3.4 million, up nearly 3 million in a day.
    - ``outage_start``: 2025-01-18 22:30, when TikTok went dark in the US.
    - ``outage_end``: 2025-01-19 12:30, restoration about 14 hours later.
    - ``translation``: 2025-01-20 00:00, around when RedNote's in-app translation arrived.
    """

    shock: pd.Timestamp = pd.Timestamp("2025-01-13 00:00")
    outage_start: pd.Timestamp = pd.Timestamp("2025-01-18 22:30")
    outage_end: pd.Timestamp = pd.Timestamp("2025-01-19 12:30")
    translation: pd.Timestamp = pd.Timestamp("2025-01-20 00:00")

    def __post_init__(self) -> None:
        for f in dataclasses.fields(self):
            try:
                value = pd.Timestamp(getattr(self, f.name))
            except (TypeError, ValueError) as exc:
                raise ValueError(f"{f.name}={getattr(self, f.name)!r} is not a date-time") from exc
            if value.tzinfo is not None:
                raise ValueError(f"{f.name}={value} must be a naive US Eastern time, without a time zone")
            object.__setattr__(self, f.name, value)
        if self.outage_end < self.outage_start:
            raise ValueError(f"outage_end={self.outage_end} is before outage_start={self.outage_start}")

    @property
    def outage_days(self) -> float:
        return (self.outage_end - self.outage_start) / pd.Timedelta(days=1)

    def days_since(self, start) -> dict[str, float]:
        start = pd.Timestamp(start)
        return {f.name: (getattr(self, f.name) - start) / pd.Timedelta(days=1) for f in dataclasses.fields(self)}


# --- parameters -----------------------------------------------------------------------

# name: (low, high, scale, unit, meaning). The ranges bound the fit and every validation.
RANGES: dict[str, tuple[float, float, str, str, str]] = {
    "a0": (0.01, 5.0, "log", "million users", "RedNote's US active users at the start"),
    "wom": (0.001, 3.0, "log", "per day", "word-of-mouth rate (beta)"),
    "push": (1e-5, 0.5, "log", "per day", "share of TikTok's pool pushed to RedNote per day after the shock"),
    "decay": (0.01, 3.0, "log", "per day", "rate at which active users lapse (delta0)"),
    "outage_boost": (1.0, 20.0, "log", "times", "multiplier on the push while TikTok is dark"),
    "pool": (10.0, 400.0, "log", "million users", "TikTok's US user pool (N)"),
    "translation_effect": (0.0, 0.9, "linear", "share", "fall in the lapse rate once translation is available"),
    "push_after": (0.0, 1.0, "linear", "share", "share of the push left once TikTok is restored"),
    "return_rate": (0.0, 3.0, "linear", "per day", "extra lapse rate once TikTok is restored (users going back)"),
}
FREEABLE = ("a0", "wom", "push", "decay", "outage_boost", "return_rate")
MAX_FREE = 5
DEFAULT_FREE = ("a0", "wom", "push")


@dataclass(frozen=True)
class Params:
    """Model parameters, with units and the reason for each default.

    - ``a0`` (million users, 0.01-5): active users on the start day; default 0.3, the size
      of Similarweb's figure for the week before the surge.
    - ``wom`` (per day, 0.001-3): word-of-mouth rate; default 0.3 (fitted by default).
    - ``push`` (per day, 1e-5-0.5): share of the remaining TikTok pool moving per day once
      the shock starts; default 0.01 (fitted by default).
    - ``decay`` (per day, 0.01-3): lapse rate of active users; default 0.2, an average
      active spell of five days. Fixed by default: the points before the outage cannot pin it.
    - ``outage_boost`` (times, 1-20): how much stronger the push is while TikTok is dark;
      default 2, a placeholder. Fixed by default: no point before the cutoff falls in the outage.
    - ``pool`` (million users, 10-400): TikTok's US users, default 170, the company's claim.
    - ``translation_effect`` (share, 0-0.9): fall in the lapse rate after translation;
      default 0.25, an assumption.
    - ``push_after`` (share, 0-1): push left once TikTok is back; default 0 (the push ends).
    - ``return_rate`` (per day, 0-3): extra lapse rate once TikTok is back, for newcomers
      going home (the "mooring" of push-pull-mooring: ties and content left on TikTok);
      default 0, i.e. the mechanism is off in the model as first specified.

    The fixed defaults were set before the held-out points were compared, and not tuned to them.
    """

    a0: float = 0.3
    wom: float = 0.3
    push: float = 0.01
    decay: float = 0.2
    outage_boost: float = 2.0
    pool: float = 170.0
    translation_effect: float = 0.25
    push_after: float = 0.0
    return_rate: float = 0.0

    def __post_init__(self) -> None:
        for name in RANGES:
            check_range(name, getattr(self, name))

    def replace(self, **changes) -> Params:
        unknown = set(changes) - set(RANGES)
        if unknown:
            names = ", ".join(sorted(unknown))
            raise ValueError(f"unknown parameter(s) {names}; the parameters are {', '.join(RANGES)}")
        return dataclasses.replace(self, **changes)

    def as_dict(self) -> dict[str, float]:
        return dataclasses.asdict(self)


def check_range(name: str, value) -> float:
    """``value`` as a float, or a ValueError naming the parameter and its allowed range."""
    if name not in RANGES:
        raise ValueError(f"unknown parameter {name!r}; the parameters are {', '.join(RANGES)}")
    low, high, _, unit, _ = RANGES[name]
    try:
        number = float(value)
    except (TypeError, ValueError) as exc:
        raise ValueError(f"{name}={value!r} is not a number") from exc
    if not (low <= number <= high):
        raise ValueError(f"{name}={value!r} is outside its range {low:g} to {high:g} ({unit})")
    return number


def describe_parameters(free=DEFAULT_FREE, params: Params | None = None) -> pd.DataFrame:
    """One row per parameter: value, unit, range, meaning and whether it is fitted."""
    params = params or Params()
    rows = []
    for name, (low, high, scale, unit, meaning) in RANGES.items():
        rows.append(
            {
                "parameter": name,
                "value": getattr(params, name),
                "unit": unit,
                "low": low,
                "high": high,
                "scale": scale,
                "role": "fitted" if name in free else "fixed (assumption)",
                "meaning": meaning,
            }
        )
    return pd.DataFrame(rows)


# --- the integrator -----------------------------------------------------------------


def _steps_per_day(step: float) -> int:
    n = round(1 / step)
    if n < 1 or abs(n * step - 1) > 1e-9:
        raise ValueError(f"step={step!r} must be 1/n of a day for a whole number n (e.g. 1/24)")
    return n


def _time_grid(days: float, step: float, event_days: np.ndarray) -> np.ndarray:
    """A regular grid with whole days on it, plus every event time, so no step straddles an event."""
    n = _steps_per_day(step)
    base = np.arange(0, int(np.ceil(days * n - 1e-9)) + 1) / n
    extra = event_days[(event_days > 0) & (event_days < base[-1])]
    extra = extra[np.min(np.abs(extra[:, None] - base[None, :]), axis=1) > 1e-9] if extra.size else extra
    return np.union1d(base, extra)


def _integrate(p: dict[str, np.ndarray], ev: dict[str, np.ndarray], days: float, step: float):
    """Runge-Kutta 4 for a batch of parameter sets (arrays of shape (m,)).

    Event switches are constant within each step (steps are split at event times), so the
    forcing is evaluated once per step at its midpoint. Returns times (T,), A and I (m, T).
    """
    times = _time_grid(days, step, np.concatenate([np.ravel(v) for v in ev.values()]))
    m = len(p["a0"])
    A = np.empty((m, len(times)))
    Inactive = np.empty((m, len(times)))
    a, i = p["a0"].astype(float).copy(), np.zeros(m)
    A[:, 0], Inactive[:, 0] = a, i
    pool, decay0 = p["pool"], p["decay"]
    rate = p["wom"] / pool
    baseline = decay0 * p["a0"]
    # The switches for every step at once (rows: steps), evaluated at each step's midpoint.
    widths = np.diff(times)
    mid = (times[:-1] + widths / 2)[:, None]
    on = mid >= ev["shock"]
    dark = (mid >= ev["outage_start"]) & (mid < ev["outage_end"])
    back = mid >= ev["outage_end"]
    multiplier = np.where(dark, p["outage_boost"], np.where(on, np.where(back, p["push_after"], 1.0), 0.0))
    pushes = p["push"] * multiplier
    decays = decay0 * np.where(mid >= ev["translation"], 1 - p["translation_effect"], 1.0)
    returns = p["return_rate"] * (back & on)
    a_start = p["a0"]

    for k, h in enumerate(widths):
        push, decay, back_home = pushes[k], decays[k], returns[k]

        def rhs(a, i, push=push, decay=decay, back_home=back_home):
            s = np.maximum(pool - a - i, 0.0)
            pull = rate * a
            lapse = decay * a + back_home * np.maximum(a - a_start, 0.0)
            return baseline + push * s + pull * (s + i) - lapse, lapse - pull * i

        k1a, k1i = rhs(a, i)
        k2a, k2i = rhs(a + h / 2 * k1a, i + h / 2 * k1i)
        k3a, k3i = rhs(a + h / 2 * k2a, i + h / 2 * k2i)
        k4a, k4i = rhs(a + h * k3a, i + h * k3i)
        a = np.maximum(a + h / 6 * (k1a + 2 * k2a + 2 * k3a + k4a), 0.0)
        i = np.maximum(i + h / 6 * (k1i + 2 * k2i + 2 * k3i + k4i), 0.0)
        A[:, k + 1], Inactive[:, k + 1] = a, i
    return times, A, Inactive


def _daily_means(times: np.ndarray, values: np.ndarray, days: np.ndarray) -> np.ndarray:
    """Mean of ``values`` over each whole day ``[d, d+1)`` (trapezoid rule on the grid)."""
    widths = np.diff(times)
    cumulative = np.concatenate(
        [np.zeros((values.shape[0], 1)), np.cumsum((values[:, 1:] + values[:, :-1]) / 2 * widths, axis=1)], axis=1
    )
    lo = np.searchsorted(times, days - 1e-9)
    hi = np.searchsorted(times, days + 1 - 1e-9)
    return cumulative[:, hi] - cumulative[:, lo]


def _batch(params: Params, n: int, overrides: dict[str, np.ndarray] | None = None) -> dict[str, np.ndarray]:
    p = {name: np.full(n, float(value)) for name, value in params.as_dict().items()}
    for name, values in (overrides or {}).items():
        p[name] = np.broadcast_to(np.asarray(values, dtype=float), (n,)).copy()
    return p


def _event_batch(events: Events, start, n: int, outage_days=None) -> dict[str, np.ndarray]:
    ev = {name: np.full(n, value) for name, value in events.days_since(start).items()}
    if outage_days is not None:
        ev["outage_end"] = ev["outage_start"] + np.broadcast_to(np.asarray(outage_days, dtype=float), (n,))
    return ev


def _span(start, end) -> tuple[pd.Timestamp, pd.Timestamp, int]:
    start, end = pd.Timestamp(start).normalize(), pd.Timestamp(end).normalize()
    if end < start:
        raise ValueError(f"end={end.date()} is before start={start.date()}")
    return start, end, int((end - start).days) + 1


# --- simulate ---------------------------------------------------------------------------


def simulate(
    params: Params | None = None,
    start=DEFAULT_START,
    end=DEFAULT_END,
    events: Events | None = None,
    step: float = DEFAULT_STEP,
    daily: bool = False,
) -> pd.DataFrame:
    """The model's path from ``start`` to the end of day ``end``, labelled ``kind = "model"``.

    ``daily=False``: one row per step (``time``, ``active_users_m``, ``inactive_users_m``,
    ``tiktok_pool_m``, ``tiktok_dark``). ``daily=True``: one row per day with the day's mean
    of ``active_users_m``, the quantity a measured daily-active-user figure is compared with.
    """
    params, events = params or Params(), events or Events()
    start, end, ndays = _span(start, end)
    times, A, Inactive = _integrate(_batch(params, 1), _event_batch(events, start, 1), ndays, step)
    if daily:
        means = _daily_means(times, A, np.arange(ndays))[0]
        frame = pd.DataFrame({"date": start + pd.to_timedelta(np.arange(ndays), unit="D"), "active_users_m": means})
    else:
        stamps = (start + pd.to_timedelta(times, unit="D")).round("s")
        frame = pd.DataFrame(
            {
                "time": stamps,
                "active_users_m": A[0],
                "inactive_users_m": Inactive[0],
                "tiktok_pool_m": np.maximum(params.pool - A[0] - Inactive[0], 0.0),
                "tiktok_dark": (stamps >= events.outage_start) & (stamps < events.outage_end),
            }
        )
    frame["kind"] = MODEL_KIND
    frame.attrs["label"] = "Model of RedNote's US daily active users (not a measurement)"
    return frame


# --- selecting the measured points ------------------------------------------------------

POINT_COLUMNS = ("id", "date", "value_m", "bound", "definition", "measured_by", "metric", "source_keys")


def select_points(
    metrics: pd.DataFrame,
    *,
    platform: str = "RedNote",
    metric: str = "daily_active_users",
    geography: str = "United States",
    measured_by: str = "Similarweb",
    family: str | None = None,
    upper_bounds=(),
) -> pd.DataFrame:
    """The measured points the model is fitted to: one platform, metric, place and measurer.

    One metric code and one measurer keep one definition family: a Similarweb daily-active
    estimate is never mixed with a company's monthly figure or another firm's panel.
    ``family``, if given, further keeps only definitions containing that text. Only
    day-precision rows are kept (the model compares daily values). ``upper_bounds`` names
    rows whose value is a ceiling ("fewer than ..."): the fit penalises the model only above
    them. Raises :class:`~appcontest.select.EmptySelection` if nothing is left, and
    ValueError if the selection still mixes units or measurer kinds, or has two values for a day.
    """
    needed = {"id", "platform", "metric", "definition", "value", "unit", "geography", "as_of"}
    needed |= {"as_of_precision", "measured_by", "measurer_kind", "source_keys"}
    missing = needed - set(metrics.columns)
    if missing:
        raise ValueError(f"metrics table lacks column(s): {', '.join(sorted(missing))}")
    keep = (
        (metrics["platform"] == platform)
        & (metrics["metric"] == metric)
        & (metrics["geography"] == geography)
        & (metrics["measured_by"] == measured_by)
        & (metrics["as_of_precision"] == "day")
    )
    if family is not None:
        keep &= metrics["definition"].str.contains(family, case=False, regex=False)
    chosen = metrics[keep].copy()
    if chosen.empty:
        raise EmptySelection(
            f"no day-precision rows for platform={platform!r}, metric={metric!r}, geography={geography!r}, "
            f"measured_by={measured_by!r}, family={family!r}; nothing to fit the model to"
        )
    for column in ("unit", "measurer_kind"):
        if chosen[column].nunique() > 1:
            raise ValueError(f"the selection mixes {column} values {sorted(chosen[column].unique())}; narrow it")
    dates = pd.to_datetime(chosen["as_of"]).dt.normalize()
    doubled = chosen[dates.duplicated(keep=False)]
    if len(doubled):
        raise ValueError(
            f"rows {', '.join(doubled['id'])} give two values for one day; pass family= to keep one definition"
        )
    bounds = set(upper_bounds)
    unknown = bounds - set(chosen["id"])
    if unknown:
        raise ValueError(f"upper_bounds names row(s) {', '.join(sorted(unknown))} that are not in the selection")
    scale = 1e6 if chosen["unit"].iloc[0] == "users" else 1.0
    points = pd.DataFrame(
        {
            "id": chosen["id"].to_numpy(),
            "date": dates.to_numpy(),
            "value_m": chosen["value"].astype(float).to_numpy() / scale,
            "bound": ["upper" if i in bounds else "" for i in chosen["id"]],
            "definition": chosen["definition"].to_numpy(),
            "measured_by": chosen["measured_by"].to_numpy(),
            "metric": chosen["metric"].to_numpy(),
            "source_keys": chosen["source_keys"].to_numpy(),
        }
    )
    return points.sort_values(["date", "id"]).reset_index(drop=True)


def _check_points(points: pd.DataFrame) -> pd.DataFrame:
    missing = {"id", "date", "value_m"} - set(points.columns)
    if missing:
        raise ValueError(f"points lack column(s): {', '.join(sorted(missing))} (use select_points)")
    points = points.copy()
    if "bound" not in points:
        points["bound"] = ""
    points["date"] = pd.to_datetime(points["date"]).dt.normalize()
    if (points["value_m"] <= 0).any():
        raise ValueError("points must be positive: the fit is on log values")
    return points.sort_values(["date", "id"]).reset_index(drop=True)


def split_at(points: pd.DataFrame, cutoff) -> tuple[pd.DataFrame, pd.DataFrame]:
    """Points whose day starts on or before ``cutoff``, and the rest (held out).

    A daily point for the day that contains the cutoff is used, though its day runs past
    the cutoff (a point for 18 January includes the first 90 minutes of TikTok's outage).
    """
    points = _check_points(points)
    before = points["date"] <= pd.Timestamp(cutoff)
    return points[before].reset_index(drop=True), points[~before].reset_index(drop=True)


# --- the least-squares problem ------------------------------------------------------------


def _to_unit(name: str, value: np.ndarray) -> np.ndarray:
    low, high, scale, *_ = RANGES[name]
    g = np.log if scale == "log" else (lambda x: x)
    share = (g(np.asarray(value, dtype=float)) - g(low)) / (g(high) - g(low))
    share = np.clip(share, 1e-6, 1 - 1e-6)
    return np.log(share / (1 - share))


def _from_unit(name: str, u: np.ndarray) -> np.ndarray:
    low, high, scale, *_ = RANGES[name]
    share = 1 / (1 + np.exp(-np.clip(u, -30, 30)))
    if scale == "log":
        return np.exp(np.log(low) + share * (np.log(high) - np.log(low)))
    return low + share * (high - low)


@dataclass
class _Problem:
    """Residuals of log10(model) against log10(points) for batches of parameter sets."""

    points: pd.DataFrame
    base: Params
    free: tuple[str, ...]
    events: Events
    start: pd.Timestamp
    step: float

    def __post_init__(self) -> None:
        self.days = ((self.points["date"] - self.start) / pd.Timedelta(days=1)).to_numpy()
        if (self.days < 0).any():
            raise ValueError(f"a point is dated before start={self.start.date()}; move start earlier")
        self.log_observed = np.log10(self.points["value_m"].to_numpy(dtype=float))
        self.upper = (self.points["bound"] == "upper").to_numpy()

    def model(self, values: dict[str, np.ndarray], n: int) -> np.ndarray:
        p = _batch(self.base, n, values)
        times, A, _ = _integrate(p, _event_batch(self.events, self.start, n), self.days.max() + 1, self.step)
        return _daily_means(times, A, self.days)

    def residuals(self, U: np.ndarray, fixed: dict[str, np.ndarray] | None = None) -> np.ndarray:
        n = U.shape[0]
        values = {name: _from_unit(name, U[:, j]) for j, name in enumerate(self.free)}
        values.update(fixed or {})
        r = np.log10(np.maximum(self.model(values, n), 1e-12)) - self.log_observed
        return np.where(self.upper, np.maximum(r, 0.0), r)


def _levenberg_marquardt(residuals, U0: np.ndarray, max_iter: int = 100, h: float = 1e-6):
    """Minimise sum(residuals(U)**2) for each row of ``U0`` at once.

    Marquardt's damped Gauss-Newton step (JᵀJ + λ·diag(JᵀJ)) δ = -Jᵀr per row, with a
    forward-difference Jacobian; λ falls after an accepted step and rises after a rejected
    one. Returns (U, residuals, loss, iterations, converged).
    """
    U = np.array(U0, dtype=float)
    m, k = U.shape
    r = residuals(U)
    loss = (r**2).sum(axis=1)
    if k == 0:
        return U, r, loss, 0, np.ones(m, bool)
    lam = np.full(m, 1e-3)
    done = np.zeros(m, bool)
    iteration = 0
    for iteration in range(1, max_iter + 1):  # noqa: B007 - the count is returned
        shifted = np.repeat(U, k, axis=0) + h * np.tile(np.eye(k), (m, 1))
        J = (residuals(shifted).reshape(m, k, -1) - r[:, None, :]) / h  # (m, k, n)
        JTJ = np.einsum("mkn,mln->mkl", J, J)
        g = np.einsum("mkn,mn->mk", J, r)
        diag = np.einsum("mkk->mk", JTJ)
        done |= (np.abs(g).max(axis=1) < 1e-10) | (loss < 1e-20)
        if done.all():
            break
        ridge = lam[:, None] * (diag + 1e-9 * (1 + diag.max(axis=1, keepdims=True)))
        system = JTJ + np.einsum("mk,kl->mkl", ridge, np.eye(k))
        delta = -np.linalg.solve(system, g[:, :, None])[:, :, 0]
        trial = np.clip(U + delta, -30, 30)
        r_trial = residuals(trial)
        loss_trial = (r_trial**2).sum(axis=1)
        better = (loss_trial < loss) & ~done
        small = better & (loss - loss_trial <= 1e-12 * (1 + loss))
        U[better], r[better], loss[better] = trial[better], r_trial[better], loss_trial[better]
        lam = np.clip(np.where(better, lam / 3, lam * 4), 1e-12, 1e12)
        done |= small | (lam >= 1e12)
        if done.all():
            break
    return U, r, loss, iteration, done


def _starts(free: tuple[str, ...], base: Params, n_starts: int, seed: int = 0) -> np.ndarray:
    """The defaults, then points spread over the allowed ranges (fixed seed: same starts every run)."""
    first = np.array([[_to_unit(name, getattr(base, name)) for name in free]])
    rng = np.random.default_rng(seed)
    rest = rng.uniform(-2.5, 2.5, size=(max(n_starts - 1, 0), len(free)))
    return np.vstack([first, rest]) if len(free) else np.zeros((1, 0))


# --- fit ------------------------------------------------------------------------------------


@dataclass(frozen=True)
class FitResult:
    """A fit of the model: parameters, residuals and what they rest on."""

    params: Params
    free: tuple[str, ...]
    cutoff: pd.Timestamp
    events: Events
    start: pd.Timestamp
    step: float
    sigma_log10: float
    residuals: pd.DataFrame  # one row per point used
    held_out_ids: tuple[str, ...]
    loss: float
    converged: bool
    iterations: int
    base: Params = field(repr=False, default_factory=Params)

    @property
    def summary(self) -> dict:
        """Counts and errors of the fit (in log10 units), for the prose and the tests."""
        n, k = len(self.residuals), len(self.free)
        r = self.residuals["log10_residual"].to_numpy()
        return {
            "kind": "model fit",
            "n_points": n,
            "n_free": k,
            "dof": n - k,
            "loss": self.loss,
            "rms_log10": float(np.sqrt(np.mean(r**2))) if n else float("nan"),
            "max_abs_log10": float(np.max(np.abs(r))) if n else float("nan"),
            "converged": self.converged,
            "cutoff": self.cutoff,
            "points_used": tuple(self.residuals["id"]),
            "held_out": self.held_out_ids,
            **{name: getattr(self.params, name) for name in self.free},
        }


def _check_free(free) -> tuple[str, ...]:
    free = tuple(free)
    bad = [name for name in free if name not in FREEABLE]
    if bad:
        raise ValueError(f"free parameter(s) {', '.join(bad)} not allowed; choose among {', '.join(FREEABLE)}")
    if len(set(free)) != len(free):
        raise ValueError(f"free lists a parameter twice: {free}")
    if len(free) > MAX_FREE:
        raise ValueError(f"free lists {len(free)} parameters; fit at most {MAX_FREE} at once")
    return free


def fit(
    points: pd.DataFrame,
    cutoff,
    *,
    free=DEFAULT_FREE,
    base: Params | None = None,
    events: Events | None = None,
    start=DEFAULT_START,
    step: float = DEFAULT_STEP,
    sigma_log10: float = SIGMA_LOG10,
    n_starts: int = 4,
) -> FitResult:
    """Fit the ``free`` parameters to the points on or before ``cutoff``, on the log10 scale.

    Later points are not read at all (only their ids are kept, as ``held_out_ids``), so a
    held-out check with :func:`holdout_error` is out of sample. Several starts (the defaults
    and fixed spread-out points) guard against a local minimum; the best is kept.
    """
    base, events, free = base or Params(), events or Events(), _check_free(free)
    used, later = split_at(points, cutoff)
    if used.empty:
        raise EmptySelection(f"no point on or before cutoff={pd.Timestamp(cutoff)}; nothing to fit")
    problem = _Problem(used, base, free, events, pd.Timestamp(start).normalize(), step)
    U, r, loss, iterations, done = _levenberg_marquardt(problem.residuals, _starts(free, base, n_starts))
    best = int(np.argmin(loss))
    params = base.replace(**{name: float(_from_unit(name, U[best, j])) for j, name in enumerate(free)})
    model = problem.model({name: np.array([getattr(params, name)]) for name in free}, 1)[0]
    residuals = used[["id", "date", "bound"]].copy()
    residuals["observed_m"] = used["value_m"].to_numpy()
    residuals["model_m"] = model
    residuals["log10_residual"] = r[best]
    residuals["kind"] = MODEL_KIND
    return FitResult(
        params=params,
        free=free,
        cutoff=pd.Timestamp(cutoff),
        events=events,
        start=problem.start,
        step=step,
        sigma_log10=float(sigma_log10),
        residuals=residuals,
        held_out_ids=tuple(later["id"]),
        loss=float(loss[best]),
        converged=bool(done[best]),
        iterations=int(iterations),
        base=base,
    )


# --- bootstrap ----------------------------------------------------------------------------


@dataclass(frozen=True)
class BootstrapResult:
    fit: FitResult
    replicates: pd.DataFrame  # one row per replicate: every parameter and its loss
    intervals: pd.DataFrame  # parameter, estimate, low, high, level, role
    band: pd.DataFrame  # date, model_low, model_median, model_high, model_central, kind


def _draw(name: str, low: float, high: float, n: int, rng) -> np.ndarray:
    check_range(name, low), check_range(name, high)
    if RANGES[name][2] == "log" and low > 0:
        return np.exp(rng.uniform(np.log(low), np.log(high), n))
    return rng.uniform(low, high, n)


def bootstrap(
    points: pd.DataFrame,
    cutoff,
    n: int = 200,
    seed: int = 0,
    *,
    free=DEFAULT_FREE,
    base: Params | None = None,
    events: Events | None = None,
    start=DEFAULT_START,
    end=DEFAULT_END,
    step: float = DEFAULT_STEP,
    sigma_log10: float = SIGMA_LOG10,
    vary: dict | None = None,
    level: float = 0.9,
) -> BootstrapResult:
    """Parameter intervals and a model band from a parametric bootstrap (same seed, same result).

    Each replicate adds Gaussian noise on the log10 scale to the fitted model at the points
    used (standard deviation the larger of ``sigma_log10`` and the fit's residual error, when
    there are spare degrees of freedom) and refits. ``vary`` = {name: (low, high)} draws
    fixed parameters the data cannot inform (e.g. ``decay``, ``outage_boost``) per replicate,
    so the band also carries that ignorance instead of hiding it. The band gives quantiles
    of the daily model values over time.
    """
    if not (0 < level < 1):
        raise ValueError(f"level={level!r} must be between 0 and 1")
    if n < 2:
        raise ValueError(f"n={n!r} must be at least 2")
    central = fit(points, cutoff, free=free, base=base, events=events, start=start, step=step, sigma_log10=sigma_log10)
    base, events, free = central.base, central.events, central.free
    vary = dict(vary or {})
    clash = set(vary) & set(free)
    if clash:
        raise ValueError(f"vary names fitted parameter(s) {', '.join(sorted(clash))}; vary only fixed ones")
    rng = np.random.default_rng(seed)
    drawn = {name: _draw(name, *bounds, n, rng) for name, bounds in sorted(vary.items())}
    used = split_at(points, cutoff)[0]
    dof = len(used) - len(free)
    sigma = max(sigma_log10, float(np.sqrt(central.loss / dof)) if dof > 0 else 0.0)
    noise = rng.normal(0.0, sigma, size=(n, len(used)))
    truth = np.log10(central.residuals["model_m"].to_numpy())
    observed = np.log10(used["value_m"].to_numpy(dtype=float))
    upper = (used["bound"] == "upper").to_numpy() if "bound" in used else np.zeros(len(used), bool)
    synthetic = np.where(upper, observed, truth) + noise  # (n, points)

    problem = _Problem(used, central.params, free, events, central.start, step)

    def residuals(U, rows=None):
        rows = np.arange(n) if rows is None else rows
        fixed = {name: values[rows] for name, values in drawn.items()}
        model = np.log10(np.maximum(problem.model(_values(U, free) | fixed, U.shape[0]), 1e-12))
        r = model - synthetic[rows]
        return np.where(problem.upper, np.maximum(r, 0.0), r)

    def batched(U):
        # The Jacobian call stacks k shifted copies of each row; map them to their replicate.
        rows = np.repeat(np.arange(n), U.shape[0] // n) if U.shape[0] != n else None
        return residuals(U, rows)

    U0 = np.tile([_to_unit(name, getattr(central.params, name)) for name in free], (n, 1))
    U, _, loss, _, _ = _levenberg_marquardt(batched, U0.reshape(n, len(free)))
    table = pd.DataFrame({name: np.full(n, getattr(central.params, name)) for name in RANGES})
    for j, name in enumerate(free):
        table[name] = _from_unit(name, U[:, j])
    for name, values in drawn.items():
        table[name] = values
    table["loss"] = loss
    table.insert(0, "replicate", np.arange(n))

    tail = (1 - level) / 2
    intervals = pd.DataFrame(
        [
            {
                "parameter": name,
                "estimate": getattr(central.params, name),
                "low": float(np.quantile(table[name], tail)),
                "high": float(np.quantile(table[name], 1 - tail)),
                "level": level,
                "role": "fitted" if name in free else "drawn from the stated range",
            }
            for name in list(free) + sorted(drawn)
        ]
    )
    band = _band(table, central, end, tail)
    return BootstrapResult(fit=central, replicates=table, intervals=intervals, band=band)


def _values(U: np.ndarray, free) -> dict[str, np.ndarray]:
    return {name: _from_unit(name, U[:, j]) for j, name in enumerate(free)}


def _band(table: pd.DataFrame, central: FitResult, end, tail: float) -> pd.DataFrame:
    start, end, ndays = _span(central.start, end)
    m = len(table)
    p = {name: table[name].to_numpy(dtype=float) for name in RANGES}
    times, A, _ = _integrate(p, _event_batch(central.events, start, m), ndays, central.step)
    daily = _daily_means(times, A, np.arange(ndays))
    mid = simulate(central.params, start, end, central.events, central.step, daily=True)
    return pd.DataFrame(
        {
            "date": start + pd.to_timedelta(np.arange(ndays), unit="D"),
            "model_low": np.quantile(daily, tail, axis=0),
            "model_median": np.quantile(daily, 0.5, axis=0),
            "model_high": np.quantile(daily, 1 - tail, axis=0),
            "model_central": mid["active_users_m"].to_numpy(),
            "kind": BAND_KIND,
        }
    )


# --- profiles and identifiability ------------------------------------------------------------


def default_profile_grid(name: str, size: int = 13) -> np.ndarray:
    """``size`` values spanning the parameter's whole allowed range (log-spaced where its scale is log)."""
    low, high, scale, *_ = RANGES[name]
    return np.geomspace(low, high, size) if scale == "log" else np.linspace(low, high, size)


def profile(
    points: pd.DataFrame,
    cutoff,
    name: str,
    grid=None,
    *,
    free=DEFAULT_FREE,
    base: Params | None = None,
    events: Events | None = None,
    start=DEFAULT_START,
    step: float = DEFAULT_STEP,
    sigma_log10: float = SIGMA_LOG10,
) -> pd.DataFrame:
    """The loss with ``name`` held at each grid value and the other free parameters refitted.

    ``delta_chi2`` is the rise above the best loss in units of ``sigma_log10**2``: a profile
    that stays below 3.84 across the range means the points do not pin the parameter.
    """
    check_range(name, RANGES[name][0])
    free = _check_free(free)
    grid = default_profile_grid(name) if grid is None else np.asarray(grid, dtype=float)
    for value in grid:
        check_range(name, value)
    others = tuple(f for f in free if f != name)
    best = fit(points, cutoff, free=free, base=base, events=events, start=start, step=step)
    used = split_at(points, cutoff)[0]
    problem = _Problem(used, best.params, others, best.events, best.start, step)
    m = len(grid)

    def residuals(U):
        repeat = U.shape[0] // m
        return problem.residuals(U, {name: np.repeat(grid, repeat)})

    U0 = np.tile([_to_unit(o, getattr(best.params, o)) for o in others], (m, 1)).reshape(m, len(others))
    _, _, loss, _, _ = _levenberg_marquardt(residuals, U0)
    floor = min(best.loss, float(loss.min()))
    return pd.DataFrame(
        {
            "parameter": name,
            "value": grid,
            "loss": loss,
            "chi2": loss / sigma_log10**2,
            "delta_chi2": (loss - floor) / sigma_log10**2,
        }
    )


IDENTIFIABILITY_RULE = (
    "A parameter is 'identified' when its profile (the others refitted) rises by at least "
    "{threshold:g} in chi-square units (loss / sigma_log10^2) above its minimum at both ends of its "
    "allowed range, so the 95% profile-likelihood interval lies inside the range; 'bounded on one "
    "side' when it rises at one end only; 'not identified' when it rises at neither (a flat profile)."
)


def _crossings(name: str, values: np.ndarray, d: np.ndarray, threshold: float) -> tuple[float, float]:
    """Where the profile ``d`` over ``values`` crosses ``threshold`` either side of its minimum."""
    scale = RANGES[name][2]
    x = np.log(values) if scale == "log" and values.min() > 0 else values
    back = np.exp if x is not values else (lambda v: v)
    best = int(np.argmin(d))

    def cross(j_out: int, j_in: int) -> float:
        share = (threshold - d[j_in]) / (d[j_out] - d[j_in])
        return float(back(x[j_in] + share * (x[j_out] - x[j_in])))

    low = next((cross(j, j + 1) for j in range(best - 1, -1, -1) if d[j] >= threshold), float(values[0]))
    high = next((cross(j, j - 1) for j in range(best + 1, len(d)) if d[j] >= threshold), float(values[-1]))
    return low, high


def identifiable(
    points: pd.DataFrame,
    cutoff,
    names=FREEABLE,
    *,
    free=DEFAULT_FREE,
    base: Params | None = None,
    events: Events | None = None,
    start=DEFAULT_START,
    step: float = DEFAULT_STEP,
    sigma_log10: float = SIGMA_LOG10,
    threshold: float = CHI2_95,
    grid_size: int = 13,
) -> pd.DataFrame:
    """Which parameters the points pin down, by the profile-likelihood rule in :data:`IDENTIFIABILITY_RULE`.

    After Raue et al. (2009): a flat profile is a non-identifiable parameter, whatever value
    the fit happened to stop at. Each profile runs over ``grid_size`` values spanning the
    parameter's range plus its fitted (or fixed) value; ``low``/``high`` are where the
    profile crosses the threshold, interpolated between grid values on the parameter's
    scale (an approximate 95 % interval; a range end where it never crosses).
    """
    best = fit(points, cutoff, free=free, base=base, events=events, start=start, step=step)
    rows = []
    for name in names:
        values = np.unique(np.append(default_profile_grid(name, grid_size), getattr(best.params, name)))
        prof = profile(
            points,
            cutoff,
            name,
            values,
            free=free,
            base=base,
            events=events,
            start=start,
            step=step,
            sigma_log10=sigma_log10,
        )
        d = prof["delta_chi2"].to_numpy()
        low_end, high_end = d[0] >= threshold, d[-1] >= threshold
        if low_end and high_end:
            status = "identified"
        else:
            status = "bounded on one side" if low_end or high_end else "not identified"
        low, high = _crossings(name, values, d, threshold)
        rows.append(
            {
                "parameter": name,
                "status": status,
                "fitted": name in free,
                "value": getattr(best.params, name),
                "delta_chi2_at_low_end": float(d[0]),
                "delta_chi2_at_high_end": float(d[-1]),
                "low": low,
                "high": high,
            }
        )
    table = pd.DataFrame(rows)
    table.attrs["rule"] = IDENTIFIABILITY_RULE.format(threshold=threshold)
    return table


# --- held-out check --------------------------------------------------------------------------


@dataclass(frozen=True)
class HoldoutError:
    points: pd.DataFrame  # id, date, observed_m, model_m, log10_error, factor
    summary: dict


def holdout_error(fit_result: FitResult, points_after_cutoff: pd.DataFrame) -> HoldoutError:
    """How far the fitted model is from points it never saw, without refitting.

    Per point: ``log10_error`` = log10(model) - log10(observed) (for an upper bound, zero
    when the model is below it) and ``factor`` = 10 ** |error|. Summary: mean absolute
    log10 error and its factor (the typical multiplicative miss).
    """
    held = _check_points(points_after_cutoff)
    early = held[held["date"] <= fit_result.cutoff]
    if len(early):
        raise ValueError(
            f"point(s) {', '.join(early['id'])} are on or before the cutoff {fit_result.cutoff}; "
            "they were fitted, so they cannot check the fit"
        )
    if held.empty:
        raise EmptySelection("no held-out points to check the fit against")
    problem = _Problem(held, fit_result.params, (), fit_result.events, fit_result.start, fit_result.step)
    model = problem.model({}, 1)[0]
    error = problem.residuals(np.zeros((1, 0)))[0]
    table = held[["id", "date", "bound"]].copy()
    table["observed_m"] = held["value_m"].to_numpy()
    table["model_m"] = model
    table["log10_error"] = error
    table["factor"] = 10 ** np.abs(error)
    table["kind"] = MODEL_KIND
    mae = float(np.mean(np.abs(error)))
    summary = {
        "n_points": len(table),
        "mean_abs_log10_error": mae,
        "typical_factor": float(10**mae),
        "max_abs_log10_error": float(np.max(np.abs(error))),
        "cutoff": fit_result.cutoff,
    }
    return HoldoutError(points=table, summary=summary)


# --- counterfactuals and the what-if grid ------------------------------------------------------

MAX_OUTAGE_DAYS = 365.0


def _check_outage_days(value) -> float:
    try:
        days = float(value)
    except (TypeError, ValueError) as exc:
        raise ValueError(f"outage_days={value!r} is not a number") from exc
    if not (0 <= days <= MAX_OUTAGE_DAYS):
        raise ValueError(f"outage_days={value!r} is outside its range 0 to {MAX_OUTAGE_DAYS:g} days")
    return days


def counterfactual(
    params: Params | None = None,
    *,
    outage_days=None,
    translation_date=None,
    events: Events | None = None,
    start=DEFAULT_START,
    end=DEFAULT_END,
    step: float = DEFAULT_STEP,
    daily: bool = True,
    **changes,
) -> pd.DataFrame:
    """A model run with changed events: TikTok dark for ``outage_days`` from the same start,
    translation arriving on ``translation_date``, and any parameter in ``changes``.

    Out-of-range values raise ValueError naming the parameter (``outage_days`` 0-365;
    ``translation_date`` not before ``start``; parameters within :data:`RANGES`).
    """
    params, events = (params or Params()).replace(**changes), events or Events()
    changed = {}
    if outage_days is not None:
        days = _check_outage_days(outage_days)
        changed["outage_end"] = events.outage_start + pd.Timedelta(days=days)
    if translation_date is not None:
        try:
            when = pd.Timestamp(translation_date)
        except (TypeError, ValueError) as exc:
            raise ValueError(f"translation_date={translation_date!r} is not a date") from exc
        if when < pd.Timestamp(start):
            raise ValueError(f"translation_date={when.date()} is before the run's start {pd.Timestamp(start).date()}")
        changed["translation"] = when
    scenario = dataclasses.replace(events, **changed)
    frame = simulate(params, start, end, scenario, step, daily=daily)
    frame["outage_days"] = scenario.outage_days
    frame["translation_date"] = scenario.translation
    frame["kind"] = "model (counterfactual)"
    return frame


DEFAULT_GRID_AXES = {
    "outage_days": (0.5, 1, 3, 7, 14, 30, 90),
    "decay": (0.05, 0.1, 0.2, 0.4, 0.8),
}
DEFAULT_GRID_END = pd.Timestamp("2025-04-30")


def grid(
    params: Params | None = None,
    axes: dict | None = None,
    *,
    events: Events | None = None,
    start=DEFAULT_START,
    end=DEFAULT_GRID_END,
    step: float = DEFAULT_STEP,
    max_rows: int = MAX_GRID_ROWS,
) -> pd.DataFrame:
    """Daily model runs over every combination of two or three parameters, as one tidy table.

    Axes are ``outage_days`` and/or parameter names, each with a short list of values. One
    row per combination per day (columns: the axes, ``date``, ``active_users_m``, ``kind``),
    at most ``max_rows`` rows, so the table can ship inside a Vega-Lite spec whose sliders
    pick a combination in the reader's browser.
    """
    params, events = params or Params(), events or Events()
    axes = dict(DEFAULT_GRID_AXES if axes is None else axes)
    if not 1 <= len(axes) <= 3:
        raise ValueError(f"axes has {len(axes)} entries; give one to three")
    checked = {}
    for name, values in axes.items():
        values = list(np.atleast_1d(values))
        if not values:
            raise ValueError(f"axis {name!r} has no values")
        if name == "outage_days":
            checked[name] = [_check_outage_days(v) for v in values]
        else:
            checked[name] = [check_range(name, v) for v in values]
    start, end, ndays = _span(start, end)
    combos = list(itertools.product(*checked.values()))
    rows = len(combos) * ndays
    if rows > max_rows:
        raise ValueError(f"axes give {len(combos)} runs x {ndays} days = {rows} rows, over max_rows={max_rows}")
    m = len(combos)
    columns = {name: np.array([c[j] for c in combos]) for j, name in enumerate(checked)}
    p = _batch(params, m, {k: v for k, v in columns.items() if k != "outage_days"})
    ev = _event_batch(events, start, m, columns.get("outage_days"))
    times, A, _ = _integrate(p, ev, ndays, step)
    daily = _daily_means(times, A, np.arange(ndays))
    frame = pd.DataFrame({name: np.repeat(values, ndays) for name, values in columns.items()})
    frame["date"] = np.tile(start + pd.to_timedelta(np.arange(ndays), unit="D"), m)
    frame["active_users_m"] = np.round(daily.ravel(), 4)
    frame["kind"] = MODEL_KIND
    frame.attrs["label"] = "Model runs of RedNote's US daily active users (not measurements)"
    return frame
