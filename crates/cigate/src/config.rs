//! `cigate.toml`: the checks to run and how to judge them.
//!
//! The file is layered on compiled-in defaults (`default-config.toml`, shown in the README):
//! each key a project sets replaces the default. Parsing happens in two steps: the TOML is
//! read into raw structs, then every value is validated and turned into the types below, so
//! that an error names the file, the dotted key, the bad value and the expected form.
//! Unknown keys are not errors but warnings naming the file and key.

use std::collections::{BTreeMap, BTreeSet};
use std::path::{Path, PathBuf};
use std::time::Duration;

use regex::Regex;
use serde::Deserialize;

use crate::classify::Rules;
use crate::error::{Error, Result};
use crate::run::RetryOn;
use crate::trigger::Trigger;

/// The compiled-in defaults, as TOML.
pub const DEFAULT_CONFIG: &str = include_str!("default-config.toml");

/// A loaded and validated `cigate.toml`.
#[derive(Debug, Clone)]
pub struct Config {
    /// The file it was read from.
    pub path: PathBuf,
    /// The directory relative paths start from, and where checks run: the file's directory
    /// (empty for a file in the current directory).
    pub root: PathBuf,
    /// `[cooldown]`.
    pub cooldown: CooldownConfig,
    /// `[rate_limit]` and `[transient]`: how outputs are classified.
    pub rules: Rules,
    /// `[rate_limit] lockout_record`, resolved against [`Config::root`].
    pub lockout_record: Option<PathBuf>,
    /// `[tracker]`.
    pub tracker: TrackerConfig,
    /// `[secrets]`.
    pub secrets: SecretsConfig,
    /// The `[[check]]` entries, ordered so that every check comes after its `needs`.
    pub checks: Vec<Check>,
    /// Warnings about the file (unknown keys), for the caller to show.
    pub warnings: Vec<String>,
}

/// `[cooldown]`: the rate-limit cooldown.
#[derive(Debug, Clone)]
pub struct CooldownConfig {
    /// `window`: how long the gated checks are skipped after a detection.
    pub window: Duration,
    /// `marker.file`, resolved against the root.
    pub marker_file: Option<PathBuf>,
    /// `marker.github_variable`: a repository variable name.
    pub marker_variable: Option<String>,
    /// `token_env`: the variable holding a token that may write repository variables.
    pub token_env: String,
}

/// `[tracker] kind`.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum TrackerKind {
    /// GitHub issues through the REST API.
    Github,
    /// A JSON file of issues shaped like GitHub's.
    File,
    /// No issues at all.
    None,
    /// `github` inside GitHub Actions, `file` elsewhere.
    Auto,
}

impl TrackerKind {
    /// Parses `github`, `file`, `none` or `auto`.
    pub fn parse(name: &str) -> Option<Self> {
        match name {
            "github" => Some(TrackerKind::Github),
            "file" => Some(TrackerKind::File),
            "none" => Some(TrackerKind::None),
            "auto" => Some(TrackerKind::Auto),
            _ => None,
        }
    }
}

/// `[tracker]`: where rate-limit issues are opened.
#[derive(Debug, Clone)]
pub struct TrackerConfig {
    /// `kind`.
    pub kind: TrackerKind,
    /// `title`: the title of the rate-limit issue.
    pub title: String,
    /// `labels`.
    pub labels: Vec<String>,
    /// `path`: the file tracker's JSON file, resolved against the root.
    pub path: PathBuf,
    /// `token_env`: the variable holding the github tracker's token.
    pub token_env: String,
}

/// `[secrets]`: session caching in CI (F6).
#[derive(Debug, Clone)]
pub struct SecretsConfig {
    /// `token_env`: the variable holding a token that may write repository secrets.
    pub token_env: String,
    /// `map`: session JSON key to repository secret name.
    pub map: BTreeMap<String, String>,
    /// `redact_env`: variables whose values are redacted from logs and masked in Actions.
    pub redact_env: Vec<String>,
    /// `session`: the session file the tests write, resolved against the root.
    pub session: Option<PathBuf>,
}

