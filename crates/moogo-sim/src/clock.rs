//! The simulated clock: tokio's clock plus an offset that only moves forward.
//!
//! Wall time is the wall time at start, plus the tokio time elapsed since then, plus every
//! [`Clock::advance`]. Because the base is [`tokio::time::Instant`], a paused tokio runtime
//! (`#[tokio::test(start_paused = true)]`) drives the simulator too. Nothing runs on timers:
//! device state is evaluated lazily against [`Clock::now`] whenever a request looks at it.

use std::sync::atomic::{AtomicU64, Ordering};
use std::time::Duration;

use jiff::Timestamp;
use tokio::time::Instant;

/// A monotonic wall clock that tests can move forward.
#[derive(Debug)]
pub(crate) struct Clock {
    start: Start,
    start_wall: Timestamp,
    offset_nanos: AtomicU64,
}

/// Where elapsed time comes from.
#[derive(Debug, Clone, Copy)]
enum Start {
    /// Tokio's clock of the calling runtime, which a test may pause.
    Tokio(Instant),
    /// The operating system's monotonic clock, whatever runtime asks.
    Real(std::time::Instant),
}

impl Clock {
    /// Starts a clock at the current wall time that follows tokio's clock.
    pub(crate) fn start() -> Self {
        Self::with_start(Start::Tokio(Instant::now()))
    }

    /// Starts a clock at the current wall time that follows the operating system's clock,
    /// for a simulator that callers on other runtimes (paused or not) share.
    pub(crate) fn start_real() -> Self {
        Self::with_start(Start::Real(std::time::Instant::now()))
    }

    fn with_start(start: Start) -> Self {
        Self {
            start,
            start_wall: Timestamp::now(),
            offset_nanos: AtomicU64::new(0),
        }
    }

    /// The current simulated wall time.
    pub(crate) fn now(&self) -> Timestamp {
        let elapsed = match self.start {
            Start::Tokio(start) => start.elapsed(),
            Start::Real(start) => start.elapsed(),
        };
        let elapsed = elapsed.saturating_add(self.offset());
        self.start_wall
            .saturating_add(elapsed)
            .unwrap_or(Timestamp::MAX)
    }

    /// The total of every advance so far.
    pub(crate) fn offset(&self) -> Duration {
        Duration::from_nanos(self.offset_nanos.load(Ordering::Relaxed))
    }

    /// Moves the clock forward; it never moves back.
    pub(crate) fn advance(&self, by: Duration) {
        let nanos = u64::try_from(by.as_nanos()).unwrap_or(u64::MAX);
        // Saturate instead of wrapping: a clock that jumped to the end of time stays there.
        let _ = self
            .offset_nanos
            .fetch_update(Ordering::Relaxed, Ordering::Relaxed, |old| {
                Some(old.saturating_add(nanos))
            });
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use jiff::SignedDuration;

    #[tokio::test(start_paused = true)]
    async fn follows_the_paused_tokio_clock_and_advances() {
        let clock = Clock::start();
        let t0 = clock.now();
        tokio::time::sleep(Duration::from_secs(5)).await;
        assert_eq!(clock.now().duration_since(t0), SignedDuration::from_secs(5));
        clock.advance(Duration::from_secs(86_400));
        assert_eq!(
            clock.now().duration_since(t0),
            SignedDuration::from_secs(86_405)
        );
        assert_eq!(clock.offset(), Duration::from_secs(86_400));
    }
}
