//! The pipeline (F9, on one machine) and the steps it shares with `cigate run`.
//!
//! Checks run in `needs` order; a check whose need did not pass is skipped. Cooldown-gated
//! checks wait while the cooldown is active (unless forced). The trigger decides which checks
//! run: every check by default, only the gated ones on `schedule`; the verdict judges only the
//! checks the trigger runs. A rate limit marks the cooldown and opens (or updates) the issue; a
//! gated check that passes clears the marker and closes the issues. Runs from a fork's pull
//! request never open issues or touch secrets.

use crate::classify::Outcome;
use crate::config::Check;
use crate::context::Context;
use crate::cooldown::{Decision, State};
use crate::error::Result;
use crate::event::{CheckResult, Event, Level, Message, Reporter};
use crate::github_access::Access;
use crate::record;
use crate::run::Spec;
use crate::secrets;
use crate::tracker::{Action, Detection, RunInfo, Tracker};
use crate::trigger::Trigger;
use crate::verdict::Verdict;

/// How a pipeline (or a single check) is run.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Options {
    /// The trigger.
    pub trigger: Trigger,
    /// Whether the run comes from a fork's pull request (no issues, no secrets).
    pub fork: bool,
    /// Run gated checks even during the cooldown (with a warning).
    pub force_retry: bool,
    /// Run only these checks (all when empty).
    pub only: Vec<String>,
}

impl Default for Options {
    fn default() -> Self {
        Self {
            trigger: Trigger::Push,
            fork: false,
            force_retry: false,
            only: Vec::new(),
        }
    }
}

/// Runs the configured checks and judges them.
///
/// # Errors
///
/// [`crate::Error::UnknownCheck`] for an `--only` name the configuration lacks; errors of the
/// stores (an unwritable marker, a failing GitHub call). A failing check is not an error.
pub async fn run_pipeline(
    context: &Context,
    options: &Options,
    reporter: &mut dyn Reporter,
) -> Result<Verdict> {
    for name in &options.only {
        context.config.check(name)?;
    }
    let selected: Vec<&Check> = context
        .config
        .checks
        .iter()
        .filter(|check| options.only.is_empty() || options.only.contains(&check.name))
        .filter(|check| check.events.contains(&options.trigger))
        .collect();
    let mut steps = Steps::new(context, options)?;
    steps.announce(reporter);
    reporter.report(&Event::PipelineStarted {
        trigger: options.trigger,
        checks: selected.iter().map(|check| check.name.clone()).collect(),
        fork: options.fork,
    });
    record::clear(&context.results_dir())?;
    let mut results: Vec<CheckResult> = Vec::new();
    for check in selected {
        if context.interrupt.is_requested() {
            return Err(crate::Error::Interrupted {
                check: check.name.clone(),
            });
        }
        let failed_need = check.needs.iter().find(|need| {
            results
                .iter()
                .any(|result| &result.name == *need && !result.outcome.is_success())
        });
        let result = match failed_need {
            Some(need) => {
                let result = CheckResult::skipped(
                    &check.name,
                    check.required,
                    format!("needs `{need}`, which did not pass"),
                );
                steps.finish(&result, reporter)?;
                result
            }
            None => steps.run_check(check, reporter).await?,
        };
        results.push(result);
    }
    let rate_limit_detected = results.iter().any(|r| r.outcome == Outcome::RateLimited);
    let gated = context
        .config
        .checks
        .iter()
        .any(|check| check.cooldown_gated);
    let cooldown = if gated {
        Some(steps.cooldown.status(context.clock.now()).await?)
    } else {
        None
    };
    let verdict = Verdict::decide(results, cooldown);
    for (key, value) in [
        ("rate_limit_detected", rate_limit_detected.to_string()),
        (
            "verdict",
            if verdict.is_success() {
                "success"
            } else {
                "failure"
            }
            .to_owned(),
        ),
    ] {
        reporter.report(&Event::StepOutput {
            key: key.to_owned(),
            value,
        });
    }
    reporter.report(&Event::Verdict(verdict.clone()));
    Ok(verdict)
}

/// Runs one configured check as `cigate run CHECK` does: gate, attempts, record, follow-ups
/// and outputs (`outcome`, `rate_limit_detected`, `test_failed`, `flaky`).
///
/// # Errors
///
/// As [`run_pipeline`].
pub async fn run_single(
    context: &Context,
    check: &Check,
    options: &Options,
    reporter: &mut dyn Reporter,
) -> Result<CheckResult> {
    let mut steps = Steps::new(context, options)?;
    steps.announce(reporter);
    let result = steps.run_check(check, reporter).await?;
    for (key, value) in result_outputs(&result) {
        reporter.report(&Event::StepOutput { key, value });
    }
    Ok(result)
}

