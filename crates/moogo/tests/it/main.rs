//! End-to-end tests of the moogo client against a local mock server.

mod api;
mod auth;
mod endpoints;
mod errors;
mod lockout;
mod multiprocess;
mod resilience;
mod secrets;
mod sim;
mod spray;
mod support;
mod validation;
