//! Helpers shared by the end-to-end test binaries (each uses a part of them, hence the
//! `dead_code` allowance).
#![allow(dead_code)]

use std::io::{BufRead, BufReader, Read, Write};
use std::path::PathBuf;
use std::process::{Child, Command, Stdio};

pub fn fixture(name: &str) -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR"))
        .join("../../tests/fixtures")
        .join(name)
}

/// Runs `hoptac` on `db`, feeding `stdin`; it must succeed. Its standard output.
pub fn hoptac_ok(db: &str, args: &[&str], stdin: Option<&str>) -> String {
    let mut child = Command::new(env!("CARGO_BIN_EXE_hoptac"))
        .args(args)
        .env("HOPTAC_DATABASE", db)
        .env("RUST_LOG", "warn")
        .stdin(Stdio::piped())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .expect("run hoptac");
    if let Some(s) = stdin {
        let _ = child.stdin.take().expect("stdin").write_all(s.as_bytes());
    }
    let out = child.wait_with_output().expect("wait");
    assert!(
        out.status.success(),
        "hoptac {args:?}: {}",
        String::from_utf8_lossy(&out.stderr)
    );
    String::from_utf8_lossy(&out.stdout).into_owned()
}

/// A `hoptac serve` process on a free loopback port, killed when dropped.
pub struct Server {
    child: Child,
    pub addr: String,
}

impl Server {
    pub fn start(db: &str) -> Server {
        let mut child = Command::new(env!("CARGO_BIN_EXE_hoptac"))
            .args(["serve", "--bind", "127.0.0.1:0"])
            .env("HOPTAC_DATABASE", db)
            .env("RUST_LOG", "warn")
            .stdout(Stdio::piped())
            .stderr(Stdio::null())
            .spawn()
            .expect("spawn hoptac serve");
        // The first line names the address it bound.
        let mut line = String::new();
        BufReader::new(child.stdout.take().expect("stdout"))
            .read_line(&mut line)
            .expect("first line");
        let addr = line
            .split("http://")
            .nth(1)
            .and_then(|s| s.split_whitespace().next())
            .expect("address")
            .to_owned();
        Server { child, addr }
    }

    pub fn base(&self) -> String {
        format!("http://{}", self.addr)
    }

    /// One HTTP/1.1 request; the whole answer (status line, headers, body).
    pub fn call(&self, method: &str, path: &str, headers: &[(&str, &str)], body: &str) -> String {
        let mut s = std::net::TcpStream::connect(&self.addr).expect("connect");
        let mut req = format!("{method} {path} HTTP/1.1\r\nHost: x\r\nConnection: close\r\n");
        for (k, v) in headers {
            req.push_str(&format!("{k}: {v}\r\n"));
        }
        req.push_str(&format!("Content-Length: {}\r\n\r\n{body}", body.len()));
        s.write_all(req.as_bytes()).expect("send");
        let mut answer = String::new();
        s.read_to_string(&mut answer).expect("read");
        answer
    }
}

impl Drop for Server {
    fn drop(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}
