//! Running a check (F5): attempts, timeouts, backoff, output capture and classification.
//!
//! Each attempt runs in its own process group; a timeout kills the whole group, so that a test
//! binary's children cannot outlive it. Output is streamed line by line to the reporter
//! (redacted), kept in a log file under `.cigate/logs/`, and classified. Attempts are bounded;
//! the delay between them grows exponentially with jitter; a rate limit is never retried.

use std::collections::BTreeMap;
use std::io::Write as _;
use std::path::{Path, PathBuf};
use std::process::Stdio;
use std::time::Duration;

use rand::Rng;
use tokio::io::{AsyncBufReadExt, AsyncRead, BufReader};
use tokio::sync::mpsc;
use tokio::time::Instant;

use crate::classify::{self, Classification, Exit, Outcome, Rules};
use crate::clock::Clock;
use crate::config::Check;
use crate::error::{Error, Result};
use crate::event::{CheckResult, Event, Reporter};
use crate::interrupt::Interrupt;
use crate::redaction::Redactor;

/// How often a running attempt reports that it is still running.
pub const HEARTBEAT: Duration = Duration::from_secs(60);

/// Which failed attempts are retried. A rate limit never is.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum RetryOn {
    /// Any non-zero exit (real or transient failure), but not a timeout.
    Error,
    /// Transient failures only, timeouts included.
    Transient,
    /// Every failure but a rate limit.
    Any,
}

impl RetryOn {
    /// Parses `error`, `transient` (also `timeout`) or `any`.
    pub fn parse(name: &str) -> Option<Self> {
        match name {
            "error" => Some(RetryOn::Error),
            "transient" | "timeout" => Some(RetryOn::Transient),
            "any" => Some(RetryOn::Any),
            _ => None,
        }
    }

    /// Whether an attempt that ended with `outcome` (and `exit`) is retried.
    pub fn retries(self, outcome: Outcome, exit: Exit) -> bool {
        let timed_out = matches!(exit, Exit::TimedOut(_));
        match (self, outcome) {
            (_, Outcome::Passed | Outcome::RateLimited | Outcome::Skipped) => false,
            (RetryOn::Error, _) => !timed_out,
            (RetryOn::Transient, outcome) => outcome == Outcome::Transient,
            (RetryOn::Any, _) => true,
        }
    }
}

/// The delays between attempts: `initial`, doubled each time, at most `max`, plus up to a
/// quarter of it as random jitter.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Backoff {
    /// The delay before the second attempt.
    pub initial: Duration,
    /// The longest delay (before jitter).
    pub max: Duration,
}

impl Backoff {
    /// The delay after failed attempt number `attempt` (from 1).
    pub fn delay(&self, attempt: u32, rng: &mut impl Rng) -> Duration {
        let factor = 2u32.saturating_pow(attempt.saturating_sub(1));
        let base = self.initial.saturating_mul(factor).min(self.max);
        let jitter_ms = u64::try_from(base.as_millis() / 4).unwrap_or(u64::MAX);
        let jitter = if jitter_ms == 0 {
            0
        } else {
            rng.random_range(0..=jitter_ms)
        };
        base + Duration::from_millis(jitter)
    }
}

/// What to run.
#[derive(Debug, Clone)]
pub enum Command {
    /// A shell command line, run with `sh -c`.
    Shell(String),
    /// A program and its arguments, run directly.
    Argv(Vec<String>),
}

impl Command {
    /// The command for people.
    pub fn display(&self) -> String {
        match self {
            Command::Shell(line) => line.clone(),
            Command::Argv(argv) => argv.join(" "),
        }
    }

    fn build(&self) -> tokio::process::Command {
        match self {
            Command::Shell(line) => {
                let mut command = tokio::process::Command::new("sh");
                command.arg("-c").arg(line);
                command
            }
            Command::Argv(argv) => {
                let mut command = tokio::process::Command::new(&argv[0]);
                command.args(&argv[1..]);
                command
            }
        }
    }
}

/// One check to run, with its retry policy.
#[derive(Debug, Clone)]
pub struct Spec {
    /// The name results and logs are kept under.
    pub name: String,
    /// Whether the verdict requires it.
    pub required: bool,
    /// The command.
    pub command: Command,
    /// Extra environment variables.
    pub env: BTreeMap<String, String>,
    /// Attempts after the first.
    pub retries: u32,
    /// The limit per attempt.
    pub timeout: Option<Duration>,
    /// Which failures are retried.
    pub retry_on: RetryOn,
    /// The delays between attempts.
    pub backoff: Backoff,
    /// A JUnit report the command writes.
    pub junit: Option<PathBuf>,
    /// Whether the output is searched for rate-limit evidence (and the lockout record read).
    pub detect_rate_limit: bool,
}

