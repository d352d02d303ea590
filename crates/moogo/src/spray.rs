//! Spraying with confirmation: start or stop, then poll the status until the
//! device's run state changes; and timed sprays that stop even when cancelled.
//!
//! The service acknowledges start and stop at once, but the device changes
//! its `runStatus` only seconds later. Waiting polls a fresh status every poll
//! interval (never below 0.5 s) until the confirmation timeout.

use std::time::Duration;

use reqwest::Method;
use tokio::time::Instant;

use crate::device::DeviceHandle;
use crate::error::{Error, Result};
use crate::model::DeviceStatus;
use crate::retry::{RetryPolicy, is_retryable};
use crate::validate;

impl DeviceHandle {
    /// Starts spraying and waits until the device reports it is spraying.
    ///
    /// # Errors
    ///
    /// [`Error::ConfirmationTimeout`] when the device does not confirm in
    /// time (see [`crate::ClientBuilder::confirmation_timeout`]); errors of
    /// [`DeviceHandle::start`].
    pub async fn start_spray(&self) -> Result<DeviceStatus> {
        self.start().await?;
        self.wait_for_run_state(true).await
    }

    /// Stops spraying and waits until the device reports it has stopped.
    ///
    /// # Errors
    ///
    /// As [`DeviceHandle::start_spray`].
    pub async fn stop_spray(&self) -> Result<DeviceStatus> {
        self.stop().await?;
        self.wait_for_run_state(false).await
    }

    /// Sprays for `duration` (1 s to 1 hour): starts, waits for the device to
    /// confirm, sleeps, then stops and waits for that confirmation.
    ///
    /// # Cancellation
    ///
    /// If the returned future is dropped after the start was sent (a timeout,
    /// a `select!`, Ctrl-C), a stop command is sent from a task spawned on the
    /// current tokio runtime, best effort: it is not sent when no runtime is
    /// running or the runtime shuts down first, and its outcome is only logged.
    ///
    /// # Errors
    ///
    /// [`Error::InvalidInput`] for a duration outside 1..=3600 s, before any
    /// request; errors of [`DeviceHandle::start_spray`] and
    /// [`DeviceHandle::stop_spray`]. When the start is not confirmed, a stop
    /// is still attempted and the start's error is returned.
    pub async fn spray_for(&self, duration: Duration) -> Result<DeviceStatus> {
        let seconds = u32::try_from(duration.as_secs()).unwrap_or(u32::MAX);
        if duration.subsec_nanos() != 0 {
            return Err(Error::invalid_input(
                "duration",
                format!("{}s", duration.as_secs_f64()),
                "a duration in 1..=3600 seconds",
            ));
        }
        validate::duration_secs("duration", seconds)?;
        validate::id("device id", &self.device_id)?;

        let mut stop_on_drop = StopOnDrop {
            device: Some(self.clone()),
        };
        if let Err(err) = self.start_spray().await {
            stop_on_drop.disarm();
            let maybe_started =
                matches!(err, Error::ConfirmationTimeout { .. }) || err.is_transient();
            if maybe_started && let Err(stop_err) = self.stop().await {
                tracing::warn!(device_id = %self.device_id, error = %stop_err, "stop after a failed start also failed");
            }
            return Err(err);
        }
        tracing::info!(device_id = %self.device_id, seconds, "spraying");
        tokio::time::sleep(duration).await;
        let stopped = self.stop_spray().await;
        stop_on_drop.disarm();
        stopped
    }

    /// Polls a fresh status until `runStatus` says `spraying` (or stopped).
    async fn wait_for_run_state(&self, spraying: bool) -> Result<DeviceStatus> {
        let inner = &self.client.inner;
        let (timeout, poll_interval) = (inner.confirmation_timeout, inner.poll_interval);
        let expected = if spraying { "spraying" } else { "stopped" };
        let started = Instant::now();
        loop {
            // Deadline checks instead of `tokio::time::timeout`: no timer is
            // pending while a poll waits on the network.
            let elapsed = started.elapsed();
            if elapsed >= timeout {
                return Err(Error::ConfirmationTimeout {
                    device_id: self.device_id.clone(),
                    expected,
                    waited: elapsed,
                });
            }
            tokio::time::sleep(poll_interval.min(timeout - elapsed)).await;
            match self.poll_status().await {
                Ok(status) if status.is_spraying() == spraying => {
                    tracing::info!(device_id = %self.device_id, expected, waited_ms = started.elapsed().as_millis() as u64, "device confirmed");
                    return Ok(status);
                }
                Ok(_) => {}
                Err(err) if is_retryable(&err) => {
                    tracing::debug!(device_id = %self.device_id, error = %err, "status poll failed, polling on");
                }
                Err(err) => return Err(err),
            }
        }
    }

    /// One fresh status read, not retried, that refreshes the cache.
    async fn poll_status(&self) -> Result<DeviceStatus> {
        let call = self.call(Method::GET, "", None, RetryPolicy::never());
        let status: DeviceStatus = self.client.call_as(call).await?;
        self.client
            .inner
            .caches
            .statuses
            .insert(&self.device_id, status.clone());
        Ok(status)
    }
}

/// Sends a stop from a spawned task if dropped while armed.
struct StopOnDrop {
    device: Option<DeviceHandle>,
}

impl StopOnDrop {
    fn disarm(&mut self) {
        self.device = None;
    }
}

impl Drop for StopOnDrop {
    fn drop(&mut self) {
        let Some(device) = self.device.take() else {
            return;
        };
        match tokio::runtime::Handle::try_current() {
            Ok(runtime) => {
                tracing::warn!(device_id = %device.device_id, "timed spray cancelled, sending stop");
                runtime.spawn(async move {
                    if let Err(err) = device.stop().await {
                        tracing::warn!(device_id = %device.device_id, error = %err, "stop after a cancelled spray failed");
                    }
                });
            }
            Err(_) => {
                tracing::warn!(device_id = %device.device_id, "timed spray cancelled without a tokio runtime; the device was not stopped");
            }
        }
    }
}
