//! Spray schedules: their fields, their limits and when they next fire.

use std::ops::RangeInclusive;
use std::time::Duration;

use jiff::Timestamp;
use jiff::civil::Date;
use jiff::tz::TimeZone;
use serde::Serialize;

/// Valid values of `hour`.
pub(crate) const HOURS: RangeInclusive<i64> = 0..=23;
/// Valid values of `minute`.
pub(crate) const MINUTES: RangeInclusive<i64> = 0..=59;
/// Valid values of `duration`, in seconds.
pub(crate) const DURATIONS: RangeInclusive<i64> = 1..=3600;

/// A set of weekdays, 0 = Sunday .. 6 = Saturday, as the `repeatSet` field spells it.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) struct Weekdays(u8);

impl Weekdays {
    /// Every day of the week.
    pub(crate) const ALL: Self = Self(0b111_1111);

    /// Parses a comma-separated list such as `"1,2,3,4,5"`.
    pub(crate) fn parse(text: &str) -> Result<Self, String> {
        let mut bits = 0u8;
        for part in text.split(',') {
            let part = part.trim();
            match part.parse::<u8>() {
                Ok(day) if day <= 6 => bits |= 1 << day,
                _ => {
                    return Err(format!(
                        "`{part}` is not a weekday: use 0 (Sunday) to 6 (Saturday), comma-separated, e.g. \"1,2,3,4,5\""
                    ));
                }
            }
        }
        Ok(Self(bits))
    }

    /// Whether `day` (0 = Sunday) is in the set.
    pub(crate) fn contains(self, day: i8) -> bool {
        (0..=6).contains(&day) && self.0 & (1 << day) != 0
    }

    /// The canonical `repeatSet` text, days in ascending order.
    pub(crate) fn repeat_set(self) -> String {
        (0..=6)
            .filter(|day| self.contains(*day))
            .map(|day| day.to_string())
            .collect::<Vec<_>>()
            .join(",")
    }
}

/// A schedule of one device.
#[derive(Debug, Clone)]
pub(crate) struct Schedule {
    pub(crate) id: String,
    pub(crate) hour: u8,
    pub(crate) minute: u8,
    pub(crate) duration: Duration,
    pub(crate) weekdays: Weekdays,
    pub(crate) enabled: bool,
    /// The occurrence that a `skip` call cancelled, if it has not come yet.
    pub(crate) skipped_occurrence: Option<Timestamp>,
}

/// A schedule as the API shows it.
#[derive(Debug, Serialize)]
#[serde(rename_all = "camelCase")]
pub(crate) struct ScheduleView {
    id: String,
    hour: u8,
    minute: u8,
    duration: u64,
    repeat_set: String,
    status: u8,
}

impl Schedule {
    /// The first time strictly after `after` at which this schedule fires, ignoring `enabled`.
    pub(crate) fn next_occurrence(
        &self,
        after: Timestamp,
        time_zone: &TimeZone,
    ) -> Option<Timestamp> {
        let first_day: Date = after.to_zoned(time_zone.clone()).date();
        // Eight days: today may already be past the hour, and the set may hold a single weekday.
        (0..=8).find_map(|offset| {
            let day = first_day.checked_add(jiff::Span::new().days(offset)).ok()?;
            if !self
                .weekdays
                .contains(day.weekday().to_sunday_zero_offset())
            {
                return None;
            }
            let at = day
                .at(self.hour as i8, self.minute as i8, 0, 0)
                .to_zoned(time_zone.clone())
                .ok()?
                .timestamp();
            (at > after).then_some(at)
        })
    }

    /// The API's view of this schedule.
    pub(crate) fn view(&self) -> ScheduleView {
        ScheduleView {
            id: self.id.clone(),
            hour: self.hour,
            minute: self.minute,
            duration: self.duration.as_secs(),
            repeat_set: self.weekdays.repeat_set(),
            status: u8::from(self.enabled),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn schedule(hour: u8, minute: u8, repeat_set: &str) -> Schedule {
        Schedule {
            id: "s-1".into(),
            hour,
            minute,
            duration: Duration::from_secs(60),
            weekdays: Weekdays::parse(repeat_set).unwrap(),
            enabled: true,
            skipped_occurrence: None,
        }
    }

    fn check(after: &str, hour: u8, repeat_set: &str, zone: &str, expected: &str) {
        let zone = TimeZone::get(zone).unwrap();
        let after: Timestamp = after.parse().unwrap();
        let next = schedule(hour, 30, repeat_set).next_occurrence(after, &zone);
        assert_eq!(next.map(|at| at.to_string()).as_deref(), Some(expected));
    }

    #[test]
    fn finds_the_next_occurrence_in_the_device_time_zone() {
        // 2026-12-04 is a Friday (5).
        check(
            "2026-12-04T10:00:00Z",
            19,
            "0,1,2,3,4,5,6",
            "UTC",
            "2026-12-04T19:30:00Z",
        );
        check(
            "2026-12-04T20:00:00Z",
            19,
            "0,1,2,3,4,5,6",
            "UTC",
            "2026-12-05T19:30:00Z",
        );
        check(
            "2026-12-04T20:00:00Z",
            19,
            "1",
            "UTC",
            "2026-12-07T19:30:00Z",
        );
        check(
            "2026-12-04T19:30:00Z",
            19,
            "5",
            "UTC",
            "2026-12-11T19:30:00Z",
        );
        check(
            "2026-12-04T10:00:00Z",
            19,
            "5",
            "America/Los_Angeles",
            "2026-12-05T03:30:00Z",
        );
    }

    #[test]
    fn weekdays_parse_and_print_canonically() {
        assert_eq!(Weekdays::parse("5, 1,3").unwrap().repeat_set(), "1,3,5");
        assert_eq!(Weekdays::ALL.repeat_set(), "0,1,2,3,4,5,6");
        assert!(Weekdays::parse("7").is_err());
        assert!(Weekdays::parse("").is_err());
        assert!(Weekdays::parse("mon").is_err());
    }
}
