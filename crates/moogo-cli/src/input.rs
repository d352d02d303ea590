//! Parsing of the values typed on the command line: durations, days, times of
//! day, dates and `KEY=VALUE` configuration pairs.
//!
//! clap only checks the shape of the command line; every value goes through
//! this module before anything is sent, so that a bad value is reported as
//! invalid input (exit code 65) with zero requests sent.

use std::fmt;
use std::time::Duration;

use crate::error::InvalidInput;

/// The longest duration the service accepts for a spray or a schedule.
pub const MAX_DURATION: Duration = Duration::from_secs(3600);

/// Parses a spray or schedule duration: `90` (seconds), `90s`, `2m`, `1m30s`.
///
/// # Errors
///
/// The value is not a duration, is not whole seconds, or is outside 1 s..=1 h.
pub fn duration(text: &str) -> Result<Duration, InvalidInput> {
    let invalid = |reason: &str| {
        InvalidInput::new(
            "duration",
            text,
            format!(
                "{reason}; use seconds (`90`) or units (`90s`, `2m`, `1m30s`) between 1 s and 1 h"
            ),
        )
    };
    let trimmed = text.trim();
    let parsed = if !trimmed.is_empty() && trimmed.bytes().all(|byte| byte.is_ascii_digit()) {
        let seconds: u64 = trimmed
            .parse()
            .map_err(|_| invalid("the number is too large"))?;
        Duration::from_secs(seconds)
    } else {
        humantime::parse_duration(trimmed).map_err(|_| invalid("not a duration"))?
    };
    if parsed.subsec_nanos() != 0 {
        return Err(invalid("not a whole number of seconds"));
    }
    if parsed.is_zero() || parsed > MAX_DURATION {
        return Err(invalid("out of range"));
    }
    Ok(parsed)
}

/// A time of day, as typed after `--at`.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct TimeOfDay {
    /// The hour, 0..=23.
    pub hour: u8,
    /// The minute, 0..=59.
    pub minute: u8,
}

impl fmt::Display for TimeOfDay {
    fn fmt(&self, formatter: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(formatter, "{:02}:{:02}", self.hour, self.minute)
    }
}

/// Parses a time of day written `HH:MM` (24-hour clock; `7:05` is accepted).
///
/// # Errors
///
/// The value is not `HH:MM`, or the hour or minute is out of range.
pub fn time_of_day(text: &str) -> Result<TimeOfDay, InvalidInput> {
    let invalid = || {
        InvalidInput::new(
            "time",
            text,
            "use HH:MM on a 24-hour clock, such as `06:30` or `19:45`",
        )
    };
    let (hour, minute) = text.trim().split_once(':').ok_or_else(invalid)?;
    let number = |part: &str, max: u8, widths: std::ops::RangeInclusive<usize>| {
        if !widths.contains(&part.len()) || !part.bytes().all(|byte| byte.is_ascii_digit()) {
            return None;
        }
        part.parse::<u8>().ok().filter(|value| *value <= max)
    };
    match (number(hour, 23, 1..=2), number(minute, 59, 2..=2)) {
        (Some(hour), Some(minute)) => Ok(TimeOfDay { hour, minute }),
        _ => Err(invalid()),
    }
}

/// A set of weekdays, 0 = Sunday .. 6 = Saturday, as the service numbers them.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub struct Days(u8);

const DAY_NAMES: [&str; 7] = ["sun", "mon", "tue", "wed", "thu", "fri", "sat"];
const DAY_FULL_NAMES: [&str; 7] = [
    "sunday",
    "monday",
    "tuesday",
    "wednesday",
    "thursday",
    "friday",
    "saturday",
];

impl Days {
    /// Every day of the week.
    pub const DAILY: Days = Days(0b111_1111);
    /// Monday to Friday.
    pub const WEEKDAYS: Days = Days(0b011_1110);
    /// Saturday and Sunday.
    pub const WEEKENDS: Days = Days(0b100_0001);

    /// Builds a set from service weekday numbers (0 = Sunday); numbers above 6 are ignored.
    pub fn from_numbers(numbers: impl IntoIterator<Item = u8>) -> Days {
        Days(
            numbers
                .into_iter()
                .filter(|number| *number <= 6)
                .fold(0, |set, number| set | (1 << number)),
        )
    }

