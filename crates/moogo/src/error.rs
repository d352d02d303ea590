//! The one error type of the crate and its `Result` alias.
//!
//! Every variant carries what a caller needs to act on it: the device, the
//! path, the time a lockout ends, the field and range of a bad input.
//! No variant ever holds a token or a password.

use std::borrow::Cow;
use std::path::PathBuf;
use std::time::Duration;

use jiff::Timestamp;

/// A `Result` whose error is [`enum@Error`].
pub type Result<T, E = Error> = std::result::Result<T, E>;

/// Everything that can go wrong when talking to the Moogo service.
///
/// Match on the variants you handle and use [`Error::is_transient`] for the
/// rest: it says whether trying again later may help.
#[derive(Debug, thiserror::Error)]
#[non_exhaustive]
pub enum Error {
    /// The account is locked out (code 10000); no request is sent until `until`.
    ///
    /// Never transient: every retry extends the lockout.
    #[error(
        "rate limited: the moogo account is locked out until {until}; do not retry before then (server said: {message})"
    )]
    RateLimited {
        /// When the lockout ends.
        until: jiff::Timestamp,
        /// The server's message, or a note on where the lockout was read from.
        message: String,
    },

    /// The service rejected the email or password (code 10104).
    #[error(
        "invalid credentials: the service rejected the email or password ({message}); fix them before trying again, failed logins can lock the account for 24 hours"
    )]
    InvalidCredentials {
        /// The server's message.
        message: String,
    },

    /// The service answered 401 even after logging in again.
    #[error("unauthorized on `{path}`: {message}")]
    Unauthorized {
        /// The request path.
        path: String,
        /// The server's message.
        message: String,
    },

    /// Too many re-logins after 401 answers (3 in 5 minutes); logins pause until `until`.
    #[error(
        "login paused until {until}: the service rejected the token {attempts} times in 5 minutes; check the account in the app"
    )]
    LoginPaused {
        /// When the client will log in again.
        until: jiff::Timestamp,
        /// How many re-logins happened in the window.
        attempts: usize,
    },

    /// No session is stored and no credentials were given.
    #[error(
        "no session and no credentials: give an email and password (MOOGO_EMAIL, MOOGO_PASSWORD) or restore a session"
    )]
    MissingCredentials,

    /// The device is offline (code 10201).
    #[error("device `{device_id}` is offline ({message})")]
    DeviceOffline {
        /// The device.
        device_id: String,
        /// The server's message.
        message: String,
    },

    /// The resource does not exist (code or HTTP 404).
    #[error("not found: `{path}` ({message})")]
    NotFound {
        /// The request path.
        path: String,
        /// The server's message.
        message: String,
    },

    /// The device's circuit breaker is open after repeated failures; no request was sent.
    #[error(
        "circuit open for device `{device_id}` after {failures} consecutive {}; calls resume in {}s",
        if *failures == 1 { "failure" } else { "failures" },
        retry_in.as_secs()
    )]
    CircuitOpen {
        /// The device.
        device_id: String,
        /// Consecutive failures that opened the circuit.
        failures: u32,
        /// Time until the next request is let through.
        retry_in: Duration,
    },

    /// The device did not reach the expected run state in time.
    #[error(
        "device `{device_id}` did not confirm {expected} within {}s; it may still change, check its status",
        waited.as_secs_f64()
    )]
    ConfirmationTimeout {
        /// The device.
        device_id: String,
        /// The state waited for: `spraying` or `stopped`.
        expected: &'static str,
        /// How long the client waited.
        waited: Duration,
    },

    /// An argument is out of range; caught before any request.
    #[error("invalid {field}: `{value}` is not allowed, expected {allowed}")]
    InvalidInput {
        /// The offending field, such as `hour`.
        field: &'static str,
        /// The value given.
        value: String,
        /// The allowed values, such as `0..=23`.
        allowed: &'static str,
    },

    /// The service failed (HTTP 5xx, or code 500); transient.
    #[error("server error on `{path}`: {detail}")]
    Server {
        /// The request path.
        path: String,
        /// The HTTP status.
        status: u16,
        /// One line: the envelope's code and message, or the status and what
        /// kind of body came instead of an envelope (such as an HTML page).
        detail: String,
        /// The start of a body that was not an envelope (at most 256
        /// characters, as sent; withheld for logins); not part of the message.
        body: Option<String>,
    },

    /// The service answered with an error code this client does not know.
    #[error("`{path}` failed with code {code}: {message}")]
    Api {
        /// The request path.
        path: String,
        /// The HTTP status.
        status: u16,
        /// The envelope code, or the HTTP status when there was no envelope.
        code: i64,
        /// The server's message, or the status and what kind of body came
        /// instead of an envelope; one line.
        message: String,
        /// The start of a body that was not an envelope (at most 256
        /// characters, as sent); not part of the message.
        body: Option<String>,
    },

    /// The request could not be sent or the answer could not be read; transient.
    #[error("request to `{path}` failed")]
    Transport {
        /// The request path.
        path: String,
        /// The cause.
        #[source]
        source: reqwest::Error,
    },

    /// The request took longer than the configured timeout; transient.
    #[error("request to `{path}` timed out")]
    Timeout {
        /// The request path.
        path: String,
        /// The cause.
        #[source]
        source: reqwest::Error,
    },

    /// The answer was not the expected JSON; the body is kept, truncated.
    ///
    /// The message shows the body on one line (whitespace collapsed).
    #[error(
        "could not decode the answer to `{path}` (HTTP {status}): {}",
        one_line(body)
    )]
    Decode {
        /// The request path.
        path: String,
        /// The HTTP status.
        status: u16,
        /// The start of the body, as sent (at most 256 characters; withheld for logins).
        body: String,
        /// The cause.
        #[source]
        source: serde_json::Error,
    },

    /// The session or lockout file could not be read or written.
    #[error("could not {action} `{}`", path.display())]
    Storage {
        /// What was attempted, such as `write the session file`.
        action: &'static str,
        /// The file.
        path: PathBuf,
        /// The cause.
        #[source]
        source: std::io::Error,
    },

    /// The client was configured with a bad setting.
    #[error("invalid client configuration: {0}")]
    Config(String),
}

