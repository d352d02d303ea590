//! The final verdict (F7): fails exactly when a required check did not succeed.
//!
//! | required | optional                 | verdict                           |
//! |----------|--------------------------|-----------------------------------|
//! | all pass | pass                     | success                           |
//! | all pass | skipped                  | success, notice                   |
//! | all pass | rate limited             | success, warning                  |
//! | all pass | failed for a real reason | success, warning: review          |
//! | any not  | any                      | failure                           |

use crate::classify::Outcome;
use crate::config::Config;
use crate::cooldown::Status;
use crate::error::{Error, Result};
use crate::event::{CheckResult, Level, Message};
use crate::trigger::Trigger;

/// The verdict over a set of check results.
#[derive(Debug, Clone, PartialEq)]
pub struct Verdict {
    /// The judged results, in order.
    pub results: Vec<CheckResult>,
    /// Errors, warnings and notices for people, in order.
    pub messages: Vec<Message>,
    /// The cooldown state, when known, for the summary.
    pub cooldown: Option<Status>,
}

impl Verdict {
    /// Judges `results`.
    ///
    /// # Examples
    ///
    /// ```
    /// use cigate::event::CheckResult;
    /// use cigate::verdict::Verdict;
    ///
    /// let lint = CheckResult::skipped("lint", true, "not run");
    /// let verdict = Verdict::decide(vec![lint], None);
    /// assert!(!verdict.is_success());
    /// ```
    pub fn decide(results: Vec<CheckResult>, cooldown: Option<Status>) -> Self {
        let mut messages = Vec::new();
        for result in &results {
            let name = &result.name;
            let why = result
                .evidence
                .first()
                .map(|line| format!(": {line}"))
                .unwrap_or_default();
            let message = match (result.required, result.outcome) {
                (_, Outcome::Passed) if result.flaky => Some(Message::new(
                    Level::Warning,
                    format!(
                        "check `{name}` passed only on attempt {} (flaky): look into it",
                        result.attempts
                    ),
                )),
                (_, Outcome::Passed) => None,
                (true, outcome) => Some(Message::new(
                    Level::Error,
                    format!("required check `{name}` {}{why}", describe(outcome)),
                )),
                (false, Outcome::Skipped) => Some(Message::new(
                    Level::Notice,
                    format!("optional check `{name}` was skipped{why}"),
                )),
                (false, Outcome::RateLimited) => Some(Message::new(
                    Level::Warning,
                    format!(
                        "optional check `{name}` hit the rate limit{why}; it is skipped until the cooldown ends, then retried"
                    ),
                )),
                (false, outcome) => Some(Message::new(
                    Level::Warning,
                    format!(
                        "optional check `{name}` {}{why}: review before merge",
                        describe(outcome)
                    ),
                )),
            };
            messages.extend(message);
        }
        Self {
            results,
            messages,
            cooldown,
        }
    }

    /// Whether every required check succeeded.
    pub fn is_success(&self) -> bool {
        self.failed_required().next().is_none()
    }

    /// The required checks that did not succeed.
    pub fn failed_required(&self) -> impl Iterator<Item = &CheckResult> {
        self.results
            .iter()
            .filter(|result| result.required && !result.outcome.is_success())
    }

    /// The one-line result: `All required checks passed. Safe to merge.` or what failed.
    pub fn headline(&self) -> String {
        let failed: Vec<_> = self
            .failed_required()
            .map(|result| format!("`{}`", result.name))
            .collect();
        match failed.len() {
            0 => "All required checks passed. Safe to merge.".to_owned(),
            1 => format!("Required check {} did not pass. Do not merge.", failed[0]),
            _ => format!(
                "Required checks {} did not pass. Do not merge.",
                failed.join(", ")
            ),
        }
    }

    /// The process exit code: [`crate::exit_code::SUCCESS`] or [`crate::exit_code::FAILURE`].
    pub fn exit_code(&self) -> i32 {
        if self.is_success() {
            crate::exit_code::SUCCESS
        } else {
            crate::exit_code::FAILURE
        }
    }
}

