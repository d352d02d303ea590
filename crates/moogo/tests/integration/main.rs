//! The integration suite of the `moogo` client: every operation end to end,
//! against the simulator (`moogo-sim`) by default or against the real service.
//!
//! `support` chooses the target from the environment (see its docs and
//! `README.md` next to this file). Tests against the shared target reuse one
//! session, so the whole binary logs in once, which each of them asserts
//! through `/__sim/stats`; tests that jump in time, inject faults or lock the
//! account out start a simulator of their own, mostly on a paused tokio clock.

mod auth;
mod clock;
mod config;
mod devices;
mod expiry;
mod faults;
mod firmware;
mod lockout;
mod logs;
mod public_data;
mod schedules;
mod spraying;
mod support;
