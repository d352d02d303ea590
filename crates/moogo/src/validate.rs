//! Input checks run before any request, so a bad argument never reaches the service.

use crate::error::{Error, Result};
use crate::model::{ConfigUpdate, LogQuery, ScheduleCreate, ScheduleUpdate};

const HOURS: &str = "an hour in 0..=23";
const MINUTES: &str = "a minute in 0..=59";
const DURATION: &str = "a duration in 1..=3600 seconds";
const WEEKDAYS: &str = "weekdays in 0..=6 (0 = Sunday), at least one";
const TIME_ZONE: &str = "an IANA time zone name such as `America/Los_Angeles`";

pub(crate) fn hour(hour: u8) -> Result<()> {
    check(hour <= 23, "hour", hour, HOURS)
}

pub(crate) fn minute(minute: u8) -> Result<()> {
    check(minute <= 59, "minute", minute, MINUTES)
}

pub(crate) fn duration_secs(field: &'static str, seconds: u32) -> Result<()> {
    check((1..=3600).contains(&seconds), field, seconds, DURATION)
}

pub(crate) fn weekdays(weekdays: &[u8]) -> Result<()> {
    let bad = weekdays.iter().find(|day| **day > 6);
    if let Some(day) = bad {
        return Err(Error::invalid_input("weekdays", day, WEEKDAYS));
    }
    check(!weekdays.is_empty(), "weekdays", "[]", WEEKDAYS)
}

/// Accepts IANA names only: POSIX TZ strings such as `EST5EDT,M3.2.0,M11.1.0`
/// are rejected by the service.
pub(crate) fn time_zone(name: &str) -> Result<()> {
    let looks_posix = name.contains(',') || name.starts_with('<');
    let known = !looks_posix && jiff::tz::TimeZone::get(name).is_ok();
    check(known, "time zone", name, TIME_ZONE)
}

/// A device or schedule id that fits in a path segment.
pub(crate) fn id(field: &'static str, id: &str) -> Result<()> {
    let ok = !id.is_empty()
        && id
            .chars()
            .all(|c| c.is_ascii_alphanumeric() || matches!(c, '-' | '_' | '.' | ':'))
        && id != "."
        && id != "..";
    check(
        ok,
        field,
        id,
        "a non-empty id of letters, digits, `-`, `_`, `.` or `:`",
    )
}

pub(crate) fn schedule_create(schedule: &ScheduleCreate) -> Result<()> {
    hour(schedule.hour)?;
    minute(schedule.minute)?;
    duration_secs("duration", schedule.duration_secs)?;
    weekdays(&schedule.weekdays)
}

pub(crate) fn schedule_update(update: &ScheduleUpdate) -> Result<()> {
    update.hour.map(hour).transpose()?;
    update.minute.map(minute).transpose()?;
    update
        .duration_secs
        .map(|d| duration_secs("duration", d))
        .transpose()?;
    update.weekdays.as_deref().map(weekdays).transpose()?;
    Ok(())
}

pub(crate) fn config_update(update: &ConfigUpdate) -> Result<()> {
    update.time_zone.as_deref().map(time_zone).transpose()?;
    update
        .spraying_seconds
        .map(|s| duration_secs("spraying seconds", s))
        .transpose()?;
    if let Some(t) = update.stop_temperature {
        check(
            t.is_finite(),
            "stop temperature",
            t,
            "a finite number of degrees Celsius",
        )?;
    }
    if let Some(c) = update.liquid_concentration {
        check(
            c.is_finite() && c >= 0.0,
            "liquid concentration",
            c,
            "a number >= 0",
        )?;
    }
    Ok(())
}

pub(crate) fn log_query(query: &LogQuery) -> Result<()> {
    check(query.page >= 1, "page", query.page, "a page number >= 1")?;
    check(
        (1..=100).contains(&query.page_size),
        "page size",
        query.page_size,
        "a page size in 1..=100",
    )?;
    if let (Some(start), Some(end)) = (query.start_date, query.end_date) {
        check(
            start <= end,
            "dates",
            format!("{start}..{end}"),
            "a start date on or before the end date",
        )?;
    }
    Ok(())
}

fn check(ok: bool, field: &'static str, value: impl ToString, allowed: &'static str) -> Result<()> {
    if ok {
        Ok(())
    } else {
        Err(Error::invalid_input(field, value, allowed))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn ranges() {
        hour(0).unwrap();
        hour(23).unwrap();
        minute(59).unwrap();
        duration_secs("duration", 1).unwrap();
        duration_secs("duration", 3600).unwrap();
        weekdays(&[0, 6]).unwrap();
        for err in [
            hour(24),
            minute(60),
            duration_secs("duration", 0),
            duration_secs("duration", 3601),
            weekdays(&[7]),
            weekdays(&[]),
        ] {
            assert!(matches!(err, Err(Error::InvalidInput { .. })));
        }
    }

    #[test]
    fn time_zones_are_iana_names() {
        time_zone("America/Los_Angeles").unwrap();
        time_zone("UTC").unwrap();
        for bad in ["EST5EDT,M3.2.0,M11.1.0", "<+05>-5", "Mars/Olympus", ""] {
            assert!(time_zone(bad).is_err(), "{bad}");
        }
    }

    #[test]
    fn ids_are_path_safe() {
        id("device id", "dev-1_A.b").unwrap();
        for bad in ["", "..", "a/b", "a?b", "a b"] {
            assert!(id("device id", bad).is_err(), "{bad}");
        }
    }

    #[test]
    fn messages_name_field_and_range() {
        let messages: Vec<String> = [
            hour(24),
            minute(60),
            duration_secs("duration", 0),
            weekdays(&[1, 9]),
            time_zone("EST5EDT,M3.2.0,M11.1.0"),
        ]
        .into_iter()
        .map(|r| r.unwrap_err().to_string())
        .collect();
        insta::assert_snapshot!(messages.join("\n"));
    }
}
