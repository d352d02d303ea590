//! cigate: resilient CI for integration tests against a rate-limited service.
//!
//! cigate runs a project's checks (lint, unit tests, integration tests, packaging) with
//! retries and timeouts, tells a rate limit from a real failure, keeps a cooldown so that a
//! locked-out account is not hammered, opens and closes one tracking issue, and turns the
//! results into a verdict that says whether a change is safe to merge. It runs the same way on
//! a laptop (`cigate pipeline`) and as steps of a GitHub Actions workflow.
//!
//! cigate knows nothing about any particular service: commands, patterns and names come from
//! `cigate.toml` (see [`Config`]).
//!
//! # Examples
//!
//! ```
//! use cigate::classify::{classify, Exit, Input, Rules};
//!
//! let output = "test login ... FAILED\nError: Rate limited (code 10000)\n";
//! let input = Input { exit: Exit::Code(101), output, junit: None, lockout_record: None, now: jiff::Timestamp::now() };
//! let classification = classify(&Rules::defaults(), &input);
//! assert_eq!(classification.outcome, cigate::Outcome::RateLimited);
//! ```

#![warn(missing_docs)]

pub mod classify;
pub mod cli;
pub mod clock;
pub mod config;
pub mod context;
pub mod cooldown;
pub mod environment;
pub mod error;
pub mod event;
pub mod exit_code;
pub mod github;
pub mod github_access;
pub mod pipeline;
pub mod record;
pub mod redaction;
pub mod report;
pub mod run;
pub mod secrets;
pub mod tracker;
pub mod trigger;
pub mod verdict;

pub use classify::Outcome;
pub use clock::Clock;
pub use config::Config;
pub use environment::Environment;
pub use error::{Error, Result};
