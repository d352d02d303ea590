//! A simulated device: its readings, run state, schedules, log and configuration, and the
//! lazy simulation that brings them up to the current time.
//!
//! Nothing runs in the background. Every request that touches a device first calls
//! [`Device::advance`], which replays, in time order, every event due since the last call:
//! the end of a start or stop transition, a schedule occurrence, the end of a scheduled spray.
//! Events get their own timestamps, so logs read as if the device had run all along.

use std::time::Duration;

use jiff::tz::TimeZone;
use jiff::{SignedDuration, Timestamp};
use serde::Serialize;

use crate::schedule::Schedule;

/// How much simulated history a single clock jump replays at most (older events are dropped).
const MAX_REPLAY: SignedDuration = SignedDuration::from_hours(8 * 24);
/// How many log entries a device keeps.
const MAX_LOG_ENTRIES: usize = 5_000;

/// A device and everything the service knows about it.
#[derive(Debug, Clone)]
pub(crate) struct Device {
    pub(crate) id: String,
    pub(crate) owner: usize,
    pub(crate) name: String,
    pub(crate) model: Option<String>,
    pub(crate) online: bool,
    pub(crate) firmware: String,
    pub(crate) mac: Option<String>,
    pub(crate) rssi: i64,
    pub(crate) temperature: f64,
    pub(crate) humidity: i64,
    pub(crate) liquid_level: i64,
    pub(crate) water_level: i64,
    pub(crate) mix_ratio: i64,
    pub(crate) config: DeviceConfig,
    pub(crate) schedules: Vec<Schedule>,
    pub(crate) logs: Vec<LogEntry>,
    pub(crate) latest_spraying_duration: Option<u64>,
    pub(crate) latest_spraying_end: Option<Timestamp>,
    pub(crate) spraying_end_millis: bool,
    pub(crate) created_at: Timestamp,
    spraying: Option<Spray>,
    pending: Option<Transition>,
    /// Schedule occurrences up to this time have been replayed.
    cursor: Timestamp,
    /// When the next event is due; `None` when it must be worked out again.
    next_event: Option<Option<Timestamp>>,
    next_log_id: u64,
}

/// The writable settings of a device (`v1/devices/{deviceId}/configs`).
#[derive(Debug, Clone)]
pub(crate) struct DeviceConfig {
    pub(crate) id: String,
    pub(crate) stop_temperature: f64,
    pub(crate) stop_rainy: bool,
    pub(crate) stop_snow: bool,
    pub(crate) stop_windstorm: bool,
    pub(crate) liquid_name: String,
    pub(crate) liquid_concentration: f64,
    pub(crate) time_zone_name: String,
    pub(crate) time_zone: TimeZone,
    pub(crate) spraying_seconds: i64,
}

/// One line of a device's log.
#[derive(Debug, Clone)]
pub(crate) struct LogEntry {
    pub(crate) id: u64,
    pub(crate) at: Timestamp,
    pub(crate) event: String,
    pub(crate) details: String,
}

#[derive(Debug, Clone)]
struct Spray {
    started: Timestamp,
    /// When a scheduled spray ends by itself; `None` for a manual spray.
    until: Option<Timestamp>,
}

#[derive(Debug, Clone, Copy)]
struct Transition {
    at: Timestamp,
    spraying: bool,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord)]
enum Event {
    // The order breaks ties: a scheduled spray ends before the next one starts.
    ScheduledEnd,
    Transition,
    Occurrences,
}

/// `DeviceSummary` of the API.
#[derive(Debug, Serialize)]
#[serde(rename_all = "camelCase")]
pub(crate) struct SummaryView<'a> {
    device_id: &'a str,
    device_name: &'a str,
    #[serde(skip_serializing_if = "Option::is_none")]
    device_model: Option<&'a str>,
    online_status: u8,
    run_status: u8,
    firmware: &'a str,
}

