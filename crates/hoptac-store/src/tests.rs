//! Storage tests, each run on SQLite and PostgreSQL.

use crate::db::{Db, StoreError, Val};
use crate::migrate::{describe_schema, migrate};
use chrono::{NaiveDate, TimeZone, Utc};

fn open(url: &str) -> Db {
    let db = Db::open(url).expect("open");
    migrate(&db).expect("migrate");
    db
}

fn migrations_apply_once(url: &str) {
    let db = open(url);
    assert!(migrate(&db).expect("again").is_empty());
}

fn values_round_trip(url: &str) {
    let db = open(url);
    let d = NaiveDate::from_ymd_opt(2025, 7, 1).expect("date");
    let t = Utc
        .with_ymd_and_hms(2026, 1, 2, 3, 4, 5)
        .single()
        .expect("ts");
    let name = "Hợp tác xã Đồng Đăng";
    let written = db
        .write(|c| {
            // The history row needs its organisation (a foreign key).
            c.execute(
                "INSERT INTO organisations (id, kind, version, name, tax_code, founding_date, \
                 status, search_key, sort_key, match_key, state, created_at, updated_at) \
                 VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)",
                &[
                    Val::I64(1),
                    "HTX".into(),
                    Val::I64(1),
                    name.into(),
                    Val::Null,
                    d.into(),
                    "active".into(),
                    "hop tac xa dong dang".into(),
                    "hop tac xa dong dang".into(),
                    "dong dang".into(),
                    "{}".into(),
                    t.into(),
                    t.into(),
                ],
            )?;
            c.execute(
                "INSERT INTO org_changes \
                 (org_id, seq, effective, recorded_at, author, source, body) \
                 VALUES (?, ?, ?, ?, ?, ?, ?)",
                &[
                    Val::I64(1),
                    Val::I64(1),
                    d.into(),
                    t.into(),
                    "a".into(),
                    Val::Null,
                    "{}".into(),
                ],
            )
        })
        .expect("typed insert");
    assert_eq!(written, 1, "one history row stored");
    let r = db
        .read(|c| {
            c.query_one(
                "SELECT o.name, o.tax_code, o.founding_date, o.created_at, \
                 h.effective, h.recorded_at, h.author, h.source, h.body, h.seq \
                 FROM org_changes h JOIN organisations o ON o.id = h.org_id \
                 WHERE h.org_id = ?",
                &[Val::I64(1)],
            )
        })
        .expect("read back")
        .expect("the stored row");
    assert_eq!(r.text(0).expect("name"), name);
    assert_eq!(r.opt_text(1).expect("tax code"), None);
    assert_eq!(r.opt_date(2).expect("founding date"), Some(d));
    assert_eq!(r.ts(3).expect("created at"), t);
    assert_eq!(r.date(4).expect("effective"), d);
    assert_eq!(r.ts(5).expect("recorded at"), t);
    assert_eq!(r.text(6).expect("author"), "a");
    assert_eq!(r.opt_text(7).expect("source"), None);
    assert_eq!(r.text(8).expect("body"), "{}");
    assert_eq!(r.i64(9).expect("seq"), 1);
    let r = db
        .read(|c| {
            c.query_one(
                "SELECT COUNT(*), CAST(? AS BIGINT) FROM id_counters",
                &[Val::I64(42)],
            )
        })
        .expect("read")
        .expect("row");
    // organisation, link, place_overlay, user, api_token (migration 9)
    assert_eq!(r.i64(0).expect("count"), 5);
    assert_eq!(r.i64(1).expect("param"), 42);
}

fn unique_violations_are_recognised(url: &str) {
    let db = open(url);
    let r: Result<(), StoreError> = db.write(|c| {
        c.execute(
            "INSERT INTO id_counters (name, next_id) VALUES ('organisation', 5)",
            &[],
        )?;
        Ok(())
    });
    assert!(matches!(r, Err(StoreError::Unique(_))), "{r:?}");
}

