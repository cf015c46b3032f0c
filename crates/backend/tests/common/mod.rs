//! Starts the backend in-process on a free port for one test, on the store the test asks for:
//! SQLite in memory (tests where the store plays no part), a SQLite file, or a database of its
//! own on the PostgreSQL cluster `RIO_TEST_POSTGRES` names (`make test` starts one).

#![allow(clippy::unwrap_used, clippy::expect_used)] // A test: a failed expectation fails it.
#![allow(dead_code)]

use std::sync::atomic::{AtomicU32, Ordering};

use backend::{AppState, Options};
use clap::Parser;

/// Where a test's backend keeps the platform.
pub enum Backing {
    /// A SQLite database file in a directory removed after the test.
    Sqlite(tempfile::TempDir),
    /// A new database on the test cluster.
    Postgres(String),
}

impl Backing {
    /// A new SQLite database file.
    pub fn sqlite() -> Backing {
        Backing::Sqlite(tempfile::tempdir().expect("a temporary directory"))
    }

    /// A new, empty database on the PostgreSQL test cluster.
    pub fn postgres() -> Backing {
        let admin = std::env::var("RIO_TEST_POSTGRES").unwrap_or_else(|_| {
            panic!(
                "the PostgreSQL tests need RIO_TEST_POSTGRES=postgres://user@host:port/db: `make test` starts a throwaway cluster (scripts/postgres.sh start DIR prints its URL)"
            )
        });
        static NEXT: AtomicU32 = AtomicU32::new(0);
        let name = format!(
            "rio_test_{}_{}",
            std::process::id(),
            NEXT.fetch_add(1, Ordering::Relaxed)
        );
        let (drop, create) = (
            format!("DROP DATABASE IF EXISTS {name}"),
            format!("CREATE DATABASE {name}"),
        );
        let url = admin_url(&admin, &name);
        // The PostgreSQL client runs its own event loop: off the test's async thread.
        std::thread::spawn(move || {
            let mut client = postgres::Client::connect(&admin, postgres::NoTls)
                .expect("the test cluster answers");
            client.batch_execute(&drop).expect("no old test database");
            client.batch_execute(&create).expect("a test database");
        })
        .join()
        .expect("the test database is made");
        Backing::Postgres(url)
    }

    /// The backend's arguments for this store.
    pub fn args(&self) -> Vec<String> {
        match self {
            Backing::Sqlite(dir) => vec![
                "--state".into(),
                dir.path().join("rio.db").to_string_lossy().into_owned(),
            ],
            Backing::Postgres(url) => vec!["--database".into(), url.clone()],
        }
    }

    /// Runs SQL on the store directly (as another program would), returning the first column
    /// of each row as text.
    pub fn sql(&self, sql: &str) -> Vec<String> {
        let sql = sql.to_string();
        match self {
            Backing::Sqlite(dir) => {
                let conn = rusqlite::Connection::open(dir.path().join("rio.db")).expect("open");
                conn.busy_timeout(std::time::Duration::from_secs(10))
                    .expect("timeout");
                let mut statement = conn.prepare(&sql).expect("SQL");
                let rows = statement
                    .query_map([], |row| {
                        Ok(match row.get_ref(0)? {
                            rusqlite::types::ValueRef::Integer(n) => n.to_string(),
                            rusqlite::types::ValueRef::Text(t) => {
                                String::from_utf8_lossy(t).into_owned()
                            }
                            _ => String::new(),
                        })
                    })
                    .expect("query");
                rows.map(|r| r.expect("row")).collect()
            }
            Backing::Postgres(url) => {
                let url = url.clone();
                std::thread::spawn(move || {
                    let mut client =
                        postgres::Client::connect(&url, postgres::NoTls).expect("connect");
                    let messages = client.simple_query(&sql).expect("SQL");
                    messages
                        .into_iter()
                        .filter_map(|m| match m {
                            postgres::SimpleQueryMessage::Row(row) => {
                                Some(row.get(0).unwrap_or_default().to_string())
                            }
                            _ => None,
                        })
                        .collect()
                })
                .join()
                .expect("SQL on the test database")
            }
        }
    }
}

