//! [`SimConfig`]: everything a simulator is started with, and the parsers for the
//! command-line forms of its settings.

use std::net::{Ipv4Addr, SocketAddr};
use std::time::Duration;

use crate::error::{Error, Result};
use crate::fault::FaultSpec;
use crate::world::World;

/// How a simulator behaves: where it listens, how fast devices react, how strict the login
/// rate limit is, which faults to inject and which world to serve.
///
/// Built with "builder lite" `with_*` methods on top of [`SimConfig::default`]: listen on
/// 127.0.0.1 with a free port, transitions of 3 to 5 s, lock an account for 24 h after one
/// failed login, tokens valid for a year, no request budget, no faults, the demo world.
///
/// # Examples
///
/// ```
/// use std::time::Duration;
/// use moogo_sim::SimConfig;
///
/// let config = SimConfig::default()
///     .with_transition_delay(Duration::ZERO, Duration::ZERO)
///     .with_lockout_after(3)
///     .with_lockout_window(Duration::from_secs(3600));
/// # let _ = config;
/// ```
#[derive(Debug, Clone)]
#[must_use]
pub struct SimConfig {
    pub(crate) listen: SocketAddr,
    pub(crate) transition_min: Duration,
    pub(crate) transition_max: Duration,
    pub(crate) lockout_after: u32,
    pub(crate) lockout_window: Duration,
    pub(crate) token_ttl: Duration,
    pub(crate) request_budget: Option<u64>,
    pub(crate) faults: Vec<FaultSpec>,
    pub(crate) world: World,
    /// Follow the operating system's clock rather than tokio's (see `spawn_on_thread`).
    pub(crate) real_time: bool,
}

impl Default for SimConfig {
    fn default() -> Self {
        Self {
            listen: SocketAddr::from((Ipv4Addr::LOCALHOST, 0)),
            transition_min: Duration::from_secs(3),
            transition_max: Duration::from_secs(5),
            lockout_after: 1,
            lockout_window: Duration::from_secs(24 * 3600),
            token_ttl: Duration::from_secs(365 * 24 * 3600),
            request_budget: None,
            faults: Vec::new(),
            world: World::default(),
            real_time: false,
        }
    }
}

impl SimConfig {
    /// Sets the address to listen on; port 0 picks a free port (the default is 127.0.0.1:0).
    pub fn with_listen(mut self, addr: SocketAddr) -> Self {
        self.listen = addr;
        self
    }

    /// Sets how long a device takes to change `runStatus` after a start or stop command: a
    /// random delay between `min` and `max` (both may be zero for immediate transitions).
    /// [`spawn`](crate::spawn) rejects `min > max`.
    pub fn with_transition_delay(mut self, min: Duration, max: Duration) -> Self {
        self.transition_min = min;
        self.transition_max = max;
        self
    }

    /// Sets how many consecutive failed logins lock an account (default 1; 0 never locks).
    pub fn with_lockout_after(mut self, failed_logins: u32) -> Self {
        self.lockout_after = failed_logins;
        self
    }

    /// Sets how long a locked account stays locked (default 24 h). A login attempt during the
    /// lockout starts the window again, as the real service's retries do.
    pub fn with_lockout_window(mut self, window: Duration) -> Self {
        self.lockout_window = window;
        self
    }

    /// Sets the lifetime of issued tokens (default one year), reported as `ttl` at login.
    pub fn with_token_ttl(mut self, ttl: Duration) -> Self {
        self.token_ttl = ttl;
        self
    }

    /// Limits every token to `requests` authenticated requests; further ones get HTTP 429.
    pub fn with_request_budget(mut self, requests: u64) -> Self {
        self.request_budget = Some(requests);
        self
    }

    /// Adds a fault active from the start (see [`FaultSpec`]).
    pub fn with_fault(mut self, fault: FaultSpec) -> Self {
        self.faults.push(fault);
        self
    }

    /// Serves `world` instead of the demo world.
    pub fn with_world(mut self, world: World) -> Self {
        self.world = world;
        self
    }

