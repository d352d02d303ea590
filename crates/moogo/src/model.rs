//! Typed shapes of the service's answers and of request bodies.
//!
//! Answers tolerate missing, null, mistyped and unknown fields: a field that
//! cannot be read is `None`. Numbers the service documents loosely stay loose:
//! temperature is `f64`, levels are opaque integers, and `latestSprayingEnd`
//! (seconds or milliseconds) becomes a [`Timestamp`].

mod lenient;

pub(crate) use lenient::items;

/// A timestamp from a JSON value in any of the forms the service uses.
pub(crate) fn timestamp_from_value(value: Value) -> Option<Timestamp> {
    lenient::timestamp(value).ok().flatten()
}

use jiff::Timestamp;
use serde::{Deserialize, Serialize};
use serde_json::{Map, Value};

/// A device as listed by `GET v1/devices`.
#[derive(Debug, Clone, PartialEq, Default, Serialize, Deserialize)]
#[serde(rename_all = "camelCase", default)]
#[non_exhaustive]
pub struct DeviceSummary {
    /// The device id used in every device path.
    #[serde(deserialize_with = "lenient::required_string")]
    pub device_id: String,
    /// The name given in the app.
    #[serde(deserialize_with = "lenient::string")]
    pub device_name: Option<String>,
    /// The model, when the service says.
    #[serde(deserialize_with = "lenient::string")]
    pub device_model: Option<String>,
    /// 1 online, 0 offline.
    #[serde(deserialize_with = "lenient::int")]
    pub online_status: Option<i64>,
    /// 1 spraying, 0 stopped.
    #[serde(deserialize_with = "lenient::int")]
    pub run_status: Option<i64>,
    /// The firmware version.
    #[serde(deserialize_with = "lenient::string")]
    pub firmware: Option<String>,
}

impl DeviceSummary {
    /// Whether the device reports itself online.
    pub fn is_online(&self) -> bool {
        self.online_status == Some(1)
    }

    /// Whether the device is spraying.
    pub fn is_spraying(&self) -> bool {
        self.run_status == Some(1)
    }
}

/// A device's full status from `GET v1/devices/{id}`.
#[derive(Debug, Clone, PartialEq, Default, Serialize, Deserialize)]
#[serde(rename_all = "camelCase", default)]
#[non_exhaustive]
pub struct DeviceStatus {
    /// The device id.
    #[serde(deserialize_with = "lenient::required_string")]
    pub device_id: String,
    /// The name given in the app.
    #[serde(deserialize_with = "lenient::string")]
    pub device_name: Option<String>,
    /// The model.
    #[serde(deserialize_with = "lenient::string")]
    pub device_model: Option<String>,
    /// 1 online, 0 offline.
    #[serde(deserialize_with = "lenient::int")]
    pub online_status: Option<i64>,
    /// 1 spraying, 0 stopped.
    #[serde(deserialize_with = "lenient::int")]
    pub run_status: Option<i64>,
    /// The firmware version.
    #[serde(deserialize_with = "lenient::string")]
    pub firmware: Option<String>,
    /// Signal strength in dBm (negative).
    #[serde(deserialize_with = "lenient::int")]
    pub rssi: Option<i64>,
    /// Temperature in degrees Celsius; may be fractional.
    #[serde(deserialize_with = "lenient::float")]
    pub temperature: Option<f64>,
    /// Relative humidity in percent.
    #[serde(deserialize_with = "lenient::float")]
    pub humidity: Option<f64>,
    /// Liquid level: documented as 0..2, seen up to 80; opaque.
    #[serde(rename = "liquid_level", deserialize_with = "lenient::int")]
    pub liquid_level: Option<i64>,
    /// Water level: documented as 0..2, seen up to 80; opaque.
    #[serde(rename = "water_level", deserialize_with = "lenient::int")]
    pub water_level: Option<i64>,
    /// Concentration, when sent as `liquidConcentration`.
    #[serde(deserialize_with = "lenient::int")]
    pub liquid_concentration: Option<i64>,
    /// Concentration, when sent as `mixRatio`.
    #[serde(deserialize_with = "lenient::int")]
    pub mix_ratio: Option<i64>,
    /// Length of the last spray in seconds.
    #[serde(deserialize_with = "lenient::int")]
    pub latest_spraying_duration: Option<i64>,
    /// End of the last spray (the service sends seconds or milliseconds).
    #[serde(deserialize_with = "lenient::timestamp")]
    pub latest_spraying_end: Option<Timestamp>,
}