/// `admin` with its database replaced by `name`.
fn admin_url(admin: &str, name: &str) -> String {
    let base = admin
        .split('?')
        .next()
        .unwrap_or(admin)
        .rsplit_once('/')
        .map_or(admin, |(base, _)| base);
    format!("{base}/{name}")
}

/// The tests in it, once on a SQLite file and once on PostgreSQL (modules `sqlite` and
/// `postgres`); each test gets `$store: Backing`.
#[macro_export]
macro_rules! on_both_stores {
    ($(async fn $name:ident($store:ident) $body:block)*) => {
        mod sqlite {
            #[allow(unused_imports)]
            use super::*;
            $(
                #[tokio::test]
                async fn $name() {
                    let $store = $crate::common::Backing::sqlite();
                    $body
                }
            )*
        }
        mod postgres {
            #[allow(unused_imports)]
            use super::*;
            $(
                #[tokio::test]
                async fn $name() {
                    let $store = $crate::common::Backing::postgres();
                    $body
                }
            )*
        }
    };
}

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
    /// Starts with these extra command-line arguments (and a fast simulation), the platform in
    /// memory.
    pub async fn start(args: &[&str]) -> Server {
        Server::with_args(args.iter().map(|a| a.to_string()).collect()).await
    }

    /// Starts on `store` with these extra command-line arguments (and a fast simulation).
    pub async fn on(store: &Backing, args: &[&str]) -> Server {
        let mut all = store.args();
        all.extend(args.iter().map(|a| a.to_string()));
        Server::with_args(all).await
    }

    async fn with_args(args: Vec<String>) -> Server {
        let mut all: Vec<String> = vec!["rio-backend".into(), "--speed".into(), "50".into()];
        all.extend(args);
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

/// A package whose plan has a device component, and that component.
pub async fn device_package(server: &Server) -> (String, String, String) {
    let (_, packages) = server.get("/api/v1/packages").await;
    for summary in packages["items"].as_array().cloned().unwrap_or_default() {
        let id = summary["guid"].as_str().unwrap_or_default();
        let (_, package) = server.get(&format!("/api/v1/packages/{id}")).await;
        for plan in package["plans"].as_array().cloned().unwrap_or_default() {
            let component = plan["components"].as_array().and_then(|components| {
                components
                    .iter()
                    .find(|c| c["requiredRuntime"] == "device")
                    .and_then(|c| c["componentId"].as_str().map(str::to_string))
            });
            if let (Some(component), Some(plan)) = (component, plan["planId"].as_str()) {
                return (id.to_string(), plan.to_string(), component);
            }
        }
    }
    panic!("no package with a device component in the seed");
}

/// A valid request for the seeded dashboard package.
pub fn dashboard(name: &str) -> serde_json::Value {
    serde_json::json!({"name": name, "packageId": "pkg-fleet-dashboard", "planId": "plan-fleet-dashboard"})
}

/// Sends the requests at once; their statuses, in order.
pub async fn statuses(requests: Vec<reqwest::RequestBuilder>) -> Vec<u16> {
    let tasks: Vec<_> = requests
        .into_iter()
        .map(|request| tokio::spawn(async move { request.send().await.unwrap().status().as_u16() }))
        .collect();
    let mut statuses = Vec::new();
    for task in tasks {
        statuses.push(task.await.unwrap());
    }
    statuses
}

/// Of concurrent updates with one expected generation, exactly one was applied (202) and the
/// others were refused as conflicts (409).
pub fn assert_exactly_one_applied(statuses: &[u16]) {
    let count = |code: u16| statuses.iter().filter(|s| **s == code).count();
    assert_eq!(
        (count(202), count(409)),
        (1, statuses.len() - 1),
        "{statuses:?}"
    );
}
