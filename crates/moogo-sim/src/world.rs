//! The description of a simulated world: accounts, devices, schedules, logs, firmware and the
//! public catalogues, as read from TOML or JSON.
//!
//! The default world is `src/default_world.toml`, compiled into the crate; it documents every
//! key. A world is validated when it is loaded, so a simulator never starts with duplicate
//! device ids or an unknown time zone.

use std::collections::HashSet;
use std::path::{Path, PathBuf};
use std::time::Duration;

use jiff::tz::TimeZone;
use serde::{Deserialize, Deserializer};

use crate::error::{Error, Result};
use crate::schedule::{DURATIONS, HOURS, MINUTES, Weekdays};

const DEFAULT_WORLD: &str = include_str!("default_world.toml");

/// A world for the simulator to serve: accounts with their devices, firmware releases, liquids
/// and recommended schedules.
///
/// [`World::default`] is the demo world (one account, devices `Backyard`, `Patio` and the
/// offline `Garage`). Other worlds come from TOML or JSON with the same structure as
/// the default world's file, `src/default_world.toml`.
///
/// # Examples
///
/// ```
/// let world = moogo_sim::World::from_toml_str(r#"
///     [[accounts]]
///     email = "ada@example.com"
///     password = "correct horse"
///
///     [[accounts.devices]]
///     id = "dev-1"
///     name = "Garden"
/// "#)?;
/// # let _ = world;
/// # Ok::<(), moogo_sim::Error>(())
/// ```
#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct World {
    #[serde(default)]
    pub(crate) accounts: Vec<AccountSpec>,
    #[serde(default)]
    pub(crate) firmware: Vec<FirmwareSpec>,
    #[serde(default)]
    pub(crate) liquids: Vec<LiquidSpec>,
    #[serde(default)]
    pub(crate) recommended_schedules: Vec<ScheduleSpec>,
}

#[derive(Clone, Deserialize)]
#[serde(deny_unknown_fields)]
pub(crate) struct AccountSpec {
    pub(crate) email: String,
    pub(crate) password: String,
    pub(crate) user_id: Option<String>,
    #[serde(default)]
    pub(crate) devices: Vec<DeviceSpec>,
}

impl std::fmt::Debug for AccountSpec {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("AccountSpec")
            .field("email", &self.email)
            .field("password", &"<redacted>")
            .field("user_id", &self.user_id)
            .field("devices", &self.devices)
            .finish()
    }
}

#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields)]
pub(crate) struct DeviceSpec {
    pub(crate) id: String,
    pub(crate) name: String,
    pub(crate) model: Option<String>,
    #[serde(default = "yes")]
    pub(crate) online: bool,
    #[serde(default = "default_firmware")]
    pub(crate) firmware: String,
    pub(crate) mac: Option<String>,
    #[serde(default = "default_rssi")]
    pub(crate) rssi: i64,
    #[serde(default = "default_temperature")]
    pub(crate) temperature: f64,
    #[serde(default = "default_humidity")]
    pub(crate) humidity: i64,
    #[serde(default = "default_level")]
    pub(crate) liquid_level: i64,
    #[serde(default = "default_level")]
    pub(crate) water_level: i64,
    #[serde(default = "default_mix_ratio")]
    pub(crate) mix_ratio: i64,
    #[serde(default = "default_time_zone")]
    pub(crate) time_zone: String,
    #[serde(default = "default_liquid_name")]
    pub(crate) liquid_name: String,
    #[serde(default)]
    pub(crate) spraying_end_millis: bool,
    pub(crate) latest_spraying_duration: Option<u64>,
    #[serde(default, deserialize_with = "optional_duration")]
    pub(crate) latest_spraying_end_ago: Option<Duration>,
    #[serde(default)]
    pub(crate) schedules: Vec<ScheduleSpec>,
    #[serde(default)]
    pub(crate) logs: Vec<LogSpec>,
}

#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields)]
pub(crate) struct ScheduleSpec {
    pub(crate) id: Option<String>,
    pub(crate) hour: i64,
    pub(crate) minute: i64,
    pub(crate) duration: i64,
    #[serde(default = "every_day")]
    pub(crate) repeat_set: String,
    #[serde(default = "yes")]
    pub(crate) enabled: bool,
}

