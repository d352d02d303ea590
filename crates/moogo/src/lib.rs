//! An async client for the Moogo smart mosquito-misting cloud API, built so
//! that it never gets its user locked out.
//!
//! The Moogo service locks an account out for 24 hours after a single failed
//! login or too many requests (code 10000). This client therefore:
//!
//! - logs in as rarely as possible: a session is reused from memory or a
//!   [`SessionStore`]; a [`FileStore`] shared by many processes yields one
//!   login between them (an advisory lock around "re-read, log in, write");
//! - records a lockout in `lockout.json` next to the session file and, until
//!   it ends, fails every call with [`Error::RateLimited`] without sending;
//! - retries only transient and device errors, with backoff and jitter, and
//!   never a rate limit; opens a per-device circuit after repeated failures;
//! - caches reads (device list 5 min, status 30 s, public data 1 h);
//! - validates input before sending anything.
//!
//! All waiting goes through `tokio::time`, so tests run on a paused clock.
//!
//! # Examples
//!
//! ```no_run
//! # async fn run() -> moogo::Result<()> {
//! use std::time::Duration;
//!
//! let client = moogo::Client::builder()
//!     .credentials("me@example.com", "password")
//!     .session_file("/home/me/.moogo/session.json")
//!     .build()?;
//! for device in client.devices().await? {
//!     let status = client.device(&device.device_id).status().await?;
//!     println!("{}: {:?} C", device.device_id, status.temperature);
//! }
//! client.device("d1").spray_for(Duration::from_secs(30)).await?;
//! # Ok(()) }
//! ```
//!
//! Errors say what to do; match on them or ask [`Error::is_transient`]:
//!
//! ```no_run
//! # async fn run(client: moogo::Client) {
//! match client.devices().await {
//!     Err(moogo::Error::RateLimited { until, .. }) => eprintln!("locked out until {until}"),
//!     Err(err) => eprintln!("error: {err}"),
//!     Ok(devices) => println!("{} devices", devices.len()),
//! }
//! # }
//! ```

#![warn(missing_docs)]

mod auth;
mod cache;
mod circuit;
mod client;
mod clock;
mod device;
mod envelope;
mod error;
mod lockout;
mod model;
mod retry;
mod schedules;
mod session;
mod spray;
mod store;
mod transport;
mod validate;

pub use client::{
    Client, ClientBuilder, DEFAULT_BASE_URL, DEFAULT_CONFIRMATION_TIMEOUT, DEFAULT_POLL_INTERVAL,
    DEFAULT_TIMEOUT, MIN_POLL_INTERVAL,
};
pub use clock::{Clock, SystemClock, TokioClock};
pub use device::DeviceHandle;
pub use error::{Error, Result};
pub use lockout::{LOCKOUT_FILE_NAME, LockoutRecord};
pub use model::{
    ConfigUpdate, DeviceConfig, DeviceStatus, DeviceSummary, DeviceUpdate, Liquid, LogEntry,
    LogPage, LogQuery, OtaInfo, Schedule, ScheduleCreate, ScheduleUpdate,
};
pub use retry::RetryPolicy;
pub use schedules::Schedules;
pub use session::Session;
pub use store::{EnvStore, FileStore, SessionStore, StoreLock};

/// Re-exported so callers can name timestamps without depending on `jiff`.
pub use jiff::Timestamp;
