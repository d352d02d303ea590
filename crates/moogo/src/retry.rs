//! Retry with exponential backoff and jitter, as a bounded loop.
//!
//! Only transient errors (timeouts, transport and server errors) and device
//! errors (offline) are retried; a rate limit never is. There is no sleep
//! after the last attempt, and the last real error is returned.

use std::future::Future;
use std::time::Duration;

use rand::Rng;

use crate::error::{Error, Result};

/// How often and how patiently a request is retried.
///
/// The delay before retry `n` (1-based) is `initial_delay * factor^(n-1)`,
/// capped at `max_delay`, plus a random jitter in `0..=jitter`.
///
/// # Examples
///
/// ```
/// use std::time::Duration;
/// let policy = moogo::RetryPolicy::default().with_max_attempts(5);
/// assert_eq!(policy.base_delay(1), Duration::from_secs(1));
/// assert_eq!(policy.base_delay(3), Duration::from_secs(4));
/// assert_eq!(policy.base_delay(10), Duration::from_secs(30));
/// ```
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct RetryPolicy {
    max_attempts: u32,
    initial_delay: Duration,
    factor: u32,
    max_delay: Duration,
    jitter: Duration,
}

impl Default for RetryPolicy {
    /// Three attempts; delays from 1 s doubling to at most 30 s, plus up to 1 s of jitter.
    fn default() -> Self {
        Self {
            max_attempts: 3,
            initial_delay: Duration::from_secs(1),
            factor: 2,
            max_delay: Duration::from_secs(30),
            jitter: Duration::from_secs(1),
        }
    }
}

impl RetryPolicy {
    /// The policy for spray commands: five attempts, delays from 2 s.
    pub fn spray() -> Self {
        Self {
            max_attempts: 5,
            initial_delay: Duration::from_secs(2),
            ..Self::default()
        }
    }

    /// One attempt, no retry.
    pub fn never() -> Self {
        Self {
            max_attempts: 1,
            ..Self::default()
        }
    }

    /// Sets the number of attempts, including the first (at least 1).
    #[must_use]
    pub fn with_max_attempts(mut self, max_attempts: u32) -> Self {
        self.max_attempts = max_attempts.max(1);
        self
    }

    /// Sets the delay before the first retry.
    #[must_use]
    pub fn with_initial_delay(mut self, initial_delay: Duration) -> Self {
        self.initial_delay = initial_delay;
        self
    }

    /// Sets the upper bound of the delay (jitter excluded).
    #[must_use]
    pub fn with_max_delay(mut self, max_delay: Duration) -> Self {
        self.max_delay = max_delay;
        self
    }

    /// Sets the maximum random jitter added to every delay.
    #[must_use]
    pub fn with_jitter(mut self, jitter: Duration) -> Self {
        self.jitter = jitter;
        self
    }

    /// The number of attempts, including the first.
    pub fn max_attempts(&self) -> u32 {
        self.max_attempts
    }

    /// The delay before retry number `retry` (1-based), without jitter.
    pub fn base_delay(&self, retry: u32) -> Duration {
        let multiplier = self.factor.saturating_pow(retry.saturating_sub(1));
        self.initial_delay
            .saturating_mul(multiplier)
            .min(self.max_delay)
    }

    fn delay(&self, retry: u32) -> Duration {
        let jitter = if self.jitter.is_zero() {
            Duration::ZERO
        } else {
            rand::rng().random_range(Duration::ZERO..=self.jitter)
        };
        self.base_delay(retry) + jitter
    }

    /// Runs `attempt` (given the 1-based attempt number) until it succeeds,
    /// fails with an error that is not retryable, or the attempts run out.
    pub(crate) async fn run<T, F, Fut>(&self, what: &str, mut attempt: F) -> Result<T>
    where
        F: FnMut(u32) -> Fut,
        Fut: Future<Output = Result<T>>,
    {
        let mut n_attempt = 1;
        loop {
            match attempt(n_attempt).await {
                Ok(value) => return Ok(value),
                Err(err) if n_attempt < self.max_attempts && is_retryable(&err) => {
                    let delay = self.delay(n_attempt);
                    tracing::info!(
                        operation = what,
                        attempt = n_attempt,
                        delay_ms = delay.as_millis() as u64,
                        error = %err,
                        "retrying"
                    );
                    tokio::time::sleep(delay).await;
                    n_attempt += 1;
                }
                Err(err) => return Err(err),
            }
        }
    }
}

/// Whether an error may go away on a retry: transient or a device error.
pub(crate) fn is_retryable(err: &Error) -> bool {
    err.is_transient() || err.is_device_error()
}

#[cfg(test)]
mod tests {
    use std::sync::atomic::{AtomicU32, Ordering};

    use super::*;

    fn server_error() -> Error {
        Error::Server {
            path: "p".into(),
            status: 500,
            detail: "boom".into(),
            body: None,
        }
    }

    #[test]
    fn delays_double_up_to_the_cap() {
        let spray = RetryPolicy::spray();
        let delays: Vec<u64> = (1..=6).map(|n| spray.base_delay(n).as_secs()).collect();
        assert_eq!(delays, [2, 4, 8, 16, 30, 30]);
        assert_eq!(spray.max_attempts(), 5);
    }

    #[tokio::test(start_paused = true)]
    async fn retries_transient_errors_then_reports_the_last() {
        let calls = AtomicU32::new(0);
        let started = tokio::time::Instant::now();
        let result: Result<()> = RetryPolicy::default()
            .run("test", |_| {
                calls.fetch_add(1, Ordering::SeqCst);
                async { Err(server_error()) }
            })
            .await;
        assert!(matches!(result, Err(Error::Server { .. })));
        assert_eq!(calls.load(Ordering::SeqCst), 3);
        let waited = started.elapsed();
        // 1 s + 2 s of backoff, plus at most 1 s of jitter each.
        assert!(
            waited >= Duration::from_secs(3) && waited <= Duration::from_secs(5),
            "{waited:?}"
        );
    }

    #[tokio::test(start_paused = true)]
    async fn rate_limits_and_bad_input_are_not_retried() {
        for err in [
            Error::RateLimited {
                until: jiff::Timestamp::UNIX_EPOCH,
                message: "locked".into(),
            },
            Error::invalid_input("hour", 24, "0..=23"),
        ] {
            let calls = AtomicU32::new(0);
            let mut err = Some(err);
            let _ = RetryPolicy::default()
                .run("test", |_| {
                    calls.fetch_add(1, Ordering::SeqCst);
                    let err = err.take().unwrap();
                    async move { Err::<(), _>(err) }
                })
                .await;
            assert_eq!(calls.load(Ordering::SeqCst), 1);
        }
    }

    #[tokio::test(start_paused = true)]
    async fn device_errors_are_retried_until_success() {
        let calls = AtomicU32::new(0);
        let value = RetryPolicy::spray()
            .run("test", |n| {
                calls.fetch_add(1, Ordering::SeqCst);
                async move {
                    if n < 3 {
                        Err(Error::DeviceOffline {
                            device_id: "d".into(),
                            message: "offline".into(),
                        })
                    } else {
                        Ok(n)
                    }
                }
            })
            .await
            .unwrap();
        assert_eq!(value, 3);
        assert_eq!(calls.load(Ordering::SeqCst), 3);
    }
}
