//! The documents `moogo` prints: one type per kind of answer.
//!
//! Each is the JSON shape of `--json` (snake_case keys, times in RFC 3339,
//! durations in seconds) and knows its human form. These types are the
//! command's output contract; they are built from the client's models, which
//! are not serialized directly.

use std::io::{self, Write};

use jiff::Timestamp;
use serde::Serialize;

use crate::input::Days;
use crate::render::{self, Fields, Human, Table};

/// A device in `moogo devices`.
#[derive(Debug, Clone, Serialize)]
pub struct DeviceRow {
    /// The device id.
    pub id: String,
    /// The device name.
    pub name: String,
    /// The model, when the service says.
    pub model: Option<String>,
    /// Whether the device is online.
    pub online: bool,
    /// Whether the device is spraying.
    pub spraying: bool,
    /// The firmware version, when known.
    pub firmware: Option<String>,
}

/// `moogo devices`.
#[derive(Debug, Clone, Serialize)]
pub struct Devices {
    /// The account's devices.
    pub devices: Vec<DeviceRow>,
}

impl Human for Devices {
    fn write_human(&self, out: &mut dyn Write) -> io::Result<()> {
        if self.devices.is_empty() {
            return writeln!(out, "No devices on this account.");
        }
        let mut table = Table::new(["NAME", "ID", "ONLINE", "SPRAYING", "FIRMWARE"]);
        for device in &self.devices {
            table.row([
                device.name.clone(),
                device.id.clone(),
                render::yes_no(device.online).to_owned(),
                render::yes_no(device.spraying).to_owned(),
                device.firmware.clone().unwrap_or_else(|| "-".to_owned()),
            ]);
        }
        table.write_to(out)
    }
}

/// `moogo status DEVICE`.
#[derive(Debug, Clone, Serialize)]
pub struct Status {
    /// The device id.
    pub id: String,
    /// The device name.
    pub name: String,
    /// The model, when the service says.
    pub model: Option<String>,
    /// Whether the device is online.
    pub online: bool,
    /// Whether the device is spraying.
    pub spraying: bool,
    /// The firmware version.
    pub firmware: Option<String>,
    /// Wi-Fi signal strength in dBm.
    pub rssi_dbm: Option<i64>,
    /// Temperature in degrees Celsius.
    pub temperature_c: Option<f64>,
    /// Relative humidity in percent.
    pub humidity_percent: Option<f64>,
    /// Liquid level, as the service reports it.
    pub liquid_level: Option<i64>,
    /// Water level, as the service reports it.
    pub water_level: Option<i64>,
    /// Mix ratio (liquid concentration).
    pub mix_ratio: Option<i64>,
    /// Length of the latest spray, in seconds.
    pub latest_spray_seconds: Option<u64>,
    /// When the latest spray ended.
    pub latest_spray_end: Option<Timestamp>,
}

impl Human for Status {
    fn write_human(&self, out: &mut dyn Write) -> io::Result<()> {
        let mut fields = Fields::new();
        fields
            .field("name", &self.name)
            .field("id", &self.id)
            .optional("model", self.model.as_ref())
            .field("online", render::yes_no(self.online))
            .field("spraying", render::yes_no(self.spraying))
            .optional("firmware", self.firmware.as_ref())
            .optional("signal", self.rssi_dbm.map(|rssi| format!("{rssi} dBm")))
            .optional(
                "temperature",
                self.temperature_c.map(|celsius| format!("{celsius} °C")),
            )
            .optional(
                "humidity",
                self.humidity_percent.map(|percent| format!("{percent} %")),
            )
            .optional("liquid level", self.liquid_level)
            .optional("water level", self.water_level)
            .optional("mix ratio", self.mix_ratio)
            .optional(
                "latest spray",
                self.latest_spray_seconds.map(render::seconds),
            )
            .optional("latest spray end", self.latest_spray_end.map(render::time));
        fields.write_to(out)
    }
}

/// What a spray command did.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum SprayAction {
    /// Spraying was started and the device confirmed it.
    Started,
    /// Spraying was requested; the device's confirmation was not awaited.
    StartRequested,
    /// A timed spray ran and the device stopped.
    SprayedFor,
    /// Spraying was stopped and the device confirmed it.
    Stopped,
    /// Stopping was requested; the device's confirmation was not awaited.
    StopRequested,
}

/// `moogo spray start|stop`.
#[derive(Debug, Clone, Serialize)]
pub struct Spray {
    /// The device id.
    pub device_id: String,
    /// The device name.
    pub device_name: String,
    /// What happened.
    pub action: SprayAction,
    /// The spray length, for a timed spray.
    pub seconds: Option<u64>,
}

