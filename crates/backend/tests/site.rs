//! Serving the console's build: SPA fallback, config.json, and the security headers.

#![allow(clippy::unwrap_used, clippy::expect_used)] // A test: a failed expectation fails it.

mod common;

use base64::Engine;
use common::Server;
use sha2::{Digest, Sha256};

const LOADER: &str =
    "import init from '/app-1.js';\nawait init({ module_or_path: '/app-1_bg.wasm' });";

fn dist() -> tempfile::TempDir {
    let dir = tempfile::tempdir().unwrap();
    let index = format!(
        "<!doctype html><html><head><script type=module>{LOADER}</script><link rel=stylesheet href=/style.css></head><body></body></html>"
    );
    std::fs::write(dir.path().join("index.html"), index).unwrap();
    std::fs::write(dir.path().join("style.css"), "body{}").unwrap();
    dir
}

#[tokio::test]
async fn index_html_comes_with_a_strict_csp_that_allows_the_loader_by_hash() {
    let dir = dist();
    let server = Server::start(&["--static", dir.path().to_str().unwrap()]).await;
    for path in ["/", "/deployments/dep-123", "/catalog"] {
        let response = server.client.get(server.url(path)).send().await.unwrap();
        assert_eq!(
            response.status(),
            200,
            "{path}: the app's routes fall back to index.html"
        );
        let headers = response.headers().clone();
        assert!(response.text().await.unwrap().contains(LOADER));
        let csp = headers["content-security-policy"].to_str().unwrap();
        let hash =
            base64::engine::general_purpose::STANDARD.encode(Sha256::digest(LOADER.as_bytes()));
        assert!(csp.contains(&format!("'sha256-{hash}'")), "{csp}");
        assert!(csp.contains("'wasm-unsafe-eval'"), "{csp}");
        assert!(
            !csp.contains("'unsafe-eval'") && !csp.contains("'unsafe-inline'"),
            "{csp}"
        );
        assert!(csp.contains("frame-ancestors 'none'"), "{csp}");
        assert_eq!(headers["x-content-type-options"], "nosniff");
        assert_eq!(headers["referrer-policy"], "no-referrer");
    }
    let css = server
        .client
        .get(server.url("/style.css"))
        .send()
        .await
        .unwrap();
    assert_eq!(css.headers()["x-content-type-options"], "nosniff");
}

#[tokio::test]
async fn frame_ancestors_and_config_json_follow_the_options() {
    let dir = dist();
    let server = Server::start(&[
        "--static",
        dir.path().to_str().unwrap(),
        "--frame-ancestors",
        "http://127.0.0.1:9000",
        "--frame-ancestors",
        "https://dash.example.com",
    ])
    .await;
    let response = server.client.get(server.url("/")).send().await.unwrap();
    let csp = response.headers()["content-security-policy"]
        .to_str()
        .unwrap()
        .to_string();
    assert!(
        csp.ends_with("frame-ancestors http://127.0.0.1:9000 https://dash.example.com"),
        "{csp}"
    );
    let (status, config) = server.get("/config.json").await;
    assert_eq!(status, 200);
    assert_eq!(config["apiBase"], "/api/v1");
    assert_eq!(config["demo"], false);
    assert_eq!(
        config["embed"]["allowedOrigins"],
        serde_json::json!(["http://127.0.0.1:9000", "https://dash.example.com"])
    );
    assert_eq!(
        server.get("/api/v1/packages").await.0,
        200,
        "the API still answers beside the site"
    );
    assert_eq!(
        server.get("/api/v1/nothing").await.0,
        404,
        "unknown API paths do not fall back to the app"
    );
}

#[test]
fn a_static_dir_without_index_html_is_refused_at_start() {
    let dir = tempfile::tempdir().unwrap();
    let options = <backend::Options as clap::Parser>::try_parse_from([
        "rio-backend",
        "--static",
        dir.path().to_str().unwrap(),
    ])
    .unwrap();
    let error = backend::AppState::new(options).err().unwrap();
    assert!(
        error.to_string().contains("trunk build --release"),
        "{error}"
    );
}