fn describe(outcome: Outcome) -> &'static str {
    match outcome {
        Outcome::Passed => "passed",
        Outcome::Failed => "failed",
        Outcome::RateLimited => "hit the rate limit",
        Outcome::Transient => "failed transiently",
        Outcome::Skipped => "was skipped",
        Outcome::Cancelled => "was cancelled",
    }
}

/// The results `verdict` judges: one per configured check that `trigger` runs or that
/// `settings` (`--set`) names, taken from `settings`, else from `recorded`, else "skipped: no
/// result recorded". A check named by `--set` is always judged: in GitHub Actions the verdict
/// job hands over every job's result, and a scheduled run must not pass with a failed lint.
/// Whether a check is required always comes from the configuration.
///
/// # Errors
///
/// [`Error::UnknownCheck`] for a setting that names no configured check.
pub fn judged_results(
    config: &Config,
    trigger: Trigger,
    mut recorded: Vec<CheckResult>,
    settings: &[(String, Outcome)],
) -> Result<Vec<CheckResult>> {
    for (name, outcome) in settings {
        let check = config.check(name)?;
        recorded.retain(|result| &result.name != name);
        let mut result = CheckResult::skipped(name, check.required, format!("set to {outcome}"));
        result.outcome = *outcome;
        result.attempts = u32::from(*outcome != Outcome::Skipped);
        recorded.push(result);
    }
    Ok(config
        .checks
        .iter()
        .filter(|check| {
            check.events.contains(&trigger) || settings.iter().any(|(name, _)| *name == check.name)
        })
        .map(|check| {
            let mut result = recorded
                .iter()
                .find(|result| result.name == check.name)
                .cloned()
                .unwrap_or_else(|| {
                    CheckResult::skipped(&check.name, check.required, "no result recorded")
                });
            result.required = check.required;
            result
        })
        .collect())
}

