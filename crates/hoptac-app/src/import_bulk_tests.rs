//! Large imports through the bulk write (rows read on two threads, records made on one
//! thread while another inserts them, `COPY` on PostgreSQL): the same records,
//! histories, search results and audit trail on both databases, importing again
//! changes nothing, and a bad last row leaves nothing written. No timings here:
//! speed is measured in benches/import.rs.

use crate::error::AppError;
use crate::export::{export, Format};
use crate::import::{import_file, ImportReport};
use crate::import_tests::{opts, rejected};
use crate::registry::Registry;
use crate::testing::{actor, registry};
use hoptac_domain::i18n::Lang;
use hoptac_domain::list::{OrgFilter, PageRequest};
use hoptac_store::audit;
use std::fmt::Write as _;

const ROWS: usize = 5_000;

/// 2025 communes of the test province.
const COMMUNES: [&str; 6] = ["05977", "05983", "05986", "06001", "06004", "06019"];
const WORDS: [&str; 8] = [
    "Nông nghiệp",
    "Dịch vụ",
    "Chè Đồng Bành",
    "Hồi Văn Quan",
    "Thủy sản",
    "Vận tải",
    "Môi trường",
    "Đặc sản Lạng Sơn",
];

/// A registry file of `rows` rows: HTX and THT in six communes, some with a tax code,
/// some dissolved since a later date (three history entries instead of two). With
/// `bad_last`, the last row names a commune that does not exist.
fn big_csv(rows: usize, bad_last: bool) -> String {
    let mut s = String::from(
        "Loại hình,Tên,Mã số thuế,Hệ địa giới,Mã xã,Số thành viên,Ngày thành lập,Tình trạng,Ngày hiệu lực tình trạng\n",
    );
    for i in 0..rows {
        let (kind, prefix) = if i % 3 == 0 {
            ("THT", "Tổ hợp tác")
        } else {
            ("HTX", "Hợp tác xã")
        };
        let commune = if bad_last && i + 1 == rows {
            "99999"
        } else {
            COMMUNES[i % COMMUNES.len()]
        };
        let tax = if i % 4 == 0 {
            format!("{:010}", 4_900_000_000u64 + i as u64)
        } else {
            String::new()
        };
        let founded = format!("{:02}/{:02}/{}", 1 + i % 28, 1 + i % 12, 2015 + i % 10);
        let (status, since) = if i % 7 == 0 {
            ("Đã giải thể", "15/06/2025")
        } else {
            ("Đang hoạt động", "")
        };
        let name = format!("{prefix} {} số {i}", WORDS[i % WORDS.len()]);
        let members = 10 + i % 40;
        writeln!(
            s,
            "{kind},{name},{tax},2025,{commune},{members},{founded},{status},{since}"
        )
        .expect("write to a string");
    }
    s
}

fn import(reg: &Registry, csv: &str) -> Result<ImportReport, AppError> {
    let o = opts(None, false);
    import_file(
        reg,
        "lon.csv",
        csv.as_bytes().to_vec(),
        &o,
        &actor(),
        &|_| {},
    )
}

/// What a registry holds, in a form to compare.
struct Contents {
    /// Every record, as exported.
    records: Vec<u8>,
    /// Every history entry, without the time it was written.
    histories: Vec<String>,
    /// Searches: how many match, and the first page.
    searches: Vec<(u64, Vec<i64>)>,
    /// The entries of the last audit link (the import's).
    audit: String,
}

