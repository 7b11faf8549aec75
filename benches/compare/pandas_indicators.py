#!/usr/bin/env python3
"""Letter 538's indicator table the way a provincial analyst computes it today: pandas
and openpyxl over spreadsheets, no database. Prints the same CSV as

    hoptac targets --year Y --format csv

so the two can be compared byte for byte (benches/compare/run does). It is also an
independent check of hoptac's indicators: it reads only the spreadsheets and applies
the definitions of docs/indicators.md, not hoptac's code.

Inputs (all .xlsx except the targets and the gazetteer, which are shipped data):
  --snapshots DIR    the registry as it was on 31 December of each year of the period up
                     to Y: `hoptac export DIR/registry-YYYY-12-31.xlsx --as-of YYYY-12-31`
                     (`--needed-snapshots` prints the dates wanted)
  --reports FILE     annual reports, one row per organisation and year (report import layout)
  --evaluations FILE evaluation results: Mã hồ sơ, Năm, Xếp loại, Trạng thái
  --targets FILE     the targets (data/targets/538-lang-son.toml)
  --units FILE       2025 communes and their provinces (data/admin-units/units_2025.csv)

What a year-end list cannot tell, and how this script decides instead (exact on the
demo dataset; see BENCHMARKS.md):
  * period counts take the founding date and kind from the list of the last year, and
    the place and sector on the founding date from the list of 31 December of the
    founding year (the first list that holds the organisation);
  * a founding date corrected after 31 December of the last year is not seen;
  * for the current year the list of 31 December is not available yet (hoptac's export
    of a future date is today's registry), so compare completed years.
"""
import time

_START = time.perf_counter()

import argparse  # noqa: E402
import csv  # noqa: E402
import datetime as dt  # noqa: E402
import io  # noqa: E402
import os  # noqa: E402
import sys  # noqa: E402
import tomllib  # noqa: E402

import pandas as pd  # noqa: E402

_IMPORTED = time.perf_counter()

LABEL = {
    "new_htx": "Số HTX thành lập mới",
    "new_tht": "Số THT thành lập mới",
    "new_union": "Số LHHTX thành lập mới",
    "share_good_fair": "Tỷ lệ HTX xếp loại tốt, khá",
    "formal_only": "Số HTX tồn tại hình thức",
    "share_weak": "Tỷ lệ HTX xếp loại yếu",
}
ORDER = list(LABEL)
KIND = {"new_htx": "HTX", "new_tht": "THT", "new_union": "LHHTX"}
SIGN = {"ge": "≥", "gt": ">", "le": "≤", "lt": "<", "eq": "="}
CREDIT_FUND = "Quỹ tín dụng nhân dân"
ACTIVE = "Đang hoạt động"
APPROVED = "Đã phê duyệt"
FINAL = "Chính thức"
GOOD_FAIR = {"Tốt", "Khá"}
WEAK = "Yếu"
NOT_RATED = "Không xếp loại"

# Registry export columns (hoptac's Vietnamese headers).
ID, KIND_COL, SECTOR, FOUNDED, STATUS, COMMUNE_2025 = (
    "Mã hồ sơ", "Loại hình", "Lĩnh vực", "Ngày thành lập", "Tình trạng", "Mã xã 2025 (suy ra)",
)


def load_targets(path, province):
    with open(path, "rb") as f:
        doc = tomllib.load(f)
    if str(doc["province"]) != province:
        return []
    out = []
    for t in doc["targets"]:
        out.append({
            "indicator": t["indicator"],
            "ps": t["period_start"],
            "pe": t["period_end"],
            "cmp": t["comparison"],
            "value": float(t["value"]),
        })
    return out


def choose_period(targets, year):
    """The period containing the year, else the last one ended before it, else the first."""
    periods = sorted({(t["ps"], t["pe"]) for t in targets})
    for ps, pe in periods:
        if ps.year <= year <= pe.year:
            return ps, pe
    before = [p for p in periods if p[1].year < year]
    if before:
        return before[-1]
    return periods[0] if periods else None


def years_for(period, year):
    ps, pe = period
    last = min(year, pe.year)
    return list(range(ps.year, last + 1)), last


def snapshot_path(directory, year):
    return os.path.join(directory, f"registry-{year}-12-31.xlsx")