#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields)]
pub(crate) struct LogSpec {
    #[serde(deserialize_with = "duration")]
    pub(crate) ago: Duration,
    pub(crate) event: String,
    #[serde(default)]
    pub(crate) details: String,
}

#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields)]
pub(crate) struct FirmwareSpec {
    pub(crate) model: String,
    pub(crate) version: String,
    pub(crate) url: String,
    #[serde(default)]
    pub(crate) notes: String,
}

#[derive(Debug, Clone, Deserialize, serde::Serialize)]
#[serde(deny_unknown_fields)]
pub(crate) struct LiquidSpec {
    pub(crate) id: i64,
    pub(crate) name: String,
    #[serde(default)]
    pub(crate) description: String,
    #[serde(default)]
    pub(crate) icon: String,
}

impl Default for World {
    /// The demo world: `demo@example.com` / `demo-password` with `Backyard`, `Patio` and the
    /// offline `Garage`.
    fn default() -> Self {
        // The embedded file is checked by a unit test, so this cannot fail at run time.
        Self::from_toml_str(DEFAULT_WORLD).expect("the embedded default world is valid")
    }
}

impl World {
    /// Parses and validates a world written in TOML.
    ///
    /// # Errors
    ///
    /// [`Error::ParseWorld`] when the text is not TOML of the expected shape (unknown keys
    /// included), [`Error::InvalidWorld`] when it is inconsistent.
    pub fn from_toml_str(text: &str) -> Result<Self> {
        let world: Self = toml::from_str(text).map_err(|error| Error::ParseWorld {
            path: None,
            message: error.to_string(),
        })?;
        world.validated(None)
    }

    /// Parses and validates a world written in JSON.
    ///
    /// # Errors
    ///
    /// As for [`World::from_toml_str`].
    pub fn from_json_str(text: &str) -> Result<Self> {
        let world: Self = serde_json::from_str(text).map_err(|error| Error::ParseWorld {
            path: None,
            message: error.to_string(),
        })?;
        world.validated(None)
    }

    /// Reads a world file: JSON when the name ends in `.json`, TOML otherwise.
    ///
    /// # Errors
    ///
    /// [`Error::ReadWorld`] when the file cannot be read, otherwise as for
    /// [`World::from_toml_str`], with the file named in the error.
    pub fn from_file(path: impl AsRef<Path>) -> Result<Self> {
        let path = path.as_ref();
        let text = std::fs::read_to_string(path).map_err(|source| Error::ReadWorld {
            path: path.to_path_buf(),
            source,
        })?;
        let is_json = path
            .extension()
            .is_some_and(|extension| extension.eq_ignore_ascii_case("json"));
        let parsed = if is_json {
            Self::from_json_str(&text)
        } else {
            Self::from_toml_str(&text)
        };
        parsed.map_err(|error| error.in_file(path))
    }

    fn validated(self, path: Option<PathBuf>) -> Result<Self> {
        let invalid = |reason: String| Error::InvalidWorld {
            path: path.clone(),
            reason,
        };
        let mut emails = HashSet::new();
        let mut device_ids = HashSet::new();
        for (a, account) in self.accounts.iter().enumerate() {
            if !emails.insert(account.email.trim().to_lowercase()) {
                return Err(invalid(format!(
                    "accounts[{a}].email: `{}` appears twice",
                    account.email
                )));
            }
            for (d, device) in account.devices.iter().enumerate() {
                let at = format!("accounts[{a}].devices[{d}]");
                if !device_ids.insert(device.id.as_str()) {
                    return Err(invalid(format!("{at}.id: `{}` appears twice", device.id)));
                }
                if TimeZone::get(&device.time_zone).is_err() {
                    return Err(invalid(format!(
                        "{at}.time_zone: `{}` is not an IANA time zone name such as `Europe/Berlin`",
                        device.time_zone
                    )));
                }
                for (s, schedule) in device.schedules.iter().enumerate() {
                    check_schedule(schedule)
                        .map_err(|reason| invalid(format!("{at}.schedules[{s}].{reason}")))?;
                }
            }
        }
        for (s, schedule) in self.recommended_schedules.iter().enumerate() {
            check_schedule(schedule)
                .map_err(|reason| invalid(format!("recommended_schedules[{s}].{reason}")))?;
        }
        Ok(self)
    }
}