    pub(crate) fn validate(&self) -> Result<()> {
        if self.transition_min > self.transition_max {
            return Err(Error::InvalidSetting {
                name: "transition-ms",
                reason: format!(
                    "the minimum ({} ms) is above the maximum ({} ms)",
                    self.transition_min.as_millis(),
                    self.transition_max.as_millis()
                ),
            });
        }
        if self.token_ttl.is_zero() {
            return Err(Error::InvalidSetting {
                name: "token-ttl",
                reason: "tokens must live longer than zero seconds".to_owned(),
            });
        }
        Ok(())
    }
}

/// Parses a listen address: `HOST:PORT`, `localhost:PORT` or `:PORT` (meaning 127.0.0.1).
///
/// # Errors
///
/// [`Error::ListenAddr`] when the text is none of these.
///
/// # Examples
///
/// ```
/// let addr = moogo_sim::parse_listen_addr(":0")?;
/// assert_eq!(addr.to_string(), "127.0.0.1:0");
/// # Ok::<(), moogo_sim::Error>(())
/// ```
pub fn parse_listen_addr(value: &str) -> Result<SocketAddr> {
    let invalid = || Error::ListenAddr {
        value: value.to_owned(),
    };
    let value = value.trim();
    let port_only = value
        .strip_prefix(':')
        .or_else(|| value.strip_prefix("localhost:"));
    match port_only {
        Some(port) => port
            .parse::<u16>()
            .map(|port| SocketAddr::from((Ipv4Addr::LOCALHOST, port)))
            .map_err(|_| invalid()),
        None => value.parse().map_err(|_| invalid()),
    }
}

/// Parses a transition delay in milliseconds: `MIN` or `MIN-MAX`, e.g. `0` or `3000-5000`.
///
/// # Errors
///
/// [`Error::InvalidSetting`] when the text is not one or two integers or the minimum is above
/// the maximum.
pub fn parse_transition_ms(value: &str) -> Result<(Duration, Duration)> {
    let invalid = |reason: &str| Error::InvalidSetting {
        name: "transition-ms",
        reason: format!(
            "`{value}` {reason}: expected MIN or MIN-MAX in milliseconds, e.g. 3000-5000"
        ),
    };
    let millis = |text: &str| {
        text.trim()
            .parse::<u64>()
            .map(Duration::from_millis)
            .map_err(|_| invalid("is not a number of milliseconds"))
    };
    let (min, max) = match value.split_once('-') {
        Some((min, max)) => (millis(min)?, millis(max)?),
        None => {
            let fixed = millis(value)?;
            (fixed, fixed)
        }
    };
    if min > max {
        return Err(invalid("has its minimum above its maximum"));
    }
    Ok((min, max))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn listen_addresses() {
        let check = |text: &str, expected: &str| {
            assert_eq!(parse_listen_addr(text).unwrap().to_string(), expected);
        };
        check(":0", "127.0.0.1:0");
        check("localhost:8787", "127.0.0.1:8787");
        check("0.0.0.0:80", "0.0.0.0:80");
        check("[::1]:9000", "[::1]:9000");
        assert!(parse_listen_addr("nowhere").is_err());
        assert!(parse_listen_addr(":99999").is_err());
    }

    #[test]
    fn transition_ranges() {
        let ms = Duration::from_millis;
        assert_eq!(parse_transition_ms("0").unwrap(), (ms(0), ms(0)));
        assert_eq!(
            parse_transition_ms("3000-5000").unwrap(),
            (ms(3000), ms(5000))
        );
        assert_eq!(
            parse_transition_ms("5-1").unwrap_err().to_string(),
            "invalid setting `transition-ms`: `5-1` has its minimum above its maximum: expected MIN or MIN-MAX in milliseconds, e.g. 3000-5000"
        );
        assert!(parse_transition_ms("fast").is_err());
    }

    #[test]
    fn spawn_rejects_an_inverted_range() {
        let config = SimConfig::default()
            .with_transition_delay(Duration::from_secs(2), Duration::from_secs(1));
        assert!(config.validate().is_err());
    }
}
