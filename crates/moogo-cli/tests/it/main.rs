//! End-to-end tests of the `moogo` binary against an in-process simulator.
//!
//! Every run goes through [`support::Setup::moogo`], which also checks that
//! no output ever contains a token the session file held.

mod account;
mod devices;
mod exit_codes;
mod schedules;
mod support;
