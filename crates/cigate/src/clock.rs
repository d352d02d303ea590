//! The one clock every time-dependent decision reads.
//!
//! `--now` or `CIGATE_NOW` fixes it, so that cooldowns and scheduled retries can be tested
//! and demonstrated; otherwise it is the system clock.

use jiff::Timestamp;

use crate::environment::Environment;
use crate::error::{Error, Result};

/// The source of "now" for cigate's decisions.
#[derive(Debug, Clone, Copy)]
pub struct Clock {
    fixed: Option<Timestamp>,
}

impl Clock {
    /// The system clock.
    pub fn system() -> Self {
        Self { fixed: None }
    }

    /// A clock that always says `now`.
    pub fn fixed(now: Timestamp) -> Self {
        Self { fixed: Some(now) }
    }

    /// The clock chosen by `--now` (first) or `CIGATE_NOW`, else the system clock.
    ///
    /// Both accept RFC 3339 (`2024-05-01T02:00:00Z`) and `YYYY-MM-DD HH:MM:SS` read as UTC.
    ///
    /// # Errors
    ///
    /// [`Error::InvalidNow`] when the value is not a time.
    pub fn from_setting(flag: Option<&str>, env: &Environment) -> Result<Self> {
        let (value, origin) = match (flag, env.get("CIGATE_NOW")) {
            (Some(value), _) => (value, "--now"),
            (None, Some(value)) => (value, "CIGATE_NOW"),
            (None, None) => return Ok(Self::system()),
        };
        crate::cooldown::parse_time(value)
            .map(Self::fixed)
            .ok_or_else(|| Error::InvalidNow {
                value: value.to_owned(),
                origin,
            })
    }

    /// The current time.
    pub fn now(&self) -> Timestamp {
        self.fixed.unwrap_or_else(Timestamp::now)
    }

    /// Whether the time was fixed by `--now` or `CIGATE_NOW`.
    pub fn is_fixed(&self) -> bool {
        self.fixed.is_some()
    }
}
