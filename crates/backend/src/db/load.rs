//! What a store starts with: the seeded world, or a state file of earlier versions imported
//! once; a reset to the seed; and synthetic fleets (`seed-fleet`).

use std::io::Read;
use std::path::Path;
use std::time::Instant;

use platform::sim::{Platform, Rows, SimConfig, fleet, seed};
use platform::time::Millis;

use super::error::StoreError;
use super::rows::SqlRows;
use super::schema::{DATA_TABLES, FORMAT};
use super::workers::Slot;
use super::{OpenError, Store, now};

/// Deployments written per transaction by `seed-fleet`.
const FLEET_BATCH: usize = 5_000;

/// Whether `path` is a JSON state file (what `--state` named before the database).
pub fn is_state_file(path: &Path) -> bool {
    let mut start = [0u8; 64];
    let read = std::fs::File::open(path).and_then(|mut f| f.read(&mut start));
    match read {
        Ok(n) => start[..n]
            .iter()
            .find(|b| !b.is_ascii_whitespace())
            .is_some_and(|b| *b == b'{'),
        Err(_) => false,
    }
}

/// Reads a JSON state file.
pub fn read_state_file(path: &Path, config: SimConfig) -> Result<Platform, OpenError> {
    let failed = |source: Box<dyn std::error::Error + Send + Sync>| OpenError::Import {
        path: path.to_path_buf(),
        source,
    };
    let text = std::fs::read_to_string(path).map_err(|e| failed(e.into()))?;
    // The platform says why in a sentence of its own.
    let mut platform = Platform::from_json(&text).map_err(|message| failed(message.into()))?;
    platform.set_config(config);
    Ok(platform)
}

/// Fills a new store with `initial` (an imported state), or else the seeded world. A store
/// that was filled before is left alone (`None`); otherwise the number of deployments.
pub fn initialise(
    rows: &mut SqlRows<'_>,
    initial: Option<&Platform>,
    seed_value: u64,
    now: Millis,
    config: SimConfig,
) -> Result<Option<usize>, StoreError> {
    if rows.has_meta("format")? {
        return Ok(None);
    }
    rows.set_meta("format", FORMAT)?;
    for key in ["rv", "epoch", "next_id"] {
        rows.set_meta(key, 0)?;
    }
    let seeded;
    let platform = match initial {
        Some(platform) => platform,
        None => {
            seeded = seed::seeded(seed_value, now, config);
            &seeded
        }
    };
    load(rows, platform)?;
    Ok(Some(platform.records().len()))
}

/// Empties the store and seeds it again; earlier resourceVersions expire.
pub fn reset(
    rows: &mut SqlRows<'_>,
    seed_value: u64,
    now: Millis,
    config: SimConfig,
) -> Result<(), StoreError> {
    rows.version()?;
    for table in DATA_TABLES {
        rows.db.execute(&format!("DELETE FROM {table}"), &[])?;
    }
    if rows.dialect == super::Dialect::Sqlite {
        for names in ["deployment_names", "device_names"] {
            rows.db.execute(
                &format!("INSERT INTO {names} ({names}) VALUES ('delete-all')"),
                &[],
            )?;
        }
    }
    load(rows, &seed::seeded(seed_value, now, config))
}

/// Writes every object of `platform` into the store.
fn load(rows: &mut SqlRows<'_>, platform: &Platform) -> Result<(), StoreError> {
    for (position, package) in (1..).zip(platform.all_packages()) {
        rows.insert_package(position, package)?;
    }
    rows.insert_devices(&platform.devices(None, None))?;
    for (position, network) in (1..).zip(platform.networks()) {
        rows.insert_network(position, &network)?;
    }
    for image in platform.unpullable_images() {
        rows.insert_unpullable(image)?;
    }
    rows.insert_records(platform.records())?;
    for (key, entry) in platform.idempotency_keys() {
        rows.remember(key, entry)?;
    }
    let (failing, any) = platform.update_failures();
    for id in failing {
        rows.set_update_failure(Some(id))?;
    }
    if any {
        rows.set_update_failure(None)?;
    }
    let version = rows.version()?;
    rows.set_meta("epoch", version)
}

/// What `seed-fleet` made.
#[derive(Debug, Clone, Copy)]
pub struct FleetReport {
    /// Deployments added.
    pub deployments: usize,
    /// Devices added.
    pub devices: usize,
    /// How long it took.
    pub seconds: f64,
}

/// Adds a synthetic fleet: `devices` robots and `deployments` deployments on them (and in the
/// cloud), in transactions of [`FLEET_BATCH`].
pub fn seed_fleet(
    store: &Store,
    conn: &mut Slot,
    deployments: usize,
    devices: usize,
) -> Result<FleetReport, StoreError> {
    let started = Instant::now();
    let spec = fleet::FleetSpec {
        deployments,
        devices: devices.max(1),
        seed: store.inner.seed,
        now: now(),
    };
    let config = store.inner.config;
    let robots = fleet::devices(&spec);
    let (packages, networks) = store
        .transaction(conn, true, &mut |rows| {
            if let Some(first) = robots.first()
                && rows
                    .device(&first.uuid)
                    .map_err(platform::sim::Fail::Store)?
                    .is_some()
            {
                return Err(platform::sim::Fail::Store(StoreError::FleetExists));
            }
            rows.insert_devices(&robots)
                .map_err(platform::sim::Fail::Store)?;
            let packages = rows.all_packages().map_err(platform::sim::Fail::Store)?;
            let networks = rows.networks().map_err(platform::sim::Fail::Store)?;
            Ok((packages, networks))
        })?
        .map_err(StoreError::Refused)?;
    let mut records = fleet::records(&spec, &packages, &networks, &robots, &config);
    let mut written = 0;
    loop {
        let batch: Vec<_> = records.by_ref().take(FLEET_BATCH).collect();
        if batch.is_empty() {
            break;
        }
        store
            .transaction(conn, true, &mut |rows| {
                rows.insert_records(&batch)
                    .map_err(platform::sim::Fail::Store)
            })?
            .map_err(StoreError::Refused)?;
        written += batch.len();
    }
    // Fresh statistics, so the planners see how many rows each label and phase holds.
    conn.driver()?.batch("ANALYZE")?;
    store.forget_counts();
    Ok(FleetReport {
        deployments: written,
        devices: robots.len(),
        seconds: started.elapsed().as_secs_f64(),
    })
}