impl Spec {
    /// The spec of a configured check.
    pub fn from_check(check: &Check) -> Self {
        Self {
            name: check.name.clone(),
            required: check.required,
            command: Command::Shell(check.run.clone()),
            env: check.env.clone(),
            retries: check.retries,
            timeout: check.timeout,
            retry_on: check.retry_on,
            backoff: Backoff {
                initial: check.backoff,
                max: check.backoff_max,
            },
            junit: check.junit.clone(),
            detect_rate_limit: check.detect_rate_limit,
        }
    }
}

/// Runs specs: where, with which rules, and where logs go.
#[derive(Debug, Clone)]
pub struct Runner {
    /// The working directory of the commands.
    pub root: PathBuf,
    /// Where logs are kept (`.cigate/logs`).
    pub logs_dir: PathBuf,
    /// The classification rules.
    pub rules: Rules,
    /// The client's lockout record.
    pub lockout_record: Option<PathBuf>,
    /// The clock classification reads.
    pub clock: Clock,
    /// Secrets to keep out of logs and reports.
    pub redactor: Redactor,
    /// Stop requests: the running attempt's process group is killed.
    pub interrupt: Interrupt,
}

impl Runner {
    /// Runs `spec` until it passes, cannot be retried, or runs out of attempts.
    ///
    /// Sends attempt, line, heartbeat and retry events to `reporter`; the caller reports the
    /// final [`CheckResult`].
    ///
    /// # Errors
    ///
    /// [`Error::Write`] when the log cannot be written, [`Error::Spawn`] when the command
    /// cannot be started.
    pub async fn run(&self, spec: &Spec, reporter: &mut dyn Reporter) -> Result<CheckResult> {
        std::fs::create_dir_all(&self.logs_dir).map_err(|source| Error::Write {
            path: self.logs_dir.clone(),
            source,
        })?;
        let log_path = self.logs_dir.join(format!("{}.log", spec.name));
        let mut log = std::fs::File::create(&log_path).map_err(|source| Error::Write {
            path: log_path.clone(),
            source,
        })?;
        let started = Instant::now();
        let mut interrupt = self.interrupt.clone();
        let max_attempts = spec.retries.saturating_add(1);
        let (rules, lockout_record) = if spec.detect_rate_limit {
            (self.rules.clone(), self.lockout_record.as_deref())
        } else {
            (self.rules.without_rate_limit(), None)
        };
        let mut attempt = 1;
        loop {
            let command = self.redactor.redact(&spec.command.display()).into_owned();
            reporter.report(&Event::AttemptStarted {
                check: spec.name.clone(),
                attempt,
                max_attempts,
                command: command.clone(),
            });
            write_log(
                &mut log,
                &log_path,
                &format!(
                    "=== cigate: `{}` attempt {attempt}/{max_attempts}: {command}",
                    spec.name
                ),
            )?;
            let attempt_started = Instant::now();
            let attempt_started_wall = std::time::SystemTime::now();
            let (exit, output) = self
                .attempt(spec, attempt, &mut log, &log_path, &mut interrupt, reporter)
                .await?;
            let Classification { outcome, evidence } = classify::classify(
                &rules,
                &classify::Input {
                    exit,
                    output: &output,
                    // A report left over from an earlier run is no evidence about this one.
                    junit: spec
                        .junit
                        .as_deref()
                        .filter(|report| written_since(report, attempt_started_wall)),
                    lockout_record,
                    now: self.clock.now(),
                },
            );
            let duration = attempt_started.elapsed();
            write_log(
                &mut log,
                &log_path,
                &format!(
                    "=== cigate: attempt {attempt} {outcome} after {}",
                    humantime::format_duration(round(duration))
                ),
            )?;
            reporter.report(&Event::AttemptFinished {
                check: spec.name.clone(),
                attempt,
                outcome,
                duration,
                evidence: evidence.clone(),
            });
            let done = outcome == Outcome::Passed
                || attempt >= max_attempts
                || !spec.retry_on.retries(outcome, exit);
            if done {
                return Ok(CheckResult {
                    name: spec.name.clone(),
                    required: spec.required,
                    outcome,
                    attempts: attempt,
                    duration: started.elapsed(),
                    evidence,
                    log: Some(log_path),
                    flaky: outcome == Outcome::Passed && attempt > 1,
                });
            }
            let delay = spec.backoff.delay(attempt, &mut rand::rng());
            reporter.report(&Event::RetryScheduled {
                check: spec.name.clone(),
                next_attempt: attempt + 1,
                delay,
            });
            tokio::select! {
                () = tokio::time::sleep(delay) => {}
                () = interrupt.requested() => return Err(Error::Interrupted { check: spec.name.clone() }),
            }
            attempt += 1;
        }
    }

