//! What the store needs of a database connection, so one implementation of the rows runs on
//! SQLite and PostgreSQL alike: transactions, queries with positional parameters (`$1`, `$2`, …
//! in the SQL text, whatever the database's own spelling) and rows of integers and text.

/// A parameter or a column value. Columns are `BIGINT` (or SQLite `INTEGER`) and `TEXT` only;
/// NULL is never written.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Value {
    /// An integer.
    Int(i64),
    /// Text.
    Text(String),
    /// SQL NULL (read only).
    Null,
}

impl Value {
    /// The integer, or 0.
    pub fn int(&self) -> i64 {
        match self {
            Value::Int(n) => *n,
            _ => 0,
        }
    }

    /// The text, or "".
    pub fn text(&self) -> &str {
        match self {
            Value::Text(t) => t,
            _ => "",
        }
    }

    /// The text, taken.
    pub fn into_text(self) -> String {
        match self {
            Value::Text(t) => t,
            _ => String::new(),
        }
    }
}

/// Column `i` of a row (NULL when the row is shorter: a query's columns are ours, but a short
/// row must not stop the server).
pub fn col(row: &[Value], i: usize) -> &Value {
    static NULL: Value = Value::Null;
    row.get(i).unwrap_or(&NULL)
}

impl From<i64> for Value {
    fn from(n: i64) -> Value {
        Value::Int(n)
    }
}

impl From<&str> for Value {
    fn from(t: &str) -> Value {
        Value::Text(t.to_string())
    }
}

impl From<String> for Value {
    fn from(t: String) -> Value {
        Value::Text(t)
    }
}

/// Which database, where their SQL differs.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Dialect {
    /// SQLite.
    Sqlite,
    /// PostgreSQL.
    Postgres,
}

use super::error::StoreError;

/// A database connection.
pub trait Driver: Send {
    /// Which database it is.
    fn dialect(&self) -> Dialect;
    /// Starts a transaction: a write one (serialised with other writers), or a read-only
    /// snapshot.
    fn begin(&mut self, write: bool) -> Result<(), StoreError>;
    /// Commits.
    fn commit(&mut self) -> Result<(), StoreError>;
    /// Rolls back (nothing happens outside a transaction).
    fn rollback(&mut self) -> Result<(), StoreError>;
    /// Runs statements without parameters or results.
    fn batch(&mut self, sql: &str) -> Result<(), StoreError>;
    /// Runs a query; each row is its columns in order.
    fn query(&mut self, sql: &str, params: &[Value]) -> Result<Vec<Vec<Value>>, StoreError>;
    /// Runs a statement; the number of rows it changed.
    fn execute(&mut self, sql: &str, params: &[Value]) -> Result<u64, StoreError>;
}
