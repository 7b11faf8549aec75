-- Letter 538's targets and indicators for one province and year, hand-written for the
-- sqlite3 shell over hoptac's own SQLite file: the same rows, in the same CSV shape, as
--
--     hoptac --database sqlite://DB --province P targets --year Y --format csv
--
-- (without --by). Definitions: docs/indicators.md. Run it from the repository root (it
-- reads the gazetteer from data/admin-units/) and set the year and the province:
--
--     sqlite3 -bail DB ".parameter set @year 2025" ".parameter set @province '20'" \
--         ".read benches/compare/indicators.sql"
--
-- Nothing is written to DB: the working tables are TEMP. How it works:
--   * every change in an organisation's history (org_changes.body, JSON) is unpacked
--     once into chg; "as of D" is, per attribute, the last change effective on or
--     before D in (effective, seq) order — the fold of hoptac-domain's history.rs,
--     including its rule that the first facts hold from the founding date in force when
--     a correction moved that date before them (see "eff" below for one difference);
--   * a place's 2025 province comes from data/admin-units (legacy communes through
--     their default 2025 commune; mapping corrections in place_overlays replace the
--     shipped rows of their legacy commune);
--   * the approved evaluations and final annual reports are read from documents.body;
--   * targets (documents of kind 'target') give the period; every year of the period
--     up to @year is measured, and a least-squares line through those values gives the
--     projection at the period's last year, then the status.
-- Limits: no --by breakdowns; the "provisional" flag of formal_only is not in the CSV
-- and not computed; the credit-fund exclusion is always on (hoptac's default).

.bail on
.headers off
.mode list

-- The gazetteer (about 10,600 legacy → 2025 rows and 3,300 2025 communes).
DROP TABLE IF EXISTS temp.u25;
DROP TABLE IF EXISTS temp.l2n;
.import --csv --schema temp data/admin-units/units_2025.csv u25
.import --csv --schema temp data/admin-units/legacy_to_2025.csv l2n

CREATE TEMP TABLE args AS
SELECT CAST(@year AS INTEGER) AS year, CAST(@province AS TEXT) AS province;

-- Histories, unpacked (one JSON parse per change).
CREATE TEMP TABLE chg0 AS
SELECT c.org_id, o.kind, c.seq, c.effective,
       c.body ->> '$.type' AS typ,
       c.body ->> '$.status.status' AS status,
       c.body ->> '$.status.until' AS until_,
       c.body ->> '$.fields.sector' AS sector,
       c.body ->> '$.fields.place.scheme' AS scheme,
       c.body ->> '$.fields.place.code' AS code,
       c.body ->> '$.fields.founding_date' AS founding_date
FROM org_changes c JOIN organisations o ON o.id = c.org_id;
CREATE INDEX temp.chg0_at ON chg0 (org_id, effective, seq);

-- The 2025 province of every place recorded. A legacy commune goes to its default 2025
-- commune (else its first row); a mapping correction (the newest for a legacy commune)
-- replaces every shipped row of that commune.
CREATE TEMP TABLE place_province AS
WITH used AS (SELECT DISTINCT scheme, code FROM chg0 WHERE code IS NOT NULL),
corr AS (
    SELECT legacy_code, body
    FROM place_overlays p
    WHERE kind = 'correction'
      AND id = (SELECT max(id) FROM place_overlays q
                WHERE q.kind = 'correction' AND q.legacy_code = p.legacy_code)
),
rows_ AS (
    SELECT legacy_ward_code AS legacy_code, ward_code_2025 AS code_2025,
           is_default = '1' AS is_default, l.rowid AS ord
    FROM l2n l JOIN used u ON u.scheme = 'legacy' AND u.code = l.legacy_ward_code
    WHERE legacy_ward_code NOT IN (SELECT legacy_code FROM corr)
    UNION ALL
    SELECT c.legacy_code, r.value ->> '$.code_2025', r.value ->> '$.is_default', r.key
    FROM corr c, json_each(c.body) r
),
legacy_map AS (
    SELECT legacy_code, code_2025
    FROM (SELECT legacy_code, code_2025,
                 row_number() OVER (PARTITION BY legacy_code ORDER BY is_default DESC, ord) AS n
          FROM rows_)
    WHERE n = 1
)
SELECT '2025' AS scheme, u.code, n.province_code AS province
FROM used u JOIN u25 n ON n.ward_code = u.code
WHERE u.scheme = '2025'
UNION ALL
SELECT 'legacy', m.legacy_code, n.province_code
FROM legacy_map m JOIN u25 n ON n.ward_code = m.code_2025;

-- eff is the effective date the fold uses: the organisation's first-day facts hold from
-- the founding date in force (by everything recorded) when that date is before them —
-- "the registration's first facts hold from the founding date in force, even when a
-- later correction moved that date before them" (hoptac-domain history.rs,
-- OrgState::fold). Unlike hoptac's code this does not also require the correcting change
-- to be effective on another day than the first facts: a correction effective on the
-- original founding day moves the facts too (see BENCHMARKS.md; hoptac then drops that
-- organisation from the counts of new HTX). On the demo dataset no founding date is
-- ever corrected, so both read the same.
CREATE TEMP TABLE org AS
WITH f AS (SELECT org_id, kind, min(effective) AS first FROM chg0 GROUP BY org_id),
g AS (
    SELECT f.org_id, f.kind, f.first,
           (SELECT founding_date FROM chg0 c
            WHERE c.org_id = f.org_id AND c.founding_date IS NOT NULL
            ORDER BY c.effective DESC, c.seq DESC LIMIT 1) AS founded
    FROM f
)
-- since: the first date anything about it is in force
SELECT *, CASE WHEN founded < first THEN founded ELSE first END AS since
FROM g;

