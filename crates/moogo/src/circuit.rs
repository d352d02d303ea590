//! A circuit breaker per device.
//!
//! After `threshold` consecutive failed operations on a device (5 by
//! default), the circuit opens for `open_for` (5 minutes): calls for that
//! device fail at once with [`Error::CircuitOpen`] without a request. After
//! that, one call is let through; success closes the circuit, failure opens
//! it again. Time is tokio time.

use std::collections::HashMap;
use std::sync::Mutex;
use std::time::Duration;

use tokio::time::Instant;

use crate::error::{Error, Result};
use crate::retry::is_retryable;

/// Default number of consecutive failures that open a circuit.
pub(crate) const DEFAULT_THRESHOLD: u32 = 5;
/// Default time a circuit stays open.
pub(crate) const DEFAULT_OPEN_FOR: Duration = Duration::from_secs(5 * 60);

#[derive(Debug, Default)]
struct DeviceCircuit {
    consecutive_failures: u32,
    open_until: Option<Instant>,
}

/// The breakers of all devices of one client.
#[derive(Debug)]
pub(crate) struct CircuitBreakers {
    threshold: u32,
    open_for: Duration,
    devices: Mutex<HashMap<String, DeviceCircuit>>,
}

impl CircuitBreakers {
    pub(crate) fn new(threshold: u32, open_for: Duration) -> Self {
        Self {
            threshold: threshold.max(1),
            open_for,
            devices: Mutex::new(HashMap::new()),
        }
    }

    /// Fails with [`Error::CircuitOpen`] while the device's circuit is open.
    pub(crate) fn check(&self, device_id: &str) -> Result<()> {
        let devices = self.devices.lock().unwrap_or_else(|e| e.into_inner());
        let Some(circuit) = devices.get(device_id) else {
            return Ok(());
        };
        match circuit.open_until {
            Some(until) if Instant::now() < until => Err(Error::CircuitOpen {
                device_id: device_id.to_string(),
                failures: circuit.consecutive_failures,
                retry_in: until - Instant::now(),
            }),
            _ => Ok(()),
        }
    }

    /// Counts the outcome of one operation on the device.
    ///
    /// Only failures that say something about the device or the service's
    /// health count (transient and device errors); a bad input or a missing
    /// schedule does not.
    pub(crate) fn record<T>(&self, device_id: &str, outcome: &Result<T>) {
        let mut devices = self.devices.lock().unwrap_or_else(|e| e.into_inner());
        match outcome {
            Ok(_) => {
                devices.remove(device_id);
            }
            Err(err) if is_retryable(err) => {
                let circuit = devices.entry(device_id.to_string()).or_default();
                circuit.consecutive_failures += 1;
                let reopening = circuit
                    .open_until
                    .is_some_and(|until| Instant::now() >= until);
                if circuit.consecutive_failures >= self.threshold
                    && (circuit.open_until.is_none() || reopening)
                {
                    circuit.open_until = Some(Instant::now() + self.open_for);
                    tracing::warn!(
                        device_id,
                        failures = circuit.consecutive_failures,
                        open_for_s = self.open_for.as_secs(),
                        "circuit opened"
                    );
                }
            }
            Err(_) => {}
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn failure() -> Result<()> {
        Err(Error::Server {
            path: "p".into(),
            status: 503,
            detail: "down".into(),
            body: None,
        })
    }

    #[tokio::test(start_paused = true)]
    async fn opens_after_five_failures_and_half_opens_after_five_minutes() {
        let breakers = CircuitBreakers::new(DEFAULT_THRESHOLD, DEFAULT_OPEN_FOR);
        for _ in 0..4 {
            breakers.record("d1", &failure());
        }
        breakers.check("d1").unwrap();
        breakers.record("d1", &failure());
        let err = breakers.check("d1").unwrap_err();
        assert!(
            matches!(err, Error::CircuitOpen { failures: 5, .. }),
            "{err}"
        );
        breakers.check("other").unwrap();

        tokio::time::advance(DEFAULT_OPEN_FOR).await;
        breakers.check("d1").unwrap();
        // The trial call fails: open again at once.
        breakers.record("d1", &failure());
        assert!(breakers.check("d1").is_err());

        tokio::time::advance(DEFAULT_OPEN_FOR).await;
        breakers.record("d1", &Ok(()));
        breakers.check("d1").unwrap();
    }

    #[tokio::test(start_paused = true)]
    async fn success_resets_and_non_health_errors_do_not_count() {
        let breakers = CircuitBreakers::new(2, DEFAULT_OPEN_FOR);
        breakers.record("d1", &failure());
        breakers.record("d1", &Ok(()));
        breakers.record("d1", &failure());
        breakers.record::<()>("d1", &Err(Error::invalid_input("hour", 25, "0..=23")));
        breakers.check("d1").unwrap();
    }
}
