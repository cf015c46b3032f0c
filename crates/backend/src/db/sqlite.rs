//! SQLite (embedded, bundled with the backend): WAL journal so reads never wait for the writer,
//! `synchronous=FULL` so a committed write survives a crash of the machine too, writes
//! serialised by `BEGIN IMMEDIATE`.

use std::path::Path;
use std::time::Duration;

use rusqlite::types::ValueRef;
use rusqlite::{Connection, OpenFlags, params_from_iter};

use super::driver::{Dialect, Driver, Value};
use super::error::StoreError;
use super::workers::Workers;

/// Connections to a database file (readers run beside the writer).
const FILE_CONNECTIONS: usize = 4;

/// The database threads for the database at `path`, or for one in memory (one thread: each
/// in-memory connection would be a database of its own). The first connection is opened now,
/// so a bad path is an error at start.
pub fn workers(path: Option<&Path>) -> Result<Workers, StoreError> {
    match path {
        Some(path) => {
            if let Some(dir) = path.parent().filter(|d| !d.as_os_str().is_empty()) {
                std::fs::create_dir_all(dir).map_err(|e| StoreError::Open {
                    what: format!("cannot create {}", dir.display()),
                    source: e.into(),
                })?;
            }
            let first = open(Some(path))?;
            let path = path.to_path_buf();
            Workers::new(FILE_CONNECTIONS, Some(first), move || open(Some(&path)))
        }
        None => Workers::new(1, Some(open(None)?), || {
            Err(StoreError::Unavailable(
                "the in-memory database cannot be opened again",
            ))
        }),
    }
}

fn open(path: Option<&Path>) -> Result<Box<dyn Driver>, StoreError> {
    let conn = match path {
        Some(path) => Connection::open_with_flags(
            path,
            OpenFlags::SQLITE_OPEN_READ_WRITE
                | OpenFlags::SQLITE_OPEN_CREATE
                | OpenFlags::SQLITE_OPEN_NO_MUTEX,
        ),
        None => Connection::open_in_memory(),
    }
    .map_err(|e| StoreError::Open {
        what: format!(
            "cannot open {}",
            path.map_or("the database".into(), |p| p.display().to_string())
        ),
        source: e.into(),
    })?;
    conn.busy_timeout(Duration::from_secs(10))?;
    conn.execute_batch(
        "PRAGMA journal_mode = WAL; PRAGMA synchronous = FULL; PRAGMA foreign_keys = OFF;",
    )
    .map_err(|e| match path {
        Some(path) => StoreError::Open {
            what: format!("{} is not a database this backend can use", path.display()),
            source: e.into(),
        },
        None => e.into(),
    })?;
    conn.set_prepared_statement_cache_capacity(128);
    Ok(Box::new(Sqlite { conn }))
}

struct Sqlite {
    conn: Connection,
}

/// `$1` → `?1`: SQLite reads `$1` as a named parameter.
fn sqlite_sql(sql: &str) -> String {
    sql.replace('$', "?")
}

fn value(v: ValueRef<'_>) -> Value {
    match v {
        ValueRef::Integer(n) => Value::Int(n),
        ValueRef::Text(t) => Value::Text(String::from_utf8_lossy(t).into_owned()),
        ValueRef::Real(f) => Value::Int(f as i64),
        ValueRef::Null | ValueRef::Blob(_) => Value::Null,
    }
}

impl rusqlite::ToSql for Value {
    fn to_sql(&self) -> rusqlite::Result<rusqlite::types::ToSqlOutput<'_>> {
        use rusqlite::types::ToSqlOutput::Borrowed;
        Ok(match self {
            Value::Int(n) => Borrowed(ValueRef::Integer(*n)),
            Value::Text(t) => Borrowed(ValueRef::Text(t.as_bytes())),
            Value::Null => Borrowed(ValueRef::Null),
        })
    }
}

impl Driver for Sqlite {
    fn dialect(&self) -> Dialect {
        Dialect::Sqlite
    }

    fn begin(&mut self, write: bool) -> Result<(), StoreError> {
        self.batch(if write { "BEGIN IMMEDIATE" } else { "BEGIN" })
    }

    fn commit(&mut self) -> Result<(), StoreError> {
        self.batch("COMMIT")
    }

    fn rollback(&mut self) -> Result<(), StoreError> {
        if self.conn.is_autocommit() {
            return Ok(());
        }
        self.batch("ROLLBACK")
    }

    fn batch(&mut self, sql: &str) -> Result<(), StoreError> {
        self.conn.execute_batch(sql).map_err(StoreError::from)
    }

    fn query(&mut self, sql: &str, params: &[Value]) -> Result<Vec<Vec<Value>>, StoreError> {
        let mut statement = self.conn.prepare_cached(&sqlite_sql(sql))?;
        let columns = statement.column_count();
        let mut rows = statement.query(params_from_iter(params))?;
        let mut out = Vec::new();
        while let Some(row) = rows.next()? {
            let mut values = Vec::with_capacity(columns);
            for i in 0..columns {
                values.push(value(row.get_ref(i)?));
            }
            out.push(values);
        }
        Ok(out)
    }

    fn execute(&mut self, sql: &str, params: &[Value]) -> Result<u64, StoreError> {
        let mut statement = self.conn.prepare_cached(&sqlite_sql(sql))?;
        statement
            .execute(params_from_iter(params))
            .map(|n| n as u64)
            .map_err(StoreError::from)
    }
}