impl Human for Spray {
    fn write_human(&self, out: &mut dyn Write) -> io::Result<()> {
        let name = &self.device_name;
        match self.action {
            SprayAction::Started => writeln!(out, "{name} is spraying."),
            SprayAction::StartRequested => {
                writeln!(out, "{name}: start sent; the device has not confirmed yet.")
            }
            SprayAction::SprayedFor => writeln!(
                out,
                "{name} sprayed for {} and stopped.",
                render::seconds(self.seconds.unwrap_or_default())
            ),
            SprayAction::Stopped => writeln!(out, "{name} stopped spraying."),
            SprayAction::StopRequested => {
                writeln!(out, "{name}: stop sent; the device has not confirmed yet.")
            }
        }
    }
}

/// A schedule, in `moogo schedules list` and `moogo recommended`.
#[derive(Debug, Clone, Serialize)]
pub struct ScheduleRow {
    /// The schedule id.
    pub id: String,
    /// Time of day, `HH:MM`, when the service says.
    pub time: Option<String>,
    /// Spray length in seconds, when the service says.
    pub seconds: Option<u64>,
    /// Weekdays, 0 = Sunday .. 6 = Saturday.
    pub days: Vec<u8>,
    /// Whether the schedule is enabled.
    pub enabled: bool,
}

fn schedule_table(schedules: &[ScheduleRow], out: &mut dyn Write) -> io::Result<()> {
    let mut table = Table::new(["ID", "TIME", "DURATION", "DAYS", "ENABLED"]);
    for schedule in schedules {
        table.row([
            schedule.id.clone(),
            schedule.time.clone().unwrap_or_else(|| "-".to_owned()),
            schedule
                .seconds
                .map_or_else(|| "-".to_owned(), render::seconds),
            Days::from_numbers(schedule.days.iter().copied()).to_string(),
            render::yes_no(schedule.enabled).to_owned(),
        ]);
    }
    table.write_to(out)
}

/// `moogo schedules list DEVICE`.
#[derive(Debug, Clone, Serialize)]
pub struct Schedules {
    /// The device id.
    pub device_id: String,
    /// The device name.
    pub device_name: String,
    /// The device's schedules.
    pub schedules: Vec<ScheduleRow>,
}

impl Human for Schedules {
    fn write_human(&self, out: &mut dyn Write) -> io::Result<()> {
        if self.schedules.is_empty() {
            return writeln!(out, "{} has no schedules.", self.device_name);
        }
        schedule_table(&self.schedules, out)
    }
}

/// `moogo recommended`.
#[derive(Debug, Clone, Serialize)]
pub struct Recommended {
    /// The schedules the service recommends.
    pub schedules: Vec<ScheduleRow>,
}

impl Human for Recommended {
    fn write_human(&self, out: &mut dyn Write) -> io::Result<()> {
        if self.schedules.is_empty() {
            return writeln!(out, "The service recommends no schedules.");
        }
        schedule_table(&self.schedules, out)
    }
}

/// A change to one device: a schedule added or changed, a setting written, an update started.
#[derive(Debug, Clone, Serialize)]
pub struct Change {
    /// The device id.
    pub device_id: String,
    /// The device name.
    pub device_name: String,
    /// What was done, such as `schedule_added`.
    pub change: &'static str,
    /// The schedule concerned, if any.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub schedule_id: Option<String>,
    /// The sentence shown to people.
    #[serde(skip)]
    pub sentence: String,
}

impl Human for Change {
    fn write_human(&self, out: &mut dyn Write) -> io::Result<()> {
        writeln!(out, "{}", self.sentence)
    }
}

/// A log entry in `moogo logs`.
#[derive(Debug, Clone, Serialize)]
pub struct LogRow {
    /// When it happened, when known.
    pub time: Option<Timestamp>,
    /// The event, such as `spray_start`.
    pub event: String,
    /// Details, when any.
    pub details: Option<String>,
}

/// `moogo logs DEVICE`.
#[derive(Debug, Clone, Serialize)]
pub struct Logs {
    /// The device id.
    pub device_id: String,
    /// The device name.
    pub device_name: String,
    /// The page shown, from 1.
    pub page: u32,
    /// Entries per page.
    pub page_size: u32,
    /// Entries in all pages, when the service says.
    pub total: Option<u64>,
    /// The entries of this page.
    pub entries: Vec<LogRow>,
}

