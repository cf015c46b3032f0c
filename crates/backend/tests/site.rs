//! Serving the console's build: SPA fallback, config.json, and the security headers.

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