/// Parses a `--set CHECK=STATUS` argument.
///
/// # Errors
///
/// [`Error::InvalidSet`] when there is no `=` or the status is unknown.
pub fn parse_setting(argument: &str) -> Result<(String, Outcome)> {
    let invalid = |reason: &str| Error::InvalidSet {
        value: argument.to_owned(),
        reason: reason.to_owned(),
    };
    let (name, status) = argument
        .split_once('=')
        .ok_or_else(|| invalid("expected CHECK=STATUS"))?;
    if name.trim().is_empty() {
        return Err(invalid("the check name is empty"));
    }
    let outcome = Outcome::parse(status).ok_or_else(|| invalid("unknown status"))?;
    Ok((name.trim().to_owned(), outcome))
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::time::Duration;

    fn result(name: &str, required: bool, outcome: Outcome) -> CheckResult {
        CheckResult {
            name: name.to_owned(),
            required,
            outcome,
            attempts: 1,
            duration: Duration::from_secs(1),
            evidence: Vec::new(),
            log: None,
            flaky: false,
        }
    }

    /// One row of spec F7's table: lint, unit, integration (optional), build.
    fn check(row: [Outcome; 4], success: bool, levels: &[Level]) {
        let results = vec![
            result("lint", true, row[0]),
            result("unit", true, row[1]),
            result("integration", false, row[2]),
            result("build", true, row[3]),
        ];
        let verdict = Verdict::decide(results, None);
        assert_eq!(verdict.is_success(), success, "{row:?}");
        let actual: Vec<_> = verdict
            .messages
            .iter()
            .map(|message| message.level)
            .collect();
        assert_eq!(actual, levels, "{row:?}");
    }

    #[test]
    fn follows_the_f7_table() {
        use Outcome::*;
        check([Passed, Passed, Passed, Passed], true, &[]);
        check([Passed, Passed, Skipped, Passed], true, &[Level::Notice]);
        check(
            [Passed, Passed, RateLimited, Passed],
            true,
            &[Level::Warning],
        );
        check([Passed, Passed, Failed, Passed], true, &[Level::Warning]);
        check([Passed, Passed, Transient, Passed], true, &[Level::Warning]);
        check([Failed, Passed, Passed, Passed], false, &[Level::Error]);
        check(
            [Passed, Failed, RateLimited, Passed],
            false,
            &[Level::Error, Level::Warning],
        );
        check([Passed, Passed, Passed, Failed], false, &[Level::Error]);
        check([Passed, Cancelled, Passed, Passed], false, &[Level::Error]);
        check([Passed, Skipped, Passed, Passed], false, &[Level::Error]);
    }

    #[test]
    fn headline_names_what_failed() {
        let ok = Verdict::decide(vec![result("lint", true, Outcome::Passed)], None);
        assert_eq!(ok.headline(), "All required checks passed. Safe to merge.");
        assert_eq!(ok.exit_code(), 0);
        let failed = Verdict::decide(
            vec![
                result("lint", true, Outcome::Failed),
                result("unit", true, Outcome::Skipped),
            ],
            None,
        );
        assert_eq!(
            failed.headline(),
            "Required checks `lint`, `unit` did not pass. Do not merge."
        );
        assert_eq!(failed.exit_code(), 1);
    }

    #[test]
    fn flaky_passes_are_reported() {
        let mut unit = result("unit", true, Outcome::Passed);
        unit.flaky = true;
        unit.attempts = 2;
        let verdict = Verdict::decide(vec![unit], None);
        assert!(verdict.is_success());
        assert_eq!(
            verdict.messages,
            [Message::new(
                Level::Warning,
                "check `unit` passed only on attempt 2 (flaky): look into it"
            )]
        );
    }

    #[test]
    fn judges_the_checks_of_the_trigger_with_settings_first() {
        let config = Config::parse(
            std::path::Path::new("cigate.toml"),
            "[[check]]\nname = \"lint\"\nrun = \"x\"\n[[check]]\nname = \"it\"\nrun = \"y\"\nrequired = false\ncooldown_gated = true\n",
        )
        .unwrap();
        let recorded = vec![
            result("lint", false, Outcome::Failed),
            result("it", false, Outcome::Failed),
        ];
        let settings = [("it".to_owned(), Outcome::RateLimited)];
        let push = judged_results(&config, Trigger::Push, recorded.clone(), &settings).unwrap();
        let outcomes: Vec<_> = push
            .iter()
            .map(|r| (r.name.as_str(), r.required, r.outcome))
            .collect();
        assert_eq!(
            outcomes,
            [
                ("lint", true, Outcome::Failed),
                ("it", false, Outcome::RateLimited)
            ]
        );
        let schedule = judged_results(&config, Trigger::Schedule, Vec::new(), &[]).unwrap();
        assert_eq!(schedule.len(), 1);
        assert_eq!(schedule[0].evidence, ["no result recorded"]);
        let failed_lint = [("lint".to_owned(), Outcome::Failed)];
        let schedule =
            judged_results(&config, Trigger::Schedule, Vec::new(), &failed_lint).unwrap();
        let judged: Vec<_> = schedule
            .iter()
            .map(|r| (r.name.as_str(), r.outcome))
            .collect();
        assert_eq!(
            judged,
            [("lint", Outcome::Failed), ("it", Outcome::Skipped)],
            "a check named by --set is judged whatever the trigger"
        );
        let unknown = [("nope".to_owned(), Outcome::Passed)];
        assert!(judged_results(&config, Trigger::Push, Vec::new(), &unknown).is_err());
    }

    #[test]
    fn parses_settings() {
        assert_eq!(
            parse_setting("unit=success").unwrap(),
            ("unit".to_owned(), Outcome::Passed)
        );
        assert_eq!(
            parse_setting("it=cancelled").unwrap(),
            ("it".to_owned(), Outcome::Cancelled)
        );
        assert_eq!(
            parse_setting("unit").unwrap_err().to_string(),
            "invalid --set `unit`: expected CHECK=STATUS"
        );
        assert_eq!(
            parse_setting("unit=great").unwrap_err().to_string(),
            "invalid --set `unit=great`: unknown status"
        );
    }
}
