//! Deciding what a check's run means (F2): passed, failed, rate limited, transient or skipped.
//!
//! Evidence is weighed in a fixed order, strongest first:
//!
//! 1. the exit status: a run that exited 0 passed, whatever it printed (a passing suite may
//!    print rate-limit messages from the tests of the rate-limit path);
//! 2. a lockout record written by the client itself, while its lockout lasts;
//! 3. a JUnit report: the messages of the failing test cases;
//! 4. the configured patterns over the output, line by line, skipping ignored lines.
//!
//! A rate limit outranks a timeout and a real failure, because a rate limit must never be
//! retried. Patterns use word boundaries: a bare number such as `10000` inside a timestamp or a
//! duration never counts.

use std::path::Path;
use std::time::Duration;

use jiff::Timestamp;
use regex::Regex;
use serde::Deserialize;

/// How many evidence lines a classification keeps.
const MAX_EVIDENCE: usize = 5;

/// How long one evidence line may be.
const MAX_LINE: usize = 240;

/// The patterns that classify output (`[rate_limit]` and `[transient]` in cigate.toml).
#[derive(Debug, Clone)]
pub struct Rules {
    /// A line matching one of these is rate-limit evidence.
    pub rate_limit: Vec<Regex>,
    /// A line matching one of these is never evidence.
    pub ignore: Vec<Regex>,
    /// A line matching one of these (and no rate-limit pattern) is transient evidence.
    pub transient: Vec<Regex>,
}

impl Rules {
    /// The compiled-in default rules.
    pub fn defaults() -> Self {
        crate::config::Config::parse(Path::new("cigate.toml"), "")
            .map(|config| config.rules)
            .unwrap_or(Rules {
                rate_limit: Vec::new(),
                ignore: Vec::new(),
                transient: Vec::new(),
            })
    }

    /// The same rules without rate-limit patterns: for checks that do not talk to the
    /// rate-limited service, where a "rate limited" line (in a diff, say) is no evidence.
    pub fn without_rate_limit(&self) -> Self {
        Self {
            rate_limit: Vec::new(),
            ..self.clone()
        }
    }

    fn matches(patterns: &[Regex], line: &str) -> bool {
        patterns.iter().any(|pattern| pattern.is_match(line))
    }

    fn is_ignored(&self, line: &str) -> bool {
        Self::matches(&self.ignore, line)
    }
}

/// The outcome of a check.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub enum Outcome {
    /// It succeeded.
    Passed,
    /// It failed for a real reason.
    Failed,
    /// The service's rate limit stopped it; never retried.
    RateLimited,
    /// It failed for a reason that may go away (timeout, connection reset, 503).
    Transient,
    /// It did not run (cooldown, a failed need, missing credentials).
    Skipped,
    /// Its job was cancelled (a GitHub job result; never produced by classification).
    Cancelled,
}

impl Outcome {
    /// The name used in JSON, outputs and tables: `passed`, `failed`, `rate_limited`,
    /// `transient`, `skipped`, `cancelled`.
    pub fn as_str(self) -> &'static str {
        match self {
            Outcome::Passed => "passed",
            Outcome::Failed => "failed",
            Outcome::RateLimited => "rate_limited",
            Outcome::Transient => "transient",
            Outcome::Skipped => "skipped",
            Outcome::Cancelled => "cancelled",
        }
    }

    /// Parses cigate's names and GitHub's job results (`success`, `failure`, `cancelled`,
    /// `skipped`).
    ///
    /// # Examples
    ///
    /// ```
    /// use cigate::Outcome;
    /// assert_eq!(Outcome::parse("success"), Some(Outcome::Passed));
    /// assert_eq!(Outcome::parse("rate_limited"), Some(Outcome::RateLimited));
    /// assert_eq!(Outcome::parse("maybe"), None);
    /// ```
    pub fn parse(name: &str) -> Option<Self> {
        Some(match name.trim().to_ascii_lowercase().as_str() {
            "passed" | "success" | "pass" | "ok" => Outcome::Passed,
            "failed" | "failure" | "fail" => Outcome::Failed,
            "rate_limited" | "rate-limited" => Outcome::RateLimited,
            "transient" => Outcome::Transient,
            "skipped" | "skip" => Outcome::Skipped,
            "cancelled" | "canceled" => Outcome::Cancelled,
            _ => return None,
        })
    }

    /// Whether the check succeeded.
    pub fn is_success(self) -> bool {
        self == Outcome::Passed
    }
}