impl Human for Logs {
    fn write_human(&self, out: &mut dyn Write) -> io::Result<()> {
        let pages = self
            .total
            .map(|total| total.div_ceil(u64::from(self.page_size.max(1))));
        match (self.entries.is_empty(), self.total, pages) {
            (true, Some(total @ 1..), Some(pages)) => writeln!(
                out,
                "No log entries on page {} for {}; there are {total} entries on {pages} pages of {}.",
                self.page, self.device_name, self.page_size
            ),
            (true, ..) => writeln!(out, "No log entries for {}.", self.device_name),
            (false, total, pages) => {
                let mut table = Table::new(["TIME", "EVENT", "DETAILS"]);
                for entry in &self.entries {
                    table.row([
                        entry.time.map_or_else(|| "-".to_owned(), render::time),
                        entry.event.clone(),
                        entry.details.clone().unwrap_or_default(),
                    ]);
                }
                table.write_to(out)?;
                match (total, pages) {
                    (Some(total), Some(pages)) => {
                        writeln!(out, "Page {} of {pages} ({total} entries).", self.page)
                    }
                    _ => writeln!(out, "Page {}.", self.page),
                }
            }
        }
    }
}

/// `moogo config get DEVICE`.
#[derive(Debug, Clone, Serialize)]
pub struct Config {
    /// The device id.
    pub device_id: String,
    /// The device name.
    pub device_name: String,
    /// The configuration, keys as the service spells them.
    pub config: serde_json::Map<String, serde_json::Value>,
}

impl Human for Config {
    fn write_human(&self, out: &mut dyn Write) -> io::Result<()> {
        let mut fields = Fields::new();
        for (key, value) in &self.config {
            let shown = match value {
                serde_json::Value::String(text) => text.clone(),
                serde_json::Value::Null => "-".to_owned(),
                other => other.to_string(),
            };
            fields.field(key.as_str(), shown);
        }
        fields.write_to(out)
    }
}

/// `moogo firmware check DEVICE`.
#[derive(Debug, Clone, Serialize)]
pub struct Firmware {
    /// The device id.
    pub device_id: String,
    /// The device name.
    pub device_name: String,
    /// The installed version, when known.
    pub current: Option<String>,
    /// Whether an update is available.
    pub update_available: bool,
    /// The available version.
    pub version: Option<String>,
}

impl Human for Firmware {
    fn write_human(&self, out: &mut dyn Write) -> io::Result<()> {
        let current = self.current.as_deref().unwrap_or("unknown");
        match (self.update_available, &self.version) {
            (true, Some(version)) => writeln!(
                out,
                "{}: firmware {version} is available (installed: {current}); run `moogo firmware update {}`.",
                self.device_name, self.device_id
            ),
            (true, None) => writeln!(
                out,
                "{}: a firmware update is available (installed: {current}).",
                self.device_name
            ),
            (false, _) => writeln!(
                out,
                "{}: firmware {current} is up to date.",
                self.device_name
            ),
        }
    }
}

/// A liquid in `moogo liquids`.
#[derive(Debug, Clone, Serialize)]
pub struct LiquidRow {
    /// The liquid id.
    pub id: String,
    /// The name.
    pub name: String,
    /// The description.
    pub description: Option<String>,
}

/// `moogo liquids`.
#[derive(Debug, Clone, Serialize)]
pub struct Liquids {
    /// The liquids the service knows.
    pub liquids: Vec<LiquidRow>,
}

impl Human for Liquids {
    fn write_human(&self, out: &mut dyn Write) -> io::Result<()> {
        let mut table = Table::new(["ID", "NAME", "DESCRIPTION"]);
        for liquid in &self.liquids {
            table.row([
                liquid.id.clone(),
                liquid.name.clone(),
                liquid.description.clone().unwrap_or_default(),
            ]);
        }
        table.write_to(out)
    }
}

/// `moogo lockout status`.
#[derive(Debug, Clone, Serialize)]
pub struct Lockout {
    /// Whether requests are refused now.
    pub locked: bool,
    /// When the lockout ends (or ended).
    pub locked_until: Option<Timestamp>,
    /// When the lockout was seen.
    pub detected_at: Option<Timestamp>,
    /// The server's message.
    pub message: Option<String>,
    /// The record file.
    pub record: String,
}

