//! The rate-limit cooldown (F1): a marker holding the time of the last detection.
//!
//! While less than the window has passed since the marker's time, cooldown-gated checks do not
//! run. Once it has passed, the marker is removed. A marker that cannot be read fails closed:
//! the cooldown counts as active (unless forced) and the reason names the place and the content.
//! Markers are written as RFC 3339 (`2024-05-01T02:00:00Z`); the original `YYYY-MM-DD HH:MM:SS`
//! format is read as UTC.

use std::path::PathBuf;
use std::time::Duration;

use jiff::{SignedDuration, Timestamp};

use crate::error::{Error, Result};
use crate::github_access::Access;

/// Reads a time as RFC 3339 or as `YYYY-MM-DD HH:MM:SS` (also with `T`) in UTC.
///
/// Surrounding whitespace is ignored. Anything else is `None`.
///
/// # Examples
///
/// ```
/// let legacy = cigate::cooldown::parse_time("2024-05-01 02:00:00").unwrap();
/// let modern = cigate::cooldown::parse_time("2024-05-01T02:00:00Z").unwrap();
/// assert_eq!(legacy, modern);
/// assert!(cigate::cooldown::parse_time("0").is_none());
/// ```
pub fn parse_time(text: &str) -> Option<Timestamp> {
    let text = text.trim();
    if let Ok(timestamp) = text.parse::<Timestamp>() {
        return Some(timestamp);
    }
    let bytes = text.as_bytes();
    let naive_shape = bytes.len() >= 19
        && bytes
            .iter()
            .take(19)
            .enumerate()
            .all(|(index, byte)| match index {
                4 | 7 => *byte == b'-',
                10 => *byte == b' ' || *byte == b'T',
                13 | 16 => *byte == b':',
                _ => byte.is_ascii_digit(),
            })
        && (bytes.len() == 19
            || (bytes[19] == b'.'
                && bytes[20..].iter().all(u8::is_ascii_digit)
                && bytes.len() > 20));
    if !naive_shape {
        return None;
    }
    let civil: jiff::civil::DateTime = text.replacen(' ', "T", 1).parse().ok()?;
    civil
        .to_zoned(jiff::tz::TimeZone::UTC)
        .ok()
        .map(|zoned| zoned.timestamp())
}

/// Formats a marker time: RFC 3339 in UTC, to the second.
pub fn format_time(time: Timestamp) -> String {
    time.round(jiff::Unit::Second).unwrap_or(time).to_string()
}

/// Where the marker is kept.
// One store exists per invocation: the size of the GitHub variant does not matter.
#[allow(clippy::large_enum_variant)]
#[derive(Debug, Clone)]
pub enum MarkerStore {
    /// A file holding the time (the original kept `.github/.rate_limit_marker`).
    File(PathBuf),
    /// A GitHub Actions repository variable, through the REST API.
    ///
    /// A workflow can pass the variable's value in the environment variable of the same name
    /// (`RATE_LIMIT_MARKER: ${{ vars.RATE_LIMIT_MARKER }}`): reading then needs no API call and
    /// no token, and an empty value means "no marker". Writes go through the API and are
    /// remembered, so that later reads in the same process see them.
    GithubVariable {
        /// The variable's name.
        name: String,
        /// The client, or why there is none.
        access: Access,
        /// The value the workflow passed in the environment, if it did.
        passed: Option<String>,
        /// What this process wrote last, which later reads return.
        written: std::sync::Arc<std::sync::Mutex<Option<Stored>>>,
    },
}

/// What reading the marker store found.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Stored {
    /// No marker.
    Absent,
    /// The marker's raw content.
    Present(String),
    /// The store cannot be reached (no GitHub token, say): why.
    Unavailable(String),
}

impl MarkerStore {
    /// A description for people, such as ``file `.github/.rate_limit_marker` ``.
    pub fn location(&self) -> String {
        match self {
            MarkerStore::File(path) => format!("file `{}`", path.display()),
            MarkerStore::GithubVariable { name, .. } => {
                format!("repository variable `{name}`")
            }
        }
    }