fn a_failed_write_leaves_nothing(url: &str) {
    let db = open(url);
    let r: Result<(), StoreError> = db.write(|c| {
        c.execute(
            "UPDATE id_counters SET next_id = 100 WHERE name = 'link'",
            &[],
        )?;
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

/// An account for the uploads to belong to (a foreign key).
fn uploader(db: &Db) -> i64 {
    let row = crate::users::UserRow {
        id: 7,
        username: "uploader".into(),
        display_name: "Người tải lên".into(),
        password_hash: "x".into(),
        role: hoptac_domain::auth::Role::Admin,
        scope: hoptac_domain::auth::Scope::All,
        disabled: false,
        version: 1,
    };
    db.write(|c| crate::users::insert(c, &row, Utc::now()))
        .expect("user");
    row.id
}

fn uploads_keep_every_byte(url: &str) {
    let db = open(url);
    let user = uploader(&db);
    // Every byte value, twice over, with a NUL first: no text encoding survives that.
    let content: Vec<u8> = (0..=255u8).chain((0..=255u8).rev()).collect();
    db.write(|c| {
        crate::users::put_pending_import(c, "t", user, "tệp.xlsx", None, &content, Utc::now())
    })
    .expect("put");
    let back = db
        .write(|c| crate::users::take_pending_import(c, "t", user))
        .expect("take")
        .expect("kept");
    assert_eq!(back.bytes, content);
    assert_eq!(back.file_name, "tệp.xlsx");
    let again = db
        .write(|c| crate::users::take_pending_import(c, "t", user))
        .expect("take again");
    assert!(again.is_none(), "an upload is taken once");
}

/// Uploads kept as hex text before migration 8 come back as the same bytes after it;
/// one that is not hex could never be imported and is dropped.
fn hex_uploads_become_bytes(url: &str) {
    let db = Db::open(url).expect("open");
    crate::migrate::migrate_to(&db, 7).expect("migrate to 7");
    // The account as a version-7 program wrote it (today's repositories expect the
    // latest schema: their writes carry digests into the audit trail).
    let user = 7;
    db.write(|c| {
        c.execute(
            "INSERT INTO users (id, username, display_name, password_hash, role, scope, disabled, \
             version, created_at, updated_at) VALUES (?, 'uploader', 'u', 'x', 'admin', '{\"type\":\"all\"}', 0, 1, ?, ?)",
            &[user.into(), Utc::now().into(), Utc::now().into()],
        )
    })
    .expect("user");
    db.write(|c| {
        for (token, content) in [("good", "00ff7f0A"), ("bad", "zz")] {
            c.execute(
                "INSERT INTO pending_imports (token_hash, user_id, file_name, kind, content, created_at) \
                 VALUES (?, ?, 'a.csv', NULL, ?, ?)",
                &[token.into(), user.into(), content.into(), Utc::now().into()],
            )?;
        }
        Ok::<_, StoreError>(())
    })
    .expect("hex rows");
    // Migration 8 alone: later ones (9, the token expiry) are not what this tests.
    assert_eq!(
        crate::migrate::migrate_to(&db, 8).expect("migrate"),
        vec![8]
    );
    migrate(&db).expect("migrate to the latest");
    let good = db
        .write(|c| crate::users::take_pending_import(c, "good", user))
        .expect("take")
        .expect("kept");
    assert_eq!(good.bytes, vec![0x00, 0xff, 0x7f, 0x0a]);
    let bad = db
        .write(|c| crate::users::take_pending_import(c, "bad", user))
        .expect("take");
    assert!(bad.is_none());
}

hoptac_testkit::both_backends!(
    uploads_keep_every_byte,
    hex_uploads_become_bytes,
    migrations_apply_once,
    values_round_trip,
    unique_violations_are_recognised,
    a_failed_write_leaves_nothing
);

/// The search words go through the trigram index on both backends (the plan, not a
/// timing): FTS5 on SQLite, pg_trgm's GIN index on PostgreSQL.
#[test]
fn searches_use_the_trigram_index() {
    let lite = hoptac_testkit::sqlite();
    let db = open(&lite);
    // A rare word (here: in no record) is the one looked up in the index, the longest.
    let filter = hoptac_domain::list::OrgFilter {
        q: Some("Hợp tác xã nông nghiệp".into()),
        ..Default::default()
    };
    let word = db
        .read(|c| crate::orgs::indexed_word(c, &filter))
        .expect("word");
    assert_eq!(word.as_deref(), Some("nghiep"));
    let plan: Vec<String> = db
        .read(|c| {
            c.query(
                "EXPLAIN QUERY PLAN SELECT id FROM organisations \
                 WHERE id IN (SELECT rowid FROM org_search WHERE search_key LIKE '%hop tac%')",
                &[],
            )
        })
        .expect("plan")
        .iter()
        .map(|r| r.text(3).unwrap_or_default())
        .collect();
    assert!(
        plan.iter().any(|d| d.contains("VIRTUAL TABLE INDEX")),
        "{plan:?}"
    );
    let Some(pg) = hoptac_testkit::postgres() else {
        return;
    };
    let db = open(&pg);
    let plan: Vec<String> = db
        .write(|c| {
            // An empty table would always be scanned: ask for the index's plan.
            c.execute("SET LOCAL enable_seqscan = off", &[])?;
            c.query(
                "EXPLAIN SELECT id FROM organisations WHERE search_key LIKE '%hop tac%'",
                &[],
            )
        })
        .expect("plan")
        .iter()
        .map(|r| r.text(0).unwrap_or_default())
        .collect();
    assert!(
        plan.iter().any(|l| l.contains("organisations_search_trgm")),
        "{plan:?}"
    );
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

mod audit_trail {
    use super::*;
    use crate::audit::{self, Anchor, Entry, Finding};

    fn change(db: &Db, what: &str) {
        db.write(|c| {
            c.execute(
                "UPDATE id_counters SET next_id = next_id + 1 WHERE name = 'link'",
                &[],
            )?;
            audit::record(
                c,
                "tester",
                Some("test"),
                Entry {
                    entity: "counter".into(),
                    id: what.into(),
                    action: "update".into(),
                    before: Some(serde_json::json!({ "v": 1 })),
                    after: Some(serde_json::json!({ "v": 2, "what": what })),
                },
            );
            Ok::<_, StoreError>(())
        })
        .expect("write");
    }

    fn sql(db: &Db, q: &str) {
        db.write(|c| c.batch(q)).expect("tamper");
    }

    fn an_untouched_chain_verifies_and_reads_without_writes_add_nothing(url: &str) {
        let db = open(url);
        db.write(|c| c.query("SELECT 1", &[]).map(|_| ()))
            .expect("no change");
        assert_eq!(
            audit::verify(&db, None).expect("verify"),
            Finding::Intact { links: 0 }
        );
        change(&db, "a");
        change(&db, "b");
        let anchor = audit::anchor(&db).expect("anchor").expect("some");
        assert_eq!(anchor.seq, 2);
        assert_eq!(
            audit::verify(&db, Some(&anchor)).expect("verify"),
            Finding::Intact { links: 2 }
        );
        assert_eq!(Anchor::parse(&anchor.to_string()), Some(anchor));
        let recent = audit::recent(&db, 10).expect("recent");
        assert_eq!((recent[0].seq, recent[0].actor.as_str()), (2, "tester"));
    }

    fn the_trail_names_what_changed_since_a_link(url: &str) {
        let db = open(url);
        change(&db, "a");
        change(&db, "b");
        change(&db, "c");
        let named = |after, max| {
            db.read(|c| audit::changed_since(c, after, max))
                .expect("read")
        };
        let n = |id: &str| ("counter".to_owned(), id.to_owned());
        assert_eq!(named(1, 10), Some((3, vec![n("b"), n("c")])));
        assert_eq!(named(3, 10), Some((3, vec![])));
        assert_eq!(
            named(0, 2),
            None,
            "more links than asked for: read everything instead"
        );
        // A link that cannot be read names nothing to follow.
        sql(
            &db,
            "UPDATE audit_log SET entries = 'not json' WHERE seq = 2",
        );
        assert_eq!(named(1, 10), None);
        assert_eq!(named(2, 10), Some((3, vec![n("c")])));
    }

    fn an_edited_row_is_caught(url: &str) {
        let db = open(url);
        change(&db, "a");
        change(&db, "b");
        sql(
            &db,
            "UPDATE audit_log SET entries = REPLACE(entries, '\"v\":2', '\"v\":3') WHERE seq = 1",
        );
        assert_eq!(
            audit::verify(&db, None).expect("verify"),
            Finding::Altered { seq: 1 }
        );
    }

    fn a_deleted_row_is_caught(url: &str) {
        let db = open(url);
        change(&db, "a");
        change(&db, "b");
        change(&db, "c");
        let anchor = audit::anchor(&db).expect("anchor").expect("some");
        sql(&db, "DELETE FROM audit_log WHERE seq = 2");
        assert_eq!(
            audit::verify(&db, None).expect("verify"),
            Finding::Missing { seq: 2 }
        );
        // Cutting the tail leaves a whole chain, but not the head writers keep: it is
        // caught without an anchor too.
        let db2 = open(&hoptac_testkit::sqlite());
        change(&db2, "a");
        change(&db2, "b");
        let a2 = audit::anchor(&db2).expect("anchor").expect("some");
        sql(&db2, "DELETE FROM audit_log WHERE seq = 2");
        assert_eq!(
            audit::verify(&db2, None).expect("verify"),
            Finding::Missing { seq: 2 }
        );
        assert_eq!(
            audit::verify(&db2, Some(&a2)).expect("verify"),
            Finding::Missing { seq: 2 }
        );
        let _ = anchor;
    }

    fn a_rewritten_chain_is_caught_by_the_anchor(url: &str) {
        let db = open(url);
        change(&db, "a");
        change(&db, "b");
        let anchor = audit::anchor(&db).expect("anchor").expect("some");
        // Someone with database access edits row 1 and recomputes every hash.
        let rows = audit::recent(&db, 10).expect("rows");
        let mut prev = String::new();
        for mut r in rows.into_iter().rev() {
            if r.seq == 1 {
                r.entries = r.entries.replace("\"what\":\"a\"", "\"what\":\"z\"");
            }
            let h = audit::hash(
                r.seq,
                r.recorded_at,
                &r.actor,
                r.source.as_deref(),
                &r.entries,
                &prev,
            );
            db.write(|c| {
                c.execute(
                    "UPDATE audit_log SET entries = ?, prev_hash = ?, hash = ? WHERE seq = ?",
                    &[
                        r.entries.clone().into(),
                        prev.clone().into(),
                        h.clone().into(),
                        r.seq.into(),
                    ],
                )
            })
            .expect("rewrite");
            prev = h;
        }
        assert_eq!(
            audit::verify(&db, None).expect("verify"),
            Finding::AnchorMismatch { seq: 2 },
            "the head still holds the old last hash"
        );
        // Rewriting the head too leaves nothing inside the database to compare with.
        db.write(|c| {
            c.execute(
                "UPDATE audit_head SET hash = ? WHERE id = 1",
                &[prev.clone().into()],
            )
        })
        .expect("rewrite the head");
        assert_eq!(
            audit::verify(&db, None).expect("verify"),
            Finding::Intact { links: 2 },
            "internally consistent"
        );
        assert_eq!(
            audit::verify(&db, Some(&anchor)).expect("verify"),
            Finding::AnchorMismatch { seq: 2 }
        );
    }

    hoptac_testkit::both_backends!(
        an_untouched_chain_verifies_and_reads_without_writes_add_nothing,
        the_trail_names_what_changed_since_a_link,
        an_edited_row_is_caught,
        a_deleted_row_is_caught,
        a_rewritten_chain_is_caught_by_the_anchor
    );
}