    /// The weekday numbers in the set, ascending (0 = Sunday).
    pub fn numbers(self) -> Vec<u8> {
        (0..7).filter(|day| self.0 & (1 << day) != 0).collect()
    }

    /// Whether the set holds no day.
    pub fn is_empty(self) -> bool {
        self.0 == 0
    }
}

impl fmt::Display for Days {
    /// Writes `daily`, `weekdays`, `weekends`, or short names such as `mon,wed`.
    fn fmt(&self, formatter: &mut fmt::Formatter<'_>) -> fmt::Result {
        match *self {
            Days::DAILY => formatter.write_str("daily"),
            Days::WEEKDAYS => formatter.write_str("weekdays"),
            Days::WEEKENDS => formatter.write_str("weekends"),
            Days(0) => formatter.write_str("never"),
            _ => {
                let names: Vec<&str> = self
                    .numbers()
                    .into_iter()
                    .map(|day| DAY_NAMES[usize::from(day)])
                    .collect();
                formatter.write_str(&names.join(","))
            }
        }
    }
}

/// Parses days: `daily`, `weekdays`, `weekends`, numbers `1,3,5` (0 = Sunday ..
/// 6 = Saturday) or names `mon,wed` (three letters or in full, any case).
///
/// # Errors
///
/// An element is neither a number 0..=6 nor a day name, or the list is empty.
pub fn days(text: &str) -> Result<Days, InvalidInput> {
    let invalid = || {
        InvalidInput::new(
            "days",
            text,
            "use `daily`, `weekdays`, `weekends`, numbers 0-6 (0 = Sunday) or names such as `mon,wed,fri`",
        )
    };
    let lowered = text.trim().to_ascii_lowercase();
    match lowered.as_str() {
        "daily" | "every day" | "everyday" => return Ok(Days::DAILY),
        "weekdays" => return Ok(Days::WEEKDAYS),
        "weekends" => return Ok(Days::WEEKENDS),
        _ => {}
    }
    let mut numbers = Vec::new();
    for element in lowered.split(',').map(str::trim) {
        let day = if let Ok(number) = element.parse::<u8>() {
            Some(number).filter(|number| *number <= 6)
        } else {
            DAY_NAMES
                .iter()
                .zip(DAY_FULL_NAMES)
                .position(|(short, full)| element == *short || element == full)
                .and_then(|index| u8::try_from(index).ok())
        };
        numbers.push(day.ok_or_else(invalid)?);
    }
    let set = Days::from_numbers(numbers);
    if set.is_empty() {
        Err(invalid())
    } else {
        Ok(set)
    }
}

/// Parses a calendar date written `YYYY-MM-DD`.
///
/// # Errors
///
/// The value is not a valid date in that form.
pub fn date(text: &str) -> Result<jiff::civil::Date, InvalidInput> {
    text.trim()
        .parse::<jiff::civil::Date>()
        .map_err(|_| InvalidInput::new("date", text, "use YYYY-MM-DD, such as `2026-07-01`"))
}

/// Parses a page number or page size: a whole number of at least 1.
///
/// # Errors
///
/// The value is zero.
pub fn page_number(what: &'static str, value: u32) -> Result<u32, InvalidInput> {
    if value == 0 {
        Err(InvalidInput::new(what, "0", "pages count from 1"))
    } else {
        Ok(value)
    }
}

/// The type a device configuration key takes.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum ConfigKind {
    /// A number, such as `stopTemperature=35.5`.
    Number,
    /// A whole number, such as `sprayingSeconds=60`.
    Integer,
    /// `true` or `false` (also `on`/`off`, `yes`/`no`, `1`/`0`).
    Boolean,
    /// Any text, such as `liquidName=Citronella`.
    Text,
    /// An IANA time zone name, such as `America/Los_Angeles`.
    TimeZone,
}

/// The device configuration keys the service lets a client write, and their types.
pub const CONFIG_KEYS: [(&str, ConfigKind); 8] = [
    ("stopTemperature", ConfigKind::Number),
    ("stopRainy", ConfigKind::Boolean),
    ("stopSnow", ConfigKind::Boolean),
    ("stopWindstorm", ConfigKind::Boolean),
    ("liquidName", ConfigKind::Text),
    ("liquidConcentration", ConfigKind::Number),
    ("timeZone", ConfigKind::TimeZone),
    ("sprayingSeconds", ConfigKind::Integer),
];

