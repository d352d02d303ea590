//! Reporters (F8): the terminal display, GitHub Actions annotations, `$GITHUB_OUTPUT` and the
//! step summary, each a consumer of [`Event`]s.
//!
//! Annotations are escaped the way the Actions runner requires: in the message `%`, `\r` and
//! `\n` become `%25`, `%0D` and `%0A`; in properties `:` and `,` also become `%3A` and `%2C`.
//! Multi-line outputs use a heredoc delimiter that does not occur in the value.

use std::fmt::Write as _;
use std::io::Write;
use std::path::PathBuf;
use std::time::Duration;

use anstyle::{AnsiColor, Style};

use crate::classify::Outcome;
use crate::cooldown::{self, Status};
use crate::error::{Error, Result};
use crate::event::{CheckResult, Event, Level, Reporter};
use crate::verdict::Verdict;

/// Escapes an annotation message (`%`, `\r`, `\n`).
///
/// # Examples
///
/// ```
/// assert_eq!(cigate::report::escape_data("100%\ndone"), "100%25%0Adone");
/// ```
pub fn escape_data(text: &str) -> String {
    text.replace('%', "%25")
        .replace('\r', "%0D")
        .replace('\n', "%0A")
}

/// Escapes an annotation property value (as [`escape_data`], plus `:` and `,`).
///
/// # Examples
///
/// ```
/// assert_eq!(cigate::report::escape_property("a: b, c"), "a%3A b%2C c");
/// ```
pub fn escape_property(text: &str) -> String {
    escape_data(text).replace(':', "%3A").replace(',', "%2C")
}

/// A workflow command line such as `::warning title=unit::text`.
pub fn annotation(level: Level, title: Option<&str>, message: &str) -> String {
    match title {
        Some(title) => format!(
            "::{} title={}::{}",
            level.as_str(),
            escape_property(title),
            escape_data(message)
        ),
        None => format!("::{}::{}", level.as_str(), escape_data(message)),
    }
}

/// One `$GITHUB_OUTPUT` entry: `key=value`, or a heredoc when the value has line breaks.
pub fn output_entry(key: &str, value: &str) -> String {
    if !value.contains('\n') && !value.contains('\r') {
        return format!("{key}={value}\n");
    }
    let mut delimiter = String::from("ghadelimiter_cigate");
    let mut counter = 0u32;
    while value.contains(&delimiter) {
        counter += 1;
        delimiter = format!("ghadelimiter_cigate_{counter}");
    }
    format!("{key}<<{delimiter}\n{value}\n{delimiter}\n")
}

/// A duration for tables: `12.3s`, `2m 5s`.
pub fn short_duration(duration: Duration) -> String {
    let tenths = duration.as_millis() / 100;
    if tenths < 600 {
        format!("{}.{}s", tenths / 10, tenths % 10)
    } else {
        let seconds = duration.as_secs();
        format!("{}m {}s", seconds / 60, seconds % 60)
    }
}

fn outcome_label(result: &CheckResult) -> String {
    let label = match result.outcome {
        Outcome::RateLimited => "rate limited".to_owned(),
        outcome => outcome.as_str().to_owned(),
    };
    if result.flaky {
        format!("{label} (flaky)")
    } else {
        label
    }
}

fn outcome_icon(result: &CheckResult) -> &'static str {
    match result.outcome {
        Outcome::Passed if result.flaky => "⚠️",
        Outcome::Passed => "✅",
        Outcome::Skipped => "⏭️",
        Outcome::RateLimited => "⏳",
        Outcome::Failed | Outcome::Transient | Outcome::Cancelled if !result.required => "⚠️",
        Outcome::Failed | Outcome::Transient | Outcome::Cancelled => "❌",
    }
}