impl DeviceStatus {
    /// Whether the device reports itself online.
    pub fn is_online(&self) -> bool {
        self.online_status == Some(1)
    }

    /// Whether the device is spraying.
    pub fn is_spraying(&self) -> bool {
        self.run_status == Some(1)
    }

    /// The concentration under either of its names.
    pub fn concentration(&self) -> Option<i64> {
        self.liquid_concentration.or(self.mix_ratio)
    }
}

/// A spray schedule.
#[derive(Debug, Clone, PartialEq, Default, Serialize, Deserialize)]
#[serde(rename_all = "camelCase", default)]
#[non_exhaustive]
pub struct Schedule {
    /// The schedule id.
    #[serde(deserialize_with = "lenient::required_string")]
    pub id: String,
    /// Hour, 0..=23.
    #[serde(deserialize_with = "lenient::int")]
    pub hour: Option<i64>,
    /// Minute, 0..=59.
    #[serde(deserialize_with = "lenient::int")]
    pub minute: Option<i64>,
    /// Spray length in seconds.
    #[serde(deserialize_with = "lenient::int")]
    pub duration: Option<i64>,
    /// Comma-separated weekdays, 0 = Sunday .. 6 = Saturday.
    #[serde(deserialize_with = "lenient::string")]
    pub repeat_set: Option<String>,
    /// 1 enabled, 0 disabled.
    #[serde(deserialize_with = "lenient::int")]
    pub status: Option<i64>,
}

impl Schedule {
    /// Whether the schedule is enabled.
    pub fn is_enabled(&self) -> bool {
        self.status == Some(1)
    }

    /// The weekdays of `repeat_set` (0 = Sunday), skipping anything unreadable.
    pub fn weekdays(&self) -> Vec<u8> {
        self.repeat_set
            .as_deref()
            .unwrap_or_default()
            .split(',')
            .filter_map(|day| day.trim().parse().ok())
            .filter(|day| *day <= 6)
            .collect()
    }
}

/// One page of a device's log.
#[derive(Debug, Clone, PartialEq, Default, Serialize, Deserialize)]
#[serde(rename_all = "camelCase", default)]
#[non_exhaustive]
pub struct LogPage {
    /// The entries of this page.
    #[serde(deserialize_with = "lenient::list")]
    pub items: Vec<LogEntry>,
    /// Total entries over all pages.
    #[serde(deserialize_with = "lenient::int")]
    pub total: Option<i64>,
    /// This page's number (1-based).
    #[serde(deserialize_with = "lenient::int")]
    pub page: Option<i64>,
    /// Entries per page.
    #[serde(deserialize_with = "lenient::int")]
    pub page_size: Option<i64>,
}

/// One entry of a device's log.
#[derive(Debug, Clone, PartialEq, Default, Serialize, Deserialize)]
#[serde(rename_all = "camelCase", default)]
#[non_exhaustive]
pub struct LogEntry {
    /// When it happened.
    #[serde(deserialize_with = "lenient::timestamp")]
    pub timestamp: Option<Timestamp>,
    /// What happened.
    #[serde(deserialize_with = "lenient::string")]
    pub event: Option<String>,
    /// Details, in whatever shape the service sent.
    pub details: Option<Value>,
    /// Fields this client does not know.
    #[serde(flatten)]
    pub extra: Map<String, Value>,
}

/// A device's configuration from `GET v1/devices/{id}/configs`.
#[derive(Debug, Clone, PartialEq, Default, Serialize, Deserialize)]
#[serde(rename_all = "camelCase", default)]
#[non_exhaustive]
pub struct DeviceConfig {
    /// The device id.
    #[serde(deserialize_with = "lenient::string")]
    pub device_id: Option<String>,
    /// Stop spraying above this temperature.
    #[serde(deserialize_with = "lenient::float")]
    pub stop_temperature: Option<f64>,
    /// Stop when it rains.
    #[serde(deserialize_with = "lenient::boolean")]
    pub stop_rainy: Option<bool>,
    /// Stop when it snows.
    #[serde(deserialize_with = "lenient::boolean")]
    pub stop_snow: Option<bool>,
    /// Stop in a windstorm.
    #[serde(deserialize_with = "lenient::boolean")]
    pub stop_windstorm: Option<bool>,
    /// The owner's user id.
    #[serde(deserialize_with = "lenient::string")]
    pub user_id: Option<String>,
    /// The liquid's name.
    #[serde(deserialize_with = "lenient::string")]
    pub liquid_name: Option<String>,
    /// The liquid's concentration.
    #[serde(deserialize_with = "lenient::float")]
    pub liquid_concentration: Option<f64>,
    /// The device's IANA time zone.
    #[serde(deserialize_with = "lenient::string")]
    pub time_zone: Option<String>,
    /// Default spray length in seconds.
    #[serde(deserialize_with = "lenient::int")]
    pub spraying_seconds: Option<i64>,
    /// The config record id.
    #[serde(deserialize_with = "lenient::string")]
    pub id: Option<String>,
    /// Fields this client does not know, including read-only ones.
    #[serde(flatten)]
    pub extra: Map<String, Value>,
}