    /// Runs one attempt; returns how it ended and its (redacted) output.
    async fn attempt(
        &self,
        spec: &Spec,
        attempt: u32,
        log: &mut std::fs::File,
        log_path: &Path,
        interrupt: &mut Interrupt,
        reporter: &mut dyn Reporter,
    ) -> Result<(Exit, String)> {
        if interrupt.is_requested() {
            return Err(Error::Interrupted {
                check: spec.name.clone(),
            });
        }
        let mut command = spec.command.build();
        command
            .current_dir(&self.root)
            .envs(&spec.env)
            .stdin(Stdio::null())
            .stdout(Stdio::piped())
            .stderr(Stdio::piped())
            .process_group(0)
            .kill_on_drop(true);
        let mut child = command.spawn().map_err(|source| Error::Spawn {
            command: self.redactor.redact(&spec.command.display()).into_owned(),
            source,
        })?;
        let process_group = child.id();
        let (sender, mut lines) = mpsc::unbounded_channel();
        if let Some(stdout) = child.stdout.take() {
            tokio::spawn(forward_lines(stdout, sender.clone()));
        }
        if let Some(stderr) = child.stderr.take() {
            tokio::spawn(forward_lines(stderr, sender.clone()));
        }
        drop(sender);

        let started = Instant::now();
        let deadline = tokio::time::sleep_until(match spec.timeout {
            Some(limit) => started + limit,
            // Far enough to never fire.
            None => started + Duration::from_secs(100 * 365 * 24 * 3600),
        });
        tokio::pin!(deadline);
        let mut heartbeat = tokio::time::interval_at(started + HEARTBEAT, HEARTBEAT);
        let mut output = String::new();
        let mut status = None;
        let mut timed_out = false;
        let mut streams_open = true;
        while streams_open || status.is_none() {
            tokio::select! {
                () = interrupt.requested(), if status.is_none() => {
                    if let Some(group) = process_group {
                        kill_process_group(group);
                    }
                    let _ = child.wait().await;
                    write_log(log, log_path, "=== cigate: interrupted; killed the attempt's process group")?;
                    return Err(Error::Interrupted { check: spec.name.clone() });
                }
                line = lines.recv(), if streams_open => match line {
                    Some(line) => {
                        let line = self.redactor.redact(&line).into_owned();
                        write_log(log, log_path, &line)?;
                        output.push_str(&line);
                        output.push('\n');
                        reporter.report(&Event::Line { check: spec.name.clone(), line });
                    }
                    None => streams_open = false,
                },
                exit = child.wait(), if status.is_none() => {
                    // Leftover processes of the group would keep the pipes open: end them.
                    if let Some(group) = process_group {
                        kill_process_group(group);
                    }
                    status = Some(exit.map_err(|source| Error::Spawn {
                        command: spec.command.display(),
                        source,
                    })?);
                }
                () = &mut deadline, if status.is_none() && !timed_out => {
                    timed_out = true;
                    if let Some(group) = process_group {
                        kill_process_group(group);
                    }
                    let limit = spec.timeout.unwrap_or_default();
                    let line = format!("=== cigate: attempt {attempt} timed out after {}; killed its process group", humantime::format_duration(limit));
                    write_log(log, log_path, &line)?;
                }
                _ = heartbeat.tick() => reporter.report(&Event::Heartbeat {
                    check: spec.name.clone(),
                    attempt,
                    elapsed: started.elapsed(),
                }),
            }
        }
        let exit = match (timed_out, status) {
            (true, _) => Exit::TimedOut(spec.timeout.unwrap_or_default()),
            (false, Some(status)) => match status.code() {
                Some(code) => Exit::Code(code),
                None => Exit::Signal(
                    std::os::unix::process::ExitStatusExt::signal(&status).unwrap_or(0),
                ),
            },
            (false, None) => Exit::Unknown,
        };
        Ok((exit, output))
    }
}

/// Sends each line of `stream` (lossily decoded, without its end) to `sender`.
async fn forward_lines(stream: impl AsyncRead + Unpin, sender: mpsc::UnboundedSender<String>) {
    let mut reader = BufReader::new(stream);
    let mut buffer = Vec::new();
    loop {
        buffer.clear();
        match reader.read_until(b'\n', &mut buffer).await {
            Ok(0) | Err(_) => return,
            Ok(_) => {
                let line = String::from_utf8_lossy(&buffer);
                let line = line.trim_end_matches(['\n', '\r']).to_owned();
                if sender.send(line).is_err() {
                    return;
                }
            }
        }
    }
}