/// The Markdown summary of a verdict (the step summary in Actions).
pub fn summary_markdown(verdict: &Verdict) -> String {
    let mut text = String::new();
    let status = if verdict.is_success() {
        "✅ success"
    } else {
        "❌ failure"
    };
    let _ = writeln!(text, "## cigate verdict: {status}\n");
    let _ = writeln!(text, "**{}**\n", verdict.headline());
    for (title, required) in [("Required checks", true), ("Optional checks", false)] {
        let results: Vec<_> = verdict
            .results
            .iter()
            .filter(|result| result.required == required)
            .collect();
        if results.is_empty() {
            continue;
        }
        let _ = writeln!(text, "### {title}\n");
        let _ = writeln!(text, "| Check | Result | Attempts | Duration | Details |");
        let _ = writeln!(text, "|---|---|---|---|---|");
        for result in results {
            let details = result
                .evidence
                .first()
                .map(|line| markdown_cell(line))
                .unwrap_or_default();
            let _ = writeln!(
                text,
                "| {} | {} {} | {} | {} | {} |",
                result.name,
                outcome_icon(result),
                outcome_label(result),
                result.attempts,
                short_duration(result.duration),
                details
            );
        }
        text.push('\n');
    }
    if let Some(status) = &verdict.cooldown {
        text.push_str(&cooldown_markdown(status, !status.is_rate_limited()));
    }
    if !verdict.messages.is_empty() {
        let _ = writeln!(text, "### Notes\n");
        for message in &verdict.messages {
            let icon = match message.level {
                Level::Notice => "ℹ️",
                Level::Warning => "⚠️",
                Level::Error => "❌",
            };
            let _ = writeln!(text, "- {icon} {}", markdown_cell(&message.text));
        }
        text.push('\n');
    }
    text
}

/// The "Rate Limit Status" section of the step summary.
pub fn cooldown_markdown(status: &Status, can_proceed: bool) -> String {
    let mut text = String::from("### Rate Limit Status\n\n");
    let yes_no = |value: bool| if value { "yes" } else { "no" };
    let _ = writeln!(text, "| | |\n|---|---|");
    let _ = writeln!(
        text,
        "| Rate limited | {} |",
        yes_no(status.is_rate_limited())
    );
    let _ = writeln!(text, "| Can proceed | {} |", yes_no(can_proceed));
    if status.is_rate_limited() {
        let _ = writeln!(
            text,
            "| Time until retry | {} |",
            cooldown::human_duration(status.time_until_retry())
        );
    }
    if let Some(last) = status.last_failure_time() {
        let _ = writeln!(
            text,
            "| Last rate limit | {} |",
            cooldown::format_time(last)
        );
    }
    let _ = writeln!(text, "\n{}\n", markdown_cell(&status.describe()));
    text
}

fn markdown_cell(text: &str) -> String {
    text.replace('|', "\\|").replace('\n', " ")
}

/// The display for people on a terminal; inside GitHub Actions, messages become annotations
/// and each attempt's output a collapsible group.
pub struct Terminal<W: Write> {
    out: W,
    styled: bool,
    actions: bool,
}

impl<W: Write> Terminal<W> {
    /// A display writing to `out`. `styled` enables colour (use an `anstream` stream, which
    /// drops colour when the terminal lacks it or `NO_COLOR` is set); `actions` switches to
    /// GitHub Actions' workflow commands.
    pub fn new(out: W, styled: bool, actions: bool) -> Self {
        Self {
            out,
            styled,
            actions,
        }
    }

    /// The writer back.
    pub fn into_inner(self) -> W {
        self.out
    }

    fn paint(&self, style: Style, text: &str) -> String {
        if self.styled {
            format!("{style}{text}{style:#}")
        } else {
            text.to_owned()
        }
    }

    fn line(&mut self, text: &str) {
        let _ = writeln!(self.out, "{text}");
    }

    fn message(&mut self, level: Level, text: &str) {
        if self.actions {
            let line = annotation(level, None, text);
            self.line(&line);
            return;
        }
        let style = match level {
            Level::Notice => Style::new().fg_color(Some(AnsiColor::Cyan.into())).bold(),
            Level::Warning => Style::new().fg_color(Some(AnsiColor::Yellow.into())).bold(),
            Level::Error => Style::new().fg_color(Some(AnsiColor::Red.into())).bold(),
        };
        let line = format!("{}: {text}", self.paint(style, level.as_str()));
        self.line(&line);
    }