/// `DeviceStatus` of the API (note the snake_case levels, as the real service spells them).
#[derive(Debug, Serialize)]
#[serde(rename_all = "camelCase")]
pub(crate) struct StatusView<'a> {
    #[serde(flatten)]
    summary: SummaryView<'a>,
    rssi: i64,
    temperature: f64,
    humidity: i64,
    #[serde(rename = "liquid_level")]
    liquid_level: i64,
    #[serde(rename = "water_level")]
    water_level: i64,
    mix_ratio: i64,
    /// The configured concentration, which the reference client reads from the status.
    liquid_concentration: i64,
    latest_spraying_duration: Option<u64>,
    latest_spraying_end: Option<i64>,
    #[serde(skip_serializing_if = "Option::is_none")]
    mac: Option<&'a str>,
}

/// A log entry as the API shows it.
#[derive(Debug, Serialize)]
#[serde(rename_all = "camelCase")]
pub(crate) struct LogView<'a> {
    id: String,
    device_id: &'a str,
    /// Unix time in seconds.
    timestamp: i64,
    event: &'a str,
    details: &'a str,
}

impl Device {
    /// A device in its initial state; history starts at `now`.
    pub(crate) fn new(
        id: String,
        owner: usize,
        name: String,
        config: DeviceConfig,
        now: Timestamp,
    ) -> Self {
        Self {
            id,
            owner,
            name,
            model: None,
            online: true,
            firmware: "1.0.0".to_owned(),
            mac: None,
            rssi: -60,
            temperature: 21.0,
            humidity: 50,
            liquid_level: 2,
            water_level: 2,
            mix_ratio: 10,
            config,
            schedules: Vec::new(),
            logs: Vec::new(),
            latest_spraying_duration: None,
            latest_spraying_end: None,
            spraying_end_millis: false,
            created_at: now,
            spraying: None,
            pending: None,
            cursor: now,
            next_event: None,
            next_log_id: 1,
        }
    }

    /// Whether the device is spraying now (after [`Device::advance`]).
    pub(crate) fn is_spraying(&self) -> bool {
        self.spraying.is_some()
    }

    /// Forgets the cached time of the next event; call after any change of state.
    pub(crate) fn invalidate(&mut self) {
        self.next_event = None;
    }

    /// Replays every event due up to `now`.
    pub(crate) fn advance(&mut self, now: Timestamp) {
        if let Some(next) = self.next_event
            && next.is_none_or(|next| next > now)
        {
            self.cursor = self.cursor.max(now);
            return;
        }
        if now.duration_since(self.cursor) > MAX_REPLAY {
            self.cursor = now - MAX_REPLAY;
        }
        loop {
            match self.next_due() {
                Some((at, event)) if at <= now => self.apply(at, event),
                next => {
                    self.next_event = Some(next.map(|(at, _)| at));
                    break;
                }
            }
        }
        self.cursor = self.cursor.max(now);
    }

    /// Asks the device to start (`true`) or stop spraying; it obeys after `delay`.
    pub(crate) fn command(&mut self, spraying: bool, now: Timestamp, delay: Duration) {
        self.advance(now);
        let at = now.saturating_add(delay).unwrap_or(Timestamp::MAX);
        self.pending = Some(Transition { at, spraying });
        self.invalidate();
        self.advance(now);
    }

    /// Appends a log entry.
    pub(crate) fn log(&mut self, at: Timestamp, event: &str, details: String) {
        let id = self.next_log_id;
        self.next_log_id += 1;
        // Keep the log sorted: entries from the world file may be older than replayed ones.
        let position = self.logs.partition_point(|entry| entry.at <= at);
        self.logs.insert(
            position,
            LogEntry {
                id,
                at,
                event: event.to_owned(),
                details,
            },
        );
        if self.logs.len() > MAX_LOG_ENTRIES {
            self.logs.remove(0);
        }
    }

