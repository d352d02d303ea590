//! Typed results and events: what the engine produces and the reporters consume.
//!
//! The engine never prints. It sends [`Event`]s to a [`Reporter`]; the terminal display,
//! GitHub Actions annotations, `$GITHUB_OUTPUT` and the step summary are separate consumers
//! (see [`crate::report`]).

use std::path::PathBuf;
use std::time::Duration;

use crate::classify::Outcome;
use crate::cooldown::Status;
use crate::trigger::Trigger;
use crate::verdict::Verdict;

/// The result of one check.
#[derive(Debug, Clone, PartialEq)]
pub struct CheckResult {
    /// The check's name.
    pub name: String,
    /// Whether the verdict requires it to succeed.
    pub required: bool,
    /// The outcome of the last attempt (or `skipped`).
    pub outcome: Outcome,
    /// How many attempts ran (0 when skipped).
    pub attempts: u32,
    /// The time all attempts took, backoff included.
    pub duration: Duration,
    /// The lines that decided the outcome, or why the check was skipped.
    pub evidence: Vec<String>,
    /// The kept log (redacted), when the check ran.
    pub log: Option<PathBuf>,
    /// Whether it passed only after a failed attempt.
    pub flaky: bool,
}

impl CheckResult {
    /// The result of a check that did not run, with the reason.
    pub fn skipped(name: &str, required: bool, reason: impl Into<String>) -> Self {
        Self {
            name: name.to_owned(),
            required,
            outcome: Outcome::Skipped,
            attempts: 0,
            duration: Duration::ZERO,
            evidence: vec![reason.into()],
            log: None,
            flaky: false,
        }
    }
}

/// How much a message matters; maps to `::notice::`, `::warning::` and `::error::`.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord)]
pub enum Level {
    /// For information.
    Notice,
    /// Needs a look, does not fail anything.
    Warning,
    /// Something failed.
    Error,
}

impl Level {
    /// `notice`, `warning` or `error`.
    pub fn as_str(self) -> &'static str {
        match self {
            Level::Notice => "notice",
            Level::Warning => "warning",
            Level::Error => "error",
        }
    }
}

/// A message for people.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Message {
    /// How much it matters.
    pub level: Level,
    /// The text (one line).
    pub text: String,
}

impl Message {
    /// A message at `level`.
    pub fn new(level: Level, text: impl Into<String>) -> Self {
        Self {
            level,
            text: text.into(),
        }
    }
}

/// A value that must be masked in CI logs. `Debug` never shows it.
#[derive(Clone, PartialEq, Eq)]
pub struct Masked(pub String);

impl std::fmt::Debug for Masked {
    fn fmt(&self, formatter: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        formatter.write_str("Masked(***)")
    }
}

/// Something that happened while cigate worked.
#[derive(Debug, Clone)]
#[non_exhaustive]
pub enum Event {
    /// A pipeline starts.
    PipelineStarted {
        /// The trigger.
        trigger: Trigger,
        /// The checks this trigger runs, in order.
        checks: Vec<String>,
        /// Whether the run comes from a fork's pull request.
        fork: bool,
    },
    /// An attempt of a check starts.
    AttemptStarted {
        /// The check.
        check: String,
        /// The attempt number, from 1.
        attempt: u32,
        /// The largest attempt number.
        max_attempts: u32,
        /// The command line.
        command: String,
    },
    /// A line of output (already redacted).
    Line {
        /// The check.
        check: String,
        /// The line, without its end.
        line: String,
    },
    /// A check is still running.
    Heartbeat {
        /// The check.
        check: String,
        /// The attempt number.
        attempt: u32,
        /// The time this attempt has taken so far.
        elapsed: Duration,
    },
    /// An attempt ended.
    AttemptFinished {
        /// The check.
        check: String,
        /// The attempt number.
        attempt: u32,
        /// Its outcome.
        outcome: Outcome,
        /// Its duration.
        duration: Duration,
        /// The deciding lines.
        evidence: Vec<String>,
    },
    /// A failed attempt will be retried after a delay.
    RetryScheduled {
        /// The check.
        check: String,
        /// The attempt that will run next.
        next_attempt: u32,
        /// The backoff delay.
        delay: Duration,
    },
    /// A check ended (or was skipped).
    CheckFinished(CheckResult),
    /// A message for people.
    Message(Message),
    /// Plain text for people, such as a command's answer.
    Text(String),
    /// A secret value the CI must mask from now on.
    Mask(Masked),
    /// A value for later steps (`$GITHUB_OUTPUT` in Actions).
    StepOutput {
        /// The output's name.
        key: String,
        /// Its value.
        value: String,
    },
    /// The rate-limit cooldown state.
    Cooldown(Status),
    /// The verdict.
    Verdict(Verdict),
}

/// A consumer of events.
pub trait Reporter {
    /// Handles one event. Reporters do not fail: an unwritable terminal is not a CI failure.
    fn report(&mut self, event: &Event);
}

/// Collects events, for tests and for callers that decide later.
#[derive(Debug, Default)]
pub struct Recorder {
    /// The events so far.
    pub events: Vec<Event>,
}

impl Reporter for Recorder {
    fn report(&mut self, event: &Event) {
        self.events.push(event.clone());
    }
}