/// The answer of a firmware check.
#[derive(Debug, Clone, PartialEq, Default, Serialize, Deserialize)]
#[serde(rename_all = "camelCase", default)]
#[non_exhaustive]
pub struct OtaInfo {
    /// Whether an update is available.
    #[serde(deserialize_with = "lenient::flag")]
    pub available: bool,
    /// The available version.
    #[serde(deserialize_with = "lenient::string")]
    pub version: Option<String>,
    /// Where the update is downloaded from.
    #[serde(deserialize_with = "lenient::string")]
    pub url: Option<String>,
    /// Fields this client does not know.
    #[serde(flatten)]
    pub extra: Map<String, Value>,
}

/// A mosquito-repellent liquid from the public catalogue.
#[derive(Debug, Clone, PartialEq, Default, Serialize, Deserialize)]
#[serde(rename_all = "camelCase", default)]
#[non_exhaustive]
pub struct Liquid {
    /// The liquid's id.
    #[serde(deserialize_with = "lenient::required_string")]
    pub id: String,
    /// Its name.
    #[serde(deserialize_with = "lenient::string")]
    pub name: Option<String>,
    /// Its description.
    #[serde(deserialize_with = "lenient::string")]
    pub description: Option<String>,
    /// An icon URL.
    #[serde(deserialize_with = "lenient::string")]
    pub icon: Option<String>,
}

/// Changes to a device's name or concentration (`PUT v1/devices/{id}`).
#[derive(Debug, Clone, PartialEq, Default, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct DeviceUpdate {
    /// A new name.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub device_name: Option<String>,
    /// A new mix ratio.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub mix_ratio: Option<i64>,
}

/// A new schedule. Hour, minute and duration are required; it runs every day
/// and is enabled unless told otherwise.
///
/// # Examples
///
/// ```
/// let weekday_mornings = moogo::ScheduleCreate::new(7, 30, 60).with_weekdays([1, 2, 3, 4, 5]);
/// ```
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ScheduleCreate {
    pub(crate) hour: u8,
    pub(crate) minute: u8,
    pub(crate) duration_secs: u32,
    pub(crate) weekdays: Vec<u8>,
    pub(crate) enabled: bool,
}

impl ScheduleCreate {
    /// A schedule at `hour:minute` spraying for `duration_secs`, every day, enabled.
    pub fn new(hour: u8, minute: u8, duration_secs: u32) -> Self {
        Self {
            hour,
            minute,
            duration_secs,
            weekdays: (0..=6).collect(),
            enabled: true,
        }
    }

    /// Runs only on these weekdays (0 = Sunday .. 6 = Saturday).
    #[must_use]
    pub fn with_weekdays(mut self, weekdays: impl IntoIterator<Item = u8>) -> Self {
        self.weekdays = weekdays.into_iter().collect();
        self
    }

    /// Creates the schedule enabled or disabled.
    #[must_use]
    pub fn with_enabled(mut self, enabled: bool) -> Self {
        self.enabled = enabled;
        self
    }

    pub(crate) fn body(&self) -> Value {
        serde_json::json!({
            "hour": self.hour,
            "minute": self.minute,
            "duration": self.duration_secs,
            "repeatSet": repeat_set(&self.weekdays),
            "status": i32::from(self.enabled),
        })
    }
}

/// Changes to a schedule; unset fields are left as they are.
#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub struct ScheduleUpdate {
    pub(crate) hour: Option<u8>,
    pub(crate) minute: Option<u8>,
    pub(crate) duration_secs: Option<u32>,
    pub(crate) weekdays: Option<Vec<u8>>,
    pub(crate) enabled: Option<bool>,
}