fn contents(reg: &Registry) -> Contents {
    let all = OrgFilter::default();
    let (csv, _) = export(
        reg,
        &hoptac_domain::auth::Scope::All,
        &all,
        Format::Csv,
        Lang::Vi,
        false,
    )
    .expect("export");
    let mut histories = Vec::new();
    for id in 1..=ROWS as i64 {
        for mut ch in reg.history(id).expect("history") {
            ch.recorded_at = chrono::DateTime::UNIX_EPOCH;
            histories.push(serde_json::to_string(&ch).expect("json"));
        }
    }
    let searches = [
        "hop tac",
        "dong banh",
        "dac san lang son",
        "so 4999",
        "49000",
    ]
    .iter()
    .map(|q| {
        let f = OrgFilter {
            q: Some((*q).into()),
            ..Default::default()
        };
        let page = reg
            .list(&hoptac_domain::auth::Scope::All, &f, PageRequest::default())
            .expect("search");
        (page.total, page.items.iter().map(|o| o.id).collect())
    })
    .collect();
    let link = audit::recent(&reg.db, 1).expect("audit");
    let audit = link.first().map(|l| l.entries.clone()).unwrap_or_default();
    Contents {
        records: csv,
        histories,
        searches,
        audit,
    }
}

#[test]
fn a_large_import_is_the_same_on_both_databases() {
    let Some(pg) = hoptac_testkit::postgres() else {
        return; // said on stderr by the test kit (and a failure in CI)
    };
    let sqlite = hoptac_testkit::sqlite();
    let csv = big_csv(ROWS, false);
    let (a, b) = (registry(&sqlite), registry(&pg));
    let ra = import(&a, &csv).expect("import on SQLite");
    let rb = import(&b, &csv).expect("import on PostgreSQL");
    assert_eq!((ra.created, rb.created), (ROWS, ROWS));
    let ids = |r: &ImportReport| r.outcomes.iter().map(|o| o.id).collect::<Vec<_>>();
    assert_eq!(ids(&ra), ids(&rb));
    let (ca, cb) = (contents(&a), contents(&b));
    let n = ca.histories.len();
    assert_eq!(n, ROWS * 2 + ROWS.div_ceil(7), "history entries");
    assert!(ca.records == cb.records, "the records differ");
    assert!(ca.histories == cb.histories, "the histories differ");
    assert_eq!(ca.searches, cb.searches, "search results");
    let found = ca.searches.iter().all(|(total, _)| *total > 0);
    assert!(found, "{:?}", ca.searches);
    assert!(ca.audit == cb.audit, "the audit entries differ");
    let entries: Vec<serde_json::Value> = serde_json::from_str(&ca.audit).expect("entries");
    assert_eq!(
        entries.len(),
        ROWS,
        "one audit entry per record, in one link"
    );
    // Importing the same file again changes nothing, on both.
    for reg in [&a, &b] {
        let again = import(reg, &csv).expect("import again");
        assert_eq!((again.created, again.unchanged), (0, ROWS));
    }
    // The bulk write names every record for the audit trail's digests: the stored
    // state verifies against the trail.
    for reg in [&a, &b] {
        let check = hoptac_store::audit::verify_state(&reg.db).expect("verify");
        assert!(
            check.is_intact(),
            "{:?}",
            &check.findings[..check.findings.len().min(5)]
        );
        assert!(check.records >= 2 * ROWS as u64, "{}", check.records);
    }
}

fn a_bad_last_row_leaves_nothing_written(url: &str) {
    let reg = registry(url);
    let head = audit::recent(&reg.db, 1).expect("audit");
    let report = rejected(import(&reg, &big_csv(ROWS, true)));
    assert_eq!(report.errors.len(), 1, "{:?}", report.errors);
    assert_eq!(report.errors[0].row, ROWS + 1);
    assert!(!report.written);
    let page = reg
        .list(
            &hoptac_domain::auth::Scope::All,
            &OrgFilter::default(),
            PageRequest::default(),
        )
        .expect("list");
    assert_eq!(page.total, 0);
    let found = OrgFilter {
        q: Some("hop tac".into()),
        ..Default::default()
    };
    assert_eq!(
        reg.list(
            &hoptac_domain::auth::Scope::All,
            &found,
            PageRequest::default()
        )
        .expect("search")
        .total,
        0
    );
    assert!(reg.history(1).map(|h| h.is_empty()).unwrap_or(true));
    assert_eq!(audit::recent(&reg.db, 1).expect("audit"), head);
}

hoptac_testkit::both_backends!(a_bad_last_row_leaves_nothing_written);