CREATE TEMP TABLE chg AS
SELECT c.*,
       CASE WHEN c.effective = o.first AND o.founded < o.first
            THEN o.founded ELSE c.effective END AS eff
FROM chg0 c JOIN org o USING (org_id);

-- Each attribute's value as an interval [from_, to_) of the fold's dates: a value holds
-- until the next change of that attribute (same-day changes: the later seq wins, the
-- earlier one's interval is empty).
CREATE TEMP TABLE iv AS
SELECT org_id, 'status' AS attr, eff AS from_,
       lead(eff) OVER (PARTITION BY org_id ORDER BY eff, seq) AS to_,
       status AS value, until_
FROM chg WHERE typ = 'status'
UNION ALL
SELECT org_id, 'sector', eff, lead(eff) OVER (PARTITION BY org_id ORDER BY eff, seq),
       sector, NULL
FROM chg WHERE sector IS NOT NULL
UNION ALL
SELECT c.org_id, 'province', c.eff,
       lead(c.eff) OVER (PARTITION BY c.org_id ORDER BY c.eff, c.seq),
       p.province, NULL
FROM chg c LEFT JOIN place_province p ON p.scheme = c.scheme AND p.code = c.code
WHERE c.code IS NOT NULL;
CREATE INDEX temp.iv_at ON iv (org_id, attr, from_);

-- The targets of the province for the period that contains @year (else the last period
-- that ended before it, else the first), as targets.rs's target_report chooses it.
CREATE TEMP TABLE tgt AS
SELECT body ->> '$.indicator' AS indicator,
       body ->> '$.period_start' AS ps,
       body ->> '$.period_end' AS pe,
       body ->> '$.comparison' AS cmp,
       body ->> '$.value' AS value
FROM documents
WHERE kind = 'target' AND body ->> '$.province' = (SELECT province FROM args);

CREATE TEMP TABLE period AS
WITH p AS (SELECT DISTINCT ps, pe, CAST(substr(ps, 1, 4) AS INTEGER) AS sy,
                  CAST(substr(pe, 1, 4) AS INTEGER) AS ey FROM tgt),
     a AS (SELECT year FROM args)
SELECT ps, pe, sy, ey FROM (
    SELECT ps, pe, sy, ey, 1 AS rank_, ps AS o1, pe AS o2 FROM p, a WHERE sy <= year AND year <= ey
    UNION ALL
    SELECT ps, pe, sy, ey, 2, NULL, NULL FROM p, a
    WHERE ey < year AND (ps, pe) = (SELECT ps, pe FROM p, a WHERE ey < year ORDER BY ps DESC, pe DESC LIMIT 1)
    UNION ALL
    SELECT ps, pe, sy, ey, 3, ps, pe FROM p
)
ORDER BY rank_, o1, o2 LIMIT 1;

-- Years measured: the series runs from the period's first year to @year (or the
-- period's last year, if earlier); the current value is for that last year, even when
-- it comes before the period (then the series is empty).
CREATE TEMP TABLE years AS
WITH RECURSIVE y(year) AS (
    SELECT sy FROM period, args WHERE sy <= min(args.year, period.ey)
    UNION ALL
    SELECT y.year + 1 FROM y, period, args WHERE y.year < min(args.year, period.ey)
),
cur AS (SELECT min(args.year, period.ey) AS year FROM args, period)
SELECT year, printf('%04d-12-31', year) AS d, 1 AS in_series,
       year = (SELECT year FROM cur) AS current FROM y
UNION ALL
SELECT year, printf('%04d-12-31', year), 0, 1 FROM cur WHERE year NOT IN (SELECT year FROM y);

-- An organisation as of a date (31/12 of each year for HTX; the founding date for
-- every organisation), where it lies in the province: status (a suspension whose end
-- date has passed is active), sector.
CREATE TEMP TABLE asof AS
WITH dates AS (
    SELECT o.org_id, o.kind, y.year, y.d FROM org o, years y WHERE o.kind = 'HTX'
    UNION ALL
    SELECT o.org_id, o.kind, NULL, o.founded FROM org o WHERE o.founded IS NOT NULL
),
at AS (SELECT dt.*, o.since FROM dates dt JOIN org o USING (org_id))
SELECT dt.org_id, dt.kind, dt.year, dt.d,
       CASE WHEN st.value IS NULL THEN 'active'
            WHEN st.value = 'suspended' AND st.until_ < dt.d THEN 'active'
            ELSE st.value END AS status,
       se.value AS sector
FROM at dt
JOIN iv pr ON pr.org_id = dt.org_id AND pr.attr = 'province'
          AND pr.from_ <= dt.d AND (pr.to_ IS NULL OR dt.d < pr.to_)
LEFT JOIN iv st ON st.org_id = dt.org_id AND st.attr = 'status'
          AND st.from_ <= dt.d AND (st.to_ IS NULL OR dt.d < st.to_)
LEFT JOIN iv se ON se.org_id = dt.org_id AND se.attr = 'sector'
          AND se.from_ <= dt.d AND (se.to_ IS NULL OR dt.d < se.to_)
WHERE dt.since <= dt.d
  AND pr.value = (SELECT province FROM args)
  -- credit funds (quỹ tín dụng nhân dân) are left out of every HTX indicator
  AND NOT (dt.kind = 'HTX' AND se.value IS 'quy_tin_dung');
CREATE INDEX temp.asof_year ON asof (year, kind);

CREATE TEMP TABLE approved AS
SELECT org_id, year, body ->> '$.outcome.rating' AS rating
FROM documents
WHERE kind = 'evaluation' AND body ->> '$.state' = 'approved'
  AND body ->> '$.outcome.rating' IS NOT NULL;
CREATE INDEX temp.approved_at ON approved (org_id, year);

CREATE TEMP TABLE final_report AS
SELECT org_id, year,
       coalesce(body ->> '$.figures.revenue', 0) AS revenue,
       coalesce(body ->> '$.figures.supplied_to_members', 0) AS supplied
FROM documents
WHERE kind = 'annual_report' AND body ->> '$.stage' = 'final';
CREATE INDEX temp.final_report_at ON final_report (org_id, year);

-- Every indicator for every year of the period: numerator, denominator, unevaluated.
CREATE TEMP TABLE measure AS
-- New HTX, THT, LHHTX: founded between the period's start and 31/12 of the year (or the
-- period's end); place and sector on the founding date.
SELECT t.indicator, y.year, count(a.org_id) AS num, NULL AS den, NULL AS unev
FROM tgt t JOIN period p ON (t.ps, t.pe) = (p.ps, p.pe)
CROSS JOIN years y
LEFT JOIN asof a
       ON a.year IS NULL  -- the rows as of each founding date
      AND a.kind = CASE t.indicator WHEN 'new_htx' THEN 'HTX'
                                    WHEN 'new_tht' THEN 'THT' ELSE 'LHHTX' END
      AND a.d >= p.ps AND a.d <= min(p.pe, y.d)
WHERE t.indicator IN ('new_htx', 'new_tht', 'new_union')
GROUP BY t.indicator, y.year
UNION ALL
-- Shares: HTX with an approved evaluation for the year that is rated; unevaluated: active
-- on 31/12 without one.
SELECT t.indicator, y.year,
       count(*) FILTER (WHERE e.rating IN (CASE t.indicator WHEN 'share_weak' THEN 'weak'
                                                         ELSE 'good' END,
                                          CASE t.indicator WHEN 'share_weak' THEN 'weak'
                                                         ELSE 'fair' END)),
       count(*) FILTER (WHERE e.rating IS NOT NULL AND e.rating <> 'not_rated'),
       count(*) FILTER (WHERE e.rating IS NULL AND a.status = 'active')
FROM tgt t JOIN period p ON (t.ps, t.pe) = (p.ps, p.pe)
CROSS JOIN years y
LEFT JOIN asof a ON a.year = y.year
LEFT JOIN approved e ON e.org_id = a.org_id AND e.year = y.year
WHERE t.indicator IN ('share_good_fair', 'share_weak')
GROUP BY t.indicator, y.year
UNION ALL
-- Formal-only: HTX active on 31/12 without a final report for the year, or with zero
-- revenue and zero products and services supplied to members.
SELECT t.indicator, y.year,
       count(a.org_id) FILTER (WHERE a.status = 'active'
           AND (r.org_id IS NULL OR (r.revenue = 0 AND r.supplied = 0))),
       NULL, NULL
FROM tgt t JOIN period p ON (t.ps, t.pe) = (p.ps, p.pe)
CROSS JOIN years y
LEFT JOIN asof a ON a.year = y.year
LEFT JOIN final_report r ON r.org_id = a.org_id AND r.year = y.year
WHERE t.indicator = 'formal_only'
GROUP BY t.indicator, y.year;

CREATE TEMP TABLE val AS
SELECT indicator, year, num, den, unev,
       CASE WHEN den IS NULL THEN CAST(num AS REAL)
            WHEN den = 0 THEN NULL
            ELSE 100.0 * num / den END AS v
FROM measure;

-- Least squares through the years that have a value, read at the period's last year
-- (one point: that point).
CREATE TEMP TABLE fit AS
WITH pts AS (SELECT * FROM val
             WHERE v IS NOT NULL AND year IN (SELECT year FROM years WHERE in_series)),
m AS (SELECT indicator, count(*) AS n, avg(year) AS mx, avg(v) AS my
      FROM pts GROUP BY indicator),
     s AS (SELECT m.indicator, m.n, m.mx, m.my,
                  sum((x.year - m.mx) * (x.year - m.mx)) AS sxx,
                  sum((x.year - m.mx) * (x.v - m.my)) AS sxy
           FROM m JOIN pts x ON x.indicator = m.indicator
           GROUP BY m.indicator)
SELECT s.indicator,
       CASE WHEN n = 1 OR sxx = 0 THEN my
            ELSE (sxy / sxx) * p.ey + (my - (sxy / sxx) * mx) END AS projection
FROM s, period p;

-- Output, as targets.rs's csv() writes it: a byte-order mark, minimal quoting (only the
-- label with a comma needs it), numbers with one decimal rounded half to even on exact
-- ties (Rust's formatting; SQLite's printf rounds them away from zero).
CREATE TEMP TABLE label (ord INTEGER, code TEXT, label TEXT);
INSERT INTO label VALUES
    (1, 'new_htx', 'Số HTX thành lập mới'),
    (2, 'new_tht', 'Số THT thành lập mới'),
    (3, 'new_union', 'Số LHHTX thành lập mới'),
    (4, 'share_good_fair', 'Tỷ lệ HTX xếp loại tốt, khá'),
    (5, 'formal_only', 'Số HTX tồn tại hình thức'),
    (6, 'share_weak', 'Tỷ lệ HTX xếp loại yếu');
