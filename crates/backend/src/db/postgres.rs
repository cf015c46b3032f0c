//! PostgreSQL, for several backend processes on one database. Writes run in READ COMMITTED
//! (the counter row every write takes first puts them in one order); reads run on a
//! REPEATABLE READ snapshot so a page, its counts and its resourceVersion agree.

use std::collections::HashMap;

use postgres::types::{ToSql, Type};
use postgres::{Client, NoTls, Statement};

use super::driver::{Dialect, Driver, Value};
use super::error::StoreError;
use super::workers::Workers;

/// Connections per backend process.
const CONNECTIONS: usize = 8;

/// The database threads for the database at `url`; the first connection is made now, so a
/// bad URL or a database that is down is an error at start.
pub fn workers(url: &str) -> Result<Workers, StoreError> {
    let url = url.to_string();
    let workers = Workers::new(CONNECTIONS, None, move || open(&url))?;
    workers.run_blocking(|slot| slot.driver().map(|_| ()))?;
    Ok(workers)
}

fn open(url: &str) -> Result<Box<dyn Driver>, StoreError> {
    let client = Client::connect(url, NoTls).map_err(|e| StoreError::Open {
        what: format!("cannot connect to {}", redact(url)),
        source: e.into(),
    })?;
    Ok(Box::new(Postgres {
        client,
        statements: HashMap::new(),
    }))
}

/// The URL without its password, for logs and errors.
pub fn redact(url: &str) -> String {
    match (url.find("://"), url.rfind('@')) {
        (Some(scheme), Some(at)) if at > scheme => {
            let credentials = &url[scheme + 3..at];
            match credentials.split_once(':') {
                Some((user, _)) => format!("{}{user}:***{}", &url[..scheme + 3], &url[at..]),
                None => url.to_string(),
            }
        }
        _ => url.to_string(),
    }
}

struct Postgres {
    client: Client,
    /// Prepared statements by SQL text (a statement belongs to its connection).
    statements: HashMap<String, Statement>,
}

impl Postgres {
    fn prepare(&mut self, sql: &str) -> Result<Statement, StoreError> {
        if let Some(statement) = self.statements.get(sql) {
            return Ok(statement.clone());
        }
        let statement = self.client.prepare(sql)?;
        self.statements.insert(sql.to_string(), statement.clone());
        Ok(statement)
    }
}

fn params(values: &[Value]) -> Vec<&(dyn ToSql + Sync)> {
    values
        .iter()
        .map(|v| match v {
            Value::Int(n) => n as &(dyn ToSql + Sync),
            Value::Text(t) => t as &(dyn ToSql + Sync),
            Value::Null => &NULL_TEXT as &(dyn ToSql + Sync),
        })
        .collect()
}

static NULL_TEXT: Option<String> = None;

impl Driver for Postgres {
    fn dialect(&self) -> Dialect {
        Dialect::Postgres
    }

    fn begin(&mut self, write: bool) -> Result<(), StoreError> {
        self.batch(if write {
            "BEGIN ISOLATION LEVEL READ COMMITTED"
        } else {
            "BEGIN ISOLATION LEVEL REPEATABLE READ READ ONLY"
        })
    }

    fn commit(&mut self) -> Result<(), StoreError> {
        self.batch("COMMIT")
    }

    fn rollback(&mut self) -> Result<(), StoreError> {
        self.batch("ROLLBACK")
    }

    fn batch(&mut self, sql: &str) -> Result<(), StoreError> {
        self.client.batch_execute(sql).map_err(StoreError::from)
    }

    fn query(&mut self, sql: &str, values: &[Value]) -> Result<Vec<Vec<Value>>, StoreError> {
        let statement = self.prepare(sql)?;
        let rows = self.client.query(&statement, &params(values))?;
        let mut out = Vec::with_capacity(rows.len());
        for row in rows {
            let mut columns = Vec::with_capacity(row.len());
            for (i, column) in row.columns().iter().enumerate() {
                let value = match *column.type_() {
                    Type::INT8 => row
                        .try_get::<_, Option<i64>>(i)?
                        .map_or(Value::Null, Value::Int),
                    Type::INT4 => row
                        .try_get::<_, Option<i32>>(i)?
                        .map_or(Value::Null, |n| Value::Int(i64::from(n))),
                    Type::BOOL => row
                        .try_get::<_, Option<bool>>(i)?
                        .map_or(Value::Null, |b| Value::Int(i64::from(b))),
                    _ => row
                        .try_get::<_, Option<String>>(i)?
                        .map_or(Value::Null, Value::Text),
                };
                columns.push(value);
            }
            out.push(columns);
        }
        Ok(out)
    }

    fn execute(&mut self, sql: &str, values: &[Value]) -> Result<u64, StoreError> {
        let statement = self.prepare(sql)?;
        self.client
            .execute(&statement, &params(values))
            .map_err(StoreError::from)
    }
}
