//! Backend access: one `Backend` in context, over HTTP or the in-browser simulation, with the
//! same methods and the same errors.

pub mod backoff;
pub mod demo;
mod devices;
pub mod error;
pub mod fleet;
pub mod http;
mod lists;
pub mod worker;

use gloo_net::http::Method;
use leptos::prelude::*;
use platform::list::HistoryPage;
use platform::wire::{
    Deployment, List, LogPage, Package, PackageSummary, ProvisionRequest, RoutedNetwork,
    UpdateRequest,
};

pub use demo::DemoBackend;
pub use error::ApiError;
pub use http::{Auth, HttpBackend};
pub use lists::{Found, Listing};

use crate::config::{Mode, Settings};

/// Where the console's data comes from.
#[derive(Clone)]
pub enum Backend {
    /// The JSON backend.
    Http(HttpBackend),
    /// The simulation in this browser.
    Demo(DemoBackend),
}

impl Backend {
    /// The backend the settings ask for (starting the simulation in demo mode).
    pub fn new(settings: &Settings) -> Backend {
        match &settings.mode {
            Mode::Http { api_base } => Backend::Http(HttpBackend::new(api_base)),
            Mode::Demo => Backend::Demo(DemoBackend::start()),
        }
    }

    /// The same backend for a polling loop: reads are tried once, the loop backs off itself.
    pub fn for_polling(&self) -> Backend {
        match self {
            Backend::Http(http) => Backend::Http(http.single_attempt()),
            Backend::Demo(demo) => Backend::Demo(demo.for_polling()),
        }
    }

    /// The simulation's version signal (demo mode only).
    pub fn demo_version_signal(&self) -> Option<RwSignal<u64>> {
        match self {
            Backend::Demo(demo) => Some(demo.version),
            Backend::Http(_) => None,
        }
    }

    /// Changes when new credentials arrive (HTTP only).
    pub fn auth_version_signal(&self) -> Option<RwSignal<u64>> {
        match self {
            Backend::Http(http) => Some(http.auth_version()),
            Backend::Demo(_) => None,
        }
    }

    /// The client every request goes through (demo mode's answers come from its worker).
    pub fn client(&self) -> &HttpBackend {
        match self {
            Backend::Http(http) => http,
            Backend::Demo(demo) => &demo.client,
        }
    }

    /// Whether this is the in-browser simulation.
    pub fn is_demo(&self) -> bool {
        matches!(self, Backend::Demo(_))
    }

    /// The catalog.
    pub async fn packages(&self) -> Result<Vec<PackageSummary>, ApiError> {
        self.client()
            .get::<List<PackageSummary>>("/packages")
            .await
            .map(|l| l.items)
    }

    /// The catalog's packages named exactly `name` (every version).
    pub async fn packages_named(&self, name: &str) -> Result<Vec<PackageSummary>, ApiError> {
        let path = query_path("/packages", &[("search".to_string(), name.to_string())]);
        let found = self.client().get::<List<PackageSummary>>(&path).await?;
        Ok(found
            .items
            .into_iter()
            .filter(|p| p.package_name == name)
            .collect())
    }

    /// One package.
    pub async fn package(&self, id: &str) -> Result<Package, ApiError> {
        self.client()
            .get(&format!("/packages/{}", encode(id)))
            .await
    }

    /// Every routed network.
    pub async fn networks(&self) -> Result<Vec<RoutedNetwork>, ApiError> {
        self.client()
            .get::<List<RoutedNetwork>>("/networks")
            .await
            .map(|l| l.items)
    }

    /// One deployment.
    pub async fn deployment(&self, id: &str) -> Result<Deployment, ApiError> {
        self.client()
            .get(&format!("/deployments/{}", encode(id)))
            .await
    }

