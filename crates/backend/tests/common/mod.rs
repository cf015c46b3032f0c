//! Starts the backend in-process on a free port for one test.

#![allow(dead_code)]

use backend::{AppState, Options};
use clap::Parser;

/// A running backend; stops when dropped.
pub struct Server {
    /// `http://127.0.0.1:PORT`.
    pub base: String,
    /// A client for it.
    pub client: reqwest::Client,
    task: tokio::task::JoinHandle<()>,
}

impl Drop for Server {
    fn drop(&mut self) {
        self.task.abort();
    }
}

impl Server {
    /// Starts with these extra command-line arguments (and a fast simulation).
    pub async fn start(args: &[&str]) -> Server {
        let mut all = vec!["rio-backend", "--speed", "50"];
        all.extend_from_slice(args);
        let options = Options::try_parse_from(all).expect("valid options");
        let state = AppState::new(options).expect("the backend starts");
        let listener = tokio::net::TcpListener::bind("127.0.0.1:0")
            .await
            .expect("bind");
        let base = format!("http://{}", listener.local_addr().expect("address"));
        let task = tokio::spawn(async move {
            let _ = backend::serve(state, listener, std::future::pending()).await;
        });
        Server {
            base,
            client: reqwest::Client::new(),
            task,
        }
    }

    /// `base` + `path`.
    pub fn url(&self, path: &str) -> String {
        format!("{}{path}", self.base)
    }

    /// GET, returning status and parsed JSON (Null when the body is not JSON).
    pub async fn get(&self, path: &str) -> (u16, serde_json::Value) {
        let response = self.client.get(self.url(path)).send().await.expect("GET");
        let status = response.status().as_u16();
        let text = response.text().await.unwrap_or_default();
        (
            status,
            serde_json::from_str(&text).unwrap_or(serde_json::Value::Null),
        )
    }

    /// A request with a JSON body.
    pub async fn send(
        &self,
        method: reqwest::Method,
        path: &str,
        body: &serde_json::Value,
    ) -> (u16, serde_json::Value) {
        let response = self
            .client
            .request(method, self.url(path))
            .header("content-type", "application/json")
            .body(body.to_string())
            .send()
            .await
            .expect("request");
        let status = response.status().as_u16();
        let text = response.text().await.unwrap_or_default();
        (
            status,
            serde_json::from_str(&text).unwrap_or(serde_json::Value::Null),
        )
    }

    /// The id of the seeded deployment with this name.
    pub async fn deployment_id(&self, name: &str) -> String {
        let (_, list) = self.get("/api/v1/deployments").await;
        list["items"]
            .as_array()
            .and_then(|items| items.iter().find(|d| d["name"] == name))
            .and_then(|d| d["deploymentId"].as_str())
            .unwrap_or_else(|| panic!("no seeded deployment {name}"))
            .to_string()
    }

    /// Waits (up to 10 s) until the deployment reaches `phase`.
    pub async fn wait_phase(&self, id: &str, phase: &str) -> serde_json::Value {
        for _ in 0..200 {
            let (_, deployment) = self.get(&format!("/api/v1/deployments/{id}")).await;
            if deployment["phase"] == phase {
                return deployment;
            }
            tokio::time::sleep(std::time::Duration::from_millis(50)).await;
        }
        panic!("{id} never reached {phase}");
    }
}

/// A valid request for the seeded dashboard package.
pub fn dashboard(name: &str) -> serde_json::Value {
    serde_json::json!({"name": name, "packageId": "pkg-fleet-dashboard", "planId": "plan-fleet-dashboard"})
}