def read_snapshot(directory, year, communes):
    df = pd.read_excel(
        snapshot_path(directory, year),
        usecols=[ID, KIND_COL, SECTOR, FOUNDED, STATUS, COMMUNE_2025],
        dtype={COMMUNE_2025: str},
    )
    df[FOUNDED] = pd.to_datetime(df[FOUNDED], dayfirst=True)
    # The province: an export holds one deployment's province, but say so anyway —
    # the 2025 commune derived for the place on that day must lie in it. Credit funds
    # are left out of every HTX indicator (sector on that day).
    df["counted"] = df[COMMUNE_2025].isin(communes) & ~(
        (df[KIND_COL] == "HTX") & (df[SECTOR] == CREDIT_FUND))
    return df


def least_squares_at(points, x):
    """The least-squares line through (year, value) points, read at x (one point: it)."""
    if not points:
        return None
    n = len(points)
    if n == 1:
        return points[0][1]
    mx = sum(p[0] for p in points) / n
    my = sum(p[1] for p in points) / n
    sxx = sum((p[0] - mx) ** 2 for p in points)
    if sxx == 0:
        return my
    sxy = sum((p[0] - mx) * (p[1] - my) for p in points)
    slope = sxy / sxx
    return slope * x + (my - slope * mx)


def holds(cmp, v, t):
    eps = 1e-9
    return {
        "ge": v >= t - eps,
        "gt": v > t + eps,
        "le": v <= t + eps,
        "lt": v < t - eps,
        "eq": abs(v - t) < eps,
    }[cmp]


def status(t, current, projection):
    if current is None:
        return "no_data"
    if t["cmp"] == "eq" and t["value"] == 0:
        return "on_track" if current == 0 else "off_track"
    p = current if projection is None else projection
    if holds(t["cmp"], p, t["value"]):
        return "on_track"
    miss = {
        "ge": t["value"] - p, "gt": t["value"] - p,
        "le": p - t["value"], "lt": p - t["value"],
        "eq": abs(p - t["value"]),
    }[t["cmp"]]
    miss = max(miss, 1e-9)
    return "at_risk" if miss < 0.1 * abs(t["value"]) else "off_track"


def number(v):
    """A target value as Rust's f64 Display writes it: 100, 45.5."""
    return str(int(v)) if v == int(v) else repr(v)