impl Human for Lockout {
    fn write_human(&self, out: &mut dyn Write) -> io::Result<()> {
        match (self.locked, self.locked_until) {
            (true, Some(until)) => {
                writeln!(
                    out,
                    "Locked out until {}: no request will be sent before then.",
                    render::time(until)
                )?;
                if let Some(message) = &self.message {
                    writeln!(out, "The service said: {message}")?;
                }
                Ok(())
            }
            (_, Some(until)) => writeln!(
                out,
                "Not locked out (the last lockout ended {}).",
                render::time(until)
            ),
            _ => writeln!(out, "Not locked out."),
        }
    }
}

/// `moogo session show`, and the result of `moogo login` and `moogo session import`.
#[derive(Debug, Clone, Serialize)]
pub struct Session {
    /// The account's email.
    pub email: String,
    /// The user id.
    pub user_id: String,
    /// When the session ends.
    pub expires_at: Timestamp,
    /// Always `"[redacted]"`: the token is never shown.
    pub token: &'static str,
    /// The session file.
    pub file: String,
    /// The sentence shown before the fields, such as `Logged in.`
    #[serde(skip)]
    pub heading: Option<String>,
}

/// What the token is shown as.
pub const REDACTED: &str = "[redacted]";

impl Human for Session {
    fn write_human(&self, out: &mut dyn Write) -> io::Result<()> {
        if let Some(heading) = &self.heading {
            writeln!(out, "{heading}")?;
        }
        let mut fields = Fields::new();
        fields
            .field("email", &self.email)
            .field("user id", &self.user_id)
            .field("expires", render::time(self.expires_at))
            .field("token", self.token)
            .field("file", &self.file);
        fields.write_to(out)
    }
}

/// A one-sentence result: logout, session export, lockout clear.
#[derive(Debug, Clone, Serialize)]
pub struct Done {
    /// What was done, such as `logged_out`.
    pub done: &'static str,
    /// The file concerned, if any.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub file: Option<String>,
    /// The sentence shown to people.
    #[serde(skip)]
    pub sentence: String,
}

impl Human for Done {
    fn write_human(&self, out: &mut dyn Write) -> io::Result<()> {
        writeln!(out, "{}", self.sentence)
    }
}

impl From<&moogo::DeviceSummary> for DeviceRow {
    fn from(device: &moogo::DeviceSummary) -> Self {
        Self {
            id: device.device_id.clone(),
            name: device.device_name.clone().unwrap_or_default(),
            model: device.device_model.clone(),
            online: device.is_online(),
            spraying: device.is_spraying(),
            firmware: device.firmware.clone(),
        }
    }
}

impl From<&moogo::DeviceStatus> for Status {
    fn from(status: &moogo::DeviceStatus) -> Self {
        Self {
            id: status.device_id.clone(),
            name: status.device_name.clone().unwrap_or_default(),
            model: status.device_model.clone(),
            online: status.is_online(),
            spraying: status.is_spraying(),
            firmware: status.firmware.clone(),
            rssi_dbm: status.rssi,
            temperature_c: status.temperature,
            humidity_percent: status.humidity,
            liquid_level: status.liquid_level,
            water_level: status.water_level,
            mix_ratio: status.concentration(),
            latest_spray_seconds: status
                .latest_spraying_duration
                .and_then(|seconds| u64::try_from(seconds).ok()),
            latest_spray_end: status.latest_spraying_end,
        }
    }
}

impl From<&moogo::Schedule> for ScheduleRow {
    fn from(schedule: &moogo::Schedule) -> Self {
        let time = match (schedule.hour, schedule.minute) {
            (Some(hour), Some(minute)) => Some(format!("{hour:02}:{minute:02}")),
            _ => None,
        };
        Self {
            id: schedule.id.clone(),
            time,
            seconds: schedule
                .duration
                .and_then(|seconds| u64::try_from(seconds).ok()),
            days: schedule.weekdays(),
            enabled: schedule.is_enabled(),
        }
    }
}

impl From<&moogo::LogEntry> for LogRow {
    fn from(entry: &moogo::LogEntry) -> Self {
        let details = entry.details.as_ref().and_then(|details| match details {
            serde_json::Value::Null => None,
            serde_json::Value::String(text) => Some(text.clone()),
            other => Some(other.to_string()),
        });
        Self {
            time: entry.timestamp,
            event: entry.event.clone().unwrap_or_default(),
            details,
        }
    }
}

impl From<&moogo::Liquid> for LiquidRow {
    fn from(liquid: &moogo::Liquid) -> Self {
        Self {
            id: liquid.id.clone(),
            name: liquid.name.clone().unwrap_or_default(),
            description: liquid.description.clone(),
        }
    }
}
