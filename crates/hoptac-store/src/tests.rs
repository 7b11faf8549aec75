//! Storage tests, each run on SQLite and PostgreSQL.

use crate::db::{Db, StoreError, Val};
use crate::migrate::{describe_schema, migrate};
use chrono::{NaiveDate, TimeZone, Utc};

fn open(url: &str) -> Db {
    let db = Db::open(url).expect("open");
    migrate(&db).expect("migrate");
    db
}

hoptac_testkit::both_backends! {
    fn migrations_apply_once(url) {
        let db = open(&url);
        assert!(migrate(&db).expect("again").is_empty());
    }

    fn values_round_trip(url) {
        let db = open(&url);
        let d = NaiveDate::from_ymd_opt(2025, 7, 1).expect("date");
        let t = Utc.with_ymd_and_hms(2026, 1, 2, 3, 4, 5).single().expect("ts");
        db.write(|c| {
            c.execute(
                "INSERT INTO org_changes (org_id, seq, effective, recorded_at, author, source, body) \
                 SELECT 1, 1, ?, ?, ?, ?, ? WHERE 1 = 0",
                &[d.into(), t.into(), "a".into(), Val::Null, "{}".into()],
            )
        })
        .expect("typed insert");
        let r = db
            .read(|c| c.query_one("SELECT COUNT(*), CAST(? AS BIGINT) FROM id_counters", &[Val::I64(42)]))
            .expect("read")
            .expect("row");
        assert_eq!(r.i64(0).expect("count"), 3);
        assert_eq!(r.i64(1).expect("param"), 42);
    }

    fn unique_violations_are_recognised(url) {
        let db = open(&url);
        let r: Result<(), StoreError> = db.write(|c| {
            c.execute("INSERT INTO id_counters (name, next_id) VALUES ('organisation', 5)", &[])?;
            Ok(())
        });
        assert!(matches!(r, Err(StoreError::Unique(_))), "{r:?}");
    }

    fn a_failed_write_leaves_nothing(url) {
        let db = open(&url);
        let r: Result<(), StoreError> = db.write(|c| {
            c.execute("UPDATE id_counters SET next_id = 100 WHERE name = 'link'", &[])?;
            Err(StoreError::Corrupt("stop".into()))
        });
        assert!(r.is_err());
        let n = db
            .read(|c| c.query_one("SELECT next_id FROM id_counters WHERE name = 'link'", &[]))
            .expect("read")
            .expect("row")
            .i64(0)
            .expect("int");
        assert_eq!(n, 1);
    }
}

#[test]
fn both_backends_have_the_same_tables_and_columns() {
    let Some(pg) = hoptac_testkit::postgres() else {
        return;
    };
    let lite = hoptac_testkit::sqlite();
    let a = describe_schema(&open(&lite)).expect("sqlite schema");
    let b = describe_schema(&open(&pg)).expect("postgres schema");
    assert!(!a.is_empty());
    assert_eq!(a, b);
}
