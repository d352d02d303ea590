//! End-to-end tests of the whole system: `cigate` gating a `moogo` integration suite that runs
//! against `moogo-sim`.
//!
//! The architecture keeps these three apart on purpose: `cigate` knows nothing about Moogo,
//! and `moogo-sim` does not depend on `moogo` (it is an independent reading of the protocol).
//! Each is tested alone, the client against the simulator, and cigate's seed scenarios with
//! small scripts standing in for the suite. This unpublished crate is the one place where all
//! three meet, so that the scenario the project exists for, "the service locks the account out
//! in the middle of a CI run", also runs with the real simulator in lockout mode and the real
//! client writing the real lockout record.
//!
//! It holds:
//!
//! - [`probe`] and the `moogo-suite-probe` binary: a one-test integration suite, run by cigate
//!   as a check, that lists the devices through the `moogo` client configured from the
//!   `MOOGO_*` variables and reports like `cargo test` (exit status 101 on failure);
//! - `tests/it`: the scenarios, each with an in-process simulator, a scratch repository with
//!   its own `cigate.toml`, and cigate's pipeline run in-process as its binary runs it.

#![warn(missing_docs)]

pub mod probe;