impl std::fmt::Display for Outcome {
    fn fmt(&self, formatter: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        formatter.write_str(self.as_str())
    }
}

/// How a run ended.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Exit {
    /// It exited with this status.
    Code(i32),
    /// A signal ended it.
    Signal(i32),
    /// It ran longer than this and was killed.
    TimedOut(Duration),
    /// Not known (`classify` without `--exit-code`): evidence alone decides.
    Unknown,
}

/// What classification needs to know about one run.
#[derive(Debug, Clone, Copy)]
pub struct Input<'a> {
    /// How the run ended.
    pub exit: Exit,
    /// Its whole output.
    pub output: &'a str,
    /// A JUnit report it wrote, if any.
    pub junit: Option<&'a Path>,
    /// The client's lockout record, if configured.
    pub lockout_record: Option<&'a Path>,
    /// The current time, to tell a lasting lockout from an old one.
    pub now: Timestamp,
}

/// An outcome with the lines that decided it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Classification {
    /// The outcome.
    pub outcome: Outcome,
    /// The deciding lines, for people (at most five).
    pub evidence: Vec<String>,
}

impl Classification {
    fn new(outcome: Outcome, evidence: Vec<String>) -> Self {
        Self { outcome, evidence }
    }
}

/// Classifies one run.
///
/// # Examples
///
/// ```
/// use cigate::classify::{classify, Exit, Input, Rules};
///
/// let rules = Rules::defaults();
/// let input = |exit, output| Input { exit, output, junit: None, lockout_record: None, now: jiff::Timestamp::UNIX_EPOCH };
/// let limited = classify(&rules, &input(Exit::Code(1), "login: HTTP 429 Too Many Requests\n"));
/// assert_eq!(limited.outcome, cigate::Outcome::RateLimited);
/// let counter = classify(&rules, &input(Exit::Code(1), "processed 10000 rows in 10000ms\n"));
/// assert_eq!(counter.outcome, cigate::Outcome::Failed);
/// let passed = classify(&rules, &input(Exit::Code(0), "rate limited (expected by this test)\n"));
/// assert_eq!(passed.outcome, cigate::Outcome::Passed);
/// ```
pub fn classify(rules: &Rules, input: &Input<'_>) -> Classification {
    if input.exit == Exit::Code(0) {
        return Classification::new(Outcome::Passed, vec!["exit status 0".to_owned()]);
    }
    if let Some(line) = input
        .lockout_record
        .and_then(|path| lasting_lockout(path, input.now))
    {
        return Classification::new(Outcome::RateLimited, vec![line]);
    }
    let junit = input.junit.and_then(read_junit);
    let junit_failures = junit.as_deref().unwrap_or_default();
    let rate_limit_tests = evidence_in_failures(junit_failures, rules, &rules.rate_limit);
    if !rate_limit_tests.is_empty() {
        return Classification::new(Outcome::RateLimited, rate_limit_tests);
    }
    let lines: Vec<&str> = input
        .output
        .lines()
        .map(str::trim_end)
        .filter(|line| !line.trim().is_empty() && !rules.is_ignored(line))
        .collect();
    let rate_limit_lines = matching(&lines, &rules.rate_limit);
    if junit_failures.is_empty() && !rate_limit_lines.is_empty() {
        return Classification::new(Outcome::RateLimited, rate_limit_lines);
    }
    if let Exit::TimedOut(limit) = input.exit {
        return Classification::new(
            Outcome::Transient,
            vec![format!(
                "timed out after {}",
                humantime::format_duration(limit)
            )],
        );
    }
    if !junit_failures.is_empty() {
        let transient_tests = evidence_in_failures(junit_failures, rules, &rules.transient);
        let all_transient = junit_failures.iter().all(|failure| {
            failure
                .lines()
                .any(|line| Rules::matches(&rules.transient, line))
        });
        if all_transient {
            return Classification::new(Outcome::Transient, transient_tests);
        }
        let evidence = junit_failures
            .iter()
            .take(MAX_EVIDENCE)
            .map(|failure| {
                shorten(&format!(
                    "test `{}` failed: {}",
                    failure.name,
                    failure.headline()
                ))
            })
            .collect();
        return Classification::new(Outcome::Failed, evidence);
    }
    let transient_lines = matching(&lines, &rules.transient);
    if !transient_lines.is_empty() {
        return Classification::new(Outcome::Transient, transient_lines);
    }
    match input.exit {
        Exit::Unknown => Classification::new(
            Outcome::Passed,
            vec!["no exit status given and no failure evidence found".to_owned()],
        ),
        exit => {
            let mut evidence = vec![match exit {
                Exit::Signal(signal) => format!("killed by signal {signal}"),
                Exit::Code(code) => format!("exit status {code}"),
                _ => "failed".to_owned(),
            }];
            evidence.extend(failure_lines(&lines));
            Classification::new(Outcome::Failed, evidence)
        }
    }
}