    fn verdict(&mut self, verdict: &Verdict) {
        let bold = Style::new().bold();
        self.line("");
        let header = format!(
            "{:<20} {:<9} {:<20} {:>8} {:>9}",
            "check", "required", "result", "attempts", "duration"
        );
        let header = self.paint(bold, &header);
        self.line(&header);
        for result in &verdict.results {
            let label = format!("{:<20}", outcome_label(result));
            let color = match outcome_icon(result) {
                "✅" => AnsiColor::Green,
                "❌" => AnsiColor::Red,
                "⏭️" => AnsiColor::Cyan,
                _ => AnsiColor::Yellow,
            };
            let label = self.paint(Style::new().fg_color(Some(color.into())), &label);
            let row = format!(
                "{:<20} {:<9} {label} {:>8} {:>9}",
                result.name,
                if result.required { "yes" } else { "no" },
                result.attempts,
                short_duration(result.duration)
            );
            self.line(&row);
        }
        self.line("");
        if let Some(status) = &verdict.cooldown {
            let line = format!("rate limit: {}", status.describe());
            self.line(&line);
        }
        for message in &verdict.messages {
            self.message(message.level, &message.text);
        }
        let (style, word) = if verdict.is_success() {
            (
                Style::new().fg_color(Some(AnsiColor::Green.into())).bold(),
                "success",
            )
        } else {
            (
                Style::new().fg_color(Some(AnsiColor::Red.into())).bold(),
                "failure",
            )
        };
        let line = format!(
            "verdict: {}: {}",
            self.paint(style, word),
            verdict.headline()
        );
        self.line(&line);
    }
}

impl<W: Write> Reporter for Terminal<W> {
    fn report(&mut self, event: &Event) {
        let bold = Style::new().bold();
        match event {
            Event::PipelineStarted {
                trigger,
                checks,
                fork,
            } => {
                let fork = if *fork { " from a fork" } else { "" };
                let line = format!(
                    "cigate: {trigger} event{fork}; checks: {}",
                    if checks.is_empty() {
                        "none".to_owned()
                    } else {
                        checks.join(", ")
                    }
                );
                let line = self.paint(bold, &line);
                self.line(&line);
            }
            Event::AttemptStarted {
                check,
                attempt,
                max_attempts,
                command,
            } => {
                let text = format!("▶ {check} (attempt {attempt}/{max_attempts}): {command}");
                if self.actions {
                    let line = format!("::group::{}", escape_data(&text));
                    self.line(&line);
                } else {
                    let line = self.paint(bold, &text);
                    self.line(&line);
                }
            }
            Event::Line { line, .. } | Event::Text(line) => self.line(line),
            Event::Heartbeat {
                check,
                attempt,
                elapsed,
            } => {
                let line = format!(
                    "… {check} still running (attempt {attempt}, {} elapsed)",
                    humantime::format_duration(Duration::from_secs(elapsed.as_secs()))
                );
                self.line(&line);
            }
            Event::AttemptFinished {
                check,
                attempt,
                outcome,
                duration,
                evidence,
            } => {
                if self.actions {
                    self.line("::endgroup::");
                }
                let (mark, color) = match outcome {
                    Outcome::Passed => ("✔", AnsiColor::Green),
                    Outcome::RateLimited | Outcome::Transient => ("✘", AnsiColor::Yellow),
                    _ => ("✘", AnsiColor::Red),
                };
                let head = self.paint(
                    Style::new().fg_color(Some(color.into())).bold(),
                    &format!("{mark} {check} {outcome}"),
                );
                let mut line = format!("{head} (attempt {attempt}, {})", short_duration(*duration));
                if *outcome != Outcome::Passed
                    && let Some(first) = evidence.first()
                {
                    let _ = write!(line, ": {first}");
                }
                self.line(&line);
            }
            Event::RetryScheduled {
                check,
                next_attempt,
                delay,
            } => {
                let line = format!(
                    "↻ {check}: attempt {next_attempt} in {}",
                    short_duration(*delay)
                );
                self.line(&line);
            }
            Event::CheckFinished(result) if result.outcome == Outcome::Skipped => {
                let reason = result.evidence.first().map(String::as_str).unwrap_or("");
                let text = format!("{} skipped: {reason}", result.name);
                if self.actions {
                    self.message(Level::Notice, &text);
                } else {
                    let line = format!(
                        "{} {text}",
                        self.paint(Style::new().fg_color(Some(AnsiColor::Cyan.into())), "⊘")
                    );
                    self.line(&line);
                }
            }
            Event::CheckFinished(_) | Event::StepOutput { .. } => {}
            Event::Message(message) => self.message(message.level, &message.text),
            Event::Mask(masked) => {
                if self.actions {
                    let line = format!("::add-mask::{}", escape_data(&masked.0));
                    self.line(&line);
                }
            }
            Event::Cooldown(status) => {
                let line = format!("rate limit: {}", status.describe());
                self.line(&line);
            }
            Event::Verdict(verdict) => self.verdict(verdict),
        }
        let _ = self.out.flush();
    }
}