/// One `KEY=VALUE` pair of `moogo config set`, with the key in the service's
/// spelling and the value converted to the key's type.
#[derive(Debug, Clone, PartialEq)]
pub struct ConfigPair {
    /// The key as the service spells it, such as `stopTemperature`.
    pub key: &'static str,
    /// The typed value.
    pub value: serde_json::Value,
}

/// Parses a `KEY=VALUE` configuration pair; the key is matched without regard
/// to case, `-` or `_` (`stop-temperature` is `stopTemperature`).
///
/// # Errors
///
/// There is no `=`, the key is not writable, or the value does not fit the key's type.
pub fn config_pair(text: &str) -> Result<ConfigPair, InvalidInput> {
    let known_keys = || {
        CONFIG_KEYS
            .iter()
            .map(|(key, _)| *key)
            .collect::<Vec<_>>()
            .join(", ")
    };
    let Some((raw_key, raw_value)) = text.split_once('=') else {
        return Err(InvalidInput::new(
            "setting",
            text,
            format!(
                "use KEY=VALUE, such as `stopTemperature=35`; keys: {}",
                known_keys()
            ),
        ));
    };
    let folded = |key: &str| {
        key.chars()
            .filter(|c| *c != '-' && *c != '_')
            .collect::<String>()
            .to_ascii_lowercase()
    };
    let wanted = folded(raw_key.trim());
    let Some(&(key, kind)) = CONFIG_KEYS.iter().find(|(key, _)| folded(key) == wanted) else {
        return Err(InvalidInput::new(
            "setting key",
            raw_key,
            format!("writable keys are {}", known_keys()),
        ));
    };
    let raw_value = raw_value.trim();
    let mismatch =
        |expected: &str| InvalidInput::new("value", raw_value, format!("`{key}` takes {expected}"));
    let value = match kind {
        ConfigKind::Number => raw_value
            .parse::<f64>()
            .ok()
            .filter(|number| number.is_finite())
            .and_then(|number| {
                if number.fract() == 0.0 && number.abs() < 1e15 {
                    raw_value.parse::<i64>().ok().map(serde_json::Value::from)
                } else {
                    serde_json::Number::from_f64(number).map(serde_json::Value::Number)
                }
            })
            .ok_or_else(|| mismatch("a number, such as `35` or `22.5`"))?,
        ConfigKind::Integer => raw_value
            .parse::<i64>()
            .map(serde_json::Value::from)
            .map_err(|_| mismatch("a whole number, such as `60`"))?,
        ConfigKind::Boolean => match raw_value.to_ascii_lowercase().as_str() {
            "true" | "on" | "yes" | "1" => serde_json::Value::Bool(true),
            "false" | "off" | "no" | "0" => serde_json::Value::Bool(false),
            _ => return Err(mismatch("`true` or `false`")),
        },
        ConfigKind::Text => {
            if raw_value.is_empty() {
                return Err(mismatch("a non-empty text"));
            }
            serde_json::Value::from(raw_value)
        }
        ConfigKind::TimeZone => {
            if jiff::tz::TimeZone::get(raw_value).is_err() {
                return Err(mismatch(
                    "an IANA time zone name, such as `America/Los_Angeles`",
                ));
            }
            serde_json::Value::from(raw_value)
        }
    };
    Ok(ConfigPair { key, value })
}

#[cfg(test)]
mod tests {
    use super::*;

    fn check<T: fmt::Debug + PartialEq>(
        parse: impl Fn(&str) -> Result<T, InvalidInput>,
        input: &str,
        expected: Option<T>,
    ) {
        let actual = parse(input).ok();
        assert_eq!(actual, expected, "input {input:?}");
    }

    #[test]
    fn durations() {
        let seconds = |n| Some(Duration::from_secs(n));
        check(duration, "90", seconds(90));
        check(duration, "90s", seconds(90));
        check(duration, "2m", seconds(120));
        check(duration, "1m30s", seconds(90));
        check(duration, " 45 ", seconds(45));
        check(duration, "1h", seconds(3600));
        check(duration, "0", None);
        check(duration, "3601", None);
        check(duration, "2h", None);
        check(duration, "1.5s", None);
        check(duration, "500ms", None);
        check(duration, "-5", None);
        check(duration, "", None);
        check(duration, "ten", None);
        check(duration, "99999999999999999999999", None);
    }

