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
//! # Map
//!
//! - Inputs: [`config`] (`cigate.toml` on compiled-in defaults), [`clock`] (the one "now",
//!   `--now`/`CIGATE_NOW`), [`environment`], [`trigger`] (push, pull_request, schedule,
//!   workflow_dispatch; forks).
//! - Decisions: [`classify`] (F2), [`cooldown`] (F1), [`run`] (F5: attempts, timeouts,
//!   backoff, process groups), [`verdict`] (F7), [`redaction`] (secrets out of logs).
//! - Side effects: [`tracker`] (F3 issues: github, file, none), [`secrets`] (F6 secret sync),
//!   [`record`] (`.cigate/results/*.json`), [`github`] (the REST client) behind
//!   [`github_access`] (which degrades to "would have" notes outside Actions).
//! - Flow: [`pipeline`] (F9: checks in `needs` order, gate, follow-ups), [`context`] (what one
//!   invocation works with), [`interrupt`] (Ctrl-C and SIGTERM), [`cli`] (the `cigate`
//!   command line), [`exit_code`].
//! - Output: the engine emits [`event::Event`]s; [`report`] turns them into the terminal
//!   display, annotations, `$GITHUB_OUTPUT` and the step summary (F8).
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
pub mod interrupt;
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
pub use context::Context;
pub use environment::Environment;
pub use error::{Error, Result};
pub use event::CheckResult;
pub use verdict::Verdict;