impl ScheduleUpdate {
    /// An update that changes nothing yet.
    pub fn new() -> Self {
        Self::default()
    }

    /// Sets the hour (0..=23).
    #[must_use]
    pub fn with_hour(mut self, hour: u8) -> Self {
        self.hour = Some(hour);
        self
    }

    /// Sets the minute (0..=59).
    #[must_use]
    pub fn with_minute(mut self, minute: u8) -> Self {
        self.minute = Some(minute);
        self
    }

    /// Sets the spray length in seconds (1..=3600).
    #[must_use]
    pub fn with_duration_secs(mut self, duration_secs: u32) -> Self {
        self.duration_secs = Some(duration_secs);
        self
    }

    /// Sets the weekdays (0 = Sunday .. 6 = Saturday).
    #[must_use]
    pub fn with_weekdays(mut self, weekdays: impl IntoIterator<Item = u8>) -> Self {
        self.weekdays = Some(weekdays.into_iter().collect());
        self
    }

    /// Enables or disables the schedule.
    #[must_use]
    pub fn with_enabled(mut self, enabled: bool) -> Self {
        self.enabled = Some(enabled);
        self
    }

    pub(crate) fn body(&self) -> Value {
        let mut body = Map::new();
        if let Some(hour) = self.hour {
            body.insert("hour".into(), hour.into());
        }
        if let Some(minute) = self.minute {
            body.insert("minute".into(), minute.into());
        }
        if let Some(duration) = self.duration_secs {
            body.insert("duration".into(), duration.into());
        }
        if let Some(weekdays) = &self.weekdays {
            body.insert("repeatSet".into(), repeat_set(weekdays).into());
        }
        if let Some(enabled) = self.enabled {
            body.insert("status".into(), i32::from(enabled).into());
        }
        Value::Object(body)
    }
}

/// Changes to a device's configuration; unset fields are left as they are.
///
/// # Examples
///
/// ```
/// let update = moogo::ConfigUpdate::new()
///     .with_time_zone("America/Los_Angeles")
///     .with_stop_rainy(true);
/// ```
#[derive(Debug, Clone, PartialEq, Default, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct ConfigUpdate {
    #[serde(skip_serializing_if = "Option::is_none")]
    pub(crate) stop_temperature: Option<f64>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub(crate) stop_rainy: Option<bool>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub(crate) stop_snow: Option<bool>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub(crate) stop_windstorm: Option<bool>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub(crate) liquid_name: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub(crate) liquid_concentration: Option<f64>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub(crate) time_zone: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub(crate) spraying_seconds: Option<u32>,
}

impl ConfigUpdate {
    /// An update that changes nothing yet.
    pub fn new() -> Self {
        Self::default()
    }

    /// Stop spraying above this temperature.
    #[must_use]
    pub fn with_stop_temperature(mut self, celsius: f64) -> Self {
        self.stop_temperature = Some(celsius);
        self
    }

    /// Stop when it rains.
    #[must_use]
    pub fn with_stop_rainy(mut self, stop: bool) -> Self {
        self.stop_rainy = Some(stop);
        self
    }

    /// Stop when it snows.
    #[must_use]
    pub fn with_stop_snow(mut self, stop: bool) -> Self {
        self.stop_snow = Some(stop);
        self
    }

    /// Stop in a windstorm.
    #[must_use]
    pub fn with_stop_windstorm(mut self, stop: bool) -> Self {
        self.stop_windstorm = Some(stop);
        self
    }

    /// The liquid's name.
    #[must_use]
    pub fn with_liquid_name(mut self, name: impl Into<String>) -> Self {
        self.liquid_name = Some(name.into());
        self
    }

    /// The liquid's concentration.
    #[must_use]
    pub fn with_liquid_concentration(mut self, concentration: f64) -> Self {
        self.liquid_concentration = Some(concentration);
        self
    }

    /// The device's time zone, an IANA name such as `Europe/Paris`.
    #[must_use]
    pub fn with_time_zone(mut self, time_zone: impl Into<String>) -> Self {
        self.time_zone = Some(time_zone.into());
        self
    }

    /// Default spray length in seconds (1..=3600).
    #[must_use]
    pub fn with_spraying_seconds(mut self, seconds: u32) -> Self {
        self.spraying_seconds = Some(seconds);
        self
    }
}