/// Writes `$GITHUB_OUTPUT` and `$GITHUB_STEP_SUMMARY`, when those files are given.
#[derive(Debug, Default)]
pub struct ActionsFiles {
    output: Option<PathBuf>,
    summary: Option<PathBuf>,
    can_proceed: Option<bool>,
    failure: Option<Error>,
}

impl ActionsFiles {
    /// A reporter appending outputs to `output` and Markdown to `summary`.
    pub fn new(output: Option<PathBuf>, summary: Option<PathBuf>) -> Self {
        Self {
            output,
            summary,
            can_proceed: None,
            failure: None,
        }
    }

    /// The files named by `GITHUB_OUTPUT` and `GITHUB_STEP_SUMMARY`.
    pub fn from_env(env: &crate::environment::Environment) -> Self {
        Self::new(
            env.get("GITHUB_OUTPUT").map(PathBuf::from),
            env.get("GITHUB_STEP_SUMMARY").map(PathBuf::from),
        )
    }

    /// The first write failure, if any.
    ///
    /// # Errors
    ///
    /// [`Error::Write`] naming the file that could not be written.
    pub fn finish(self) -> Result<()> {
        match self.failure {
            Some(error) => Err(error),
            None => Ok(()),
        }
    }

    fn append(&mut self, path: Option<PathBuf>, text: &str) {
        let Some(path) = path else { return };
        let written = std::fs::OpenOptions::new()
            .create(true)
            .append(true)
            .open(&path)
            .and_then(|mut file| file.write_all(text.as_bytes()));
        if let Err(source) = written
            && self.failure.is_none()
        {
            self.failure = Some(Error::Write { path, source });
        }
    }
}