CREATE TEMP TABLE sign (cmp TEXT, sign TEXT);
INSERT INTO sign VALUES ('ge', '≥'), ('gt', '>'), ('le', '≤'), ('lt', '<'), ('eq', '=');

CREATE TEMP TABLE result AS
SELECT l.ord, t.indicator, l.label, c.year, s.sign, t.cmp, CAST(t.value AS REAL) AS target,
       c.num, c.den, c.unev, c.v, f.projection,
       coalesce(f.projection, c.v) AS pv
FROM tgt t
JOIN period p ON (t.ps, t.pe) = (p.ps, p.pe)
JOIN label l ON l.code = t.indicator
JOIN sign s ON s.cmp = t.cmp
JOIN val c ON c.indicator = t.indicator
          AND c.year = (SELECT year FROM years WHERE current)
LEFT JOIN fit f ON f.indicator = t.indicator;

.mode list
.separator "," "\n"
.headers off
SELECT char(65279) || 'indicator,label,group_code,group,year,target,numerator,denominator,unevaluated,value,projection,status';
SELECT indicator,
       CASE WHEN label GLOB '*[,"]*' THEN '"' || replace(label, '"', '""') || '"' ELSE label END,
       '', '', year,
       sign || ' ' || CASE WHEN target = CAST(target AS INTEGER)
                           THEN CAST(CAST(target AS INTEGER) AS TEXT)
                           ELSE CAST(target AS TEXT) END,
       num, den, unev,
       CASE WHEN v IS NULL THEN NULL
            WHEN v * 10 = floor(v * 10) + 0.5
            THEN printf('%.1f', (floor(v * 10) + abs(CAST(floor(v * 10) AS INTEGER)) % 2) / 10.0)
            ELSE printf('%.1f', v) END,
       CASE WHEN projection IS NULL THEN NULL
            WHEN projection * 10 = floor(projection * 10) + 0.5
            THEN printf('%.1f', (floor(projection * 10)
                                 + abs(CAST(floor(projection * 10) AS INTEGER)) % 2) / 10.0)
            ELSE printf('%.1f', projection) END,
       CASE
           WHEN v IS NULL THEN 'no_data'
           WHEN cmp = 'eq' AND target = 0 THEN CASE WHEN v = 0 THEN 'on_track' ELSE 'off_track' END
           WHEN miss = 0 THEN 'on_track'
           WHEN miss < 0.1 * abs(target) THEN 'at_risk'
           ELSE 'off_track'
       END
FROM (SELECT r.*,
             CASE
                 WHEN cmp = 'ge' AND pv >= target - 1e-9 THEN 0
                 WHEN cmp = 'gt' AND pv > target + 1e-9 THEN 0
                 WHEN cmp = 'le' AND pv <= target + 1e-9 THEN 0
                 WHEN cmp = 'lt' AND pv < target - 1e-9 THEN 0
                 WHEN cmp = 'eq' AND abs(pv - target) < 1e-9 THEN 0
                 -- a strict comparison missed by being equal still misses, by a hair
                 ELSE max(CASE WHEN cmp IN ('ge', 'gt') THEN target - pv
                               WHEN cmp IN ('le', 'lt') THEN pv - target
                               ELSE abs(pv - target) END, 1e-9)
             END AS miss
      FROM result r)
ORDER BY ord;