/// One `[[check]]`.
#[derive(Debug, Clone)]
pub struct Check {
    /// `name`: unique, letters, digits, `-` and `_`.
    pub name: String,
    /// `run`: a shell command line (`sh -c`), run in the root directory.
    pub run: String,
    /// `required` (default true): whether the verdict fails when this check does not succeed.
    pub required: bool,
    /// `needs`: checks that must succeed first; otherwise this one is skipped.
    pub needs: Vec<String>,
    /// `retries` (default 0): attempts after the first one.
    pub retries: u32,
    /// `timeout` (default 1h): limit per attempt; the whole process group is killed.
    pub timeout: Option<Duration>,
    /// `retry_on` (default `any`).
    pub retry_on: RetryOn,
    /// `backoff` (default 10s): delay before the second attempt, doubled each time.
    pub backoff: Duration,
    /// `backoff_max` (default 5m): the longest delay between attempts.
    pub backoff_max: Duration,
    /// `cooldown_gated`: skipped while the rate-limit cooldown is active.
    pub cooldown_gated: bool,
    /// `events`: the triggers that run this check.
    pub events: Vec<Trigger>,
    /// `env`: extra environment variables for the command.
    pub env: BTreeMap<String, String>,
    /// `requires_env`: variables that must be set, or the check is skipped with a notice.
    pub requires_env: Vec<String>,
    /// `junit`: a JUnit report the command writes, resolved against the root.
    pub junit: Option<PathBuf>,
    /// `detect_rate_limit` (default: `cooldown_gated`): whether the check talks to the
    /// rate-limited service, so that its output is searched for rate-limit evidence. Elsewhere
    /// (lint, a build) a "rate limited" line is no evidence: it may be a diff of a test.
    pub detect_rate_limit: bool,
}

impl Config {
    /// Loads `path`, layered on the compiled-in defaults.
    ///
    /// # Errors
    ///
    /// [`Error::Read`] when the file cannot be read, [`Error::ConfigSyntax`],
    /// [`Error::ConfigValue`] or [`Error::ConfigInvalid`] when it is not a valid configuration.
    pub fn load(path: &Path) -> Result<Self> {
        let text = std::fs::read_to_string(path).map_err(|source| Error::Read {
            path: path.to_owned(),
            source,
        })?;
        Self::parse(path, &text)
    }

    /// Parses `text` as if read from `path` (whose directory becomes the root).
    ///
    /// # Errors
    ///
    /// As [`Config::load`], without the read.
    ///
    /// # Examples
    ///
    /// ```
    /// let config = cigate::Config::parse(
    ///     "cigate.toml".as_ref(),
    ///     "[[check]]\nname = \"lint\"\nrun = \"cargo clippy\"\n",
    /// )
    /// .unwrap();
    /// assert_eq!(config.checks[0].name, "lint");
    /// assert!(config.checks[0].required);
    /// ```
    pub fn parse(path: &Path, text: &str) -> Result<Self> {
        let syntax = |source| Error::ConfigSyntax {
            path: path.to_owned(),
            source: Box::new(source),
        };
        // The user's text is deserialized directly, so that type errors point at its lines.
        let raw: RawConfig = toml::from_str(text).map_err(syntax)?;
        let defaults: RawConfig =
            toml::from_str(DEFAULT_CONFIG).expect("the compiled-in defaults are valid");
        let raw = raw.or(defaults);
        // An empty root keeps relative paths short (`.cigate/x`, not `./.cigate/x`); commands
        // run in `.` then.
        let root = path.parent().map(Path::to_owned).unwrap_or_default();
        Validator {
            path,
            root: &root,
            warnings: Vec::new(),
        }
        .validate(raw)
    }

    /// The check called `name`.
    ///
    /// # Errors
    ///
    /// [`Error::UnknownCheck`] naming the checks that exist.
    pub fn check(&self, name: &str) -> Result<&Check> {
        self.checks
            .iter()
            .find(|check| check.name == name)
            .ok_or_else(|| Error::UnknownCheck {
                name: name.to_owned(),
                path: self.path.clone(),
                known: self.checks.iter().map(|check| check.name.clone()).collect(),
            })
    }