/// The client's record of a lockout: `{"code", "message", "detected_at", "locked_until"}`.
#[derive(Deserialize)]
struct LockoutRecord {
    code: Option<i64>,
    message: Option<String>,
    detected_at: Option<String>,
    locked_until: Option<String>,
}

/// The evidence line of a lockout record that still holds at `now`.
fn lasting_lockout(path: &Path, now: Timestamp) -> Option<String> {
    let text = std::fs::read_to_string(path).ok()?;
    let record: LockoutRecord = serde_json::from_str(&text).ok()?;
    let until = match record
        .locked_until
        .as_deref()
        .and_then(crate::cooldown::parse_time)
    {
        Some(until) => until,
        None => record
            .detected_at
            .as_deref()
            .and_then(crate::cooldown::parse_time)?
            .checked_add(jiff::SignedDuration::from_hours(24))
            .ok()?,
    };
    if until <= now {
        return None;
    }
    let code = record
        .code
        .map(|code| format!(" code {code}"))
        .unwrap_or_default();
    let message = record
        .message
        .map(|message| format!(" \"{}\"", shorten(&message)))
        .unwrap_or_default();
    Some(format!(
        "lockout record `{}`:{code}{message}, locked until {}",
        path.display(),
        crate::cooldown::format_time(until)
    ))
}

/// A failing test case of a JUnit report.
struct TestFailure {
    name: String,
    text: String,
}

impl TestFailure {
    fn lines(&self) -> impl Iterator<Item = &str> {
        self.text
            .lines()
            .map(str::trim)
            .filter(|line| !line.is_empty())
    }

    fn headline(&self) -> &str {
        self.lines().next().unwrap_or("failed")
    }
}

/// The failing test cases of the JUnit report at `path`, or `None` if there is no readable one.
fn read_junit(path: &Path) -> Option<Vec<TestFailure>> {
    let text = std::fs::read_to_string(path).ok()?;
    let document = roxmltree::Document::parse(&text).ok()?;
    let failures = document
        .descendants()
        .filter(|node| node.has_tag_name("testcase"))
        .filter_map(|case| {
            let problems: Vec<_> = case
                .children()
                .filter(|child| child.has_tag_name("failure") || child.has_tag_name("error"))
                .collect();
            if problems.is_empty() {
                return None;
            }
            let mut text = String::new();
            for problem in problems {
                for part in [problem.attribute("message"), problem.text()]
                    .into_iter()
                    .flatten()
                {
                    text.push_str(part);
                    text.push('\n');
                }
            }
            let class = case.attribute("classname").unwrap_or_default();
            let name = case.attribute("name").unwrap_or("unnamed");
            let name = if class.is_empty() {
                name.to_owned()
            } else {
                format!("{class}::{name}")
            };
            Some(TestFailure { name, text })
        })
        .collect();
    Some(failures)
}

