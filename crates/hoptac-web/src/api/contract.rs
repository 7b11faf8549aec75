//! What the OpenAPI document promises beyond each handler's own annotation: who may
//! call an operation (its security) and the error answers it can give, all with the
//! shared [`crate::error::ErrorBody`]. Written once here rather than on thirty
//! handlers, so that a generated client (and the contract tester in CI) can trust
//! every operation alike.

use utoipa::openapi::path::{Operation, PathItem};
use utoipa::openapi::schema::Schema;
use utoipa::openapi::security::SecurityRequirement;
use utoipa::openapi::{ContentBuilder, OpenApi, Ref, RefOr, ResponseBuilder};

/// Operations anyone may call, signed in or not (published facts, places, rule sets);
/// every other operation needs an account's token. The route-access test holds the
/// same list.
const PUBLIC: &[(&str, &str)] = &[
    ("get", "/api/v1/organisations"),
    ("get", "/api/v1/organisations/{id}"),
    ("get", "/api/v1/export"),
    ("get", "/api/v1/places/communes"),
    ("get", "/api/v1/places/districts"),
    ("get", "/api/v1/places/suspect-mappings"),
    ("get", "/api/v1/openapi.json"),
    ("get", "/api/v1/rule-sets"),
];

/// Operations that never touch the database (the document, the shipped places), so
/// cannot answer 503.
const NO_STORAGE: &[&str] = &[
    "/api/v1/openapi.json",
    "/api/v1/places/communes",
    "/api/v1/places/districts",
    "/api/v1/places/suspect-mappings",
];

/// Whether `method path` is open to the public.
pub fn is_public(method: &str, path: &str) -> bool {
    PUBLIC
        .iter()
        .any(|(m, p)| m.eq_ignore_ascii_case(method) && *p == path)
}

/// Adds security and error answers to every operation of `doc`.
pub fn complete(doc: &mut OpenApi) {
    let versioned = versioned_bodies(doc);
    for (path, item) in doc.paths.paths.iter_mut() {
        for (method, op) in operations(item) {
            let public = is_public(method, path);
            op.security = Some(if public {
                // Anyone; a token only widens what is seen (contacts, notes).
                vec![SecurityRequirement::default(), bearer()]
            } else {
                vec![bearer()]
            });
            for (status, why) in errors(path, op, public, &versioned) {
                add_error(op, status, why);
            }
        }
    }
}

fn bearer() -> SecurityRequirement {
    SecurityRequirement::new("bearer", Vec::<String>::new())
}

/// The error answers an operation can give, by what it takes and who may call it.
fn errors(
    path: &str,
    op: &Operation,
    public: bool,
    versioned: &[String],
) -> Vec<(&'static str, &'static str)> {
    let has_params = op.parameters.as_ref().is_some_and(|p| !p.is_empty());
    let body = op.request_body.as_ref().map(|b| &b.content);
    let json_body = body.is_some_and(|c| c.contains_key("application/json"));
    let mut out = vec![];
    if body.is_some() {
        out.push((
            "400",
            "a malformed request (a bad parameter, a body that is not JSON), or one the \
             registry refuses: a link the law does not allow, an unknown rule set or place",
        ));
    } else if has_params {
        out.push(("400", "a bad query or path parameter"));
    }
    if !public {
        out.push((
            "401",
            "no API token, or one that is unknown, expired or revoked",
        ));
        out.push((
            "403",
            "the account's role may not do this (or not in this scope)",
        ));
    }
    if path.contains('{') {
        out.push((
            "404",
            "no such record, or one outside the caller's scope (the same answer)",
        ));
    }
    let body_schema = body
        .and_then(|c| c.get("application/json"))
        .and_then(|c| c.schema.as_ref());
    if is_one_of(body_schema, versioned) {
        out.push(("409", "edited by someone else since `version`"));
    }
    if body.is_some() {
        out.push(("413", "the request body is too large"));
    }
    if json_body {
        out.push(("415", "the body is not sent as `application/json`"));
    }
    if body.is_some() {
        out.push((
            "422",
            "the body does not fit its schema, or the record would not be valid",
        ));
    }
    if !NO_STORAGE.contains(&path) {
        out.push((
            "503",
            "the database cannot be reached now; try again after `Retry-After`",
        ));
    }
    out
}

/// Whether `schema` refers to one of the named schemas.
fn is_one_of(schema: Option<&RefOr<Schema>>, names: &[String]) -> bool {
    let Some(RefOr::Ref(r)) = schema else {
        return false;
    };
    names
        .iter()
        .any(|n| r.ref_location == format!("#/components/schemas/{n}"))
}

/// Names of request schemas that carry the `version` a write was based on.
fn versioned_bodies(doc: &OpenApi) -> Vec<String> {
    let Some(components) = doc.components.as_ref() else {
        return vec![];
    };
    components
        .schemas
        .iter()
        .filter(|(_, s)| {
            serde_json::to_value(s)
                .ok()
                .is_some_and(|v| v["properties"].get("version").is_some())
        })
        .map(|(name, _)| name.clone())
        .collect()
}

/// Documents an error answer unless the handler's annotation already does.
fn add_error(op: &mut Operation, status: &str, why: &str) {
    op.responses
        .responses
        .entry(status.to_owned())
        .or_insert_with(|| {
            let body = ContentBuilder::new()
                .schema(Some(Ref::from_schema_name("ErrorBody")))
                .build();
            RefOr::T(
                ResponseBuilder::new()
                    .description(why)
                    .content("application/json", body)
                    .build(),
            )
        });
}

/// The operations of a path, with their method.
fn operations(item: &mut PathItem) -> impl Iterator<Item = (&'static str, &mut Operation)> {
    [
        ("get", &mut item.get),
        ("put", &mut item.put),
        ("post", &mut item.post),
        ("delete", &mut item.delete),
        ("patch", &mut item.patch),
    ]
    .into_iter()
    .filter_map(|(m, op)| op.as_mut().map(|op| (m, op)))
}