    /// The directory cigate keeps its state in: `.cigate/` under the root.
    pub fn state_dir(&self) -> PathBuf {
        self.root.join(".cigate")
    }
}

/// `cigate.toml` as written: every key optional, so that the compiled-in defaults fill the
/// gaps key by key ([`RawConfig::or`]).
#[derive(Deserialize, Default)]
#[serde(default)]
struct RawConfig {
    cooldown: RawCooldown,
    rate_limit: RawRateLimit,
    transient: RawTransient,
    tracker: RawTracker,
    secrets: RawSecrets,
    check: Vec<RawCheck>,
    #[serde(flatten)]
    unknown: BTreeMap<String, toml::Value>,
}

#[derive(Deserialize, Default)]
#[serde(default)]
struct RawCooldown {
    window: Option<String>,
    marker: Option<RawMarker>,
    token_env: Option<String>,
    #[serde(flatten)]
    unknown: BTreeMap<String, toml::Value>,
}

#[derive(Deserialize, Default)]
#[serde(default)]
struct RawMarker {
    file: Option<String>,
    github_variable: Option<String>,
    #[serde(flatten)]
    unknown: BTreeMap<String, toml::Value>,
}

#[derive(Deserialize, Default)]
#[serde(default)]
struct RawRateLimit {
    patterns: Option<Vec<String>>,
    ignore: Option<Vec<String>>,
    lockout_record: Option<String>,
    #[serde(flatten)]
    unknown: BTreeMap<String, toml::Value>,
}

#[derive(Deserialize, Default)]
#[serde(default)]
struct RawTransient {
    patterns: Option<Vec<String>>,
    #[serde(flatten)]
    unknown: BTreeMap<String, toml::Value>,
}

#[derive(Deserialize, Default)]
#[serde(default)]
struct RawTracker {
    kind: Option<String>,
    title: Option<String>,
    labels: Option<Vec<String>>,
    path: Option<String>,
    token_env: Option<String>,
    #[serde(flatten)]
    unknown: BTreeMap<String, toml::Value>,
}

#[derive(Deserialize, Default)]
#[serde(default)]
struct RawSecrets {
    token_env: Option<String>,
    map: Option<BTreeMap<String, String>>,
    redact_env: Option<Vec<String>>,
    session: Option<String>,
    #[serde(flatten)]
    unknown: BTreeMap<String, toml::Value>,
}

impl RawConfig {
    /// Fills every key this file leaves out from `defaults`. Checks and unknown keys are the
    /// file's own.
    fn or(self, defaults: RawConfig) -> RawConfig {
        let (c, d) = (self.cooldown, defaults.cooldown);
        let cooldown = RawCooldown {
            window: c.window.or(d.window),
            marker: c.marker.or(d.marker),
            token_env: c.token_env.or(d.token_env),
            unknown: c.unknown,
        };
        let (r, d) = (self.rate_limit, defaults.rate_limit);
        let rate_limit = RawRateLimit {
            patterns: r.patterns.or(d.patterns),
            ignore: r.ignore.or(d.ignore),
            lockout_record: r.lockout_record.or(d.lockout_record),
            unknown: r.unknown,
        };
        let transient = RawTransient {
            patterns: self.transient.patterns.or(defaults.transient.patterns),
            unknown: self.transient.unknown,
        };
        let (t, d) = (self.tracker, defaults.tracker);
        let tracker = RawTracker {
            kind: t.kind.or(d.kind),
            title: t.title.or(d.title),
            labels: t.labels.or(d.labels),
            path: t.path.or(d.path),
            token_env: t.token_env.or(d.token_env),
            unknown: t.unknown,
        };
        let (s, d) = (self.secrets, defaults.secrets);
        let secrets = RawSecrets {
            token_env: s.token_env.or(d.token_env),
            map: s.map.or(d.map),
            redact_env: s.redact_env.or(d.redact_env),
            session: s.session.or(d.session),
            unknown: s.unknown,
        };
        RawConfig {
            cooldown,
            rate_limit,
            transient,
            tracker,
            secrets,
            check: self.check,
            unknown: self.unknown,
        }
    }
}

