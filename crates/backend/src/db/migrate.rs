//! Bringing a database made by an earlier version up to this one's schema, once, when the store
//! opens: columns added to a table are filled from the objects the rows already hold.

use std::collections::BTreeMap;

use platform::list::fold;
use platform::rules::compat::DeviceProfile;
use platform::wire::Device;

use super::driver::{Dialect, Driver, Value, col};
use super::error::StoreError;
use super::rows::{device_scopes, parse};

/// Gives the devices of an older database their folded name and compatibility profile (what
/// `search` and the component filters of the devices list read), counts them per profile and
/// indexes their names. Nothing happens on a database that has the columns.
pub fn devices(driver: &mut dyn Driver) -> Result<(), StoreError> {
    driver.begin(true)?;
    match fill_devices(driver) {
        Ok(()) => driver.commit(),
        Err(error) => {
            let _ = driver.rollback();
            Err(error)
        }
    }
}

fn fill_devices(driver: &mut dyn Driver) -> Result<(), StoreError> {
    let dialect = driver.dialect();
    let column_sql = match dialect {
        Dialect::Sqlite => "SELECT count(*) FROM pragma_table_info('devices') WHERE name = $1",
        Dialect::Postgres => {
            // Processes starting together take turns, as when the tables are made.
            driver.batch("SELECT pg_advisory_xact_lock(7461)")?;
            "SELECT count(*) FROM information_schema.columns WHERE table_schema = current_schema() AND table_name = 'devices' AND column_name = $1"
        }
    };
    let has = driver
        .query(column_sql, &["profile".into()])?
        .first()
        .map_or(0, |row| col(row, 0).int());
    if has > 0 {
        return Ok(());
    }
    driver.batch(
        "ALTER TABLE devices ADD COLUMN name_fold TEXT NOT NULL DEFAULT '';
         ALTER TABLE devices ADD COLUMN profile TEXT NOT NULL DEFAULT '';",
    )?;
    let mut profiles: BTreeMap<(String, String), i64> = BTreeMap::new();
    let rows = driver.query("SELECT uuid, body FROM devices", &[])?;
    let count = rows.len();
    for row in rows {
        let device: Device = parse(col(&row, 1).text(), "device")?;
        let profile = DeviceProfile::of(&device).key();
        driver.execute(
            "UPDATE devices SET name_fold = $1, profile = $2 WHERE uuid = $3",
            &[
                fold(&device.name).into(),
                profile.as_str().into(),
                col(&row, 0).clone(),
            ],
        )?;
        for scope in device_scopes(&device) {
            *profiles.entry((scope, profile.clone())).or_default() += 1;
        }
    }
    for ((scope, profile), n) in profiles {
        driver.execute(
            "INSERT INTO device_profiles (scope, profile, n) VALUES ($1, $2, $3)",
            &[scope.into(), profile.into(), Value::Int(n)],
        )?;
    }
    if dialect == Dialect::Sqlite {
        driver.batch(
            "CREATE VIRTUAL TABLE IF NOT EXISTS device_names USING fts5(name, tokenize = 'trigram', content = '');
             INSERT INTO device_names (rowid, name) SELECT rowid, name_fold FROM devices;",
        )?;
    }
    tracing::info!("gave {count} devices of an earlier version their search names and profiles");
    Ok(())
}
