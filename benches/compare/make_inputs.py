#!/usr/bin/env python3
"""Writes the two workbooks a provincial analyst collects besides the registry, for the
pandas side of benches/compare/run:

    reports.xlsx      annual reports, one row per organisation and year, in the layout
                      `hoptac import --what reports` reads (tests/fixtures/reports_2024.xlsx)
    evaluations.xlsx  the evaluation results, one row per organisation and year: total,
                      rating and the state of the sheet (what the province compiles from
                      the approved score sheets)

hoptac exports the registry (`hoptac export`, also `--as-of` a date) but has no export
for annual reports or evaluations yet, so these stand in for the files the communes send:
they are written straight from the documents in hoptac's SQLite file (stdlib sqlite3,
read-only), with the labels hoptac uses. Untimed preparation, not part of the comparison.

    make_inputs.py DB OUT_DIR
"""
import json
import os
import sqlite3
import sys

from openpyxl import Workbook

RATING = {
    "good": "Tốt",
    "fair": "Khá",
    "average": "Trung bình",
    "weak": "Yếu",
    "not_rated": "Không xếp loại",
}
STATE = {
    "draft": "Đang soạn",
    "submitted": "Đã nộp",
    "reviewed": "Đã thẩm định",
    "approved": "Đã phê duyệt",
}
STAGE = {"estimate": "Ước tính", "final": "Chính thức"}
NOT_RATED = {"founded_in_year": "Thành lập trong năm", "stopped": "Ngừng hoạt động quá 3 tháng"}


def main(db, out_dir):
    os.makedirs(out_dir, exist_ok=True)
    con = sqlite3.connect(f"file:{db}?mode=ro", uri=True)
    names = dict(con.execute("SELECT id, name FROM organisations"))
    kinds = dict(con.execute("SELECT id, kind FROM organisations"))

    def docs(kind):
        rows = con.execute(
            "SELECT body FROM documents WHERE kind = ? ORDER BY year, org_id", (kind,)
        )
        return [json.loads(b) for (b,) in rows]

    wb = Workbook(write_only=True)
    ws = wb.create_sheet("Báo cáo năm")
    ws.append([
        "Mã hồ sơ", "Loại hình", "Tên HTX", "Năm", "Số liệu", "Số thành viên cuối năm",
        "Tổng nguồn vốn cuối năm", "Doanh thu", "Lợi nhuận trước thuế",
        "Giá trị SP, DV cung ứng cho thành viên", "Số tháng tạm ngừng", "Bị xử phạt",
    ])
    n_reports = 0
    for r in docs("annual_report"):
        f = r["figures"]
        ws.append([
            r["org_id"], kinds.get(r["org_id"]), names.get(r["org_id"]), r["year"],
            STAGE[r["stage"]], f.get("members_end"), f.get("total_capital_end"),
            f.get("revenue"), f.get("pre_tax_profit"), f.get("supplied_to_members"),
            f.get("months_suspended"),
            None if f.get("sanctioned") is None else ("Có" if f["sanctioned"] else "Không"),
        ])
        n_reports += 1
    wb.save(os.path.join(out_dir, "reports.xlsx"))

    wb = Workbook(write_only=True)
    ws = wb.create_sheet("Xếp loại")
    ws.append([
        "Mã hồ sơ", "Loại hình", "Tên HTX", "Năm", "Bộ tiêu chí", "Tổng điểm", "Xếp loại",
        "Lý do không xếp loại", "Trạng thái",
    ])
    n_evals = 0
    for e in docs("evaluation"):
        o = e.get("outcome") or {}
        why = (o.get("not_rated") or {}).get("reason")
        ws.append([
            e["org_id"], kinds.get(e["org_id"]), names.get(e["org_id"]), e["year"],
            e.get("rule_set"),
            None if o.get("total") is None else o["total"] / 10,
            RATING.get(o.get("rating")), NOT_RATED.get(why, why),
            STATE.get(e["state"], e["state"]),
        ])
        n_evals += 1
    wb.save(os.path.join(out_dir, "evaluations.xlsx"))
    print(f"{n_reports} annual reports, {n_evals} evaluations → {out_dir}", file=sys.stderr)


if __name__ == "__main__":
    if len(sys.argv) != 3:
        sys.exit(__doc__)
    main(sys.argv[1], sys.argv[2])