fn evidence_in_failures(
    failures: &[TestFailure],
    rules: &Rules,
    patterns: &[Regex],
) -> Vec<String> {
    failures
        .iter()
        .flat_map(|failure| {
            failure
                .lines()
                .filter(|line| !rules.is_ignored(line) && Rules::matches(patterns, line))
                .take(1)
                .map(|line| shorten(&format!("test `{}`: {line}", failure.name)))
        })
        .take(MAX_EVIDENCE)
        .collect()
}

impl std::ops::Deref for TestFailure {
    type Target = str;

    fn deref(&self) -> &str {
        &self.text
    }
}

fn matching(lines: &[&str], patterns: &[Regex]) -> Vec<String> {
    lines
        .iter()
        .filter(|line| Rules::matches(patterns, line))
        .take(MAX_EVIDENCE)
        .map(|line| shorten(line.trim()))
        .collect()
}

fn failure_lines(lines: &[&str]) -> Vec<String> {
    static FAILURE: std::sync::LazyLock<Regex> = std::sync::LazyLock::new(|| {
        Regex::new(r"(?i)(^error\b|^error\[|\bpanicked at\b|\bFAILED\b|^\s*FAIL \[|\bassertion .* failed\b)")
            .expect("the failure pattern is valid")
    });
    let mut evidence: Vec<String> = lines
        .iter()
        .filter(|line| FAILURE.is_match(line))
        .take(MAX_EVIDENCE - 1)
        .map(|line| shorten(line.trim()))
        .collect();
    if evidence.is_empty()
        && let Some(last) = lines.last()
    {
        evidence.push(shorten(last.trim()));
    }
    evidence
}

