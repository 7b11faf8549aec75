//! Web tests through the real router, on both databases: one file per area, sharing
//! `helpers`. The OpenAPI snapshot stays here: its file is named after this module.

mod api;
mod api_contract;
mod api_evaluation;
mod api_write_access;
mod audit_page;
mod browser_sign_in;
mod conflict_screen;
mod create_form;
mod dashboard_page;
mod edit_page;
mod evaluation_pages;
mod first_ten_minutes;
mod follow_up_form;
mod follow_up_page;
mod helpers;
mod identity_proposals;
mod import_page;
mod organisation_links_and_status;
mod organisation_page;
mod page_access;
mod registry_page;
mod route_access;
mod stoppages_page;
mod users_page;
mod write_scope;

#[test]
fn openapi_document_is_stable() {
    let doc = serde_json::to_value(crate::api::openapi()).expect("json");
    insta::assert_json_snapshot!("openapi", doc);
}
mod error_path;
mod templates;
