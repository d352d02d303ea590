//! The errors of the `moogo` command, their exit codes and how they are reported.
//!
//! An error is rendered once, by [`Error::report`], as one line on stderr:
//! what failed, why, and what to do. Nothing here ever holds a token or a
//! password: client errors never carry them, and the command's own variants
//! hold only names, paths and values the user typed (never a password).

use std::fmt::{self, Write as _};
use std::path::PathBuf;

use crate::exit_code;
use crate::render;

/// A `Result` whose error is [`enum@Error`].
pub type Result<T, E = Error> = std::result::Result<T, E>;

/// A value typed on the command line that is malformed or out of range.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("invalid {what} `{value}`: {expected}")]
pub struct InvalidInput {
    what: &'static str,
    value: String,
    expected: String,
}

impl InvalidInput {
    /// A bad `value` for `what` (such as `duration`), with the expected form.
    pub fn new(what: &'static str, value: impl Into<String>, expected: impl Into<String>) -> Self {
        Self {
            what,
            value: value.into(),
            expected: expected.into(),
        }
    }
}

/// Everything that can make a `moogo` command fail.
#[derive(Debug, thiserror::Error)]
#[non_exhaustive]
pub enum Error {
    /// A command-line value is malformed or out of range; nothing was sent.
    #[error(transparent)]
    InvalidInput(#[from] InvalidInput),

    /// No device has this id or name.
    #[error("no device is called `{query}`")]
    UnknownDevice {
        /// What the user typed.
        query: String,
        /// The names of the account's devices.
        available: Vec<String>,
    },

    /// Several devices have this name.
    #[error("`{query}` names {} devices", candidates.len())]
    AmbiguousDevice {
        /// What the user typed.
        query: String,
        /// The matching devices' ids.
        candidates: Vec<String>,
    },

    /// No session is stored and the command cannot log in by itself.
    #[error("not logged in (no session in `{}`)", session_file.display())]
    NotLoggedIn {
        /// The session file that was looked at.
        session_file: PathBuf,
    },

    /// `moogo login` could not get a credential: not given, and no terminal to ask on.
    #[error("no {what} given")]
    MissingCredential {
        /// `email` or `password`.
        what: &'static str,
        /// The environment variable that can hold it.
        variable: &'static str,
    },

    /// The default session file cannot be placed: the system has no configuration directory.
    #[error("no configuration directory for the session file")]
    NoConfigDir,

    /// The device is offline, so the command was not sent.
    #[error("could not {action}: the service reports {device} offline")]
    DeviceOffline {
        /// What was attempted, such as `start spraying on Garage`.
        action: String,
        /// The device's name.
        device: String,
    },

    /// The command was interrupted with Ctrl-C.
    #[error("interrupted{}", if *stopped { "; the device was told to stop" } else { "; telling the device to stop failed" })]
    Interrupted {
        /// Whether the stop command was accepted.
        stopped: bool,
    },

    /// A call to the Moogo service failed.
    #[error("could not {action}")]
    Service {
        /// What was attempted, such as `list the devices`.
        action: String,
        /// The client's error.
        #[source]
        source: moogo::Error,
    },

    /// A file could not be read or written.
    #[error("could not {action} `{}`", path.display())]
    File {
        /// What was attempted, such as `read the session`.
        action: &'static str,
        /// The file.
        path: PathBuf,
        /// The cause.
        #[source]
        source: std::io::Error,
    },

    /// A session file to import is not a session.
    ///
    /// Only the position of the problem is kept: the parser's message could
    /// quote the file, which holds a token.
    #[error("`{}` is not a moogo session file (problem at line {line}, column {column})", path.display())]
    NotASession {
        /// The file.
        path: PathBuf,
        /// The line of the problem.
        line: usize,
        /// The column of the problem.
        column: usize,
    },

    /// The built-in simulator did not start.
    #[error("could not start the built-in simulator")]
    Simulator(#[source] moogo_sim::Error),

    /// The async runtime could not be created.
    #[error("could not start the async runtime")]
    Runtime(#[source] std::io::Error),

    /// Writing the output failed (other than a closed pipe).
    #[error("could not write the output")]
    Output(#[source] std::io::Error),
}

impl Error {
    /// Wraps a client error with what the command was doing, such as `list the devices`.
    pub fn service(action: impl Into<String>) -> impl FnOnce(moogo::Error) -> Error {
        let action = action.into();
        move |source| Error::Service { action, source }
    }

    /// The exit code for this error; see [`crate::exit_code`].
    pub fn exit_code(&self) -> u8 {
        match self {
            Error::InvalidInput(_)
            | Error::UnknownDevice { .. }
            | Error::AmbiguousDevice { .. } => exit_code::INVALID_INPUT,
            Error::NotLoggedIn { .. } | Error::MissingCredential { .. } => exit_code::AUTH,
            Error::Service { source, .. } => client_exit_code(source),
            Error::DeviceOffline { .. } => exit_code::UNAVAILABLE,
            Error::Interrupted { .. } => exit_code::INTERRUPTED,
            Error::NotASession { .. } => exit_code::INVALID_INPUT,
            Error::NoConfigDir
            | Error::File { .. }
            | Error::Simulator(_)
            | Error::Runtime(_)
            | Error::Output(_) => exit_code::FAILURE,
        }
    }

    /// Whether the error is a closed stdout (`moogo devices | head`), which is not a failure.
    pub fn is_broken_pipe(&self) -> bool {
        matches!(self, Error::Output(source) if source.kind() == std::io::ErrorKind::BrokenPipe)
    }

    /// The one-line report for stderr: `moogo: what failed: why; what to do`.
    pub fn report(&self) -> String {
        let mut line = format!("moogo: {self}");
        match self {
            Error::Service { source, .. } => {
                let _ = write!(line, ": {}", ClientCause(source));
            }
            _ => {
                let mut cause = std::error::Error::source(self);
                while let Some(error) = cause {
                    let _ = write!(line, ": {error}");
                    cause = error.source();
                }
            }
        }
        if let Some(hint) = self.hint() {
            let _ = write!(line, "; {hint}");
        }
        line
    }

    fn hint(&self) -> Option<String> {
        Some(match self {
            Error::InvalidInput(_) => return None,
            Error::NotASession { .. } => {
                "a session file is JSON with `token`, `user_id`, `email` and `expires_at`, as `moogo session export` writes it".to_owned()
            }
            Error::UnknownDevice { available, .. } if available.is_empty() => {
                "the account has no devices; add one in the Moogo app".to_owned()
            }
            Error::UnknownDevice { available, .. } => format!(
                "use an id or one of these names: {}",
                available.iter().map(|name| format!("`{name}`")).collect::<Vec<_>>().join(", ")
            ),
            Error::AmbiguousDevice { candidates, .. } => format!(
                "use the id instead: {}",
                candidates.iter().map(|id| format!("`{id}`")).collect::<Vec<_>>().join(", ")
            ),
            Error::NotLoggedIn { .. } => {
                "run `moogo login`, or set MOOGO_EMAIL and MOOGO_PASSWORD".to_owned()
            }
            Error::MissingCredential { variable, .. } => {
                format!("set {variable}, or run `moogo login` in a terminal to be asked")
            }
            Error::NoConfigDir => "give the session file with --session or MOOGO_SESSION_FILE".to_owned(),
            Error::Service { source, .. } => return client_hint(source),
            Error::DeviceOffline { .. } => {
                "check that the device has power and Wi-Fi (`moogo devices` shows when it is back)".to_owned()
            }
            Error::Interrupted { stopped: true } => return None,
            Error::Interrupted { stopped: false } => "run `moogo spray stop DEVICE`".to_owned(),
            Error::File { .. } => "check the path and its permissions".to_owned(),
            Error::Simulator(_) | Error::Runtime(_) | Error::Output(_) => return None,
        })
    }
}

/// The exit code of a client error.
fn client_exit_code(error: &moogo::Error) -> u8 {
    use moogo::Error as E;
    match error {
        E::RateLimited { .. }
        | E::LoginPaused { .. }
        | E::ConfirmationTimeout { .. }
        | E::Timeout { .. } => exit_code::TEMPORARY,
        E::InvalidCredentials { .. } | E::Unauthorized { .. } | E::MissingCredentials => {
            exit_code::AUTH
        }
        E::DeviceOffline { .. }
        | E::CircuitOpen { .. }
        | E::Server { .. }
        | E::Transport { .. }
        | E::Decode { .. } => exit_code::UNAVAILABLE,
        E::InvalidInput { .. } | E::NotFound { .. } | E::Config(_) => exit_code::INVALID_INPUT,
        _ => exit_code::FAILURE,
    }
}

/// What to do about a client error, when its own message does not already say.
fn client_hint(error: &moogo::Error) -> Option<String> {
    use moogo::Error as E;
    Some(match error {
        E::RateLimited { .. } => {
            "every request before then extends the lockout; `moogo lockout status` shows it"
                .to_owned()
        }
        E::Unauthorized { .. } => "run `moogo login` again".to_owned(),
        E::MissingCredentials => {
            "run `moogo login`, or set MOOGO_EMAIL and MOOGO_PASSWORD".to_owned()
        }
        E::DeviceOffline { .. } => {
            "check that the device has power and Wi-Fi, then try again".to_owned()
        }
        E::NotFound { .. } => {
            "check the id (`moogo devices`, `moogo schedules list DEVICE`)".to_owned()
        }
        E::Server { .. } | E::Transport { .. } | E::Decode { .. } => {
            "the service may be down or the base URL wrong; try again later".to_owned()
        }
        E::Timeout { .. } => "the service is slow to answer; try again later".to_owned(),
        E::Storage { .. } => "check the path and its permissions".to_owned(),
        _ => return None,
    })
}

/// A client error with its causes, and lockout times written for people.
struct ClientCause<'a>(&'a moogo::Error);

impl fmt::Display for ClientCause<'_> {
    fn fmt(&self, formatter: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self.0 {
            moogo::Error::RateLimited { until, message } => write!(
                formatter,
                "the account is locked out (rate limited) until {} (server said: {message})",
                render::time(*until)
            )?,
            moogo::Error::MissingCredentials => {
                formatter.write_str("not logged in, and no credentials to log in with")?;
            }
            moogo::Error::LoginPaused { until, .. } => write!(
                formatter,
                "the service rejected the session several times, so logins are paused until {}",
                render::time(*until)
            )?,
            other => write!(formatter, "{other}")?,
        }
        let mut cause = std::error::Error::source(self.0);
        while let Some(error) = cause {
            write!(formatter, ": {error}")?;
            cause = error.source();
        }
        Ok(())
    }
}

#[cfg(test)]
mod tests {
    use std::time::Duration;

    use super::*;

    fn check(source: moogo::Error, expected_code: u8, expected_report: &str) {
        let error = Error::service("list the devices")(source);
        assert_eq!(
            (error.exit_code(), error.report().as_str()),
            (expected_code, expected_report)
        );
    }

    #[test]
    fn client_errors_map_to_exit_codes_and_say_what_to_do() {
        let until: jiff::Timestamp = "2026-07-02T18:30:00Z".parse().expect("a timestamp");
        check(
            moogo::Error::RateLimited {
                until,
                message: "locked".into(),
            },
            exit_code::TEMPORARY,
            "moogo: could not list the devices: the account is locked out (rate limited) until 2026-07-02 18:30:00 UTC (server said: locked); every request before then extends the lockout; `moogo lockout status` shows it",
        );
        check(
            moogo::Error::LoginPaused { until, attempts: 3 },
            exit_code::TEMPORARY,
            "moogo: could not list the devices: the service rejected the session several times, so logins are paused until 2026-07-02 18:30:00 UTC",
        );
        check(
            moogo::Error::ConfirmationTimeout {
                device_id: "d1".into(),
                expected: "spraying",
                waited: Duration::from_secs(10),
            },
            exit_code::TEMPORARY,
            "moogo: could not list the devices: device `d1` did not confirm spraying within 10s; it may still change, check its status",
        );
        check(
            moogo::Error::Unauthorized {
                path: "v1/devices".into(),
                message: "token expired".into(),
            },
            exit_code::AUTH,
            "moogo: could not list the devices: unauthorized on `v1/devices`: token expired; run `moogo login` again",
        );
        check(
            moogo::Error::MissingCredentials,
            exit_code::AUTH,
            "moogo: could not list the devices: not logged in, and no credentials to log in with; run `moogo login`, or set MOOGO_EMAIL and MOOGO_PASSWORD",
        );
        check(
            moogo::Error::DeviceOffline {
                device_id: "d3".into(),
                message: "offline".into(),
            },
            exit_code::UNAVAILABLE,
            "moogo: could not list the devices: device `d3` is offline (offline); check that the device has power and Wi-Fi, then try again",
        );
        check(
            moogo::Error::Server {
                path: "v1/devices".into(),
                status: 503,
                detail: "HTTP 503".into(),
                body: None,
            },
            exit_code::UNAVAILABLE,
            "moogo: could not list the devices: server error on `v1/devices`: HTTP 503; the service may be down or the base URL wrong; try again later",
        );
        check(
            moogo::Error::CircuitOpen {
                device_id: "d1".into(),
                failures: 5,
                retry_in: Duration::from_secs(300),
            },
            exit_code::UNAVAILABLE,
            "moogo: could not list the devices: circuit open for device `d1` after 5 consecutive failures; calls resume in 300s",
        );
        check(
            moogo::Error::NotFound {
                path: "v1/devices/x/schedules/9".into(),
                message: "no such schedule".into(),
            },
            exit_code::INVALID_INPUT,
            "moogo: could not list the devices: not found: `v1/devices/x/schedules/9` (no such schedule); check the id (`moogo devices`, `moogo schedules list DEVICE`)",
        );
        check(
            moogo::Error::InvalidInput {
                field: "hour",
                value: "24".into(),
                allowed: "0..=23",
            },
            exit_code::INVALID_INPUT,
            "moogo: could not list the devices: invalid hour: `24` is not allowed, expected 0..=23",
        );
        check(
            moogo::Error::Api {
                path: "v1/devices".into(),
                status: 200,
                code: 4242,
                message: "odd".into(),
                body: None,
            },
            exit_code::FAILURE,
            "moogo: could not list the devices: `v1/devices` failed with code 4242: odd",
        );
    }

    #[test]
    fn own_errors_map_to_exit_codes() {
        let not_logged_in = Error::NotLoggedIn {
            session_file: "/state/session.json".into(),
        };
        assert_eq!(not_logged_in.exit_code(), exit_code::AUTH);
        let offline = Error::DeviceOffline {
            action: "start spraying on Garage".into(),
            device: "Garage".into(),
        };
        assert_eq!(offline.exit_code(), exit_code::UNAVAILABLE);
        let invalid = Error::from(InvalidInput::new("duration", "2h", "at most 1 h"));
        assert_eq!(
            (invalid.exit_code(), invalid.report().as_str()),
            (
                exit_code::INVALID_INPUT,
                "moogo: invalid duration `2h`: at most 1 h"
            )
        );
        let interrupted = Error::Interrupted { stopped: true };
        assert_eq!(interrupted.exit_code(), exit_code::INTERRUPTED);
        let pipe = Error::Output(std::io::Error::from(std::io::ErrorKind::BrokenPipe));
        assert!(pipe.is_broken_pipe());
    }
}