/// Which page of a device's log to read, and for which dates.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct LogQuery {
    pub(crate) page: u32,
    pub(crate) page_size: u32,
    pub(crate) start_date: Option<jiff::civil::Date>,
    pub(crate) end_date: Option<jiff::civil::Date>,
}

impl Default for LogQuery {
    /// The first page of 20 entries, all dates.
    fn default() -> Self {
        Self {
            page: 1,
            page_size: 20,
            start_date: None,
            end_date: None,
        }
    }
}

impl LogQuery {
    /// The first page of 20 entries, all dates.
    pub fn new() -> Self {
        Self::default()
    }

    /// The page number (from 1).
    #[must_use]
    pub fn with_page(mut self, page: u32) -> Self {
        self.page = page;
        self
    }

    /// Entries per page (1..=100).
    #[must_use]
    pub fn with_page_size(mut self, page_size: u32) -> Self {
        self.page_size = page_size;
        self
    }

    /// Only entries from `start` to `end`, inclusive.
    #[must_use]
    pub fn with_dates(mut self, start: jiff::civil::Date, end: jiff::civil::Date) -> Self {
        self.start_date = Some(start);
        self.end_date = Some(end);
        self
    }

    pub(crate) fn query_string(&self) -> String {
        let mut query = format!("page={}&pageSize={}", self.page, self.page_size);
        if let Some(start) = self.start_date {
            query.push_str(&format!("&startDate={}", start.strftime("%Y-%m-%d")));
        }
        if let Some(end) = self.end_date {
            query.push_str(&format!("&endDate={}", end.strftime("%Y-%m-%d")));
        }
        query
    }
}

fn repeat_set(weekdays: &[u8]) -> String {
    let mut days: Vec<u8> = weekdays.to_vec();
    days.sort_unstable();
    days.dedup();
    days.iter().map(u8::to_string).collect::<Vec<_>>().join(",")
}

#[cfg(test)]
mod tests {
    use serde_json::json;

    use super::*;

    #[test]
    fn status_tolerates_missing_null_mistyped_and_unknown_fields() {
        let status: DeviceStatus = serde_json::from_value(json!({
            "deviceId": 42, "deviceName": null, "onlineStatus": "1", "runStatus": 0,
            "temperature": 22.5, "humidity": "61", "liquid_level": 80, "water_level": null,
            "mixRatio": 3, "latestSprayingEnd": 1_700_000_000_123i64, "rssi": -67.0,
            "somethingNew": {"nested": true}
        }))
        .unwrap();
        assert_eq!(status.device_id, "42");
        assert_eq!(status.device_name, None);
        assert!(status.is_online());
        assert!(!status.is_spraying());
        assert_eq!(status.temperature, Some(22.5));
        assert_eq!(status.humidity, Some(61.0));
        assert_eq!(status.liquid_level, Some(80));
        assert_eq!(status.water_level, None);
        assert_eq!(status.concentration(), Some(3));
        assert_eq!(status.rssi, Some(-67));
        assert_eq!(
            status.latest_spraying_end.unwrap().to_string(),
            "2023-11-14T22:13:20.123Z"
        );
        let empty: DeviceStatus = serde_json::from_value(json!({})).unwrap();
        assert_eq!(empty, DeviceStatus::default());
    }

    #[test]
    fn spraying_end_in_seconds_or_milliseconds() {
        let check = |raw: Value, expected: &str| {
            let status: DeviceStatus =
                serde_json::from_value(json!({ "latestSprayingEnd": raw })).unwrap();
            assert_eq!(status.latest_spraying_end.unwrap().to_string(), expected);
        };
        check(json!(1_700_000_000), "2023-11-14T22:13:20Z");
        check(json!(1_700_000_000_000i64), "2023-11-14T22:13:20Z");
        check(json!("1700000000"), "2023-11-14T22:13:20Z");
        check(json!("2023-11-14T22:13:20Z"), "2023-11-14T22:13:20Z");
    }

    #[test]
    fn schedule_bodies() {
        let create = ScheduleCreate::new(7, 30, 60).with_weekdays([5, 1, 3, 1]);
        assert_eq!(
            create.body(),
            json!({"hour": 7, "minute": 30, "duration": 60, "repeatSet": "1,3,5", "status": 1})
        );
        assert_eq!(
            ScheduleCreate::new(0, 0, 1).body()["repeatSet"],
            json!("0,1,2,3,4,5,6")
        );
        let update = ScheduleUpdate::new().with_minute(5).with_enabled(false);
        assert_eq!(update.body(), json!({"minute": 5, "status": 0}));
        let schedule: Schedule =
            serde_json::from_value(json!({"id": 7, "repeatSet": "1, 2,x,9", "status": 1})).unwrap();
        assert_eq!(schedule.id, "7");
        assert_eq!(schedule.weekdays(), vec![1, 2]);
        assert!(schedule.is_enabled());
    }

