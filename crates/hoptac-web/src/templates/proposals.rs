//! The identity proposals on an organisation page (*đề nghị thay đổi thông tin pháp
//! lý*): each with who proposed it and when, the values it would replace, the values
//! now (a stale proposal's changed fields are marked) and the proposed values; for an
//! officer who decides, Accept (field by field) and Refuse (with a reason).

use super::{html, Markup};
use hoptac_domain::i18n::Lang;

/// One field of a proposal.
pub struct ProposalRow {
    /// The field's key (the checkbox is `f_<key>`).
    pub key: String,
    pub label: String,
    /// When proposed.
    pub was: String,
    pub now: String,
    pub proposed: String,
    /// The record changed in this field since the proposal.
    pub stale: bool,
}

/// One proposal as shown.
pub struct ProposalView {
    pub id: String,
    pub author: String,
    pub proposed_at: String,
    pub state: &'static str,
    pub pending: bool,
    pub rows: Vec<ProposalRow>,
    /// Who decided, when, and why: already worded.
    pub decision: Option<String>,
}

/// The proposals section of an organisation page.
pub struct Proposals<'a> {
    pub lang: Lang,
    pub org_id: i64,
    pub csrf: &'a str,
    /// The record's version, which an acceptance updates.
    pub version: i64,
    /// The reader accepts and refuses (an officer in scope).
    pub decides: bool,
    pub items: Vec<ProposalView>,
}

fn rows(lang: Lang, p: &ProposalView, choose: bool) -> Markup {
    let t = |vi: &'static str, en: &'static str| lang.t(vi, en);
    html! {
        div.w {
            table {
                thead {
                    tr {
                        th scope="col" { (t("Thông tin", "Field")) }
                        th scope="col" { (t("Khi đề nghị", "When proposed")) }
                        th scope="col" { (t("Hiện tại", "Now")) }
                        th scope="col" { (t("Đề nghị", "Proposed")) }
                        @if choose { th scope="col" { (t("Chấp nhận", "Accept")) } }
                    }
                }
                tbody {
                    @for r in &p.rows {
                        tr {
                            th scope="row" { (r.label) }
                            td { (r.was) }
                            td {
                                (r.now)
                                @if r.stale {
                                    " " mark { (t("(đã đổi từ khi đề nghị)", "(changed since proposed)")) }
                                }
                            }
                            td { ins { (r.proposed) } }
                            @if choose {
                                td {
                                    label {
                                        input type="checkbox" name={ "f_" (r.key) } value="on" checked[!r.stale];
                                        " " (r.label)
                                    }
                                }
                            }
                        }
                    }
                }
            }
        }
    }
}

fn decide(v: &Proposals<'_>, p: &ProposalView) -> Markup {
    let t = |vi: &'static str, en: &'static str| v.lang.t(vi, en);
    html! {
        form method="post" action={ "/to-chuc/" (v.org_id) "/de-nghi/chap-nhan" } {
            input type="hidden" name="csrf" value=(v.csrf);
            input type="hidden" name="proposal" value=(p.id);
            input type="hidden" name="version" value=(v.version);
            (rows(v.lang, p, true))
            button type="submit" { (t("Chấp nhận các thông tin đã chọn", "Accept the chosen fields")) }
        }
        form method="post" action={ "/to-chuc/" (v.org_id) "/de-nghi/tu-choi" } {
            input type="hidden" name="csrf" value=(v.csrf);
            input type="hidden" name="proposal" value=(p.id);
            label {
                (t("Lý do từ chối (bắt buộc)", "Reason for refusing (required)")) " "
                textarea name="reason" rows="2" required {}
            }
            " "
            button type="submit" { (t("Từ chối", "Refuse")) }
        }
    }
}

/// The section, or nothing when there is no proposal.
pub fn proposals(v: &Proposals<'_>) -> Markup {
    let t = |vi: &'static str, en: &'static str| v.lang.t(vi, en);
    html! {
        @if !v.items.is_empty() {
            h2 { (t("Đề nghị thay đổi thông tin pháp lý", "Proposed changes to the legal identity")) }
            @for p in &v.items {
                h3 { (t("Đề nghị", "Proposal")) " " (p.id) ": " (p.state) }
                p {
                    (t("Của", "By")) " " (p.author) ", " (p.proposed_at)
                    @if let Some(d) = &p.decision { ". " (d) }
                }
                @if p.pending && v.decides {
                    (decide(v, p))
                } @else {
                    (rows(v.lang, p, false))
                }
            }
        }
    }
}
