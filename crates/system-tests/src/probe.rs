//! The `moogo-suite-probe` program: a one-test integration suite played through the `moogo`
//! client, reporting like `cargo test`.
//!
//! The client is configured from the `MOOGO_*` variables (`MOOGO_BASE_URL`, `MOOGO_EMAIL`,
//! `MOOGO_PASSWORD`, `MOOGO_SESSION_FILE`, ...), exactly as the real suite is, so its session
//! file and lockout record land where cigate's `cigate.toml` expects them.
//!
//! `MOOGO_PROBE_NOW` (RFC 3339), when set, is the wall-clock time the client starts from (it
//! moves on in real time from there). cigate pretends a time with `--now`; a client reading the
//! real clock would still see its own lockout record in force "25 hours later", so a scenario
//! that moves cigate's clock and the simulator's clock moves the client's clock too, through
//! the client's injectable [`moogo::Clock`].

use std::io::Write;

use jiff::Timestamp;

/// The variable holding the time the client's clock starts from (RFC 3339).
pub const NOW_VAR: &str = "MOOGO_PROBE_NOW";

/// The exit status of a failing run: the one a failing `cargo test` returns.
pub const FAILURE_EXIT_CODE: u8 = 101;

/// Why the suite's one test failed.
#[derive(Debug, thiserror::Error)]
#[non_exhaustive]
pub enum Error {
    /// `MOOGO_PROBE_NOW` is not an RFC 3339 time.
    #[error(
        "`{NOW_VAR}` is `{value}`, not an RFC 3339 time; give one such as 2026-05-01T02:00:00Z"
    )]
    InvalidNow {
        /// The variable's value.
        value: String,
        /// What the parser said.
        #[source]
        source: jiff::Error,
    },
    /// The async runtime could not start.
    #[error("cannot start the async runtime: {0}")]
    Runtime(#[source] std::io::Error),
    /// The client failed (configuration, login, lockout, request).
    #[error(transparent)]
    Client(#[from] moogo::Error),
}

/// Runs the suite with the variables `lookup` returns and writes its report to `out`: a
/// `test devices ... ok` line and the device count, or `test devices ... FAILED: <error>`.
///
/// There is no `test result:` summary line: this output is relayed by cigate inside other test
/// runs, where a `test result: FAILED` line of a suite that failed on purpose would mislead.
///
/// Returns whether the suite passed. The report never holds the token or the password: it
/// shows the device count and the client's error, whose `Display` leaves secrets out.
///
/// # Errors
///
/// Only when `out` cannot be written.
pub fn run(lookup: impl Fn(&str) -> Option<String>, out: &mut dyn Write) -> std::io::Result<bool> {
    match list_devices(&lookup) {
        Ok(count) => {
            writeln!(out, "test devices ... ok")?;
            writeln!(out, "{count} devices listed")?;
            Ok(true)
        }
        Err(error) => {
            writeln!(out, "test devices ... FAILED: {error}")?;
            Ok(false)
        }
    }
}

/// Builds the client from the variables and lists the devices; returns how many there are.
fn list_devices(lookup: &impl Fn(&str) -> Option<String>) -> Result<usize, Error> {
    let start = lookup(NOW_VAR)
        .filter(|value| !value.trim().is_empty())
        .map(|value| {
            value
                .trim()
                .parse::<Timestamp>()
                .map_err(|source| Error::InvalidNow { value, source })
        })
        .transpose()?;
    let runtime = tokio::runtime::Builder::new_current_thread()
        .enable_all()
        .build()
        .map_err(Error::Runtime)?;
    runtime.block_on(async {
        let mut builder = moogo::Client::builder().from_lookup(lookup);
        if let Some(start) = start {
            builder = builder.clock(moogo::TokioClock::starting_at(start));
        }
        let client = builder.build()?;
        Ok(client.devices().await?.len())
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    fn report(vars: &[(&str, &str)]) -> (bool, String) {
        let lookup = |name: &str| {
            vars.iter()
                .find(|(key, _)| *key == name)
                .map(|(_, value)| (*value).to_owned())
        };
        let mut out = Vec::new();
        let passed = run(lookup, &mut out).unwrap();
        (passed, String::from_utf8(out).unwrap())
    }

    #[test]
    fn a_bad_probe_time_fails_the_test_and_says_what_to_give() {
        let (passed, out) = report(&[(NOW_VAR, "tomorrow")]);
        assert!(!passed);
        assert_eq!(
            out,
            "test devices ... FAILED: `MOOGO_PROBE_NOW` is `tomorrow`, not an RFC 3339 time; give one such as 2026-05-01T02:00:00Z\n"
        );
    }

    #[test]
    fn missing_credentials_fail_before_any_request() {
        // Port 9 on loopback: nothing listens there, and nothing is sent without credentials.
        let (passed, out) = report(&[
            ("MOOGO_BASE_URL", "http://127.0.0.1:9"),
            ("MOOGO_EMAIL", "demo@example.com"),
        ]);
        assert!(!passed);
        assert_eq!(
            out,
            "test devices ... FAILED: no session and no credentials: give an email and password (MOOGO_EMAIL, MOOGO_PASSWORD) or restore a session\n"
        );
    }
}
