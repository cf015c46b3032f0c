//! `rio-backend`: the reference JSON backend. See `--help`.

use clap::Parser;
use tracing_subscriber::EnvFilter;

#[tokio::main]
async fn main() -> std::process::ExitCode {
    tracing_subscriber::fmt()
        .with_env_filter(
            EnvFilter::try_from_default_env().unwrap_or_else(|_| EnvFilter::new("info")),
        )
        .init();
    let options = backend::Options::parse();
    if let Some(backend::Command::SeedFleet {
        deployments,
        devices,
    }) = options.command
    {
        return seed_fleet(&options, deployments, devices);
    }
    let listen = options.listen;
    let (state, listener) = match start(options).await {
        Ok(started) => started,
        Err(error) => {
            tracing::error!("cannot start: {error}");
            return std::process::ExitCode::FAILURE;
        }
    };
    // The bound address, not the asked one: `--listen 127.0.0.1:0` says which port it got.
    let bound = listener.local_addr().unwrap_or(listen);
    tracing::info!("rio-backend listening on http://{bound}");
    match backend::serve(state, listener, shutdown_signal()).await {
        Ok(()) => {
            tracing::info!("stopped");
            std::process::ExitCode::SUCCESS
        }
        Err(error) => {
            tracing::error!("{error}");
            std::process::ExitCode::FAILURE
        }
    }
}

/// Opens the store, reads the site and binds the address the options name.
async fn start(
    options: backend::Options,
) -> Result<(backend::AppState, tokio::net::TcpListener), backend::StartError> {
    let listen = options.listen;
    let state = backend::AppState::new(options)?;
    let listener = tokio::net::TcpListener::bind(listen)
        .await
        .map_err(|source| backend::StartError::Listen {
            address: listen,
            source,
        })?;
    Ok((state, listener))
}

/// `seed-fleet`: fills the store and says what it made.
fn seed_fleet(
    options: &backend::Options,
    deployments: usize,
    devices: usize,
) -> std::process::ExitCode {
    let store = match backend::open_store(options) {
        Ok(store) => store,
        Err(error) => {
            tracing::error!("cannot seed a fleet: {error}");
            return std::process::ExitCode::FAILURE;
        }
    };
    match store.seed_fleet(deployments, devices) {
        Ok(report) => {
            tracing::info!(
                "added {} deployments on {} robots to {} in {:.1} s",
                report.deployments,
                report.devices,
                backend::db::describe(&options.location()),
                report.seconds
            );
            std::process::ExitCode::SUCCESS
        }
        Err(error) => {
            tracing::error!("cannot seed a fleet: {error}");
            std::process::ExitCode::FAILURE
        }
    }
}

/// Ctrl-C or SIGTERM.
async fn shutdown_signal() {
    let ctrl_c = async {
        let _ = tokio::signal::ctrl_c().await;
    };
    #[cfg(unix)]
    let terminate = async {
        match tokio::signal::unix::signal(tokio::signal::unix::SignalKind::terminate()) {
            Ok(mut signal) => {
                signal.recv().await;
            }
            Err(_) => std::future::pending::<()>().await,
        }
    };
    #[cfg(not(unix))]
    let terminate = std::future::pending::<()>();
    tokio::select! {
        () = ctrl_c => {},
        () = terminate => {},
    }
    tracing::info!("shutting down");
}
