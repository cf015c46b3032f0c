//! The reference JSON backend of rio console: every endpoint of the API over the platform
//! simulator, with a real clock, optional persistence, auth, CORS, the console's static files,
//! and (for tests) fault injection.

pub mod api;
pub mod faults;
pub mod http;
pub mod site;
pub mod store;

use std::{net::SocketAddr, path::PathBuf, sync::Arc};

use axum::{Router, handler::Handler, middleware, routing::get};
use clap::Parser;
use platform::sim::SimConfig;
use tower_http::services::ServeDir;

/// Command-line options.
#[derive(Debug, Clone, Parser)]
#[command(
    name = "rio-backend",
    version,
    about = "The reference JSON backend of rio console: the platform simulated behind the API."
)]
pub struct Options {
    /// Address to listen on.
    #[arg(long, default_value = "127.0.0.1:8081")]
    pub listen: SocketAddr,
    /// Require `Authorization: Bearer <TOKEN>` on every API request.
    #[arg(long)]
    pub token: Option<String>,
    /// Load the state from FILE at start and save it after every change (seeded when absent).
    #[arg(long, value_name = "FILE")]
    pub state: Option<PathBuf>,
    /// Serve the console's Trunk build from DIR, with config.json pointing at this backend.
    #[arg(long = "static", value_name = "DIR")]
    pub static_dir: Option<PathBuf>,
    /// Origin allowed to frame the console (repeatable); none means frame-ancestors 'none'.
    #[arg(long = "frame-ancestors", value_name = "ORIGIN")]
    pub frame_ancestors: Vec<String>,
    /// Origin allowed to call the API from a browser (CORS; repeatable).
    #[arg(long = "allow-origin", value_name = "ORIGIN")]
    pub allow_origin: Vec<String>,
    /// Run the simulated phases this many times faster.
    #[arg(long, default_value_t = 1.0)]
    pub speed: f64,
    /// Enable /__control/… (device offline, failing updates, injected faults). Tests only.
    #[arg(long)]
    pub enable_faults: bool,
    /// Seed for ids and simulated logs.
    #[arg(long, default_value_t = 1)]
    pub seed: u64,
    /// The user recorded as creator and in history.
    #[arg(long, default_value = "developer@rio.dev")]
    pub user: String,
}

/// What every handler can reach.
#[derive(Clone)]
pub struct AppState {
    /// The options the server started with.
    pub options: Arc<Options>,
    /// The simulated platform.
    pub store: Arc<store::Store>,
    /// Idempotency keys being processed.
    pub in_flight: Arc<api::InFlight>,
    /// Injected faults.
    pub faults: Arc<faults::Faults>,
    /// The API requests seen (recorded with `--enable-faults` only).
    pub requests: Arc<faults::Requests>,
    /// The console's files, when served.
    pub site: Option<Arc<site::Site>>,
}

impl AppState {
    /// Opens the store and reads the site as the options say.
    pub fn new(options: Options) -> Result<AppState, String> {
        if !(options.speed.is_finite() && options.speed > 0.0) {
            return Err(format!(
                "--speed must be a positive number, not {}",
                options.speed
            ));
        }
        let store = store::Store::open(
            options.state.clone(),
            options.seed,
            SimConfig::with_speed(options.speed),
        )?;
        let site = match &options.static_dir {
            Some(dir) => Some(Arc::new(site::Site::new(dir, &options.frame_ancestors)?)),
            None => None,
        };
        Ok(AppState {
            options: Arc::new(options),
            store: Arc::new(store),
            in_flight: Arc::default(),
            faults: Arc::default(),
            requests: Arc::default(),
            site,
        })
    }
}

/// The whole application.
pub fn router(state: AppState) -> Router {
    let mut api = api::routes();
    if state.options.enable_faults {
        api = api.layer(middleware::from_fn_with_state(
            state.clone(),
            faults::inject,
        ));
    }
    // Outermost first: CORS, auth, JSON bodies only, idempotency keys in flight, faults.
    let api = api
        .layer(middleware::from_fn_with_state(
            state.clone(),
            api::idempotency_in_flight,
        ))
        .layer(middleware::from_fn(http::require_json_body))
        .layer(middleware::from_fn_with_state(
            state.clone(),
            http::auth_and_project,
        ))
        .layer(middleware::from_fn_with_state(state.clone(), http::cors));
    // Tests count what a client sent, refused requests included: recorded outermost.
    let api = if state.options.enable_faults {
        api.layer(middleware::from_fn_with_state(
            state.clone(),
            faults::record,
        ))
    } else {
        api
    };
    let mut app = Router::new().nest("/api/v1", api);
    if state.options.enable_faults {
        let control = faults::routes()
            .layer(middleware::from_fn(http::require_json_body))
            .layer(middleware::from_fn_with_state(
                state.clone(),
                http::auth_and_project,
            ));
        app = app.nest("/__control", control);
    }
    app = match &state.site {
        Some(site) => {
            // Files of the build; anything else goes to `site::fallback` (any method, so
            // `/api/…` and `/__control/…` are 404 there rather than 405).
            let files = ServeDir::new(&site.dir)
                .call_fallback_on_method_not_allowed(true)
                .fallback(site::fallback.with_state(state.clone()));
            let site_routes = Router::new()
                .route("/", get(site::fallback))
                .route("/config.json", get(site::config_json))
                .fallback_service(files)
                .layer(middleware::from_fn_with_state(
                    state.clone(),
                    site::security_headers,
                ));
            app.merge(site_routes)
        }
        None => app.fallback(api::not_found),
    };
    app.layer(middleware::from_fn(http::security_headers))
        .layer(middleware::from_fn(http::log_request))
        .with_state(state)
}

/// Serves until `shutdown` resolves, then saves the state.
pub async fn serve(
    state: AppState,
    listener: tokio::net::TcpListener,
    shutdown: impl std::future::Future<Output = ()> + Send + 'static,
) -> Result<(), String> {
    let store = Arc::clone(&state.store);
    axum::serve(listener, router(state))
        .with_graceful_shutdown(shutdown)
        .await
        .map_err(|e| e.to_string())?;
    store.flush().await
}