    /// Reads the raw marker.
    ///
    /// # Errors
    ///
    /// [`Error::Read`] when the file exists but cannot be read; [`Error::Github`] when GitHub
    /// answers with an error.
    pub async fn read(&self) -> Result<Stored> {
        match self {
            MarkerStore::File(path) => match std::fs::read_to_string(path) {
                Ok(content) => Ok(Stored::Present(content)),
                Err(error) if error.kind() == std::io::ErrorKind::NotFound => Ok(Stored::Absent),
                Err(source) => Err(Error::Read {
                    path: path.clone(),
                    source,
                }),
            },
            MarkerStore::GithubVariable {
                name,
                access,
                passed,
                written,
            } => {
                if let Some(stored) = written.lock().map(|guard| guard.clone()).ok().flatten() {
                    return Ok(stored);
                }
                if let Some(value) = passed {
                    return Ok(if value.trim().is_empty() {
                        Stored::Absent
                    } else {
                        Stored::Present(value.clone())
                    });
                }
                match access {
                    Access::Ready(github) => match github.variables().get(name).await {
                        Ok(Some(value)) => Ok(Stored::Present(value)),
                        Ok(None) => Ok(Stored::Absent),
                        Err(source) => Err(Error::github(
                            &format!("read repository variable `{name}`"),
                            source,
                        )),
                    },
                    Access::Unavailable(reason) => Ok(Stored::Unavailable(format!(
                        "cannot read repository variable `{name}` ({reason})"
                    ))),
                }
            }
        }
    }

    /// Writes the marker. Returns a note when the store could only say what it would have done.
    ///
    /// # Errors
    ///
    /// [`Error::Write`] or [`Error::Github`].
    pub async fn write(&self, content: &str) -> Result<Option<String>> {
        match self {
            MarkerStore::File(path) => {
                if let Some(parent) = path.parent().filter(|p| !p.as_os_str().is_empty()) {
                    std::fs::create_dir_all(parent).map_err(|source| Error::Write {
                        path: parent.to_owned(),
                        source,
                    })?;
                }
                std::fs::write(path, format!("{content}\n")).map_err(|source| Error::Write {
                    path: path.clone(),
                    source,
                })?;
                Ok(None)
            }
            MarkerStore::GithubVariable {
                name,
                access,
                written,
                ..
            } => match access {
                Access::Ready(github) => {
                    github
                        .variables()
                        .set(name, content)
                        .await
                        .map_err(|source| {
                            Error::github(&format!("set repository variable `{name}`"), source)
                        })?;
                    if let Ok(mut guard) = written.lock() {
                        *guard = Some(Stored::Present(content.to_owned()));
                    }
                    Ok(None)
                }
                Access::Unavailable(reason) => Ok(Some(format!(
                    "would have set repository variable `{name}` to `{content}` ({reason})"
                ))),
            },
        }
    }

    /// Removes the marker (no marker is fine). Returns a note as [`MarkerStore::write`] does.
    ///
    /// # Errors
    ///
    /// [`Error::Write`] or [`Error::Github`].
    pub async fn remove(&self) -> Result<Option<String>> {
        match self {
            MarkerStore::File(path) => match std::fs::remove_file(path) {
                Ok(()) => Ok(None),
                Err(error) if error.kind() == std::io::ErrorKind::NotFound => Ok(None),
                Err(source) => Err(Error::Write {
                    path: path.clone(),
                    source,
                }),
            },
            MarkerStore::GithubVariable {
                name,
                access,
                written,
                ..
            } => match access {
                Access::Ready(github) => {
                    github.variables().delete(name).await.map_err(|source| {
                        Error::github(&format!("delete repository variable `{name}`"), source)
                    })?;
                    if let Ok(mut guard) = written.lock() {
                        *guard = Some(Stored::Absent);
                    }
                    Ok(None)
                }
                Access::Unavailable(reason) => Ok(Some(format!(
                    "would have deleted repository variable `{name}` ({reason})"
                ))),
            },
        }
    }
}

/// The state of the cooldown at one moment.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum State {
    /// No marker: nothing is cooling down.
    Clear,
    /// A detection at `since`; gated checks wait until `until`.
    Active {
        /// The time of the last detection.
        since: Timestamp,
        /// When the window ends.
        until: Timestamp,
    },
    /// A marker whose window has passed.
    Expired {
        /// The time of the last detection.
        since: Timestamp,
    },
    /// A marker that holds no time: treated as active unless forced.
    Unreadable {
        /// Where the marker is.
        location: String,
        /// Its content (truncated to 80 characters).
        content: String,
    },
    /// The store cannot be reached; nothing is known, so nothing is blocked.
    Unavailable {
        /// Why.
        reason: String,
    },
}

/// The cooldown state with the moment it was read, which derived values are computed against.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Status {
    /// The state.
    pub state: State,
    /// The moment the state describes.
    pub now: Timestamp,
    /// The configured window.
    pub window: Duration,
}