#[tokio::test]
async fn backend_paths_and_missing_files_are_404_not_the_app() {
    let dir = dist();
    let server = Server::start(&["--static", dir.path().to_str().unwrap()]).await;
    for path in [
        "/api",
        "/api/",
        "/api/v2/x",
        "/api/v1/nothing",
        "/__control",
        "/__control/faults",
        "/app-2.js",
        "/app-1_bg.wasm",
        "/missing.css",
        "/img/logo.png",
        "/deployments/favicon.ico",
        "/.env",
    ] {
        let response = server.client.get(server.url(path)).send().await.unwrap();
        assert_eq!(response.status(), 404, "{path}");
        assert_eq!(
            response.headers()["content-type"],
            "application/json",
            "{path}"
        );
        assert_eq!(
            response.headers()["x-content-type-options"],
            "nosniff",
            "{path}"
        );
        let error: serde_json::Value = response.json().await.unwrap();
        assert_eq!(error["error"]["code"], "not_found", "{path}");
    }
    let (status, _) = server
        .send(
            reqwest::Method::POST,
            "/api/v2/deployments",
            &serde_json::json!({}),
        )
        .await;
    assert_eq!(status, 404, "any method");

    let css = server
        .client
        .get(server.url("/style.css"))
        .send()
        .await
        .unwrap();
    assert_eq!(css.status(), 200, "files of the build are served");
    for path in [
        "/",
        "/catalog",
        "/catalog/pkg-fleet-dashboard/deploy",
        "/deployments/dep-1",
    ] {
        let page = server.client.get(server.url(path)).send().await.unwrap();
        assert_eq!(page.status(), 200, "{path}");
        assert!(
            page.headers()["content-type"]
                .to_str()
                .unwrap()
                .starts_with("text/html"),
            "{path}"
        );
        assert!(page.text().await.unwrap().contains(LOADER), "{path}");
    }
    let post = server
        .client
        .post(server.url("/deployments"))
        .send()
        .await
        .unwrap();
    assert_eq!(post.status(), 405, "pages are only read");
}

/// A release build as `rio-compress` leaves it: `.br` and `.gz` beside the files worth it.
fn compressed_dist() -> tempfile::TempDir {
    let dir = dist();
    let script = "export function deployment(id) { return fetch(`/api/v1/deployments/${id}`); }\n";
    std::fs::write(dir.path().join("app-1.js"), script.repeat(100)).unwrap();
    let wasm: Vec<u8> = (0..20_000u32).map(|i| (i % 7) as u8).collect();
    std::fs::write(dir.path().join("app-1_bg.wasm"), wasm).unwrap();
    std::fs::write(dir.path().join("logo.png"), [0x89, b'P', b'N', b'G']).unwrap();
    compress::compress_dir(dir.path(), 1).unwrap();
    assert!(dir.path().join("app-1_bg.wasm.br").exists());
    dir
}

/// GET `path` with `Accept-Encoding: accept` (none when empty) and these other headers.
async fn fetch(
    server: &Server,
    path: &str,
    accept: &str,
    headers: &[(&str, &str)],
) -> reqwest::Response {
    let mut request = server.client.get(server.url(path));
    if !accept.is_empty() {
        request = request.header("accept-encoding", accept);
    }
    for (name, value) in headers {
        request = request.header(*name, *value);
    }
    request.send().await.unwrap()
}

fn header<'a>(response: &'a reqwest::Response, name: &str) -> &'a str {
    response
        .headers()
        .get(name)
        .map_or("", |value| value.to_str().unwrap())
}

#[tokio::test]
async fn the_precompressed_copy_the_client_accepts_is_sent_with_the_files_type() {
    let dir = compressed_dist();
    let server = Server::start(&["--static", dir.path().to_str().unwrap()]).await;
    let read = |name: &str| std::fs::read(dir.path().join(name)).unwrap();
    for (accept, encoding, file) in [
        ("gzip, deflate, br, zstd", "br", "app-1.js.br"),
        ("br", "br", "app-1.js.br"),
        ("gzip;q=0.5, br;q=0.9", "br", "app-1.js.br"),
        ("gzip", "gzip", "app-1.js.gz"),
        ("x-gzip", "gzip", "app-1.js.gz"),
        ("gzip, br;q=0", "gzip", "app-1.js.gz"),
        ("br;q=0, gzip;q=0", "", "app-1.js"),
        ("identity", "", "app-1.js"),
        ("deflate", "", "app-1.js"),
        ("", "", "app-1.js"),
    ] {
        let response = fetch(&server, "/app-1.js", accept, &[]).await;
        assert_eq!(response.status(), 200, "{accept}");
        assert_eq!(header(&response, "content-encoding"), encoding, "{accept}");
        assert_eq!(
            header(&response, "content-type"),
            "text/javascript",
            "{accept}"
        );
        assert_eq!(header(&response, "vary"), "accept-encoding", "{accept}");
        assert!(header(&response, "content-security-policy").contains("'wasm-unsafe-eval'"));
        assert_eq!(header(&response, "x-content-type-options"), "nosniff");
        let length = read(file).len().to_string();
        assert_eq!(header(&response, "content-length"), length, "{accept}");
        assert_eq!(
            response.bytes().await.unwrap(),
            read(file),
            "{accept}: {file}"
        );
    }
    let wasm = fetch(&server, "/app-1_bg.wasm", "gzip, br", &[]).await;
    assert_eq!(header(&wasm, "content-type"), "application/wasm");
    assert_eq!(header(&wasm, "content-encoding"), "br");
    assert_eq!(wasm.bytes().await.unwrap(), read("app-1_bg.wasm.br"));

    let png = fetch(&server, "/logo.png", "gzip, br", &[]).await;
    assert_eq!(header(&png, "content-encoding"), "", "no copy: the file");
    assert_eq!(header(&png, "vary"), "accept-encoding");
    assert_eq!(png.bytes().await.unwrap(), read("logo.png"));

    let page = fetch(&server, "/deployments/dep-1", "gzip, br", &[]).await;
    assert_eq!(
        header(&page, "content-encoding"),
        "",
        "the app's pages as before"
    );
    assert!(page.text().await.unwrap().contains(LOADER));
}

