//! The reference JSON backend of rio console: every endpoint of the API over the platform
//! simulator, kept in SQLite or PostgreSQL, with a real clock, auth, CORS, the console's static
//! files, and (for tests) fault injection.

pub mod api;
pub mod controls;
pub mod db;
pub mod faults;
pub mod fleet;
pub mod http;
pub mod layers;
pub mod requests;
pub mod site;

use std::{net::SocketAddr, path::PathBuf, sync::Arc};

use axum::{Router, handler::Handler, middleware, routing::get};
use clap::{Parser, Subcommand};
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
    /// Keep the platform in the SQLite database FILE (created and seeded when absent; a JSON
    /// state file of earlier versions is imported once into FILE.db beside it). Without this
    /// or --database, the platform lives in memory.
    #[arg(long, value_name = "FILE", global = true, conflicts_with = "database")]
    pub state: Option<PathBuf>,
    /// Keep the platform in PostgreSQL (postgres://user:password@host:port/db); several
    /// backend processes on one database behave as one backend.
    #[arg(long, value_name = "URL", global = true)]
    pub database: Option<String>,
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
    #[arg(long, default_value_t = 1.0, global = true)]
    pub speed: f64,
    /// Enable /__control/… (device offline, failing updates, injected faults). Tests only.
    #[arg(long)]
    pub enable_faults: bool,
    /// Seed for ids and simulated logs.
    #[arg(long, default_value_t = 1, global = true)]
    pub seed: u64,
    /// The user recorded as creator and in history.
    #[arg(long, default_value = "developer@rio.dev")]
    pub user: String,
    /// Something to do instead of serving.
    #[command(subcommand)]
    pub command: Option<Command>,
}

/// What `rio-backend` can do besides serving.
#[derive(Debug, Clone, Subcommand)]
pub enum Command {
    /// Fill the store (--state or --database) with a synthetic fleet: robots at ten sites and
    /// deployments on them in realistic phases, for benchmarks and for trying the console at
    /// scale.
    SeedFleet {
        /// How many deployments.
        #[arg(long, default_value_t = 10_000)]
        deployments: usize,
        /// How many robots.
        #[arg(long, default_value_t = 1_000)]
        devices: usize,
    },
}

impl Options {
    /// Where the platform is kept.
    pub fn location(&self) -> db::Location {
        match (&self.database, &self.state) {
            (Some(url), _) => db::Location::Postgres(url.clone()),
            (None, Some(path)) => db::Location::Sqlite(path.clone()),
            (None, None) => db::Location::Memory,
        }
    }

    /// The simulation's speed, checked.
    pub fn sim_config(&self) -> Result<SimConfig, StartError> {
        if !(self.speed.is_finite() && self.speed > 0.0) {
            return Err(StartError::Speed(self.speed));
        }
        Ok(SimConfig::with_speed(self.speed))
    }
}

/// Why the backend cannot start.
#[derive(Debug, thiserror::Error)]
pub enum StartError {
    /// `--speed` is not a positive number.
    #[error("--speed must be a positive number, not {0}")]
    Speed(f64),
    /// The store could not be opened.
    #[error("cannot open the store at {location}: {source}")]
    Store {
        /// Where.
        location: String,
        /// Why.
        source: db::OpenError,
    },
    /// The console's files could not be read (`--static DIR` without a readable index.html).
    #[error(
        "{} has no readable index.html ({source}); build the console with `trunk build --release`",
        dir.display()
    )]
    Site {
        /// The directory.
        dir: PathBuf,
        /// Why its index.html could not be read.
        source: std::io::Error,
    },
    /// The address to listen on could not be bound.
    #[error("cannot listen on {address}: {source}")]
    Listen {
        /// The address asked for (`--listen`).
        address: SocketAddr,
        /// Why.
        source: std::io::Error,
    },
}

/// What every handler can reach.
#[derive(Clone)]
pub struct AppState {
    /// The options the server started with.
    pub options: Arc<Options>,
    /// The simulated platform.
    pub store: db::Store,
    /// Idempotency keys being processed.
    pub in_flight: Arc<api::InFlight>,
    /// Injected faults.
    pub faults: Arc<faults::Faults>,
    /// The API requests seen (recorded with `--enable-faults` only).
    pub requests: Arc<requests::Requests>,
    /// The console's files, when served.
    pub site: Option<Arc<site::Site>>,
}

impl AppState {
    /// Opens the store and reads the site as the options say.
    pub fn new(options: Options) -> Result<AppState, StartError> {
        let store = open_store(&options)?;
        let site = match &options.static_dir {
            Some(dir) => Some(Arc::new(
                site::Site::new(dir, &options.frame_ancestors).map_err(|source| {
                    StartError::Site {
                        dir: dir.clone(),
                        source,
                    }
                })?,
            )),
            None => None,
        };
        Ok(AppState {
            options: Arc::new(options),
            store,
            in_flight: Arc::default(),
            faults: Arc::default(),
            requests: Arc::default(),
            site,
        })
    }
}

/// Opens the store the options name.
pub fn open_store(options: &Options) -> Result<db::Store, StartError> {
    let location = options.location();
    db::Store::open(&location, options.seed, options.sim_config()?).map_err(|source| {
        StartError::Store {
            location: db::describe(&location),
            source,
        }
    })
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
        .layer(middleware::from_fn(layers::require_json_body))
        .layer(middleware::from_fn_with_state(
            state.clone(),
            layers::auth_and_project,
        ))
        .layer(middleware::from_fn_with_state(state.clone(), layers::cors));
    // Tests count what a client sent, refused requests included: recorded outermost.
    let api = if state.options.enable_faults {
        api.layer(middleware::from_fn_with_state(
            state.clone(),
            requests::record,
        ))
    } else {
        api
    };
    let mut app = Router::new().nest("/api/v1", api);
    if state.options.enable_faults {
        let control = controls::routes()
            .layer(middleware::from_fn(layers::require_json_body))
            .layer(middleware::from_fn_with_state(
                state.clone(),
                layers::auth_and_project,
            ));
        app = app.nest("/__control", control);
    }
    app = match &state.site {
        Some(site) => {
            // Files of the build, their `.br`/`.gz` copies to clients that accept them (see
            // `site::precompressed`); anything else goes to `site::fallback` (any method, so
            // `/api/…` and `/__control/…` are 404 there rather than 405).
            let files = ServeDir::new(&site.dir)
                .precompressed_br()
                .precompressed_gzip()
                .call_fallback_on_method_not_allowed(true)
                .fallback(site::fallback.with_state(state.clone()));
            let files = Router::new()
                .fallback_service(files)
                .layer(middleware::from_fn(site::precompressed));
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
    app.layer(middleware::from_fn(layers::security_headers))
        .layer(middleware::from_fn(layers::log_request))
        .with_state(state)
}

/// Serves until `shutdown` resolves, finishing the requests under way (every change is
/// committed before it is answered, so there is nothing more to save).
pub async fn serve(
    state: AppState,
    listener: tokio::net::TcpListener,
    shutdown: impl std::future::Future<Output = ()> + Send + 'static,
) -> std::io::Result<()> {
    axum::serve(listener, router(state))
        .with_graceful_shutdown(shutdown)
        .await
}