impl Status {
    /// Whether the gated checks must wait (an active or unreadable marker).
    pub fn is_rate_limited(&self) -> bool {
        matches!(self.state, State::Active { .. } | State::Unreadable { .. })
    }

    /// The time left until the gated checks may run again (zero when they may run now).
    ///
    /// An unreadable marker counts as a detection now: the whole window.
    pub fn time_until_retry(&self) -> Duration {
        match &self.state {
            State::Active { until, .. } => until
                .duration_since(self.now)
                .try_into()
                .unwrap_or(Duration::ZERO),
            State::Unreadable { .. } => self.window,
            _ => Duration::ZERO,
        }
    }

    /// The time of the last detection, when known.
    pub fn last_failure_time(&self) -> Option<Timestamp> {
        match &self.state {
            State::Active { since, .. } | State::Expired { since } => Some(*since),
            _ => None,
        }
    }

    /// One line for people, such as `cooldown active: 12 hours 0 minutes left (until ...)`.
    pub fn describe(&self) -> String {
        match &self.state {
            State::Clear => "no rate limit recorded".to_owned(),
            State::Active { since, until } => format!(
                "cooldown active: {} left (rate limit detected {}, retry after {})",
                human_duration(self.time_until_retry()),
                format_time(*since),
                format_time(*until)
            ),
            State::Expired { since } => format!(
                "cooldown over: the rate limit detected {} is older than {}",
                format_time(*since),
                human_duration(self.window)
            ),
            State::Unreadable { location, content } => format!(
                "cooldown marker in {location} is unreadable (`{content}`): treated as active"
            ),
            State::Unavailable { reason } => format!("cooldown state unknown: {reason}"),
        }
    }

    /// The values `cooldown check` writes to `$GITHUB_OUTPUT`, in order:
    /// `rate_limited`, `can_proceed`, `time_until_retry` (seconds), `last_failure_time`.
    pub fn outputs(&self, can_proceed: bool) -> Vec<(String, String)> {
        vec![
            ("rate_limited".into(), self.is_rate_limited().to_string()),
            ("can_proceed".into(), can_proceed.to_string()),
            (
                "time_until_retry".into(),
                self.time_until_retry().as_secs().to_string(),
            ),
            (
                "last_failure_time".into(),
                self.last_failure_time()
                    .map(format_time)
                    .unwrap_or_default(),
            ),
        ]
    }
}

/// Whether the gated checks may run, and why.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Decision {
    /// The state that was decided on (before an expired marker was removed).
    pub status: Status,
    /// Whether the gated checks may run.
    pub can_proceed: bool,
    /// Whether they may run only because the decision was forced.
    pub forced: bool,
    /// What was done or would have been done, for people.
    pub notes: Vec<String>,
}

/// The cooldown: a marker store and a window.
#[derive(Debug, Clone)]
pub struct Cooldown {
    store: MarkerStore,
    window: Duration,
}

impl Cooldown {
    /// A cooldown of `window` whose marker lives in `store`.
    pub fn new(store: MarkerStore, window: Duration) -> Self {
        Self { store, window }
    }

    /// The marker store.
    pub fn store(&self) -> &MarkerStore {
        &self.store
    }

    /// The window.
    pub fn window(&self) -> Duration {
        self.window
    }

    /// Reads the state at `now` without changing anything.
    ///
    /// # Errors
    ///
    /// As [`MarkerStore::read`]. An unparsable marker is a [`State::Unreadable`], not an error.
    pub async fn status(&self, now: Timestamp) -> Result<Status> {
        let state = match self.store.read().await? {
            Stored::Absent => State::Clear,
            Stored::Unavailable(reason) => State::Unavailable { reason },
            Stored::Present(content) if content.trim().is_empty() => State::Unreadable {
                location: self.store.location(),
                content: String::new(),
            },
            Stored::Present(content) => match parse_time(&content) {
                Some(since) => {
                    let until = since
                        .checked_add(
                            SignedDuration::try_from(self.window).unwrap_or(SignedDuration::MAX),
                        )
                        .unwrap_or(Timestamp::MAX);
                    if now < until {
                        State::Active { since, until }
                    } else {
                        State::Expired { since }
                    }
                }
                None => State::Unreadable {
                    location: self.store.location(),
                    content: truncate(content.trim(), 80),
                },
            },
        };
        Ok(Status {
            state,
            now,
            window: self.window,
        })
    }

