//! The lockout guard: remembers a rate-limit lockout (code 10000) across
//! client instances and processes, and refuses to send anything until it ends.
//!
//! The record is `lockout.json` in the state directory, in the format shared
//! with `cigate classify`:
//! `{"code": 10000, "message": "...", "detected_at": "<RFC 3339>", "locked_until": "<RFC 3339>"}`.
//! It is checked before every request, in memory and on disk.

use std::path::PathBuf;
use std::sync::Mutex;

use jiff::{SignedDuration, Timestamp};
use serde::{Deserialize, Serialize};

use crate::clock::SharedClock;
use crate::error::{Error, Result};
use crate::store::{create_private_dir, write_atomically};

/// The lockout code in the service's envelope.
pub(crate) const LOCKOUT_CODE: i64 = 10000;

/// How long the service locks an account out, unless it says otherwise.
pub(crate) const LOCKOUT_DURATION: SignedDuration = SignedDuration::from_hours(24);

/// The file name of the record inside the state directory.
pub const LOCKOUT_FILE_NAME: &str = "lockout.json";

/// A recorded lockout, as stored in `lockout.json`.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct LockoutRecord {
    /// The envelope code, 10000.
    pub code: i64,
    /// The server's message.
    pub message: String,
    /// When the client saw the lockout.
    pub detected_at: Timestamp,
    /// When the lockout ends.
    pub locked_until: Timestamp,
}

/// Checks and records lockouts for one client (shared by its clones).
#[derive(Debug)]
pub(crate) struct LockoutGuard {
    path: Option<PathBuf>,
    clock: SharedClock,
    memory: Mutex<Option<LockoutRecord>>,
}

impl LockoutGuard {
    pub(crate) fn new(state_dir: Option<PathBuf>, clock: SharedClock) -> Self {
        Self {
            path: state_dir.map(|dir| dir.join(LOCKOUT_FILE_NAME)),
            clock,
            memory: Mutex::new(None),
        }
    }

    /// Fails with [`Error::RateLimited`] while a lockout is in force.
    ///
    /// Reads the record from disk when there is none in memory, so that a
    /// lockout seen by another process stops this one too. An unreadable
    /// record counts as no record.
    pub(crate) fn check(&self) -> Result<()> {
        let now = self.clock.now();
        let mut memory = self.memory.lock().unwrap_or_else(|e| e.into_inner());
        if let Some(record) = memory.as_ref().filter(|r| r.locked_until > now) {
            return Err(rate_limited(record));
        }
        if let Some(record) = self.read_disk().filter(|r| r.locked_until > now) {
            let err = rate_limited(&record);
            tracing::debug!(locked_until = %record.locked_until, "lockout record found, request not sent");
            *memory = Some(record);
            return Err(err);
        }
        Ok(())
    }

    /// The current time of the guard's clock.
    pub(crate) fn now(&self) -> Timestamp {
        self.clock.now()
    }

    /// Records a lockout answer and returns the error to report.
    pub(crate) fn record(&self, message: &str, server_until: Option<Timestamp>) -> Error {
        let detected_at = self.clock.now();
        let locked_until = server_until
            .filter(|until| *until > detected_at)
            .unwrap_or_else(|| {
                detected_at
                    .checked_add(LOCKOUT_DURATION)
                    .unwrap_or(Timestamp::MAX)
            });
        let record = LockoutRecord {
            code: LOCKOUT_CODE,
            message: message.to_string(),
            detected_at,
            locked_until,
        };
        if let Some(path) = &self.path {
            match self.write_disk(path, &record) {
                Ok(()) => tracing::warn!(path = %path.display(), %locked_until, "lockout recorded"),
                Err(err) => {
                    tracing::error!(path = %path.display(), error = %err, "lockout seen but not recorded on disk")
                }
            }
        } else {
            tracing::warn!(%locked_until, "lockout recorded in memory (no state directory)");
        }
        let err = rate_limited(&record);
        *self.memory.lock().unwrap_or_else(|e| e.into_inner()) = Some(record);
        err
    }

    fn read_disk(&self) -> Option<LockoutRecord> {
        let path = self.path.as_ref()?;
        let bytes = std::fs::read(path).ok()?;
        match serde_json::from_slice(&bytes) {
            Ok(record) => Some(record),
            Err(err) => {
                tracing::warn!(path = %path.display(), error = %err, "ignoring an unreadable lockout record");
                None
            }
        }
    }

    fn write_disk(&self, path: &std::path::Path, record: &LockoutRecord) -> std::io::Result<()> {
        let dir = path.parent().unwrap_or(std::path::Path::new("."));
        create_private_dir(dir)?;
        let json = serde_json::to_vec_pretty(record).map_err(std::io::Error::other)?;
        write_atomically(dir, path, &json)
    }
}

fn rate_limited(record: &LockoutRecord) -> Error {
    Error::RateLimited {
        until: record.locked_until,
        message: record.message.clone(),
    }
}

#[cfg(test)]
mod tests {
    use std::sync::Arc;

    use super::*;
    use crate::clock::Clock;

    #[derive(Debug)]
    struct Fixed(Mutex<Timestamp>);
    impl Clock for Fixed {
        fn now(&self) -> Timestamp {
            *self.0.lock().unwrap()
        }
    }

    #[test]
    fn record_is_shared_through_the_state_dir_and_expires() {
        let dir = tempfile::tempdir().unwrap();
        let clock = Arc::new(Fixed(Mutex::new("2030-01-01T00:00:00Z".parse().unwrap())));
        let first = LockoutGuard::new(Some(dir.path().into()), clock.clone());
        first.check().unwrap();
        let err = first.record("locked", None);
        assert_eq!(
            err.locked_until(),
            Some("2030-01-02T00:00:00Z".parse().unwrap())
        );

        let json: serde_json::Value =
            serde_json::from_slice(&std::fs::read(dir.path().join("lockout.json")).unwrap())
                .unwrap();
        assert_eq!(
            json,
            serde_json::json!({"code": 10000, "message": "locked",
                "detected_at": "2030-01-01T00:00:00Z", "locked_until": "2030-01-02T00:00:00Z"})
        );

        let second = LockoutGuard::new(Some(dir.path().into()), clock.clone());
        assert!(second.check().unwrap_err().is_rate_limited());

        *clock.0.lock().unwrap() = "2030-01-02T00:00:00Z".parse().unwrap();
        second.check().unwrap();
        first.check().unwrap();
    }

    #[test]
    fn server_given_end_wins() {
        let clock = Arc::new(Fixed(Mutex::new("2030-01-01T00:00:00Z".parse().unwrap())));
        let guard = LockoutGuard::new(None, clock);
        let err = guard.record("locked", Some("2030-01-01T06:00:00Z".parse().unwrap()));
        assert_eq!(
            err.locked_until(),
            Some("2030-01-01T06:00:00Z".parse().unwrap())
        );
        assert!(guard.check().unwrap_err().is_rate_limited());
    }
}