impl Error {
    fn in_file(self, file: &Path) -> Self {
        match self {
            Error::ParseWorld { message, .. } => Error::ParseWorld {
                path: Some(file.to_path_buf()),
                message,
            },
            Error::InvalidWorld { reason, .. } => Error::InvalidWorld {
                path: Some(file.to_path_buf()),
                reason,
            },
            other => other,
        }
    }
}

fn check_schedule(schedule: &ScheduleSpec) -> std::result::Result<(), String> {
    let ranges = [
        ("hour", schedule.hour, HOURS),
        ("minute", schedule.minute, MINUTES),
        ("duration", schedule.duration, DURATIONS),
    ];
    for (name, value, range) in ranges {
        if !range.contains(&value) {
            return Err(format!(
                "{name}: {value} is out of range {}..={}",
                range.start(),
                range.end()
            ));
        }
    }
    Weekdays::parse(&schedule.repeat_set).map_err(|reason| format!("repeat_set: {reason}"))?;
    Ok(())
}

fn duration<'de, D: Deserializer<'de>>(deserializer: D) -> std::result::Result<Duration, D::Error> {
    let text = String::deserialize(deserializer)?;
    humantime::parse_duration(&text).map_err(|error| {
        serde::de::Error::custom(format!(
            "`{text}` is not a duration such as \"26h\" or \"90m\": {error}"
        ))
    })
}

fn optional_duration<'de, D: Deserializer<'de>>(
    deserializer: D,
) -> std::result::Result<Option<Duration>, D::Error> {
    duration(deserializer).map(Some)
}

fn yes() -> bool {
    true
}
fn every_day() -> String {
    "0,1,2,3,4,5,6".to_owned()
}
fn default_firmware() -> String {
    "1.0.0".to_owned()
}
fn default_rssi() -> i64 {
    -60
}
fn default_temperature() -> f64 {
    21.0
}
fn default_humidity() -> i64 {
    50
}
fn default_level() -> i64 {
    2
}
fn default_mix_ratio() -> i64 {
    10
}
fn default_time_zone() -> String {
    "UTC".to_owned()
}
fn default_liquid_name() -> String {
    "Mosquito Repellent".to_owned()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_default_world_is_the_demo_account_with_three_devices() {
        let world = World::default();
        assert_eq!(world.accounts.len(), 1);
        let names: Vec<_> = world.accounts[0]
            .devices
            .iter()
            .map(|d| d.name.as_str())
            .collect();
        assert_eq!(names, ["Backyard", "Patio", "Garage"]);
        assert_eq!(world.accounts[0].email, crate::DEMO_EMAIL);
        assert_eq!(world.accounts[0].password, crate::DEMO_PASSWORD);
    }

    #[test]
    fn debug_output_hides_passwords() {
        let debug = format!("{:?}", World::default());
        assert!(debug.contains(crate::DEMO_EMAIL));
        assert!(!debug.contains(crate::DEMO_PASSWORD), "{debug}");
    }

    #[test]
    fn json_worlds_have_the_same_shape() {
        let world = World::from_json_str(
            r#"{"accounts": [{"email": "a@b.c", "password": "p",
                "devices": [{"id": "d1", "name": "One", "time_zone": "Asia/Tokyo"}]}]}"#,
        )
        .unwrap();
        assert_eq!(world.accounts[0].devices[0].time_zone, "Asia/Tokyo");
    }

    #[test]
    fn inconsistent_worlds_are_rejected_with_the_key() {
        let error = World::from_toml_str(
            "[[accounts]]\nemail='a@b.c'\npassword='p'\n[[accounts.devices]]\nid='d'\nname='x'\ntime_zone='EST5EDT,M3.2.0,M11.1.0'\n",
        )
        .unwrap_err();
        assert_eq!(
            error.to_string(),
            "invalid world: accounts[0].devices[0].time_zone: `EST5EDT,M3.2.0,M11.1.0` is not an IANA time zone name such as `Europe/Berlin`"
        );
        let error = World::from_toml_str("[[accounts]]\nemail='a@b.c'\npasword='p'\n").unwrap_err();
        assert!(
            error.to_string().contains("unknown field `pasword`"),
            "{error}"
        );
    }
}