    /// Decides whether the gated checks may run at `now`; removes an expired marker.
    ///
    /// `force` runs them anyway (the manual override), which the notes warn about.
    ///
    /// # Errors
    ///
    /// As [`Cooldown::status`], or when an expired marker cannot be removed.
    pub async fn check(&self, now: Timestamp, force: bool) -> Result<Decision> {
        let status = self.status(now).await?;
        let mut notes = Vec::new();
        let (can_proceed, forced) = match &status.state {
            State::Clear => (true, false),
            State::Expired { .. } => {
                notes.push(format!(
                    "{}; marker in {} removed",
                    status.describe(),
                    self.store.location()
                ));
                if let Some(note) = self.store.remove().await? {
                    notes.push(note);
                }
                (true, false)
            }
            State::Unavailable { reason } => {
                notes.push(format!("{reason}; assuming no cooldown"));
                (true, false)
            }
            State::Active { .. } | State::Unreadable { .. } => {
                if force {
                    notes.push(format!(
                        "{}; running anyway because forced",
                        status.describe()
                    ));
                }
                (force, force)
            }
        };
        Ok(Decision {
            status,
            can_proceed,
            forced,
            notes,
        })
    }

    /// Records a detection at `now`. Returns a note when the store only said what it would do.
    ///
    /// # Errors
    ///
    /// As [`MarkerStore::write`].
    pub async fn mark(&self, now: Timestamp) -> Result<Option<String>> {
        self.store.write(&format_time(now)).await
    }

    /// Removes the marker.
    ///
    /// # Errors
    ///
    /// As [`MarkerStore::remove`].
    pub async fn clear(&self) -> Result<Option<String>> {
        self.store.remove().await
    }
}

/// A duration for people, in hours and minutes: `12 hours 0 minutes`, `1 hour 5 minutes`,
/// `3 minutes 20 seconds` below an hour.
pub fn human_duration(duration: Duration) -> String {
    fn unit(count: u64, name: &str) -> String {
        if count == 1 {
            format!("1 {name}")
        } else {
            format!("{count} {name}s")
        }
    }
    let seconds = duration.as_secs();
    let (hours, minutes, rest) = (seconds / 3600, seconds % 3600 / 60, seconds % 60);
    if hours > 0 {
        format!("{} {}", unit(hours, "hour"), unit(minutes, "minute"))
    } else {
        format!("{} {}", unit(minutes, "minute"), unit(rest, "second"))
    }
}