/// Sends SIGKILL to every process of the group `group` (created with `process_group(0)`, so
/// its id is the leader's pid).
#[allow(unsafe_code)]
fn kill_process_group(group: u32) {
    let Ok(group) = libc::pid_t::try_from(group) else {
        return;
    };
    // SAFETY: kill(2) has no memory-safety preconditions; a negative pid addresses the process
    // group this module created for the attempt. An already empty group yields ESRCH, ignored.
    unsafe {
        libc::kill(-group, libc::SIGKILL);
    }
}

/// Whether `path` was modified at or after `since` (a coarse clock may round down: one second
/// of slack).
fn written_since(path: &Path, since: std::time::SystemTime) -> bool {
    let since = since.checked_sub(Duration::from_secs(1)).unwrap_or(since);
    std::fs::metadata(path)
        .and_then(|metadata| metadata.modified())
        .is_ok_and(|modified| modified >= since)
}

fn write_log(log: &mut std::fs::File, path: &Path, line: &str) -> Result<()> {
    writeln!(log, "{line}").map_err(|source| Error::Write {
        path: path.to_owned(),
        source,
    })
}

/// A duration rounded to tenths of a second, for people.
pub fn round(duration: Duration) -> Duration {
    Duration::from_millis(u64::try_from(duration.as_millis() / 100 * 100).unwrap_or(u64::MAX))
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::event::Recorder;
    use rand::SeedableRng;

    #[test]
    fn retry_policy() {
        let timeout = Exit::TimedOut(Duration::from_secs(1));
        let failed = Exit::Code(1);
        let check = |retry_on: RetryOn, outcome, exit, expected| {
            assert_eq!(
                retry_on.retries(outcome, exit),
                expected,
                "{retry_on:?} {outcome:?} {exit:?}"
            );
        };
        for retry_on in [RetryOn::Error, RetryOn::Transient, RetryOn::Any] {
            check(retry_on, Outcome::RateLimited, failed, false);
            check(retry_on, Outcome::Passed, Exit::Code(0), false);
        }
        check(RetryOn::Error, Outcome::Failed, failed, true);
        check(RetryOn::Error, Outcome::Transient, timeout, false);
        check(RetryOn::Transient, Outcome::Failed, failed, false);
        check(RetryOn::Transient, Outcome::Transient, timeout, true);
        check(RetryOn::Any, Outcome::Transient, timeout, true);
        check(RetryOn::Any, Outcome::Failed, failed, true);
    }

    #[test]
    fn backoff_doubles_with_bounded_jitter() {
        let backoff = Backoff {
            initial: Duration::from_secs(2),
            max: Duration::from_secs(10),
        };
        let mut rng = rand::rngs::StdRng::seed_from_u64(7);
        for (attempt, base) in [(1, 2), (2, 4), (3, 8), (4, 10), (30, 10)] {
            let base = Duration::from_secs(base);
            for _ in 0..20 {
                let delay = backoff.delay(attempt, &mut rng);
                assert!(
                    delay >= base && delay <= base + base / 4,
                    "{attempt}: {delay:?}"
                );
            }
        }
        let none = Backoff {
            initial: Duration::ZERO,
            max: Duration::ZERO,
        };
        assert_eq!(none.delay(3, &mut rng), Duration::ZERO);
    }

    fn runner(dir: &Path, secrets: &[&str]) -> Runner {
        Runner {
            root: dir.to_owned(),
            logs_dir: dir.join(".cigate/logs"),
            rules: Rules::defaults(),
            lockout_record: None,
            clock: Clock::system(),
            redactor: Redactor::new(secrets.iter().map(|s| (*s).to_owned())),
            interrupt: Interrupt::never(),
        }
    }

    fn spec(script: &str, retries: u32) -> Spec {
        Spec {
            name: "demo".to_owned(),
            required: true,
            command: Command::Shell(script.to_owned()),
            env: BTreeMap::new(),
            retries,
            timeout: Some(Duration::from_secs(30)),
            retry_on: RetryOn::Any,
            backoff: Backoff {
                initial: Duration::ZERO,
                max: Duration::ZERO,
            },
            junit: None,
            detect_rate_limit: true,
        }
    }

    #[tokio::test]
    async fn only_checks_that_talk_to_the_service_can_be_rate_limited() {
        let dir = tempfile::tempdir().unwrap();
        // A formatting diff that shows a test's source line.
        let mut lint = spec("echo '+    echo rate limited'; exit 1", 0);
        lint.detect_rate_limit = false;
        let result = runner(dir.path(), &[])
            .run(&lint, &mut Recorder::default())
            .await
            .unwrap();
        assert_eq!(result.outcome, Outcome::Failed);
    }

    #[tokio::test]
    async fn passes_on_retry_and_is_flaky() {
        let dir = tempfile::tempdir().unwrap();
        let script = "if [ -e marker ]; then echo second; else touch marker; echo 'connection reset by peer'; exit 1; fi";
        let mut recorder = Recorder::default();
        let result = runner(dir.path(), &[])
            .run(&spec(script, 2), &mut recorder)
            .await
            .unwrap();
        assert_eq!(result.outcome, Outcome::Passed);
        assert_eq!(result.attempts, 2);
        assert!(result.flaky);
        let log = std::fs::read_to_string(result.log.unwrap()).unwrap();
        assert!(log.contains("connection reset by peer\n"), "{log}");
        assert!(log.contains("attempt 1 transient"), "{log}");
        assert!(log.contains("second\n"), "{log}");
        let retries = recorder
            .events
            .iter()
            .filter(|event| matches!(event, Event::RetryScheduled { .. }))
            .count();
        assert_eq!(retries, 1);
    }

    #[tokio::test]
    async fn a_stale_junit_report_is_ignored() {
        let dir = tempfile::tempdir().unwrap();
        let report = dir.path().join("junit.xml");
        std::fs::write(
            &report,
            r#"<testsuites><testsuite><testcase name="old"><failure message="Too Many Requests"/></testcase></testsuite></testsuites>"#,
        )
        .unwrap();
        let old = std::time::SystemTime::now() - Duration::from_secs(3600);
        std::fs::File::options()
            .write(true)
            .open(&report)
            .unwrap()
            .set_modified(old)
            .unwrap();
        let mut stale = spec("echo 'assertion failed'; exit 1", 0);
        stale.junit = Some(report.clone());
        let result = runner(dir.path(), &[])
            .run(&stale, &mut Recorder::default())
            .await
            .unwrap();
        assert_eq!(result.outcome, Outcome::Failed, "{:?}", result.evidence);
        // The same report, written by the attempt, decides.
        let mut fresh = spec("touch junit.xml; exit 1", 0);
        fresh.junit = Some(report);
        let result = runner(dir.path(), &[])
            .run(&fresh, &mut Recorder::default())
            .await
            .unwrap();
        assert_eq!(
            result.outcome,
            Outcome::RateLimited,
            "{:?}",
            result.evidence
        );
    }

    #[tokio::test]
    async fn rate_limits_are_never_retried() {
        let dir = tempfile::tempdir().unwrap();
        let result = runner(dir.path(), &[])
            .run(
                &spec("echo 'HTTP 429 Too Many Requests'; exit 1", 3),
                &mut Recorder::default(),
            )
            .await
            .unwrap();
        assert_eq!(result.outcome, Outcome::RateLimited);
        assert_eq!(result.attempts, 1);
    }

    #[tokio::test]
    async fn secrets_are_redacted_from_the_log_and_events() {
        let dir = tempfile::tempdir().unwrap();
        let mut recorder = Recorder::default();
        let result = runner(dir.path(), &["tok-123456"])
            .run(
                &spec("echo token is tok-123456 >&2; exit 3", 0),
                &mut recorder,
            )
            .await
            .unwrap();
        assert_eq!(result.outcome, Outcome::Failed);
        assert_eq!(result.evidence, ["exit status 3", "token is ***"]);
        let log = std::fs::read_to_string(result.log.unwrap()).unwrap();
        assert!(
            !log.contains("tok-123456") && log.contains("token is ***"),
            "{log}"
        );
        assert!(!format!("{:?}", recorder.events).contains("tok-123456"));
    }

    #[tokio::test(start_paused = true)]
    async fn timeout_kills_the_whole_process_group() {
        let dir = tempfile::tempdir().unwrap();
        // A child that would outlive its shell if only the shell were killed.
        let script = "sleep 300 & echo started; wait";
        let mut spec = spec(script, 0);
        spec.timeout = Some(Duration::from_secs(600));
        let result = runner(dir.path(), &[])
            .run(&spec, &mut Recorder::default())
            .await
            .unwrap();
        assert_eq!(result.outcome, Outcome::Transient);
        assert_eq!(result.evidence, ["timed out after 10m"]);
    }
}