    /// The API's summary of this device.
    pub(crate) fn summary(&self) -> SummaryView<'_> {
        SummaryView {
            device_id: &self.id,
            device_name: &self.name,
            device_model: self.model.as_deref(),
            online_status: u8::from(self.online),
            run_status: u8::from(self.is_spraying()),
            firmware: &self.firmware,
        }
    }

    /// The API's full status of this device.
    pub(crate) fn status(&self) -> StatusView<'_> {
        let latest_spraying_end = self.latest_spraying_end.map(|end| {
            if self.spraying_end_millis {
                end.as_millisecond()
            } else {
                end.as_second()
            }
        });
        StatusView {
            summary: self.summary(),
            rssi: self.rssi,
            temperature: self.temperature,
            humidity: self.humidity,
            liquid_level: self.liquid_level,
            water_level: self.water_level,
            mix_ratio: self.mix_ratio,
            liquid_concentration: self.config.liquid_concentration.round() as i64,
            latest_spraying_duration: self.latest_spraying_duration,
            latest_spraying_end,
            mac: self.mac.as_deref(),
        }
    }

    /// A log entry as the API shows it.
    pub(crate) fn log_view<'a>(&'a self, entry: &'a LogEntry) -> LogView<'a> {
        LogView {
            id: format!("{}-{}", self.id, entry.id),
            device_id: &self.id,
            timestamp: entry.at.as_second(),
            event: &entry.event,
            details: &entry.details,
        }
    }

    fn next_due(&self) -> Option<(Timestamp, Event)> {
        let mut candidates = Vec::with_capacity(3);
        if let Some(until) = self.spraying.as_ref().and_then(|spray| spray.until) {
            candidates.push((until, Event::ScheduledEnd));
        }
        if let Some(pending) = self.pending {
            candidates.push((pending.at, Event::Transition));
        }
        if let Some(at) = self.next_occurrence() {
            candidates.push((at, Event::Occurrences));
        }
        candidates.into_iter().min()
    }

    fn next_occurrence(&self) -> Option<Timestamp> {
        if !self.online {
            return None;
        }
        self.schedules
            .iter()
            .filter(|schedule| schedule.enabled)
            .filter_map(|schedule| schedule.next_occurrence(self.cursor, &self.config.time_zone))
            .min()
    }

    fn apply(&mut self, at: Timestamp, event: Event) {
        match event {
            Event::ScheduledEnd => self.stop_spraying(at),
            Event::Transition => {
                let Some(transition) = self.pending.take() else {
                    return;
                };
                match (&mut self.spraying, transition.spraying) {
                    (None, true) => self.start_spraying(at, None, "manual".to_owned()),
                    // A start during a scheduled spray turns it into a manual one.
                    (Some(spray), true) => spray.until = None,
                    (Some(_), false) => self.stop_spraying(at),
                    (None, false) => {}
                }
            }
            Event::Occurrences => self.fire_schedules(at),
        }
    }

    fn fire_schedules(&mut self, at: Timestamp) {
        let time_zone = self.config.time_zone.clone();
        let cursor = self.cursor;
        let due: Vec<usize> = (0..self.schedules.len())
            .filter(|index| {
                let schedule = &self.schedules[*index];
                schedule.enabled && schedule.next_occurrence(cursor, &time_zone) == Some(at)
            })
            .collect();
        for index in due {
            let schedule = &mut self.schedules[index];
            if schedule.skipped_occurrence == Some(at) {
                schedule.skipped_occurrence = None;
                let details = format!("schedule {} skipped once", schedule.id);
                self.log(at, "schedule_skipped", details);
                continue;
            }
            let (id, duration) = (schedule.id.clone(), schedule.duration);
            let until = at.saturating_add(duration).unwrap_or(Timestamp::MAX);
            match &mut self.spraying {
                None => self.start_spraying(at, Some(until), format!("schedule {id}")),
                Some(spray) => {
                    if let Some(current) = &mut spray.until {
                        *current = (*current).max(until);
                    }
                }
            }
        }
        self.cursor = at;
    }

    fn start_spraying(&mut self, at: Timestamp, until: Option<Timestamp>, details: String) {
        self.spraying = Some(Spray { started: at, until });
        self.log(at, "spray_started", details);
    }

    fn stop_spraying(&mut self, at: Timestamp) {
        let Some(spray) = self.spraying.take() else {
            return;
        };
        let seconds = at
            .duration_since(spray.started)
            .as_secs()
            .max(0)
            .unsigned_abs();
        self.latest_spraying_duration = Some(seconds);
        self.latest_spraying_end = Some(at);
        self.log(at, "spray_stopped", format!("sprayed for {seconds} s"));
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::schedule::Weekdays;

    fn device(now: Timestamp) -> Device {
        let config = DeviceConfig {
            id: "c-1".into(),
            stop_temperature: 10.0,
            stop_rainy: true,
            stop_snow: true,
            stop_windstorm: false,
            liquid_name: "x".into(),
            liquid_concentration: 10.0,
            time_zone_name: "UTC".into(),
            time_zone: TimeZone::UTC,
            spraying_seconds: 60,
        };
        Device::new("d-1".into(), 0, "Test".into(), config, now)
    }

    fn at(text: &str) -> Timestamp {
        text.parse().unwrap()
    }

    fn events(device: &Device) -> Vec<String> {
        device
            .logs
            .iter()
            .map(|entry| format!("{} {} {}", entry.at, entry.event, entry.details))
            .collect()
    }

    #[test]
    fn a_start_takes_effect_after_the_delay_and_a_stop_records_the_spray() {
        let t0 = at("2026-12-04T10:00:00Z");
        let mut device = device(t0);
        device.command(true, t0, Duration::from_secs(4));
        assert!(!device.is_spraying());
        device.advance(at("2026-12-04T10:00:03.999Z"));
        assert!(!device.is_spraying());
        device.advance(at("2026-12-04T10:00:04Z"));
        assert!(device.is_spraying());
        device.command(false, at("2026-12-04T10:01:00Z"), Duration::ZERO);
        assert!(!device.is_spraying());
        assert_eq!(device.latest_spraying_duration, Some(56));
        assert_eq!(device.latest_spraying_end, Some(at("2026-12-04T10:01:00Z")));
        assert_eq!(
            events(&device),
            [
                "2026-12-04T10:00:04Z spray_started manual",
                "2026-12-04T10:01:00Z spray_stopped sprayed for 56 s"
            ]
        );
    }

    #[test]
    fn schedules_fire_for_their_duration_and_skips_cancel_one_occurrence() {
        let t0 = at("2026-12-04T10:00:00Z");
        let mut device = device(t0);
        device.schedules.push(Schedule {
            id: "s-1".into(),
            hour: 19,
            minute: 30,
            duration: Duration::from_secs(120),
            weekdays: Weekdays::ALL,
            enabled: true,
            skipped_occurrence: Some(at("2026-12-05T19:30:00Z")),
        });
        device.advance(at("2026-12-04T19:31:00Z"));
        assert!(device.is_spraying());
        // One jump over three days replays every occurrence in order.
        device.advance(at("2026-12-07T12:00:00Z"));
        assert!(!device.is_spraying());
        assert_eq!(
            events(&device),
            [
                "2026-12-04T19:30:00Z spray_started schedule s-1",
                "2026-12-04T19:32:00Z spray_stopped sprayed for 120 s",
                "2026-12-05T19:30:00Z schedule_skipped schedule s-1 skipped once",
                "2026-12-06T19:30:00Z spray_started schedule s-1",
                "2026-12-06T19:32:00Z spray_stopped sprayed for 120 s",
            ]
        );
    }

    #[test]
    fn offline_devices_do_not_fire_schedules() {
        let t0 = at("2026-12-04T10:00:00Z");
        let mut device = device(t0);
        device.online = false;
        device.schedules.push(Schedule {
            id: "s-1".into(),
            hour: 11,
            minute: 0,
            duration: Duration::from_secs(60),
            weekdays: Weekdays::ALL,
            enabled: true,
            skipped_occurrence: None,
        });
        device.advance(at("2026-12-05T10:00:00Z"));
        assert!(device.logs.is_empty());
    }
}