fn truncate(text: &str, max_chars: usize) -> String {
    match text.char_indices().nth(max_chars) {
        Some((index, _)) => format!("{}…", &text[..index]),
        None => text.to_owned(),
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use proptest::prelude::*;

    fn time(text: &str) -> Timestamp {
        text.parse().unwrap()
    }

    fn check_parse(input: &str, expected: Option<&str>) {
        assert_eq!(parse_time(input), expected.map(time), "{input:?}");
    }

    #[test]
    fn parses_marker_formats() {
        check_parse("2024-05-01 02:00:00", Some("2024-05-01T02:00:00Z"));
        check_parse("2024-05-01 02:00:00\n", Some("2024-05-01T02:00:00Z"));
        check_parse("2024-05-01T02:00:00", Some("2024-05-01T02:00:00Z"));
        check_parse("2024-05-01T02:00:00Z", Some("2024-05-01T02:00:00Z"));
        check_parse("2024-05-01T04:00:00+02:00", Some("2024-05-01T02:00:00Z"));
        check_parse("2024-05-01 02:00:00.5", Some("2024-05-01T02:00:00.5Z"));
        check_parse("", None);
        check_parse("0", None);
        check_parse("yesterday", None);
        check_parse("2024-05-01", None);
        check_parse("2024-13-01 02:00:00", None);
        check_parse("2024-05-01 02:00:00 garbage", None);
        check_parse("1714528800", None);
    }

    fn file_cooldown() -> (tempfile::TempDir, Cooldown) {
        let dir = tempfile::tempdir().unwrap();
        let store = MarkerStore::File(dir.path().join(".github/.rate_limit_marker"));
        (dir, Cooldown::new(store, Duration::from_secs(24 * 3600)))
    }

    #[tokio::test]
    async fn mark_then_check_blocks_until_the_window_passes() {
        let (dir, cooldown) = file_cooldown();
        let detected = time("2024-05-01T02:00:00Z");
        cooldown.mark(detected).await.unwrap();
        let content =
            std::fs::read_to_string(dir.path().join(".github/.rate_limit_marker")).unwrap();
        assert_eq!(content, "2024-05-01T02:00:00Z\n");

        let decision = cooldown
            .check(time("2024-05-01T14:00:00Z"), false)
            .await
            .unwrap();
        assert!(!decision.can_proceed);
        assert_eq!(
            decision.status.time_until_retry(),
            Duration::from_secs(12 * 3600)
        );
        assert_eq!(
            decision.status.describe(),
            "cooldown active: 12 hours 0 minutes left (rate limit detected 2024-05-01T02:00:00Z, retry after 2024-05-02T02:00:00Z)"
        );
        assert_eq!(
            decision.status.outputs(decision.can_proceed),
            [
                ("rate_limited".to_owned(), "true".to_owned()),
                ("can_proceed".to_owned(), "false".to_owned()),
                ("time_until_retry".to_owned(), "43200".to_owned()),
                (
                    "last_failure_time".to_owned(),
                    "2024-05-01T02:00:00Z".to_owned()
                ),
            ]
        );

        let forced = cooldown
            .check(time("2024-05-01T14:00:00Z"), true)
            .await
            .unwrap();
        assert!(forced.can_proceed && forced.forced);
        assert_eq!(forced.notes.len(), 1);

        let later = cooldown
            .check(time("2024-05-02T02:00:00Z"), false)
            .await
            .unwrap();
        assert!(later.can_proceed);
        assert!(matches!(later.status.state, State::Expired { .. }));
        assert_eq!(
            cooldown
                .status(time("2024-05-02T03:00:00Z"))
                .await
                .unwrap()
                .state,
            State::Clear
        );
    }

    #[tokio::test]
    async fn legacy_marker_is_read_as_utc() {
        let (dir, cooldown) = file_cooldown();
        std::fs::create_dir_all(dir.path().join(".github")).unwrap();
        std::fs::write(
            dir.path().join(".github/.rate_limit_marker"),
            "2024-05-01 02:00:00\n",
        )
        .unwrap();
        let status = cooldown.status(time("2024-05-01T03:30:00Z")).await.unwrap();
        assert_eq!(
            status.time_until_retry(),
            Duration::from_secs(22 * 3600 + 30 * 60)
        );
    }

    #[tokio::test]
    async fn unreadable_marker_fails_closed_and_is_kept() {
        let (dir, cooldown) = file_cooldown();
        let path = dir.path().join(".github/.rate_limit_marker");
        std::fs::create_dir_all(path.parent().unwrap()).unwrap();
        std::fs::write(&path, "not a date\n").unwrap();
        let decision = cooldown
            .check(time("2024-05-01T03:30:00Z"), false)
            .await
            .unwrap();
        assert!(!decision.can_proceed);
        assert!(decision.status.is_rate_limited());
        let State::Unreadable { location, content } = &decision.status.state else {
            panic!("expected unreadable, got {:?}", decision.status.state);
        };
        assert_eq!(location, &format!("file `{}`", path.display()));
        assert_eq!(content, "not a date");
        assert!(path.exists(), "an unreadable marker must not be deleted");
        assert!(
            cooldown
                .check(time("2024-05-01T03:30:00Z"), true)
                .await
                .unwrap()
                .can_proceed
        );
    }

    #[test]
    fn human_durations() {
        assert_eq!(
            human_duration(Duration::from_secs(12 * 3600)),
            "12 hours 0 minutes"
        );
        assert_eq!(
            human_duration(Duration::from_secs(3600 + 60)),
            "1 hour 1 minute"
        );
        assert_eq!(
            human_duration(Duration::from_secs(200)),
            "3 minutes 20 seconds"
        );
    }

    proptest! {
        #[test]
        fn written_markers_read_back(seconds in 0i64..4_102_444_800) {
            let time = Timestamp::from_second(seconds).unwrap();
            prop_assert_eq!(parse_time(&format_time(time)), Some(time));
        }

        #[test]
        fn legacy_format_is_utc(seconds in 0i64..4_102_444_800) {
            let time = Timestamp::from_second(seconds).unwrap();
            let legacy = time.to_zoned(jiff::tz::TimeZone::UTC).strftime("%Y-%m-%d %H:%M:%S").to_string();
            prop_assert_eq!(parse_time(&legacy), Some(time));
        }

        #[test]
        fn garbage_never_panics(text in "\\PC*") {
            let _ = parse_time(&text);
        }

        #[test]
        fn digits_alone_are_never_times(text in "[0-9]{1,12}") {
            prop_assert_eq!(parse_time(&text), None);
        }

        #[test]
        fn near_misses_are_rejected(year in 1000u32..9999, sep in "[/._x]") {
            let text = format!("{year}{sep}05{sep}01 02:00:00");
            prop_assert_eq!(parse_time(&text), None);
        }
    }
}
