//! A simulated Moogo cloud for tests: the real wire protocol, lockouts, faults and a movable
//! clock, served over HTTP on 127.0.0.1.
//!
//! The simulator is an independent implementation of the service described in
//! `spec/moogo-api.md`: the same paths, verbs, envelope (`{"code", "message", "data"}`) and
//! field names. It does not share code with the `moogo` client on purpose, so that a
//! misreading of the protocol cannot hide in shared types.
//!
//! - Accounts and tokens: `POST v1/user/login`, tokens in the `token` header, with a TTL.
//!   Failed logins lock the account (code 10000) for a window, 24 h by default.
//! - Devices: start and stop are acknowledged at once and take effect after a transition
//!   delay; schedules fire on the simulated clock; offline devices answer 10201.
//! - A clock that follows tokio's (so a paused test runtime drives it) and that tests can
//!   move forward with [`SimHandle::advance_clock`].
//! - Faults ([`FaultSpec`]): latency, HTTP statuses, connection resets, truncated or
//!   non-JSON bodies, HTML error pages, forced 401, per route or global.
//! - Counters ([`Stats`]) and a control surface over HTTP under `/__sim`.
//!
//! [`spawn`] serves from the caller's tokio runtime (and follows its clock, paused or not);
//! [`spawn_on_thread`] serves from a thread of its own, so that one simulator can outlive
//! the runtimes of many tests. The `moogo-sim` program wraps the same library; the crate's
//! README lists its flags, the fault syntax and the control surface.
//!
//! # Examples
//!
//! ```
//! use std::time::Duration;
//! use moogo_sim::{DEMO_EMAIL, DEMO_PASSWORD, FaultKind, FaultSpec, SimConfig};
//!
//! # #[tokio::main(flavor = "current_thread")]
//! # async fn main() -> Result<(), Box<dyn std::error::Error>> {
//! let sim = moogo_sim::spawn(
//!     SimConfig::default().with_transition_delay(Duration::ZERO, Duration::ZERO),
//! )
//! .await?;
//! let http = reqwest::Client::new();
//! let login: serde_json::Value = http
//!     .post(format!("{}/v1/user/login", sim.base_url()))
//!     .json(&serde_json::json!({"email": DEMO_EMAIL, "password": DEMO_PASSWORD, "keep": true}))
//!     .send()
//!     .await?
//!     .json()
//!     .await?;
//! assert_eq!(login["code"], 0);
//!
//! // The next request for the device list fails with HTTP 503, once.
//! sim.set_fault(FaultSpec::new(FaultKind::Status(503)).with_route("GET v1/devices")?.with_times(1));
//! let status = http
//!     .get(format!("{}/v1/devices", sim.base_url()))
//!     .header("token", login["data"]["token"].as_str().unwrap_or_default())
//!     .send()
//!     .await?
//!     .status();
//! assert_eq!(status, 503);
//!
//! let stats = sim.stats();
//! assert_eq!((stats.logins, stats.requests), (1, 2));
//! sim.advance_clock(Duration::from_secs(24 * 3600));
//! sim.shutdown().await;
//! # Ok(())
//! # }
//! ```

#![warn(missing_docs)]

mod api;
mod auth;
mod body;
mod clock;
mod config;
mod control;
mod device;
mod envelope;
mod error;
mod fault;
mod route;
mod schedule;
mod server;
mod simulation;
mod state;
mod stats;
mod world;

use std::sync::Arc;

pub use config::{SimConfig, parse_listen_addr, parse_transition_ms};
pub use error::{Error, Result};
pub use fault::{FaultKind, FaultSpec};
pub use server::{SimHandle, spawn, spawn_on_thread};
pub use stats::Stats;
pub use world::World;

/// The email of the demo account of the default world.
pub const DEMO_EMAIL: &str = "demo@example.com";

/// The password of the demo account of the default world.
pub const DEMO_PASSWORD: &str = "demo-password";

/// The whole application: the Moogo API plus the control surface under `/__sim`.
fn router(simulation: Arc<simulation::Simulation>) -> axum::Router {
    api::router(Arc::clone(&simulation)).nest("/__sim", control::router(simulation))
}

/// Compiles the Rust examples of the README as doctests.
#[cfg(doctest)]
#[doc = include_str!("../README.md")]
struct ReadmeDoctests;