impl Reporter for ActionsFiles {
    fn report(&mut self, event: &Event) {
        match event {
            Event::StepOutput { key, value } => {
                if key == "can_proceed" {
                    self.can_proceed = Some(value == "true");
                }
                self.append(self.output.clone(), &output_entry(key, value));
            }
            Event::Cooldown(status) => {
                let can_proceed = self.can_proceed.unwrap_or(!status.is_rate_limited());
                self.append(
                    self.summary.clone(),
                    &cooldown_markdown(status, can_proceed),
                );
            }
            Event::Verdict(verdict) => {
                self.append(self.summary.clone(), &summary_markdown(verdict));
            }
            _ => {}
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::cooldown::State;
    use crate::event::{Masked, Message};

    fn result(name: &str, required: bool, outcome: Outcome, evidence: &[&str]) -> CheckResult {
        CheckResult {
            name: name.to_owned(),
            required,
            outcome,
            attempts: u32::from(outcome != Outcome::Skipped),
            duration: Duration::from_millis(if outcome == Outcome::Skipped { 0 } else { 1234 }),
            evidence: evidence.iter().map(|line| (*line).to_owned()).collect(),
            log: None,
            flaky: false,
        }
    }

    fn sample_verdict() -> Verdict {
        let mut unit = result("unit", true, Outcome::Passed, &["exit status 0"]);
        unit.flaky = true;
        unit.attempts = 2;
        let status = Status {
            state: State::Active {
                since: "2024-05-01T02:00:00Z".parse().unwrap(),
                until: "2024-05-02T02:00:00Z".parse().unwrap(),
            },
            now: "2024-05-01T02:00:10Z".parse().unwrap(),
            window: Duration::from_secs(24 * 3600),
        };
        Verdict::decide(
            vec![
                result("lint", true, Outcome::Passed, &["exit status 0"]),
                unit,
                result(
                    "integration",
                    false,
                    Outcome::RateLimited,
                    &["Error: rate limited | code 10000"],
                ),
                result("live", false, Outcome::Skipped, &["MOOGO_EMAIL is not set"]),
                result("build", true, Outcome::Passed, &["exit status 0"]),
            ],
            Some(status),
        )
    }

    #[test]
    fn escapes_like_the_actions_runner() {
        let check = |input: &str, data: &str, property: &str| {
            assert_eq!(escape_data(input), data);
            assert_eq!(escape_property(input), property);
        };
        check("plain", "plain", "plain");
        check("50% done", "50%25 done", "50%25 done");
        check("a\r\nb", "a%0D%0Ab", "a%0D%0Ab");
        check("k: v, w", "k: v, w", "k%3A v%2C w");
        check("%0A", "%250A", "%250A");
    }

    #[test]
    fn annotations() {
        insta::assert_snapshot!(
            [
                annotation(Level::Error, None, "required check `unit` failed: exit status 1"),
                annotation(Level::Warning, Some("integration: rate limit, 24h"), "line one\nline two 100%"),
                annotation(Level::Notice, None, "optional check `live` was skipped"),
            ]
            .join("\n"),
            @r"
        ::error::required check `unit` failed: exit status 1
        ::warning title=integration%3A rate limit%2C 24h::line one%0Aline two 100%25
        ::notice::optional check `live` was skipped
        "
        );
    }

    #[test]
    fn multiline_outputs_use_a_heredoc() {
        assert_eq!(output_entry("can_proceed", "true"), "can_proceed=true\n");
        assert_eq!(
            output_entry("evidence", "a\nb"),
            "evidence<<ghadelimiter_cigate\na\nb\nghadelimiter_cigate\n"
        );
        assert_eq!(
            output_entry("x", "ghadelimiter_cigate\nz"),
            "x<<ghadelimiter_cigate_1\nghadelimiter_cigate\nz\nghadelimiter_cigate_1\n"
        );
    }

    #[test]
    fn summary() {
        insta::assert_snapshot!(summary_markdown(&sample_verdict()));
    }

    #[test]
    fn failing_summary() {
        let verdict = Verdict::decide(
            vec![
                result(
                    "lint",
                    true,
                    Outcome::Failed,
                    &["exit status 1", "error: unused variable"],
                ),
                result(
                    "unit",
                    true,
                    Outcome::Skipped,
                    &["needs `lint`, which did not pass"],
                ),
            ],
            None,
        );
        insta::assert_snapshot!(summary_markdown(&verdict));
    }

    #[test]
    fn terminal_verdict() {
        let mut terminal = Terminal::new(Vec::new(), false, false);
        terminal.report(&Event::Verdict(sample_verdict()));
        insta::assert_snapshot!(String::from_utf8(terminal.into_inner()).unwrap());
    }

    #[test]
    fn terminal_in_actions_uses_workflow_commands() {
        let mut terminal = Terminal::new(Vec::new(), false, true);
        for event in [
            Event::Mask(Masked("tok-1234".into())),
            Event::AttemptStarted {
                check: "unit".into(),
                attempt: 1,
                max_attempts: 3,
                command: "cargo test".into(),
            },
            Event::Line {
                check: "unit".into(),
                line: "running 3 tests".into(),
            },
            Event::AttemptFinished {
                check: "unit".into(),
                attempt: 1,
                outcome: Outcome::Transient,
                duration: Duration::from_millis(2500),
                evidence: vec!["connection reset by peer".into()],
            },
            Event::Message(Message::new(Level::Warning, "50% of\nthe tests")),
            Event::CheckFinished(result(
                "live",
                false,
                Outcome::Skipped,
                &["MOOGO_EMAIL is not set"],
            )),
        ] {
            terminal.report(&event);
        }
        insta::assert_snapshot!(String::from_utf8(terminal.into_inner()).unwrap(), @r"
        ::add-mask::tok-1234
        ::group::▶ unit (attempt 1/3): cargo test
        running 3 tests
        ::endgroup::
        ✘ unit transient (attempt 1, 2.5s): connection reset by peer
        ::warning::50%25 of%0Athe tests
        ::notice::live skipped: MOOGO_EMAIL is not set
        ");
    }

    #[test]
    fn actions_files_are_appended() {
        let dir = tempfile::tempdir().unwrap();
        let output = dir.path().join("output");
        let summary = dir.path().join("summary");
        std::fs::write(&output, "earlier=1\n").unwrap();
        let mut files = ActionsFiles::new(Some(output.clone()), Some(summary.clone()));
        files.report(&Event::StepOutput {
            key: "rate_limit_detected".into(),
            value: "true".into(),
        });
        files.report(&Event::Verdict(sample_verdict()));
        files.finish().unwrap();
        assert_eq!(
            std::fs::read_to_string(output).unwrap(),
            "earlier=1\nrate_limit_detected=true\n"
        );
        assert!(
            std::fs::read_to_string(summary)
                .unwrap()
                .starts_with("## cigate verdict: ✅ success")
        );
    }
}