/// Runs an ad-hoc command (`cigate run -- CMD`): attempts and record, no gate or follow-ups.
///
/// # Errors
///
/// As [`crate::run::Runner::run`].
pub async fn run_command(
    context: &Context,
    spec: &Spec,
    reporter: &mut dyn Reporter,
) -> Result<CheckResult> {
    let runner = context.runner();
    for masked in runner.redactor.masks() {
        reporter.report(&Event::Mask(masked));
    }
    let result = runner.run(spec, reporter).await?;
    record::save(&context.results_dir(), &result)?;
    reporter.report(&Event::CheckFinished(result.clone()));
    for (key, value) in result_outputs(&result) {
        reporter.report(&Event::StepOutput { key, value });
    }
    Ok(result)
}

/// The outputs of one check for later steps.
pub fn result_outputs(result: &CheckResult) -> Vec<(String, String)> {
    vec![
        ("outcome".to_owned(), result.outcome.as_str().to_owned()),
        (
            "rate_limit_detected".to_owned(),
            (result.outcome == Outcome::RateLimited).to_string(),
        ),
        (
            "test_failed".to_owned(),
            matches!(
                result.outcome,
                Outcome::Failed | Outcome::Transient | Outcome::Cancelled
            )
            .to_string(),
        ),
        ("flaky".to_owned(), result.flaky.to_string()),
    ]
}

/// The shared machinery of a run: the stores, and the cooldown decision taken once.
struct Steps<'a> {
    context: &'a Context,
    options: &'a Options,
    cooldown: crate::cooldown::Cooldown,
    tracker: Tracker,
    run_info: RunInfo,
    decision: Option<Decision>,
}

impl<'a> Steps<'a> {
    fn new(context: &'a Context, options: &'a Options) -> Result<Self> {
        Ok(Self {
            context,
            options,
            cooldown: context.cooldown()?,
            tracker: context.tracker()?,
            run_info: RunInfo::from_env(&context.env, options.trigger),
            decision: None,
        })
    }

    fn announce(&self, reporter: &mut dyn Reporter) {
        for masked in self.context.redactor().masks() {
            reporter.report(&Event::Mask(masked));
        }
        for warning in &self.context.config.warnings {
            message(reporter, Level::Warning, warning.clone());
        }
    }

    /// The cooldown decision, taken the first time a gated check needs it.
    async fn gate(&mut self, reporter: &mut dyn Reporter) -> Result<Decision> {
        if let Some(decision) = &self.decision {
            return Ok(decision.clone());
        }
        let decision = self
            .cooldown
            .check(self.context.clock.now(), self.options.force_retry)
            .await?;
        let level = if decision.forced {
            Level::Warning
        } else {
            Level::Notice
        };
        for note in &decision.notes {
            message(reporter, level, note.clone());
        }
        if let State::Unreadable { .. } = decision.status.state
            && !decision.forced
        {
            message(
                reporter,
                Level::Error,
                format!(
                    "{}; run `cigate cooldown clear --force` to remove it, or force a retry",
                    decision.status.describe()
                ),
            );
        }
        self.decision = Some(decision.clone());
        Ok(decision)
    }

    async fn run_check(
        &mut self,
        check: &Check,
        reporter: &mut dyn Reporter,
    ) -> Result<CheckResult> {
        let missing: Vec<&str> = check
            .requires_env
            .iter()
            .map(String::as_str)
            .filter(|name| self.context.env.get(name).is_none())
            .collect();
        if !missing.is_empty() {
            let result = CheckResult::skipped(
                &check.name,
                check.required,
                format!(
                    "{} not set (see requires_env)",
                    missing
                        .iter()
                        .map(|name| format!("`{name}`"))
                        .collect::<Vec<_>>()
                        .join(", ")
                ),
            );
            self.finish(&result, reporter)?;
            return Ok(result);
        }
        if check.cooldown_gated {
            let decision = self.gate(reporter).await?;
            if !decision.can_proceed {
                let reason = match &decision.status.state {
                    State::Active { until, .. } => format!(
                        "rate-limit cooldown: {} left (retry after {})",
                        crate::cooldown::human_duration(decision.status.time_until_retry()),
                        crate::cooldown::format_time(*until)
                    ),
                    _ => decision.status.describe(),
                };
                let result = CheckResult::skipped(&check.name, check.required, reason);
                self.finish(&result, reporter)?;
                return Ok(result);
            }
        }
        let result = self
            .context
            .runner()
            .run(&Spec::from_check(check), reporter)
            .await?;
        // The follow-ups (marker, issue, secrets) must not lose the result: a failure there is
        // reported as an error, and the result is still recorded and judged.
        let follow_up = match result.outcome {
            Outcome::RateLimited => self.rate_limited(&result, reporter).await,
            Outcome::Passed if check.cooldown_gated => self.recovered(&result, reporter).await,
            _ => Ok(()),
        };
        if let Err(error) = follow_up {
            message(reporter, Level::Error, error.one_line());
        }
        self.finish(&result, reporter)?;
        Ok(result)
    }