def main():
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("--year", type=int, required=True)
    ap.add_argument("--province", default="20")
    ap.add_argument("--snapshots")
    ap.add_argument("--reports")
    ap.add_argument("--evaluations")
    ap.add_argument("--targets", default="data/targets/538-lang-son.toml")
    ap.add_argument("--units", default="data/admin-units/units_2025.csv")
    ap.add_argument("--needed-snapshots", action="store_true",
                    help="print the 31 December dates whose registry lists are read, and stop")
    ap.add_argument("--out", default="-")
    ap.add_argument("--timings", action="store_true",
                    help="print how long each stage took on standard error")
    a = ap.parse_args()
    stages = [("start Python, import pandas", _IMPORTED - _START)]
    mark = [time.perf_counter()]

    def stage(name):
        now = time.perf_counter()
        stages.append((name, now - mark[0]))
        mark[0] = now

    targets = load_targets(a.targets, a.province)
    period = choose_period(targets, a.year)
    if period is None:
        sys.exit("no targets for this province")
    series_years, last = years_for(period, a.year)
    wanted = sorted(set(series_years) | {last})
    if a.needed_snapshots:
        print("\n".join(f"{y}-12-31" for y in wanted))
        return

    units = pd.read_csv(a.units, dtype=str)
    communes = set(units.loc[units["province_code"] == a.province, "ward_code"])
    snaps = {y: read_snapshot(a.snapshots, y, communes) for y in wanted}
    stage(f"read {len(snaps)} registry lists")

    reports = pd.read_excel(a.reports, usecols=["Mã hồ sơ", "Năm", "Số liệu", "Doanh thu",
                                                 "Giá trị SP, DV cung ứng cho thành viên"])
    reports = reports[reports["Số liệu"] == FINAL]
    reports["idle"] = (reports["Doanh thu"].fillna(0) == 0) & (
        reports["Giá trị SP, DV cung ứng cho thành viên"].fillna(0) == 0)
    evals = pd.read_excel(a.evaluations, usecols=["Mã hồ sơ", "Năm", "Xếp loại", "Trạng thái"])
    evals = evals[(evals["Trạng thái"] == APPROVED) & evals["Xếp loại"].notna()]
    stage("read reports and evaluations")

    # New organisations: the founding date and kind from the latest list; the place and
    # sector on the founding date from the first year-end list that holds the organisation
    # (the list of its founding year).
    ps, pe = period
    latest = snaps[last][[ID, KIND_COL, FOUNDED]]
    latest = latest[(latest[FOUNDED] >= pd.Timestamp(ps)) & (latest[FOUNDED] <= pd.Timestamp(pe))]
    stacked = pd.concat([s[[ID, "counted"]].assign(list_year=y) for y, s in snaps.items()])
    at_founding = latest.merge(stacked, on=ID)
    at_founding = at_founding[at_founding["list_year"] >= at_founding[FOUNDED].dt.year]
    at_founding = at_founding.sort_values("list_year").drop_duplicates(ID)
    founded_rows = at_founding[at_founding["counted"]]
    snaps = {y: s[s["counted"]] for y, s in snaps.items()}

    def measure(ind, y):
        end = dt.date(y, 12, 31)
        if ind in KIND:
            f = founded_rows[(founded_rows[KIND_COL] == KIND[ind])
                             & (founded_rows[FOUNDED] <= pd.Timestamp(min(pe, end)))]
            return len(f), None, None
        htx = snaps[y][snaps[y][KIND_COL] == "HTX"]
        if ind == "formal_only":
            active = htx[htx[STATUS] == ACTIVE]
            r = reports[reports["Năm"] == y]
            m = active.merge(r[["Mã hồ sơ", "idle"]], on="Mã hồ sơ", how="left")
            return int((m["idle"].isna() | (m["idle"] == True)).sum()), None, None  # noqa: E712
        e = evals[evals["Năm"] == y][["Mã hồ sơ", "Xếp loại"]]
        m = htx.merge(e, on="Mã hồ sơ", how="left")
        rated = m[m["Xếp loại"].notna() & (m["Xếp loại"] != NOT_RATED)]
        hits = rated["Xếp loại"].isin(GOOD_FAIR) if ind == "share_good_fair" \
            else rated["Xếp loại"] == WEAK
        unevaluated = m[m["Xếp loại"].isna() & (m[STATUS] == ACTIVE)]
        return int(hits.sum()), len(rated), len(unevaluated)

    def value(num, den):
        if den is None:
            return float(num)
        return None if den == 0 else 100.0 * num / den

    buf = io.StringIO()
    w = csv.writer(buf, lineterminator="\n")
    w.writerow(["indicator", "label", "group_code", "group", "year", "target", "numerator",
                "denominator", "unevaluated", "value", "projection", "status"])
    mine = [t for t in targets if (t["ps"], t["pe"]) == period]
    mine.sort(key=lambda t: (ORDER.index(t["indicator"]), t["pe"]))
    fmt = lambda v: "" if v is None else f"{v:.1f}"  # noqa: E731
    blank = lambda v: "" if v is None else str(v)  # noqa: E731
    for t in mine:
        ind = t["indicator"]
        points = []
        for y in series_years:
            v = value(*measure(ind, y)[:2])
            if v is not None:
                points.append((y, v))
        num, den, unev = measure(ind, last)
        cur = value(num, den)
        proj = least_squares_at(points, pe.year)
        w.writerow([ind, LABEL[ind], "", "", last, f"{SIGN[t['cmp']]} {number(t['value'])}",
                    num, blank(den), blank(unev), fmt(cur), fmt(proj),
                    status(t, cur, proj)])
    text = "\ufeff" + buf.getvalue()
    if a.out == "-":
        sys.stdout.buffer.write(text.encode("utf-8"))
    else:
        with open(a.out, "w", encoding="utf-8", newline="") as f:
            f.write(text)
    stage("compute and write the table")
    if a.timings:
        for name, secs in stages:
            print(f"{secs * 1000:10.1f} ms  {name}", file=sys.stderr)


if __name__ == "__main__":
    main()
