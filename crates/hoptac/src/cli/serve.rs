//! `hoptac serve`: the web server (JSON API under /api/v1, start page at /), also
//! used by `hoptac demo` once the demo province is in place.

use super::Failure;
use clap::Args;
use hoptac_app::Registry;
use hoptac_domain::i18n::Lang;
use std::io::Write;

#[derive(Args)]
pub(super) struct ServeArgs {
    /// Address to listen on.
    #[arg(long, env = "HOPTAC_BIND", default_value = "127.0.0.1:8080")]
    bind: String,
    /// Mark session cookies Secure and send HSTS (the server is reached over HTTPS,
    /// through a proxy that holds the certificate). Default: yes, unless the server
    /// listens on loopback only; set false to serve plain HTTP beyond this machine.
    #[arg(long, env = "HOPTAC_SECURE_COOKIES", value_parser = clap::builder::BoolishValueParser::new())]
    secure_cookies: Option<bool>,
    /// A reverse proxy in front appends the client's address to `X-Forwarded-For`:
    /// sign-in throttling then counts per client, not per proxy. Without a proxy leave
    /// it off, or clients could name any address.
    #[arg(long, env = "HOPTAC_TRUSTED_PROXY", value_parser = clap::builder::BoolishValueParser::new(), default_value_t = false)]
    trusted_proxy: bool,
    /// Append the audit trail's anchor (time and SEQ:HASH) to this file at start and
    /// every hour; copy it off the machine (`hoptac audit verify --anchor` takes any
    /// line's SEQ:HASH). The anchor always goes into the server's log too.
    #[arg(long, env = "HOPTAC_ANCHOR_FILE")]
    anchor_file: Option<std::path::PathBuf>,
}

/// `database` is the `--database URL ` to print in hints (empty for the default).
pub(super) fn run(reg: Registry, a: ServeArgs, database: &str, lang: Lang) -> Result<(), Failure> {
    first_admin_hint(&reg, database, lang);
    serve(
        reg,
        &a.bind,
        a.secure_cookies,
        a.trusted_proxy,
        a.anchor_file,
        lang,
    )
}

/// Without an administrator, how to make the first one: a command that works as
/// printed on this database (`database`: its `--database URL `, or empty).
pub(super) fn first_admin_hint(reg: &Registry, database: &str, lang: Lang) {
    if reg.has_admin().unwrap_or(true) {
        return;
    }
    eprintln!(
        "{}: hoptac {database}user add {} --role admin",
        lang.t(
            "Chưa có tài khoản quản trị. Tạo tài khoản đầu tiên",
            "No administrator yet. Create the first one"
        ),
        lang.t("<tên>", "<name>")
    );
}

/// `HOPTAC_ANCHOR_FILE` read by hand, for `hoptac demo` (which has no such flag).
pub(super) fn anchor_file_from_env() -> Option<std::path::PathBuf> {
    std::env::var_os("HOPTAC_ANCHOR_FILE")
        .filter(|v| !v.is_empty())
        .map(Into::into)
}

/// Whether cookies are marked Secure: as set, else unless listening on loopback only
/// (plain HTTP is for one's own machine; anything reached from elsewhere sits behind
/// TLS).
fn secure_cookies(setting: Option<bool>, addr: std::net::SocketAddr) -> bool {
    setting.unwrap_or(!addr.ip().is_loopback())
}

/// `HOPTAC_SECURE_COOKIES` read by hand, for `hoptac demo` (which has no such flag).
pub(super) fn secure_cookies_from_env() -> Option<bool> {
    let v = std::env::var("HOPTAC_SECURE_COOKIES").ok()?;
    match v.trim().to_ascii_lowercase().as_str() {
        "1" | "true" | "yes" | "on" => Some(true),
        "0" | "false" | "no" | "off" => Some(false),
        _ => None,
    }
}

pub(super) fn serve(
    reg: Registry,
    bind: &str,
    secure: Option<bool>,
    trusted_proxy: bool,
    anchor_file: Option<std::path::PathBuf>,
    lang: Lang,
) -> Result<(), Failure> {
    let rt = tokio::runtime::Builder::new_multi_thread()
        .enable_all()
        .build()
        .map_err(|e| Failure(e.to_string()))?;
    rt.block_on(async {
        let listener = tokio::net::TcpListener::bind(bind).await.map_err(|e| {
            Failure(match lang {
                Lang::Vi => format!("không mở được cổng {bind}: {e}"),
                Lang::En => format!("cannot listen on {bind}: {e}"),
            })
        })?;
        let addr = listener.local_addr().map_err(|e| Failure(e.to_string()))?;
        outln!(
            "hoptac: http://{addr}  ({})",
            lang.t("Ctrl-C để dừng", "Ctrl-C to stop")
        );
        let _ = std::io::stdout().flush();
        let secure = secure_cookies(secure, addr);
        hoptac_app::users::purge_every_hour(reg.clone());
        hoptac_app::anchors::publish_every_hour(reg.db.clone(), anchor_file);
        let options = hoptac_web::ServeOptions {
            secure_cookies: secure,
            trusted_proxy,
        };
        hoptac_web::serve_with(reg, listener, options)
            .await
            .map_err(|e| Failure(e.to_string()))
    })
}

#[cfg(test)]
mod tests {
    #[test]
    fn cookies_are_secure_unless_on_loopback_or_set() {
        let lo: std::net::SocketAddr = "127.0.0.1:8080".parse().expect("addr");
        let lo6: std::net::SocketAddr = "[::1]:8080".parse().expect("addr");
        let any: std::net::SocketAddr = "0.0.0.0:8080".parse().expect("addr");
        assert!(!super::secure_cookies(None, lo));
        assert!(!super::secure_cookies(None, lo6));
        assert!(super::secure_cookies(None, any));
        assert!(!super::secure_cookies(Some(false), any));
        assert!(super::secure_cookies(Some(true), lo));
    }
}