#[tokio::test]
async fn without_its_copy_a_file_is_sent_as_the_next_accepted_encoding_or_itself() {
    let dir = compressed_dist();
    std::fs::remove_file(dir.path().join("app-1.js.br")).unwrap();
    let server = Server::start(&["--static", dir.path().to_str().unwrap()]).await;
    let gzip = fetch(&server, "/app-1.js", "br, gzip", &[]).await;
    assert_eq!(header(&gzip, "content-encoding"), "gzip");
    assert_eq!(
        gzip.bytes().await.unwrap(),
        std::fs::read(dir.path().join("app-1.js.gz")).unwrap()
    );
    std::fs::remove_file(dir.path().join("app-1.js.gz")).unwrap();
    let plain = fetch(&server, "/app-1.js", "br, gzip", &[]).await;
    assert_eq!(plain.status(), 200);
    assert_eq!(header(&plain, "content-encoding"), "");
    assert_eq!(header(&plain, "content-type"), "text/javascript");
    assert_eq!(
        plain.bytes().await.unwrap(),
        std::fs::read(dir.path().join("app-1.js")).unwrap()
    );
    let missing = fetch(&server, "/app-2.js", "br, gzip", &[]).await;
    assert_eq!(missing.status(), 404, "a missing file is still 404");
}

#[tokio::test]
async fn a_compressed_answer_has_the_files_validators_head_and_ranges() {
    let dir = compressed_dist();
    let server = Server::start(&["--static", dir.path().to_str().unwrap()]).await;
    let plain = fetch(&server, "/app-1_bg.wasm", "", &[]).await;
    let modified = header(&plain, "last-modified").to_string();
    assert!(!modified.is_empty());
    for accept in ["br", "gzip", ""] {
        let response = fetch(&server, "/app-1_bg.wasm", accept, &[]).await;
        assert_eq!(header(&response, "last-modified"), modified, "{accept}");
        let not_modified = fetch(
            &server,
            "/app-1_bg.wasm",
            accept,
            &[("if-modified-since", &modified)],
        )
        .await;
        assert_eq!(not_modified.status(), 304, "{accept}");
        assert_eq!(header(&not_modified, "vary"), "accept-encoding", "{accept}");
        assert!(!header(&not_modified, "content-security-policy").is_empty());
        let old = "Mon, 01 Jan 2001 00:00:00 GMT";
        let changed = fetch(
            &server,
            "/app-1_bg.wasm",
            accept,
            &[("if-unmodified-since", old)],
        )
        .await;
        assert_eq!(changed.status(), 412, "{accept}");
    }

    let br = std::fs::read(dir.path().join("app-1_bg.wasm.br")).unwrap();
    let head = server
        .client
        .head(server.url("/app-1_bg.wasm"))
        .header("accept-encoding", "br")
        .send()
        .await
        .unwrap();
    assert_eq!(head.status(), 200);
    assert_eq!(header(&head, "content-encoding"), "br");
    assert_eq!(header(&head, "content-type"), "application/wasm");
    assert_eq!(header(&head, "content-length"), br.len().to_string());
    assert_eq!(header(&head, "vary"), "accept-encoding");
    assert!(head.bytes().await.unwrap().is_empty());

    // A range is of the bytes sent: the compressed ones.
    let range = fetch(&server, "/app-1_bg.wasm", "br", &[("range", "bytes=0-9")]).await;
    assert_eq!(range.status(), 206);
    assert_eq!(header(&range, "content-encoding"), "br");
    assert_eq!(
        header(&range, "content-range"),
        format!("bytes 0-9/{}", br.len())
    );
    assert_eq!(range.bytes().await.unwrap(), br[..10]);
}

#[tokio::test]
async fn the_copies_are_not_files_of_the_site() {
    let dir = compressed_dist();
    let server = Server::start(&["--static", dir.path().to_str().unwrap()]).await;
    for path in [
        "/app-1.js.br",
        "/app-1.js.gz",
        "/app-1_bg.wasm.br",
        "/app-1.js%2Ebr",
        "/index.html.gz",
    ] {
        for accept in ["", "br, gzip"] {
            let response = fetch(&server, path, accept, &[]).await;
            assert_eq!(response.status(), 404, "{path} {accept}");
            assert_eq!(header(&response, "content-type"), "application/json");
            assert_eq!(header(&response, "content-encoding"), "", "{path} {accept}");
            assert!(!header(&response, "content-security-policy").is_empty());
        }
    }
}
