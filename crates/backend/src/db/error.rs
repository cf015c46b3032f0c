//! What can go wrong in the store, and which failures a transaction is tried again for (another
//! writer got there first) or its connection dropped for (the connection is lost).

use platform::PlatformError;
use postgres::error::SqlState;
use rusqlite::ErrorCode;

/// What went wrong in the store. Its message is what a log or a 500 answer says.
#[derive(Debug, thiserror::Error)]
pub enum StoreError {
    /// A SQLite statement failed.
    #[error("{}: {}", sqlite_context(.0), .0)]
    Sqlite(#[from] rusqlite::Error),
    /// A PostgreSQL statement failed.
    #[error("{}: {}", postgres_context(.0), postgres_detail(.0))]
    Postgres(#[from] postgres::Error),
    /// The database could not be created, opened or connected to, or a thread for it started.
    #[error("{what}: {source}")]
    Open {
        /// What was tried (`cannot open …`).
        what: String,
        /// Why it failed.
        source: Box<dyn std::error::Error + Send + Sync>,
    },
    /// The database threads stopped, or a connection cannot be made again.
    #[error("{0}")]
    Unavailable(&'static str),
    /// A row could not be encoded as JSON.
    #[error("cannot encode a row: {0}")]
    Encode(serde_json::Error),
    /// A stored row is not the JSON of what it should hold.
    #[error("a stored {what} cannot be read: {source}")]
    Decode {
        /// What the row holds (`deployment`, `package`, …).
        what: &'static str,
        /// Why it cannot be read.
        source: serde_json::Error,
    },
    /// A stored object, sent as it is, is not JSON at all.
    #[error("a stored object is not JSON: {0}")]
    NotJson(serde_json::Error),
    /// Another writer changed the object since this transaction read it.
    #[error("{0} changed since it was read")]
    Changed(String),
    /// The store lacks one of its `meta` counters.
    #[error("the store has no {0} counter")]
    NoCounter(String),
    /// `seed-fleet` on a database that already holds a synthetic fleet.
    #[error("this database already holds a synthetic fleet; seed a new database")]
    FleetExists,
    /// The platform refused a step the store takes on its own (seeding, a reset, a fleet).
    #[error(transparent)]
    Refused(#[from] PlatformError),
}

impl StoreError {
    /// Whether the transaction should be tried again from the start: another writer changed
    /// the same rows first, took the same key, or the database was busy.
    pub fn is_retryable(&self) -> bool {
        match self {
            StoreError::Sqlite(e) => matches!(
                e.sqlite_error_code(),
                Some(
                    ErrorCode::DatabaseBusy
                        | ErrorCode::DatabaseLocked
                        | ErrorCode::ConstraintViolation
                )
            ),
            StoreError::Postgres(e) => postgres_conflict(e),
            StoreError::Changed(_) => true,
            _ => false,
        }
    }

    /// Whether the connection should be dropped from the pool (it is lost).
    pub fn is_broken(&self) -> bool {
        matches!(self, StoreError::Postgres(e) if !postgres_conflict(e) && e.is_closed())
    }
}

fn sqlite_context(e: &rusqlite::Error) -> &'static str {
    match e.sqlite_error_code() {
        Some(ErrorCode::DatabaseBusy | ErrorCode::DatabaseLocked) => "the database is busy",
        Some(ErrorCode::ConstraintViolation) => "another writer took the same key",
        _ => "database error",
    }
}

/// A serialisation failure, a deadlock or a unique key taken: another writer got there first.
fn postgres_conflict(e: &postgres::Error) -> bool {
    e.code().is_some_and(|code| {
        *code == SqlState::T_R_SERIALIZATION_FAILURE
            || *code == SqlState::T_R_DEADLOCK_DETECTED
            || *code == SqlState::UNIQUE_VIOLATION
    })
}

fn postgres_context(e: &postgres::Error) -> &'static str {
    if postgres_conflict(e) {
        "another writer got there first"
    } else if e.is_closed() {
        "the database connection is lost"
    } else {
        "database error"
    }
}

/// The server's own sentence when there is one, else the client's description.
fn postgres_detail(e: &postgres::Error) -> String {
    e.as_db_error()
        .map_or_else(|| e.to_string(), |db| db.message().to_string())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn sqlite_failures_say_what_happened_and_whether_to_try_again() {
        let conn = rusqlite::Connection::open_in_memory().unwrap();
        conn.execute_batch("CREATE TABLE t (k TEXT PRIMARY KEY); INSERT INTO t VALUES ('a')")
            .unwrap();
        let taken = StoreError::from(
            conn.execute_batch("INSERT INTO t VALUES ('a')")
                .unwrap_err(),
        );
        assert!(taken.is_retryable() && !taken.is_broken());
        assert!(
            taken
                .to_string()
                .starts_with("another writer took the same key: "),
            "{taken}"
        );
        let wrong = StoreError::from(conn.execute_batch("SELECT nothing FROM t").unwrap_err());
        assert!(!wrong.is_retryable() && !wrong.is_broken());
        assert!(wrong.to_string().starts_with("database error: "), "{wrong}");
    }

    #[test]
    fn a_row_changed_by_another_writer_is_tried_again() {
        let changed = StoreError::Changed("dep-1".into());
        assert!(changed.is_retryable() && !changed.is_broken());
        assert_eq!(changed.to_string(), "dep-1 changed since it was read");
        let exists = StoreError::FleetExists;
        assert!(!exists.is_retryable());
    }
}