    /// Deploys a package; `idempotency_key` identifies this submission across its retries.
    pub async fn provision(
        &self,
        request: &ProvisionRequest,
        idempotency_key: &str,
    ) -> Result<Deployment, ApiError> {
        let body = serde_json::to_string(request).map_err(|e| ApiError::Decode(e.to_string()))?;
        self.client()
            .change(
                Method::POST,
                "/deployments",
                Some(body),
                Some(idempotency_key),
            )
            .await
    }
}

impl Backend {
    /// Updates components of a deployment in place; `request` carries the generation the user
    /// saw, so a deployment changed meanwhile answers 409 instead of being updated twice.
    pub async fn update(&self, id: &str, request: &UpdateRequest) -> Result<Deployment, ApiError> {
        let body = serde_json::to_string(request).map_err(|e| ApiError::Decode(e.to_string()))?;
        self.client()
            .change(
                Method::PATCH,
                &format!("/deployments/{}", encode(id)),
                Some(body),
                None,
            )
            .await
    }

    /// Deprovisions a deployment (again, to finish a partial deprovision).
    pub async fn deprovision(&self, id: &str) -> Result<Deployment, ApiError> {
        self.client()
            .change(
                Method::DELETE,
                &format!("/deployments/{}", encode(id)),
                None,
                None,
            )
            .await
    }

    /// Up to `limit` of a deployment's generations, newest first, from `token` (`None`: the
    /// newest). A backend that does not page answers them all.
    pub async fn history(
        &self,
        id: &str,
        limit: usize,
        token: Option<&str>,
    ) -> Result<HistoryPage, ApiError> {
        let mut pairs = vec![("limit".to_string(), limit.to_string())];
        pairs.extend(token.map(|t| ("continue".to_string(), t.to_string())));
        let path = query_path(&format!("/deployments/{}/history", encode(id)), &pairs);
        self.client().get(&path).await
    }

    /// Up to `limit` log lines after the cursor `after` ("" = from the start), of one component
    /// when `component` is not empty.
    pub async fn logs(
        &self,
        id: &str,
        component: &str,
        after: &str,
        limit: usize,
    ) -> Result<LogPage, ApiError> {
        let mut path = format!("/deployments/{}/logs?limit={limit}", encode(id));
        if !component.is_empty() {
            path.push_str(&format!("&component={}", encode(component)));
        }
        if !after.is_empty() {
            path.push_str(&format!("&after={}", encode(after)));
        }
        self.client().get(&path).await
    }
}

/// `path` with `pairs` as its query string (values percent-encoded).
pub fn query_path(path: &str, pairs: &[(String, String)]) -> String {
    if pairs.is_empty() {
        return path.to_string();
    }
    let query: Vec<String> = pairs
        .iter()
        .map(|(k, v)| format!("{k}={}", encode(v)))
        .collect();
    format!("{path}?{}", query.join("&"))
}

/// Percent-encodes a path segment or query value (everything but `A-Z a-z 0-9 - _ . ~`).
pub fn encode(text: &str) -> String {
    let mut out = String::with_capacity(text.len());
    for byte in text.bytes() {
        if byte.is_ascii_alphanumeric() || matches!(byte, b'-' | b'_' | b'.' | b'~') {
            out.push(char::from(byte));
        } else {
            out.push_str(&format!("%{byte:02X}"));
        }
    }
    out
}

/// The backend in context.
pub fn use_backend() -> Backend {
    expect_context::<Backend>()
}

/// Provides the `Backend` the settings in context ask for.
#[component]
pub fn BackendProvider(children: Children) -> impl IntoView {
    let settings = expect_context::<Settings>();
    provide_context(Backend::new(&settings));
    children()
}

#[cfg(test)]
mod tests {
    use super::encode;

    #[test]
    fn encode_escapes_everything_but_unreserved_characters() {
        assert_eq!(encode("Failed to update"), "Failed%20to%20update");
        assert_eq!(encode("a/b?c=d&e"), "a%2Fb%3Fc%3Dd%26e");
        assert_eq!(encode("dep-1_x.y~"), "dep-1_x.y~");
        assert_eq!(encode("é"), "%C3%A9");
    }
}