    #[test]
    fn config_keeps_unknown_fields_and_update_sends_only_set_keys() {
        let config: DeviceConfig = serde_json::from_value(json!({
            "timeZone": "Europe/Paris", "stopRainy": 1, "stopTemperature": "35.5", "createdAt": 5
        }))
        .unwrap();
        assert_eq!(config.time_zone.as_deref(), Some("Europe/Paris"));
        assert_eq!(config.stop_rainy, Some(true));
        assert_eq!(config.stop_temperature, Some(35.5));
        assert_eq!(config.extra["createdAt"], json!(5));
        let update = ConfigUpdate::new()
            .with_time_zone("UTC")
            .with_spraying_seconds(30);
        assert_eq!(
            serde_json::to_value(update).unwrap(),
            json!({"timeZone": "UTC", "sprayingSeconds": 30})
        );
    }

    #[test]
    fn lists_come_bare_or_under_items_and_skip_bad_elements() {
        let from_items: Vec<Liquid> = items(json!({"items": [{"id": "a"}, 5, {"id": 2}]}));
        assert_eq!(
            from_items.iter().map(|l| l.id.as_str()).collect::<Vec<_>>(),
            ["a", "2"]
        );
        let bare: Vec<Liquid> = items(json!([{"id": "b", "name": "Citronella"}]));
        assert_eq!(bare[0].name.as_deref(), Some("Citronella"));
        assert!(items::<Liquid>(Value::Null).is_empty());
    }

    #[test]
    fn log_query_string() {
        let date = |s: &str| s.parse::<jiff::civil::Date>().unwrap();
        assert_eq!(LogQuery::new().query_string(), "page=1&pageSize=20");
        assert_eq!(
            LogQuery::new()
                .with_page(2)
                .with_dates(date("2026-07-01"), date("2026-07-31"))
                .query_string(),
            "page=2&pageSize=20&startDate=2026-07-01&endDate=2026-07-31"
        );
    }

    fn json_value() -> impl proptest::strategy::Strategy<Value = Value> {
        use proptest::prelude::*;
        let leaf = prop_oneof![
            Just(Value::Null),
            any::<bool>().prop_map(Value::from),
            any::<i64>().prop_map(Value::from),
            any::<f64>()
                .prop_map(|f| serde_json::Number::from_f64(f).map_or(Value::Null, Value::Number)),
            ".{0,12}".prop_map(Value::from),
        ];
        leaf.prop_recursive(2, 8, 3, |inner| {
            prop_oneof![
                proptest::collection::vec(inner.clone(), 0..3).prop_map(Value::from),
                proptest::collection::btree_map("[a-z]{1,4}", inner, 0..3)
                    .prop_map(|m| Value::Object(m.into_iter().collect())),
            ]
        })
    }

    proptest::proptest! {
        #[test]
        fn any_field_values_decode(values in proptest::collection::vec(json_value(), 17)) {
            let keys = ["deviceId", "deviceName", "deviceModel", "onlineStatus", "runStatus",
                "firmware", "rssi", "temperature", "humidity", "liquid_level", "water_level",
                "liquidConcentration", "mixRatio", "latestSprayingDuration", "latestSprayingEnd",
                "hour", "repeatSet"];
            let object: Map<String, Value> = keys.iter().map(|k| k.to_string()).zip(values).collect();
            let value = Value::Object(object);
            serde_json::from_value::<DeviceStatus>(value.clone()).unwrap();
            serde_json::from_value::<Schedule>(value.clone()).unwrap();
            serde_json::from_value::<DeviceConfig>(value.clone()).unwrap();
            serde_json::from_value::<LogEntry>(value).unwrap();
        }

        #[test]
        fn seconds_and_milliseconds_agree(seconds in 0i64..4_000_000_000) {
            let from_seconds = lenient::unix_to_timestamp(seconds);
            let from_millis = lenient::unix_to_timestamp(seconds * 1000);
            if seconds * 1000 > 1_000_000_000_000 {
                proptest::prop_assert_eq!(from_seconds, from_millis);
            }
        }
    }
}