fn shorten(line: &str) -> String {
    match line.char_indices().nth(MAX_LINE) {
        Some((index, _)) => format!("{}…", &line[..index]),
        None => line.to_owned(),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn check(exit: Exit, output: &str, expected: Outcome) -> Vec<String> {
        let rules = Rules::defaults();
        let classification = classify(
            &rules,
            &Input {
                exit,
                output,
                junit: None,
                lockout_record: None,
                now: Timestamp::UNIX_EPOCH,
            },
        );
        assert_eq!(
            classification.outcome, expected,
            "{output:?}: {:?}",
            classification.evidence
        );
        classification.evidence
    }

    #[test]
    fn exit_zero_always_passes() {
        check(Exit::Code(0), "Error: rate limited\n", Outcome::Passed);
    }

    #[test]
    fn text_patterns_decide_without_structure() {
        let evidence = check(
            Exit::Code(1),
            "ok\nlogin failed: Rate limited\n",
            Outcome::RateLimited,
        );
        assert_eq!(evidence, ["login failed: Rate limited"]);
        check(
            Exit::Code(1),
            "error: connection reset by peer\n",
            Outcome::Transient,
        );
        let evidence = check(
            Exit::Code(101),
            "running\nerror: assertion failed\n",
            Outcome::Failed,
        );
        assert_eq!(evidence, ["exit status 101", "error: assertion failed"]);
        check(Exit::Code(1), "took 10000ms\n", Outcome::Failed);
    }

    #[test]
    fn passing_test_lines_are_ignored() {
        check(
            Exit::Code(101),
            "test client::rate limited login ... ok\ntest other ... FAILED\n",
            Outcome::Failed,
        );
    }

    #[test]
    fn timeouts_are_transient_unless_rate_limited() {
        let evidence = check(
            Exit::TimedOut(Duration::from_secs(600)),
            "waiting\n",
            Outcome::Transient,
        );
        assert_eq!(evidence, ["timed out after 10m"]);
        check(
            Exit::TimedOut(Duration::from_secs(600)),
            "HTTP 429\n",
            Outcome::RateLimited,
        );
    }

    #[test]
    fn unknown_exit_needs_evidence_to_fail() {
        check(Exit::Unknown, "all good\n", Outcome::Passed);
        check(Exit::Unknown, "rate limited\n", Outcome::RateLimited);
    }

    fn classify_files(output: &str, junit: Option<&str>, lockout: Option<&str>) -> Classification {
        let dir = tempfile::tempdir().unwrap();
        let junit_path = dir.path().join("junit.xml");
        let lockout_path = dir.path().join("lockout.json");
        if let Some(junit) = junit {
            std::fs::write(&junit_path, junit).unwrap();
        }
        if let Some(lockout) = lockout {
            std::fs::write(&lockout_path, lockout).unwrap();
        }
        classify(
            &Rules::defaults(),
            &Input {
                exit: Exit::Code(1),
                output,
                junit: Some(&junit_path),
                lockout_record: Some(&lockout_path),
                now: "2026-01-01T12:00:00Z".parse().unwrap(),
            },
        )
    }

    #[test]
    fn lasting_lockout_record_is_the_strongest_evidence() {
        let record = r#"{"code": 10000, "message": "account locked", "detected_at": "2026-01-01T10:00:00Z", "locked_until": "2026-01-02T10:00:00Z"}"#;
        let classification = classify_files("error: assertion failed\n", None, Some(record));
        assert_eq!(classification.outcome, Outcome::RateLimited);
        assert!(
            classification.evidence[0]
                .contains("code 10000 \"account locked\", locked until 2026-01-02T10:00:00Z")
        );

        let old = r#"{"code": 10000, "message": "x", "detected_at": "2025-12-30T10:00:00Z", "locked_until": "2025-12-31T10:00:00Z"}"#;
        assert_eq!(
            classify_files("error: boom\n", None, Some(old)).outcome,
            Outcome::Failed
        );
        let no_until = r#"{"code": 10000, "detected_at": "2026-01-01T10:00:00Z"}"#;
        assert_eq!(
            classify_files("", None, Some(no_until)).outcome,
            Outcome::RateLimited
        );
        assert_eq!(
            classify_files("error: boom\n", None, Some("garbage")).outcome,
            Outcome::Failed
        );
    }

    const JUNIT_REAL_FAILURE: &str = r#"<?xml version="1.0"?>
<testsuites><testsuite name="it">
  <testcase classname="it::rate_limit" name="lockout_is_reported"/>
  <testcase classname="it::devices" name="lists_devices"><failure message="assertion `left == right` failed">left: 2, right: 3</failure></testcase>
</testsuite></testsuites>"#;

    const JUNIT_RATE_LIMITED: &str = r#"<?xml version="1.0"?>
<testsuites><testsuite name="it">
  <testcase classname="it::devices" name="lists_devices"><failure message="called `Result::unwrap()` on an `Err` value: RateLimited">Error: rate limited until 2026-01-02T10:00:00Z (code 10000)</failure></testcase>
</testsuite></testsuites>"#;

    #[test]
    fn junit_outranks_text() {
        // The output mentions a rate limit (a passing test logging it), but the report says
        // the only failure is a real one.
        let classification = classify_files(
            "WARN rate limited (simulated)\n",
            Some(JUNIT_REAL_FAILURE),
            None,
        );
        assert_eq!(classification.outcome, Outcome::Failed);
        assert_eq!(
            classification.evidence,
            ["test `it::devices::lists_devices` failed: assertion `left == right` failed"]
        );

        let classification = classify_files("thread panicked\n", Some(JUNIT_RATE_LIMITED), None);
        assert_eq!(classification.outcome, Outcome::RateLimited);
        assert_eq!(
            classification.evidence,
            [
                "test `it::devices::lists_devices`: called `Result::unwrap()` on an `Err` value: RateLimited"
            ]
        );
    }

    #[test]
    fn outcome_names_round_trip() {
        for outcome in [
            Outcome::Passed,
            Outcome::Failed,
            Outcome::RateLimited,
            Outcome::Transient,
            Outcome::Skipped,
            Outcome::Cancelled,
        ] {
            assert_eq!(Outcome::parse(outcome.as_str()), Some(outcome));
        }
        assert_eq!(Outcome::parse("failure"), Some(Outcome::Failed));
    }
}
