//! `moogo-suite-probe`: a one-test Moogo integration suite for cigate's system tests.
//!
//! Reads the `MOOGO_*` variables, lists the devices, prints `cargo test`-like lines and exits
//! 101 on failure; see `system_tests::probe`.

use std::process::ExitCode;

fn main() -> ExitCode {
    let lookup = |name: &str| std::env::var(name).ok();
    let passed = system_tests::probe::run(lookup, &mut std::io::stdout().lock()).unwrap_or(false);
    if passed {
        ExitCode::SUCCESS
    } else {
        ExitCode::from(system_tests::probe::FAILURE_EXIT_CODE)
    }
}