    async fn rate_limited(
        &mut self,
        result: &CheckResult,
        reporter: &mut dyn Reporter,
    ) -> Result<()> {
        let now = self.context.clock.now();
        if let Some(note) = self.cooldown.mark(now).await? {
            message(reporter, Level::Notice, note);
        }
        // Later gated checks see the new marker.
        self.decision = None;
        let window = jiff::SignedDuration::try_from(self.cooldown.window())
            .unwrap_or(jiff::SignedDuration::MAX);
        let retry_after = now.checked_add(window).unwrap_or(jiff::Timestamp::MAX);
        message(
            reporter,
            Level::Warning,
            format!(
                "rate limit detected in `{}`: cooldown marked in {} until {}",
                result.name,
                self.cooldown.store().location(),
                crate::cooldown::format_time(retry_after)
            ),
        );
        if self.options.fork {
            message(
                reporter,
                Level::Notice,
                "pull request from a fork: no issue opened".to_owned(),
            );
            return Ok(());
        }
        let detection = Detection {
            check: result.name.clone(),
            detected_at: now,
            retry_after,
            evidence: result.evidence.clone(),
            run: self.run_info.clone(),
        };
        let action = self.tracker.report(&detection).await?;
        message(
            reporter,
            Level::Notice,
            action.describe(self.tracker.title()),
        );
        Ok(())
    }

    async fn recovered(&mut self, result: &CheckResult, reporter: &mut dyn Reporter) -> Result<()> {
        let now = self.context.clock.now();
        let had_marker = !matches!(self.cooldown.status(now).await?.state, State::Clear);
        if had_marker {
            let note = self.cooldown.clear().await?;
            message(
                reporter,
                Level::Notice,
                note.unwrap_or_else(|| {
                    format!("`{}` passed: cooldown marker cleared", result.name)
                }),
            );
        }
        self.decision = None;
        if self.options.fork {
            return Ok(());
        }
        let action = self
            .tracker
            .resolve(&result.name, now, &self.run_info)
            .await?;
        if !matches!(action, Action::Nothing(_)) {
            message(
                reporter,
                Level::Notice,
                action.describe(self.tracker.title()),
            );
        }
        self.sync_session(reporter).await
    }

    /// Writes a refreshed session back as secrets, inside GitHub Actions, when configured.
    async fn sync_session(&self, reporter: &mut dyn Reporter) -> Result<()> {
        let config = &self.context.config.secrets;
        let Some(path) = &config.session else {
            return Ok(());
        };
        if !self.context.env.is_github_actions() || !path.exists() {
            return Ok(());
        }
        let session = secrets::Session::load(path)?;
        for masked in secrets::masks(&session, config) {
            reporter.report(&Event::Mask(masked));
        }
        let access = Access::from_env(&config.token_env, &self.context.env)?;
        let report = secrets::sync(&session, config, &self.context.env, &access).await?;
        if let Some((names, reason)) = &report.not_written {
            message(
                reporter,
                Level::Warning,
                secrets::missing_token_warning(names, reason, &config.token_env),
            );
        }
        if !report.updated.is_empty() {
            message(
                reporter,
                Level::Notice,
                format!("updated secrets {}", report.updated.join(", ")),
            );
        }
        Ok(())
    }

    fn finish(&self, result: &CheckResult, reporter: &mut dyn Reporter) -> Result<()> {
        record::save(&self.context.results_dir(), result)?;
        reporter.report(&Event::CheckFinished(result.clone()));
        Ok(())
    }
}

fn message(reporter: &mut dyn Reporter, level: Level, text: String) {
    reporter.report(&Event::Message(Message::new(level, text)));
}
