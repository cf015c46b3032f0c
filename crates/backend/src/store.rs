//! The platform behind a lock, with the real clock, and the state file: loaded at start,
//! written after every change before the change is acknowledged (temporary file, fsync,
//! rename, fsync of the directory), so a crash never loses an acknowledged change. A change
//! whose save fails is undone, so memory and disk agree. Reads save too when moving the
//! platform to now changed what a client can see (a phase, a status, a history entry), so what
//! one client saw never goes backwards after a crash and a restart.

use std::{
    fs,
    io::Write,
    path::{Path, PathBuf},
    time::{SystemTime, UNIX_EPOCH},
};

use platform::sim::{Platform, SimConfig, seed};
use platform::time::Millis;
use tokio::sync::Mutex;

/// The current time from the system clock.
pub fn now() -> Millis {
    let ms = SystemTime::now()
        .duration_since(UNIX_EPOCH)
        .map(|d| d.as_millis())
        .unwrap_or(0);
    Millis(i64::try_from(ms).unwrap_or(i64::MAX))
}

/// The platform and the revision last written to disk.
struct Inner {
    platform: Platform,
    saved_revision: u64,
}

/// The simulated platform and where it is saved.
pub struct Store {
    inner: Mutex<Inner>,
    path: Option<PathBuf>,
}

impl Store {
    /// Loads `path` when it exists, else seeds a new world (and saves it there).
    pub fn open(
        path: Option<PathBuf>,
        seed_value: u64,
        config: SimConfig,
    ) -> Result<Store, String> {
        let platform = match &path {
            Some(path) if path.exists() => {
                let text = fs::read_to_string(path)
                    .map_err(|e| format!("cannot read {}: {e}", path.display()))?;
                let mut platform =
                    Platform::from_json(&text).map_err(|e| format!("{}: {e}", path.display()))?;
                platform.set_config(config);
                platform
            }
            _ => seed::seeded(seed_value, now(), config),
        };
        if let Some(path) = &path {
            save(path, &platform.to_json())
                .map_err(|e| format!("cannot write {}: {e}", path.display()))?;
        }
        Ok(Store {
            inner: Mutex::new(Inner {
                saved_revision: platform.revision(),
                platform,
            }),
            path,
        })
    }

    /// Runs `read` on the platform moved to now. When that move changed anything a client can
    /// see, it is saved first; a failed save is an error (500) and nothing is shown.
    pub async fn read<T>(&self, read: impl FnOnce(&Platform) -> T) -> Result<T, String> {
        let mut inner = self.inner.lock().await;
        inner.platform.advance(now());
        if inner.platform.revision() != inner.saved_revision {
            self.persist(&inner.platform)?;
            inner.saved_revision = inner.platform.revision();
        }
        Ok(read(&inner.platform))
    }

    /// Runs `change` on the platform at now and saves the state before returning, so a
    /// success the caller acknowledges is on disk. A failed save is an error for the caller,
    /// and the platform is put back as it was before the change.
    pub async fn change<T, E>(
        &self,
        change: impl FnOnce(&mut Platform, Millis) -> Result<T, E>,
    ) -> Result<Result<T, E>, String> {
        let mut inner = self.inner.lock().await;
        let before = self.path.is_some().then(|| inner.platform.clone());
        let result = change(&mut inner.platform, now());
        // A refused change may still have moved the platform to now (and said so in its error).
        if result.is_ok() || inner.platform.revision() != inner.saved_revision {
            if let Err(error) = self.persist(&inner.platform) {
                if let Some(before) = before {
                    inner.platform = before;
                }
                return Err(error);
            }
            inner.saved_revision = inner.platform.revision();
        }
        Ok(result)
    }

    /// Saves the current state (at shutdown).
    pub async fn flush(&self) -> Result<(), String> {
        let mut inner = self.inner.lock().await;
        self.persist(&inner.platform)?;
        inner.saved_revision = inner.platform.revision();
        Ok(())
    }

    fn persist(&self, platform: &Platform) -> Result<(), String> {
        match &self.path {
            Some(path) => save(path, &platform.to_json())
                .map_err(|e| format!("cannot save the state to {}: {e}", path.display())),
            None => Ok(()),
        }
    }
}

/// Writes `text` to `path` atomically: a crash leaves either the old file or the new one.
fn save(path: &Path, text: &str) -> std::io::Result<()> {
    let dir = path
        .parent()
        .filter(|d| !d.as_os_str().is_empty())
        .unwrap_or(Path::new("."));
    fs::create_dir_all(dir)?;
    let tmp = dir.join(format!(
        ".{}.tmp",
        path.file_name().and_then(|n| n.to_str()).unwrap_or("state")
    ));
    {
        let mut file = fs::File::create(&tmp)?;
        file.write_all(text.as_bytes())?;
        file.sync_all()?;
    }
    if let Err(error) = fs::rename(&tmp, path) {
        let _ = fs::remove_file(&tmp);
        return Err(error);
    }
    fs::File::open(dir)?.sync_all()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn save_replaces_the_file_whole() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("state.json");
        save(&path, "first").unwrap();
        save(&path, "second").unwrap();
        assert_eq!(fs::read_to_string(&path).unwrap(), "second");
        assert_eq!(
            fs::read_dir(dir.path()).unwrap().count(),
            1,
            "no temporary file left"
        );
    }

    #[test]
    fn a_state_file_that_cannot_be_read_is_an_error_not_a_fresh_world() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("state.json");
        fs::write(&path, "{broken").unwrap();
        let error = Store::open(Some(path), 1, SimConfig::default())
            .err()
            .unwrap();
        assert!(error.contains("state.json"), "{error}");
    }
}
