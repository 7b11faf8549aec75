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
}

pub(super) fn run(reg: Registry, a: ServeArgs, lang: Lang) -> Result<(), Failure> {
    serve(reg, &a.bind, lang)
}

pub(super) fn serve(reg: Registry, bind: &str, lang: Lang) -> Result<(), Failure> {
    if !reg.has_admin().unwrap_or(true) {
        eprintln!(
            "{}",
            lang.t(
                "Chưa có tài khoản quản trị. Tạo tài khoản đầu tiên: hoptac user add <tên> --role admin",
                "No administrator yet. Create the first one: hoptac user add <name> --role admin"
            )
        );
    }
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
        // Cookies are marked Secure when the server sits behind HTTPS.
        let secure = std::env::var("HOPTAC_SECURE_COOKIES").is_ok_and(|v| v == "1" || v == "true");
        hoptac_web::serve(reg, listener, secure)
            .await
            .map_err(|e| Failure(e.to_string()))
    })
}
