//! The error type of cigate, and how it is rendered for people.
//!
//! Invariant: no variant holds a secret value; `Display` names files, keys and checks only.

use std::fmt::Write as _;
use std::path::PathBuf;

/// A result whose error is a cigate [`Error`].
pub type Result<T, E = Error> = std::result::Result<T, E>;

/// Everything that can stop cigate from doing its job.
///
/// A check that fails is not an error: it is a recorded outcome that the verdict judges.
#[derive(Debug, thiserror::Error)]
#[non_exhaustive]
pub enum Error {
    /// A file could not be read.
    #[error("failed to read `{}`", path.display())]
    Read {
        /// The file.
        path: PathBuf,
        /// The cause.
        #[source]
        source: std::io::Error,
    },

    /// A file or directory could not be written.
    #[error("failed to write `{}`", path.display())]
    Write {
        /// The file.
        path: PathBuf,
        /// The cause.
        #[source]
        source: std::io::Error,
    },

    /// The configuration file is not valid TOML or has a value of the wrong type.
    #[error("failed to load `{}`", path.display())]
    ConfigSyntax {
        /// The configuration file.
        path: PathBuf,
        /// The cause.
        #[source]
        source: Box<toml::de::Error>,
    },

    /// A configuration value has the right type but a wrong form.
    #[error("`{}`: `{key}` must be {expected}, got `{value}`", path.display())]
    ConfigValue {
        /// The configuration file.
        path: PathBuf,
        /// The dotted key, such as `check.unit.timeout`.
        key: String,
        /// The offending value as written.
        value: String,
        /// The expected form, such as `a duration such as "10m"`.
        expected: String,
    },

    /// The configuration is well formed but inconsistent (duplicate names, unknown needs, cycles).
    #[error("`{}`: {message}", path.display())]
    ConfigInvalid {
        /// The configuration file.
        path: PathBuf,
        /// What is inconsistent.
        message: String,
    },

    /// The cooldown marker exists but holds no time cigate can read.
    #[error("cannot read the cooldown marker in {location}: `{content}` is not a time")]
    MarkerUnreadable {
        /// Where the marker is kept, such as ``file `.github/.rate_limit_marker` ``.
        location: String,
        /// What the marker holds (truncated).
        content: String,
    },

    /// `cooldown clear` without `--force` found a cooldown that is still active (or unreadable).
    #[error("refusing to clear the cooldown marker in {location}: {state}")]
    CooldownActive {
        /// Where the marker is.
        location: String,
        /// The state, for people.
        state: String,
    },

    /// `--now` or `CIGATE_NOW` is not a time.
    #[error("invalid time `{value}` given by {origin}")]
    InvalidNow {
        /// The value as given.
        value: String,
        /// `--now` or `CIGATE_NOW`.
        origin: &'static str,
    },

    /// A check name that the configuration does not define.
    #[error("no check named `{name}` in `{}`", path.display())]
    UnknownCheck {
        /// The requested name.
        name: String,
        /// The configuration file.
        path: PathBuf,
        /// The names it does define.
        known: Vec<String>,
    },

    /// A `--set CHECK=STATUS` argument that cannot be understood.
    #[error("invalid --set `{value}`: {reason}")]
    InvalidSet {
        /// The argument as given.
        value: String,
        /// What is wrong with it.
        reason: String,
    },

    /// A command could not be started.
    #[error("failed to start `{command}`")]
    Spawn {
        /// The command line.
        command: String,
        /// The cause.
        #[source]
        source: std::io::Error,
    },

    /// A JSON file does not have the expected shape.
    #[error("`{}` is not valid JSON of the expected shape", path.display())]
    Json {
        /// The file.
        path: PathBuf,
        /// The cause.
        #[source]
        source: serde_json::Error,
    },

    /// cigate was interrupted (Ctrl-C or SIGTERM) while running a check; the check's processes
    /// were killed.
    #[error("interrupted while running `{check}`")]
    Interrupted {
        /// The check that was running.
        check: String,
    },

    /// A call to GitHub's REST API failed.
    #[error("GitHub: failed to {action}")]
    Github {
        /// What cigate was doing, such as `open the rate-limit issue`.
        action: String,
        /// The cause.
        #[source]
        source: Box<crate::github::Error>,
    },
}

impl Error {
    /// A hint that tells a person how to fix the problem, when one is known.
    pub fn hint(&self) -> Option<String> {
        match self {
            Error::Read { path, source } if source.kind() == std::io::ErrorKind::NotFound => {
                Some(format!(
                    "`{}` does not exist; check the path (relative paths start at the directory of cigate.toml)",
                    path.display()
                ))
            }
            Error::ConfigSyntax { .. } | Error::ConfigValue { .. } | Error::ConfigInvalid { .. } => {
                Some("see the cigate.toml reference in crates/cigate/README.md".to_owned())
            }
            Error::MarkerUnreadable { .. } => Some(
                "treating the cooldown as active (fail closed); run `cigate cooldown clear --force` to remove the marker or `--force` to run anyway"
                    .to_owned(),
            ),
            Error::CooldownActive { .. } => Some(
                "`cigate cooldown clear --force` clears it anyway; running the gated checks during a lockout may extend it"
                    .to_owned(),
            ),
            Error::InvalidNow { .. } => {
                Some("use RFC 3339, such as `2024-05-01T02:00:00Z`".to_owned())
            }
            Error::UnknownCheck { known, .. } => Some(if known.is_empty() {
                "the configuration defines no [[check]]".to_owned()
            } else {
                format!("defined checks: {}", known.join(", "))
            }),
            Error::InvalidSet { .. } => Some(
                "STATUS is one of success, failure, cancelled, skipped, passed, failed, rate_limited, transient"
                    .to_owned(),
            ),
            Error::Spawn { .. } => Some("is `sh` on the PATH?".to_owned()),
            Error::Github { source, .. } => source.hint(),
            _ => None,
        }
    }

    /// The process exit code for this error: [`crate::exit_code::INTERRUPTED`] for an
    /// interruption, [`crate::exit_code::ERROR`] otherwise.
    pub fn exit_code(&self) -> i32 {
        match self {
            Error::Interrupted { .. } => crate::exit_code::INTERRUPTED,
            _ => crate::exit_code::ERROR,
        }
    }

    /// The error and its causes on one line (`what failed: cause: cause`), for annotations.
    pub fn one_line(&self) -> String {
        let mut text = self.to_string();
        let mut source = std::error::Error::source(self);
        while let Some(cause) = source {
            let _ = write!(text, ": {}", cause.to_string().replace('\n', " "));
            source = cause.source();
        }
        text
    }

    /// Renders the error for people: what failed, each cause, then the hint.
    ///
    /// # Examples
    ///
    /// ```
    /// let error = cigate::Error::InvalidSet { value: "lint".into(), reason: "expected CHECK=STATUS".into() };
    /// assert!(error.render().starts_with("error: invalid --set `lint`"));
    /// ```
    pub fn render(&self) -> String {
        let mut text = format!("error: {self}\n");
        let mut source = std::error::Error::source(self);
        while let Some(cause) = source {
            // Multi-line causes (a TOML error with its snippet) stay indented under theirs.
            let message = cause.to_string();
            let message = message.trim_end().replace('\n', "\n    ");
            let _ = writeln!(text, "  caused by: {message}");
            source = cause.source();
        }
        if let Some(hint) = self.hint() {
            let _ = writeln!(text, "  hint: {hint}");
        }
        text
    }
}
