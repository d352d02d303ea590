//! System tests: cigate gating the `moogo-suite-probe` integration suite, which talks to an
//! in-process `moogo-sim` through the real `moogo` client.
//!
//! cigate runs in-process exactly as its binary does (`Cli::try_parse_from`, then `run` with an
//! `Environment`); the suite is a real child process, as in CI.

mod lockout;
mod support;