    #[test]
    fn times_of_day() {
        let at = |hour, minute| Some(TimeOfDay { hour, minute });
        check(time_of_day, "06:30", at(6, 30));
        check(time_of_day, "6:30", at(6, 30));
        check(time_of_day, "23:59", at(23, 59));
        check(time_of_day, "00:00", at(0, 0));
        check(time_of_day, "24:00", None);
        check(time_of_day, "12:60", None);
        check(time_of_day, "12:5", None);
        check(time_of_day, "1230", None);
        check(time_of_day, "ab:cd", None);
        check(time_of_day, "-1:30", None);
        check(time_of_day, "123:00", None);
        assert_eq!(TimeOfDay { hour: 7, minute: 5 }.to_string(), "07:05");
    }

    #[test]
    fn day_lists() {
        let set = |numbers: &[u8]| Some(Days::from_numbers(numbers.iter().copied()));
        check(days, "1,2,3", set(&[1, 2, 3]));
        check(days, "mon,wed", set(&[1, 3]));
        check(days, "Mon, Wednesday", set(&[1, 3]));
        check(days, "0,6", set(&[0, 6]));
        check(days, "daily", set(&[0, 1, 2, 3, 4, 5, 6]));
        check(days, "weekdays", set(&[1, 2, 3, 4, 5]));
        check(days, "WEEKENDS", set(&[0, 6]));
        check(days, "3,1,3", set(&[1, 3]));
        check(days, "7", None);
        check(days, "funday", None);
        check(days, "", None);
        check(days, "1,,2", None);
    }

    #[test]
    fn day_display() {
        let show = |text: &str| days(text).map(|set| set.to_string()).unwrap_or_default();
        assert_eq!(show("0,1,2,3,4,5,6"), "daily");
        assert_eq!(show("1,2,3,4,5"), "weekdays");
        assert_eq!(show("sat,sun"), "weekends");
        assert_eq!(show("3,1"), "mon,wed");
        assert_eq!(Days::default().to_string(), "never");
    }

    #[test]
    fn dates() {
        check(date, "2026-07-01", jiff::civil::date(2026, 7, 1).into());
        check(date, "2026-02-30", None);
        check(date, "yesterday", None);
    }

    #[test]
    fn config_pairs() {
        let pair = |key, value: serde_json::Value| Some(ConfigPair { key, value });
        check(
            config_pair,
            "stopTemperature=35",
            pair("stopTemperature", 35.into()),
        );
        check(
            config_pair,
            "stop-temperature=22.5",
            pair("stopTemperature", 22.5.into()),
        );
        check(config_pair, "stop_rainy=on", pair("stopRainy", true.into()));
        check(
            config_pair,
            "STOPSNOW=false",
            pair("stopSnow", false.into()),
        );
        check(
            config_pair,
            "sprayingSeconds=60",
            pair("sprayingSeconds", 60.into()),
        );
        check(
            config_pair,
            "liquidName=Cedar Oil",
            pair("liquidName", "Cedar Oil".into()),
        );
        check(
            config_pair,
            "timeZone=Europe/Paris",
            pair("timeZone", "Europe/Paris".into()),
        );
        check(config_pair, "timeZone=EST5EDT,M3.2.0,M11.1.0", None);
        check(config_pair, "timeZone=Mars/Olympus", None);
        check(config_pair, "sprayingSeconds=1.5", None);
        check(config_pair, "stopRainy=maybe", None);
        check(config_pair, "stopTemperature=warm", None);
        check(config_pair, "stopTemperature=NaN", None);
        check(config_pair, "firmware=2.0", None);
        check(config_pair, "stopTemperature", None);
        check(config_pair, "liquidName=", None);
    }

    #[test]
    fn invalid_input_names_the_value_and_the_fix() {
        let error = duration("2h").unwrap_err();
        assert_eq!(
            error.to_string(),
            "invalid duration `2h`: out of range; use seconds (`90`) or units (`90s`, `2m`, `1m30s`) between 1 s and 1 h"
        );
        let error = config_pair("firmware=2").unwrap_err();
        assert!(
            error
                .to_string()
                .contains("writable keys are stopTemperature"),
            "{error}"
        );
    }
}