#[derive(Deserialize)]
struct RawCheck {
    name: String,
    run: String,
    #[serde(default = "default_true")]
    required: bool,
    #[serde(default)]
    needs: Vec<String>,
    #[serde(default)]
    retries: u32,
    timeout: Option<String>,
    retry_on: Option<String>,
    backoff: Option<String>,
    backoff_max: Option<String>,
    #[serde(default)]
    cooldown_gated: bool,
    events: Option<Vec<String>>,
    #[serde(default)]
    env: BTreeMap<String, String>,
    #[serde(default)]
    requires_env: Vec<String>,
    junit: Option<String>,
    detect_rate_limit: Option<bool>,
    #[serde(flatten)]
    unknown: BTreeMap<String, toml::Value>,
}

fn default_true() -> bool {
    true
}

struct Validator<'a> {
    path: &'a Path,
    root: &'a Path,
    warnings: Vec<String>,
}

impl Validator<'_> {
    fn validate(mut self, raw: RawConfig) -> Result<Config> {
        self.unknown("", &raw.unknown);
        self.unknown("cooldown.", &raw.cooldown.unknown);
        let marker = raw.cooldown.marker.unwrap_or_default();
        self.unknown("cooldown.marker.", &marker.unknown);
        self.unknown("rate_limit.", &raw.rate_limit.unknown);
        self.unknown("transient.", &raw.transient.unknown);
        self.unknown("tracker.", &raw.tracker.unknown);
        self.unknown("secrets.", &raw.secrets.unknown);

        if marker.file.is_none() && marker.github_variable.is_none() {
            let keys: Vec<&str> = marker.unknown.keys().map(String::as_str).collect();
            return Err(self.value(
                "cooldown.marker",
                &format!("{{ {} }}", keys.join(", ")),
                "`{ file = \"PATH\" }` or `{ github_variable = \"NAME\" }`",
            ));
        }
        let cooldown = CooldownConfig {
            window: self.duration(
                "cooldown.window",
                raw.cooldown.window.as_deref().unwrap_or_default(),
            )?,
            marker_file: marker.file.as_deref().map(|file| self.root.join(file)),
            marker_variable: marker.github_variable.clone(),
            token_env: raw.cooldown.token_env.unwrap_or_default(),
        };
        let rules = Rules {
            rate_limit: self.patterns(
                "rate_limit.patterns",
                raw.rate_limit.patterns.as_deref().unwrap_or_default(),
            )?,
            ignore: self.patterns(
                "rate_limit.ignore",
                raw.rate_limit.ignore.as_deref().unwrap_or_default(),
            )?,
            transient: self.patterns(
                "transient.patterns",
                raw.transient.patterns.as_deref().unwrap_or_default(),
            )?,
        };
        let tracker_kind = raw.tracker.kind.as_deref().unwrap_or_default();
        let tracker = TrackerConfig {
            kind: TrackerKind::parse(tracker_kind).ok_or_else(|| {
                self.value(
                    "tracker.kind",
                    tracker_kind,
                    "one of github, file, none, auto",
                )
            })?,
            title: raw.tracker.title.unwrap_or_default(),
            labels: raw.tracker.labels.unwrap_or_default(),
            path: self.root.join(raw.tracker.path.unwrap_or_default()),
            token_env: raw.tracker.token_env.unwrap_or_default(),
        };
        let secrets = SecretsConfig {
            token_env: raw.secrets.token_env.unwrap_or_default(),
            map: raw.secrets.map.unwrap_or_default(),
            redact_env: raw.secrets.redact_env.unwrap_or_default(),
            session: raw.secrets.session.map(|session| self.root.join(session)),
        };
        let mut checks = Vec::with_capacity(raw.check.len());
        for (index, check) in raw.check.into_iter().enumerate() {
            checks.push(self.check(index, check)?);
        }
        let checks = self.order(checks)?;
        Ok(Config {
            path: self.path.to_owned(),
            root: self.root.to_owned(),
            cooldown,
            rules,
            lockout_record: raw
                .rate_limit
                .lockout_record
                .map(|record| self.root.join(record)),
            tracker,
            secrets,
            checks,
            warnings: self.warnings,
        })
    }

    fn check(&mut self, index: usize, raw: RawCheck) -> Result<Check> {
        let valid_name = !raw.name.is_empty()
            && raw
                .name
                .chars()
                .all(|c| c.is_ascii_alphanumeric() || c == '-' || c == '_');
        if !valid_name {
            return Err(self.value(
                &format!("check[{index}].name"),
                &raw.name,
                "a name made of letters, digits, `-` and `_`",
            ));
        }
        let key = |field: &str| format!("check.{}.{field}", raw.name);
        self.unknown(&format!("check.{}.", raw.name), &raw.unknown);
        if raw.run.trim().is_empty() {
            return Err(self.value(&key("run"), &raw.run, "a command line"));
        }
        let duration_or = |this: &Self, field: &str, value: Option<&String>, default: &str| {
            this.duration(&key(field), value.map_or(default, String::as_str))
        };
        let timeout = match raw.timeout.as_deref() {
            Some("none") => None,
            other => Some(self.duration(&key("timeout"), other.unwrap_or("1h"))?),
        };
        let retry_on = match raw.retry_on.as_deref() {
            None => RetryOn::Any,
            Some(value) => RetryOn::parse(value).ok_or_else(|| {
                self.value(&key("retry_on"), value, "one of error, transient, any")
            })?,
        };
        let events = match &raw.events {
            None => Trigger::ALL
                .into_iter()
                .filter(|trigger| raw.cooldown_gated || *trigger != Trigger::Schedule)
                .collect(),
            Some(names) => names
                .iter()
                .map(|name| {
                    name.parse().map_err(|_| {
                        self.value(
                            &key("events"),
                            name,
                            "push, pull_request, schedule or workflow_dispatch",
                        )
                    })
                })
                .collect::<Result<Vec<_>>>()?,
        };
        Ok(Check {
            backoff: duration_or(self, "backoff", raw.backoff.as_ref(), "10s")?,
            backoff_max: duration_or(self, "backoff_max", raw.backoff_max.as_ref(), "5m")?,
            name: raw.name,
            run: raw.run,
            required: raw.required,
            needs: raw.needs,
            retries: raw.retries,
            timeout,
            retry_on,
            cooldown_gated: raw.cooldown_gated,
            events,
            env: raw.env,
            requires_env: raw.requires_env,
            junit: raw.junit.map(|junit| self.root.join(junit)),
            detect_rate_limit: raw.detect_rate_limit.unwrap_or(raw.cooldown_gated),
        })
    }

    /// Orders checks so that each comes after its needs, keeping the file order otherwise.
    fn order(&self, checks: Vec<Check>) -> Result<Vec<Check>> {
        let mut names = BTreeSet::new();
        for check in &checks {
            if !names.insert(check.name.as_str()) {
                return Err(self.invalid(format!("two checks are named `{}`", check.name)));
            }
        }
        for check in &checks {
            if let Some(need) = check
                .needs
                .iter()
                .find(|need| !names.contains(need.as_str()))
            {
                return Err(self.invalid(format!(
                    "check `{}` needs `{need}`, which is not defined",
                    check.name
                )));
            }
        }
        let mut placed: BTreeSet<String> = BTreeSet::new();
        let mut pending = checks;
        let mut ordered = Vec::with_capacity(pending.len());
        while !pending.is_empty() {
            let Some(index) = pending
                .iter()
                .position(|check| check.needs.iter().all(|need| placed.contains(need)))
            else {
                let cycle: Vec<_> = pending.iter().map(|check| check.name.as_str()).collect();
                return Err(self.invalid(format!("the needs of {} form a cycle", cycle.join(", "))));
            };
            let check = pending.remove(index);
            placed.insert(check.name.clone());
            ordered.push(check);
        }
        Ok(ordered)
    }

    fn duration(&self, key: &str, value: &str) -> Result<Duration> {
        humantime::parse_duration(value.trim())
            .map_err(|_| self.value(key, value, "a duration such as \"10m\", \"24h\" or \"90s\""))
    }

    fn patterns(&self, key: &str, patterns: &[String]) -> Result<Vec<Regex>> {
        patterns
            .iter()
            .enumerate()
            .map(|(index, pattern)| {
                Regex::new(pattern).map_err(|error| {
                    let reason = error.to_string();
                    let last = reason.lines().last().unwrap_or("invalid").trim().to_owned();
                    self.value(
                        &format!("{key}[{index}]"),
                        pattern,
                        &format!("a regular expression ({last})"),
                    )
                })
            })
            .collect()
    }

    fn unknown(&mut self, prefix: &str, keys: &BTreeMap<String, toml::Value>) {
        for key in keys.keys() {
            self.warnings.push(format!(
                "`{}`: unknown key `{prefix}{key}` is ignored",
                self.path.display()
            ));
        }
    }

    fn value(&self, key: &str, value: &str, expected: &str) -> Error {
        Error::ConfigValue {
            path: self.path.to_owned(),
            key: key.to_owned(),
            value: value.to_owned(),
            expected: expected.to_owned(),
        }
    }

    fn invalid(&self, message: String) -> Error {
        Error::ConfigInvalid {
            path: self.path.to_owned(),
            message,
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn parse(text: &str) -> Result<Config> {
        Config::parse(Path::new("repo/cigate.toml"), text)
    }

    fn check_error(text: &str, expected: &str) {
        let error = parse(text).expect_err("the configuration should be rejected");
        assert_eq!(error.to_string(), expected);
    }

    #[test]
    fn defaults_apply_when_the_file_is_empty() {
        let config = parse("").unwrap();
        assert_eq!(config.cooldown.window, Duration::from_secs(24 * 3600));
        assert_eq!(
            config.cooldown.marker_file,
            Some(PathBuf::from("repo/.github/.rate_limit_marker"))
        );
        assert_eq!(config.tracker.kind, TrackerKind::Auto);
        assert_eq!(
            config.tracker.path,
            PathBuf::from("repo/.cigate/issues.json")
        );
        assert_eq!(config.secrets.token_env, "PAT_TOKEN");
        assert_eq!(config.secrets.map["token"], "MOOGO_CACHED_TOKEN");
        assert!(config.checks.is_empty());
        assert!(config.warnings.is_empty());
    }

    #[test]
    fn a_key_replaces_its_default_only() {
        let config = parse(
            "[cooldown]\nmarker = { github_variable = \"RATE_LIMIT_MARKER\" }\n[tracker]\nkind = \"file\"\n",
        )
        .unwrap();
        assert_eq!(config.cooldown.marker_file, None);
        assert_eq!(
            config.cooldown.marker_variable.as_deref(),
            Some("RATE_LIMIT_MARKER")
        );
        assert_eq!(config.cooldown.window, Duration::from_secs(24 * 3600));
        assert_eq!(config.tracker.kind, TrackerKind::File);
        assert_eq!(config.tracker.labels.len(), 3);
    }

    #[test]
    fn checks_are_ordered_by_needs_with_defaults() {
        let config = parse(
            r#"
[[check]]
name = "integration"
run = "./it.sh"
required = false
needs = ["unit"]
cooldown_gated = true

[[check]]
name = "unit"
run = "cargo test"
retries = 2
timeout = "10m"
retry_on = "transient"
"#,
        )
        .unwrap();
        let names: Vec<_> = config.checks.iter().map(|c| c.name.as_str()).collect();
        assert_eq!(names, ["unit", "integration"]);
        let unit = &config.checks[0];
        assert_eq!(unit.retries, 2);
        assert_eq!(unit.timeout, Some(Duration::from_secs(600)));
        assert_eq!(unit.retry_on, RetryOn::Transient);
        assert!(!unit.events.contains(&Trigger::Schedule));
        let integration = &config.checks[1];
        assert!(!integration.required);
        assert!(integration.events.contains(&Trigger::Schedule));
        assert_eq!(integration.backoff, Duration::from_secs(10));
    }

    #[test]
    fn bad_values_name_file_key_value_and_form() {
        check_error(
            "[[check]]\nname = \"unit\"\nrun = \"x\"\ntimeout = \"ten\"\n",
            "`repo/cigate.toml`: `check.unit.timeout` must be a duration such as \"10m\", \"24h\" or \"90s\", got `ten`",
        );
        check_error(
            "[cooldown]\nwindow = \"a day\"\n",
            "`repo/cigate.toml`: `cooldown.window` must be a duration such as \"10m\", \"24h\" or \"90s\", got `a day`",
        );
        check_error(
            "[tracker]\nkind = \"jira\"\n",
            "`repo/cigate.toml`: `tracker.kind` must be one of github, file, none, auto, got `jira`",
        );
        check_error(
            "[[check]]\nname = \"unit\"\nrun = \"x\"\nretry_on = \"always\"\n",
            "`repo/cigate.toml`: `check.unit.retry_on` must be one of error, transient, any, got `always`",
        );
        check_error(
            "[[check]]\nname = \"unit\"\nrun = \"x\"\nevents = [\"tag\"]\n",
            "`repo/cigate.toml`: `check.unit.events` must be push, pull_request, schedule or workflow_dispatch, got `tag`",
        );
        check_error(
            "[[check]]\nname = \"a b\"\nrun = \"x\"\n",
            "`repo/cigate.toml`: `check[0].name` must be a name made of letters, digits, `-` and `_`, got `a b`",
        );
    }

    #[test]
    fn inconsistent_checks_are_rejected() {
        check_error(
            "[[check]]\nname = \"a\"\nrun = \"x\"\n[[check]]\nname = \"a\"\nrun = \"y\"\n",
            "`repo/cigate.toml`: two checks are named `a`",
        );
        check_error(
            "[[check]]\nname = \"a\"\nrun = \"x\"\nneeds = [\"b\"]\n",
            "`repo/cigate.toml`: check `a` needs `b`, which is not defined",
        );
        check_error(
            "[[check]]\nname = \"a\"\nrun = \"x\"\nneeds = [\"b\"]\n[[check]]\nname = \"b\"\nrun = \"y\"\nneeds = [\"a\"]\n",
            "`repo/cigate.toml`: the needs of a, b form a cycle",
        );
    }

    #[test]
    fn invalid_pattern_names_its_index() {
        let error = parse("[rate_limit]\npatterns = ['ok', '(unclosed']\n").unwrap_err();
        let text = error.to_string();
        assert!(
            text.starts_with(
                "`repo/cigate.toml`: `rate_limit.patterns[1]` must be a regular expression"
            ),
            "{text}"
        );
    }

    #[test]
    fn unknown_keys_are_warnings_naming_file_and_key() {
        let config = parse(
            "colour = true\n[cooldown]\nwindw = \"1h\"\n[[check]]\nname = \"unit\"\nrun = \"x\"\nretry = 3\n",
        )
        .unwrap();
        assert_eq!(
            config.warnings,
            [
                "`repo/cigate.toml`: unknown key `colour` is ignored",
                "`repo/cigate.toml`: unknown key `cooldown.windw` is ignored",
                "`repo/cigate.toml`: unknown key `check.unit.retry` is ignored",
            ]
        );
    }

    #[test]
    fn type_errors_are_syntax_errors_with_the_file() {
        let error =
            parse("[[check]]\nname = \"unit\"\nrun = \"x\"\nrequired = \"yes\"\n").unwrap_err();
        assert_eq!(error.to_string(), "failed to load `repo/cigate.toml`");
        let cause = std::error::Error::source(&error).unwrap().to_string();
        assert!(cause.contains("line 4"), "{cause}");
        assert!(cause.contains("required = \"yes\""), "{cause}");
    }

    #[test]
    fn unknown_check_lists_known_ones() {
        let config = parse("[[check]]\nname = \"unit\"\nrun = \"x\"\n").unwrap();
        let error = config.check("lint").unwrap_err();
        assert_eq!(error.hint().unwrap(), "defined checks: unit");
    }
}
