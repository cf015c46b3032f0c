//! The threads that talk to the database. Each owns one connection for its whole life (opened
//! when first needed, again after it broke), so a connection is only ever used, and dropped, on
//! its own thread: the PostgreSQL client runs its own event loop and must stay off the
//! server's async threads. Requests queue up and the next free thread takes each.

use std::sync::mpsc::{self, Receiver, Sender};
use std::sync::{Arc, Mutex, PoisonError};

use super::driver::Driver;
use super::error::StoreError;

type Open = dyn Fn() -> Result<Box<dyn Driver>, StoreError> + Send + Sync;
type Job = Box<dyn FnOnce(&mut Slot) + Send>;

/// A thread's connection.
pub struct Slot {
    driver: Option<Box<dyn Driver>>,
    open: Arc<Open>,
}

impl Slot {
    /// The connection, opened if there is none.
    pub fn driver(&mut self) -> Result<&mut dyn Driver, StoreError> {
        let driver = match self.driver.take() {
            Some(driver) => driver,
            None => (self.open)()?,
        };
        Ok(self.driver.insert(driver).as_mut())
    }

    /// Drops the connection (it broke); the next job opens a new one.
    pub fn discard(&mut self) {
        self.driver = None;
    }
}

/// The database threads.
pub struct Workers {
    jobs: Sender<Job>,
}

impl Workers {
    /// `count` threads whose connections `open` makes; `first`, if given, is the first
    /// thread's connection (an in-memory database cannot be opened twice).
    pub fn new(
        count: usize,
        first: Option<Box<dyn Driver>>,
        open: impl Fn() -> Result<Box<dyn Driver>, StoreError> + Send + Sync + 'static,
    ) -> Result<Workers, StoreError> {
        let (jobs, queue) = mpsc::channel::<Job>();
        let queue = Arc::new(Mutex::new(queue));
        let open: Arc<Open> = Arc::new(open);
        let mut first = first;
        for n in 0..count.max(1) {
            let slot = Slot {
                driver: first.take(),
                open: Arc::clone(&open),
            };
            let queue = Arc::clone(&queue);
            std::thread::Builder::new()
                .name(format!("rio-db-{n}"))
                .spawn(move || work(slot, &queue))
                .map_err(|e| StoreError::Open {
                    what: "cannot start a database thread".into(),
                    source: e.into(),
                })?;
        }
        Ok(Workers { jobs })
    }

    /// Runs `job` on the next free database thread and waits for it, without holding an async
    /// thread.
    pub async fn run<T: Send + 'static>(
        &self,
        job: impl FnOnce(&mut Slot) -> Result<T, StoreError> + Send + 'static,
    ) -> Result<T, StoreError> {
        let (reply, answer) = tokio::sync::oneshot::channel();
        self.send(Box::new(move |slot| {
            let _ = reply.send(job(slot));
        }))?;
        answer
            .await
            .map_err(|_| StoreError::Unavailable("the database thread stopped"))?
    }

    /// Runs `job` on the next free database thread and blocks until it is done (at start and
    /// in commands, not while serving).
    pub fn run_blocking<T: Send + 'static>(
        &self,
        job: impl FnOnce(&mut Slot) -> Result<T, StoreError> + Send + 'static,
    ) -> Result<T, StoreError> {
        let (reply, answer) = mpsc::channel();
        self.send(Box::new(move |slot| {
            let _ = reply.send(job(slot));
        }))?;
        answer
            .recv()
            .map_err(|_| StoreError::Unavailable("the database thread stopped"))?
    }

    fn send(&self, job: Job) -> Result<(), StoreError> {
        self.jobs
            .send(job)
            .map_err(|_| StoreError::Unavailable("the database threads stopped"))
    }
}

/// A thread's life: take the next job until the store is dropped.
fn work(mut slot: Slot, queue: &Mutex<Receiver<Job>>) {
    loop {
        let job = queue.lock().unwrap_or_else(PoisonError::into_inner).recv();
        match job {
            Ok(job) => job(&mut slot),
            Err(_) => return,
        }
    }
}
