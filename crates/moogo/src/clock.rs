//! Wall-clock time, injectable so that tests can move it.
//!
//! Waiting always goes through `tokio::time`; this clock only answers "what
//! time is it" for decisions that depend on the calendar: token expiry and the
//! end of a lockout.

use std::fmt::Debug;
use std::sync::Arc;

use jiff::{SignedDuration, Timestamp};

/// A source of the current wall-clock time.
pub trait Clock: Debug + Send + Sync + 'static {
    /// The current time.
    fn now(&self) -> Timestamp;
}

/// The operating system's clock.
#[derive(Debug, Clone, Copy, Default)]
pub struct SystemClock;

impl Clock for SystemClock {
    fn now(&self) -> Timestamp {
        Timestamp::now()
    }
}

/// Wall-clock time that follows tokio's clock: the wall time at creation plus
/// the tokio time elapsed since.
///
/// Under `tokio::time::pause()` it moves only when tokio time moves, so a test
/// that advances tokio time by 24 hours also moves token expiry and lockout
/// decisions by 24 hours.
#[derive(Debug, Clone)]
pub struct TokioClock {
    wall_start: Timestamp,
    tokio_start: tokio::time::Instant,
}

impl TokioClock {
    /// A clock that reads `wall_start` at this tokio instant.
    pub fn starting_at(wall_start: Timestamp) -> Self {
        Self {
            wall_start,
            tokio_start: tokio::time::Instant::now(),
        }
    }
}

impl Default for TokioClock {
    fn default() -> Self {
        Self::starting_at(Timestamp::now())
    }
}

impl Clock for TokioClock {
    fn now(&self) -> Timestamp {
        let elapsed = tokio::time::Instant::now().duration_since(self.tokio_start);
        let elapsed = SignedDuration::try_from(elapsed).unwrap_or(SignedDuration::MAX);
        self.wall_start
            .checked_add(elapsed)
            .unwrap_or(Timestamp::MAX)
    }
}

/// A shared clock as held by the client.
pub(crate) type SharedClock = Arc<dyn Clock>;
