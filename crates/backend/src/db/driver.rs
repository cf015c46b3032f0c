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

/// What went wrong in the database.
#[derive(Debug, Clone, thiserror::Error)]
#[error("{message}")]
pub struct DbError {
    kind: ErrorKind,
    message: String,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum ErrorKind {
    /// Another writer got there first: try the whole transaction again.
    Retry,
    /// The connection is unusable.
    Broken,
    /// Anything else.
    Fatal,
}

impl DbError {
    /// A failure that trying again will not fix.
    pub fn fatal(message: impl Into<String>) -> DbError {
        DbError {
            kind: ErrorKind::Fatal,
            message: message.into(),
        }
    }

    /// Another writer changed the same rows first.
    pub fn conflict(message: impl Into<String>) -> DbError {
        DbError {
            kind: ErrorKind::Retry,
            message: message.into(),
        }
    }

    /// The connection is lost.
    pub fn broken(message: impl Into<String>) -> DbError {
        DbError {
            kind: ErrorKind::Broken,
            message: message.into(),
        }
    }

    /// Whether the transaction should be tried again from the start.
    pub fn is_retryable(&self) -> bool {
        self.kind == ErrorKind::Retry
    }

    /// Whether the connection should be dropped from the pool.
    pub fn is_broken(&self) -> bool {
        self.kind == ErrorKind::Broken
    }
}

/// A database connection.
pub trait Driver: Send {
    /// Which database it is.
    fn dialect(&self) -> Dialect;
    /// Starts a transaction: a write one (serialised with other writers), or a read-only
    /// snapshot.
    fn begin(&mut self, write: bool) -> Result<(), DbError>;
    /// Commits.
    fn commit(&mut self) -> Result<(), DbError>;
    /// Rolls back (nothing happens outside a transaction).
    fn rollback(&mut self) -> Result<(), DbError>;
    /// Runs statements without parameters or results.
    fn batch(&mut self, sql: &str) -> Result<(), DbError>;
    /// Runs a query; each row is its columns in order.
    fn query(&mut self, sql: &str, params: &[Value]) -> Result<Vec<Vec<Value>>, DbError>;
    /// Runs a statement; the number of rows it changed.
    fn execute(&mut self, sql: &str, params: &[Value]) -> Result<u64, DbError>;
}