impl Error {
    /// Whether trying again later may succeed: timeouts, transport and server errors.
    ///
    /// A rate limit is never transient.
    pub fn is_transient(&self) -> bool {
        matches!(
            self,
            Error::Server { .. } | Error::Transport { .. } | Error::Timeout { .. }
        )
    }

    /// Whether the request timed out.
    pub fn is_timeout(&self) -> bool {
        matches!(self, Error::Timeout { .. })
    }

    /// Whether the account is locked out.
    pub fn is_rate_limited(&self) -> bool {
        matches!(self, Error::RateLimited { .. })
    }

    /// Whether this is an error of the device rather than of the service (offline).
    pub fn is_device_error(&self) -> bool {
        matches!(self, Error::DeviceOffline { .. })
    }

    /// When the lockout ends, for [`Error::RateLimited`].
    pub fn locked_until(&self) -> Option<Timestamp> {
        match self {
            Error::RateLimited { until, .. } => Some(*until),
            _ => None,
        }
    }

    pub(crate) fn invalid_input(
        field: &'static str,
        value: impl ToString,
        allowed: &'static str,
    ) -> Self {
        Error::InvalidInput {
            field,
            value: value.to_string(),
            allowed,
        }
    }
}

/// `text` on one line: every run of whitespace (newlines included) becomes one
/// space, and control characters are dropped, so that server text cannot break
/// a log line or an annotation.
pub(crate) fn one_line(text: &str) -> Cow<'_, str> {
    let clean = !text.contains(|c: char| c.is_control() || c == '\u{2028}' || c == '\u{2029}')
        && !text.contains("  ")
        && text.trim() == text;
    if clean {
        return Cow::Borrowed(text);
    }
    let mut line = String::with_capacity(text.len());
    for word in text
        .split(|c: char| c.is_whitespace())
        .filter(|word| !word.is_empty())
    {
        if !line.is_empty() {
            line.push(' ');
        }
        line.extend(word.chars().filter(|c| !c.is_control()));
    }
    Cow::Owned(line)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn one_line_collapses_whitespace_and_drops_control_characters() {
        assert!(matches!(
            one_line("plain text"),
            Cow::Borrowed("plain text")
        ));
        assert_eq!(
            one_line("<html>\r\n<head>  <title>502</title>\t</head>\r\n</html>\r\n"),
            "<html> <head> <title>502</title> </head> </html>"
        );
        assert_eq!(one_line("a\u{1b}[31mb\u{0}c"), "a[31mbc");
        assert_eq!(one_line(" \n "), "");
    }

    #[test]
    fn circuit_messages_count_failures_in_words() {
        let open = |failures| Error::CircuitOpen {
            device_id: "d1".into(),
            failures,
            retry_in: Duration::from_secs(300),
        };
        assert_eq!(
            open(1).to_string(),
            "circuit open for device `d1` after 1 consecutive failure; calls resume in 300s"
        );
        assert!(
            open(5)
                .to_string()
                .contains("after 5 consecutive failures;")
        );
    }
}
