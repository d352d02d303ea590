//! The command line of the `cigate` binary: clap definitions, and their translation into
//! library calls.
//!
//! `main` only parses, calls [`Cli::run`], renders an error once and exits with the code it is
//! given (see [`crate::exit_code`]).

use std::io::Write;
use std::path::PathBuf;
use std::time::Duration;

use clap::{Args, Parser, Subcommand};

use crate::classify::{self, Exit, Outcome};
use crate::clock::Clock;
use crate::config::Config;
use crate::context::Context;
use crate::cooldown;
use crate::environment::Environment;
use crate::error::{Error, Result};
use crate::event::{CheckResult, Event, Level, Message, Reporter};
use crate::exit_code;
use crate::github_access::Access;
use crate::interrupt::Interrupt;
use crate::pipeline::{self, Options};
use crate::record;
use crate::report::{ActionsFiles, Terminal};
use crate::run::{Backoff, Command as RunCommand, RetryOn, Spec};
use crate::secrets;
use crate::tracker::{Detection, RunInfo};
use crate::trigger::{self, Trigger};
use crate::verdict::{self, Verdict};

/// Resilient CI for integration tests against rate-limited services.
#[derive(Debug, Parser)]
#[command(
    name = "cigate",
    version,
    about = "Resilient CI for integration tests against rate-limited services",
    long_about = "Resilient CI for integration tests against rate-limited services: runs checks with retries and timeouts, tells a rate limit from a real failure, keeps a cooldown, tracks it in one issue and decides whether a change is safe to merge.",
    after_help = "Example:\n  cigate pipeline                 run this repository's checks and print the verdict\n  cigate --now 2026-05-02T02:00:00Z pipeline --event schedule"
)]
pub struct Cli {
    /// The configuration file; relative paths in it start at its directory.
    #[arg(
        long,
        global = true,
        value_name = "FILE",
        default_value = "cigate.toml"
    )]
    config: PathBuf,
    /// Pretend the time is this (RFC 3339); also `CIGATE_NOW`.
    #[arg(long, global = true, value_name = "RFC3339")]
    now: Option<String>,
    #[command(subcommand)]
    command: Command,
}

#[derive(Debug, Subcommand)]
enum Command {
    /// Run the configured checks in `needs` order, then print the verdict.
    #[command(
        after_help = "Example:\n  cigate pipeline\n  cigate pipeline --event schedule\n  cigate pipeline --only lint --only unit"
    )]
    Pipeline(PipelineArgs),
    /// Run one configured check, or a command, with retries, timeout, capture and classification.
    #[command(
        after_help = "Example:\n  cigate run unit\n  cigate run --retries 2 --timeout 10m --retry-on transient -- cargo test"
    )]
    Run(RunArgs),
    /// Classify a saved output: passed, failed, rate_limited or transient.
    #[command(after_help = "Example:\n  cigate classify --log it.log --exit-code 101 --json")]
    Classify(ClassifyArgs),
    /// Show, check, mark or clear the rate-limit cooldown.
    #[command(after_help = "Example:\n  cigate cooldown status\n  cigate cooldown check --force")]
    Cooldown {
        #[command(subcommand)]
        action: CooldownAction,
    },
    /// Judge the recorded results (or --set ones) and print the verdict.
    #[command(
        after_help = "Example:\n  cigate verdict\n  cigate verdict --set lint=success --set unit=failure --set integration=skipped"
    )]
    Verdict(VerdictArgs),
    /// Open, close or list the rate-limit issue.
    #[command(
        after_help = "Example:\n  cigate issue status\n  cigate issue open --check integration"
    )]
    Issue {
        #[command(subcommand)]
        action: IssueAction,
    },
    /// Write a refreshed session back as repository secrets.
    #[command(after_help = "Example:\n  cigate secrets sync --session .moogo/session.json")]
    Secrets {
        #[command(subcommand)]
        action: SecretsAction,
    },
}

#[derive(Debug, Args)]
struct PipelineArgs {
    /// The trigger (default: GITHUB_EVENT_NAME, else push).
    #[arg(long, value_name = "EVENT")]
    event: Option<Trigger>,
    /// Run cooldown-gated checks even during the cooldown.
    #[arg(long)]
    force_retry: bool,
    /// Run only this check (repeatable).
    #[arg(long, value_name = "CHECK")]
    only: Vec<String>,
    /// Treat the run as a pull request from a fork: no issues, no secrets.
    #[arg(long)]
    fork: bool,
}

#[derive(Debug, Args)]
#[command(group(clap::ArgGroup::new("what").required(true).args(["check", "command"])))]
struct RunArgs {
    /// The configured check to run.
    #[arg(value_name = "CHECK", conflicts_with = "command")]
    check: Option<String>,
    /// A command to run instead of a configured check (after `--`).
    #[arg(last = true, value_name = "CMD")]
    command: Vec<String>,
    /// The name results and logs of a command are kept under (default: the program's name).
    #[arg(long, requires = "command")]
    name: Option<String>,
    /// Attempts after the first (commands; default 0).
    #[arg(long, requires = "command")]
    retries: Option<u32>,
    /// The limit per attempt, such as 10m (commands; default 1h).
    #[arg(long, requires = "command", value_parser = parse_duration)]
    timeout: Option<Duration>,
    /// What to retry: error, transient or any (commands; default any).
    #[arg(long, requires = "command", value_parser = parse_retry_on)]
    retry_on: Option<RetryOn>,
    /// The delay before the second attempt of a command, doubled each time (default 10s).
    #[arg(long, requires = "command", value_parser = parse_duration)]
    backoff: Option<Duration>,
    /// Whether the verdict requires a command to pass (default true).
    #[arg(long, requires = "command")]
    optional: bool,
    /// Run a cooldown-gated check even during the cooldown.
    #[arg(long)]
    force_retry: bool,
}

#[derive(Debug, Args)]
struct ClassifyArgs {
    /// The output to classify.
    #[arg(long, value_name = "FILE")]
    log: PathBuf,
    /// A JUnit report of the same run.
    #[arg(long, value_name = "FILE")]
    junit: Option<PathBuf>,
    /// The run's exit status (without it, evidence alone decides).
    #[arg(long, value_name = "N", allow_negative_numbers = true)]
    exit_code: Option<i32>,
    /// Print {"outcome": ..., "evidence": [...]}.
    #[arg(long)]
    json: bool,
}

#[derive(Debug, Subcommand)]
enum CooldownAction {
    /// Print the cooldown state.
    Status,
    /// Decide whether gated checks may run; outputs can_proceed and friends.
    Check {
        /// Proceed even during the cooldown (the force_retry override).
        #[arg(long)]
        force: bool,
        /// Exit with status 3 when the gated checks may not run (for shell scripts).
        #[arg(long)]
        strict: bool,
    },
    /// Record a rate limit detected now.
    Mark,
    /// Remove the marker (an active or unreadable one only with --force).
    Clear {
        /// Remove it even while the cooldown is active or the marker unreadable.
        #[arg(long)]
        force: bool,
    },
}

#[derive(Debug, Args)]
struct VerdictArgs {
    /// Override a check's result: CHECK=STATUS (success, failure, cancelled, skipped, or a
    /// cigate outcome); repeatable.
    #[arg(long = "set", value_name = "CHECK=STATUS")]
    settings: Vec<String>,
    /// The trigger whose checks are judged (default: GITHUB_EVENT_NAME, else push).
    #[arg(long, value_name = "EVENT")]
    event: Option<Trigger>,
}

#[derive(Debug, Subcommand)]
enum IssueAction {
    /// Open the rate-limit issue, or comment on the open one.
    Open {
        /// The check that hit the rate limit.
        #[arg(long, default_value = "integration")]
        check: String,
    },
    /// Comment on and close every open rate-limit issue.
    Close {
        /// The check that passed again.
        #[arg(long, default_value = "integration")]
        check: String,
    },
    /// List the open rate-limit issues.
    Status,
}

#[derive(Debug, Subcommand)]
enum SecretsAction {
    /// Update the cached-session secrets whose value changed.
    Sync {
        /// The session file the tests wrote.
        #[arg(long, value_name = "FILE")]
        session: PathBuf,
    },
}

fn parse_duration(text: &str) -> std::result::Result<Duration, String> {
    humantime::parse_duration(text).map_err(|_| format!("`{text}` is not a duration such as 10m"))
}

fn parse_retry_on(text: &str) -> std::result::Result<RetryOn, String> {
    RetryOn::parse(text).ok_or_else(|| format!("`{text}` is not one of error, transient, any"))
}

impl Cli {
    /// Runs the command with `env` as the environment; returns the exit code.
    ///
    /// # Errors
    ///
    /// Anything that stops cigate from doing its job; the caller renders it and exits with
    /// [`exit_code::ERROR`].
    pub fn run(self, env: Environment) -> Result<i32> {
        let runtime = tokio::runtime::Builder::new_current_thread()
            .enable_all()
            .build()
            .map_err(|source| Error::Spawn {
                command: "the async runtime".to_owned(),
                source,
            })?;
        runtime.block_on(self.run_async(env))
    }

    async fn run_async(self, env: Environment) -> Result<i32> {
        let clock = Clock::from_setting(self.now.as_deref(), &env)?;
        let actions = env.is_github_actions();
        let mut files = ActionsFiles::from_env(&env);
        let mut terminal = Terminal::new(anstream::stdout(), true, actions);
        let mut both = Both {
            terminal: &mut terminal,
            files: &mut files,
        };
        let code = dispatch(self.command, &self.config, clock, env, &mut both).await?;
        files.finish()?;
        Ok(code)
    }
}

/// The terminal and the Actions files, as one reporter.
struct Both<'a, W: Write> {
    terminal: &'a mut Terminal<W>,
    files: &'a mut ActionsFiles,
}

impl<W: Write> Reporter for Both<'_, W> {
    fn report(&mut self, event: &Event) {
        self.terminal.report(event);
        self.files.report(event);
    }
}

fn load(config: &std::path::Path, clock: Clock, env: Environment) -> Result<Context> {
    Ok(Context::new(Config::load(config)?, clock, env).with_interrupt(Interrupt::listen()))
}

async fn dispatch(
    command: Command,
    config_path: &std::path::Path,
    clock: Clock,
    env: Environment,
    reporter: &mut dyn Reporter,
) -> Result<i32> {
    match command {
        Command::Pipeline(args) => {
            let context = load(config_path, clock, env)?;
            let options = Options {
                trigger: args
                    .event
                    .unwrap_or_else(|| Trigger::from_env(&context.env)),
                fork: args.fork || trigger::is_fork_pull_request(&context.env),
                force_retry: args.force_retry,
                only: args.only,
            };
            let verdict = pipeline::run_pipeline(&context, &options, reporter).await?;
            Ok(verdict.exit_code())
        }
        Command::Run(args) => run(args, config_path, clock, env, reporter).await,
        Command::Classify(args) => classify_log(&args, config_path, clock, reporter),
        Command::Cooldown { action } => {
            let context = load(config_path, clock, env)?;
            cooldown_command(action, &context, reporter).await
        }
        Command::Verdict(args) => {
            let context = load(config_path, clock, env)?;
            verdict_command(args, &context, reporter).await
        }
        Command::Issue { action } => {
            let context = load(config_path, clock, env)?;
            issue_command(action, &context, reporter).await
        }
        Command::Secrets {
            action: SecretsAction::Sync { session },
        } => {
            let context = load(config_path, clock, env)?;
            secrets_command(&session, &context, reporter).await
        }
    }
}

fn say(reporter: &mut dyn Reporter, level: Level, text: impl Into<String>) {
    reporter.report(&Event::Message(Message::new(level, text)));
}

fn outcome_code(outcome: Outcome) -> i32 {
    match outcome {
        Outcome::Passed | Outcome::Skipped => exit_code::SUCCESS,
        Outcome::RateLimited => exit_code::RATE_LIMITED,
        Outcome::Failed | Outcome::Transient | Outcome::Cancelled => exit_code::FAILURE,
    }
}

async fn run(
    args: RunArgs,
    config_path: &std::path::Path,
    clock: Clock,
    env: Environment,
    reporter: &mut dyn Reporter,
) -> Result<i32> {
    let result: CheckResult = if let Some(name) = &args.check {
        let context = load(config_path, clock, env)?;
        let check = context.config.check(name)?.clone();
        let options = Options {
            trigger: Trigger::from_env(&context.env),
            fork: trigger::is_fork_pull_request(&context.env),
            force_retry: args.force_retry,
            only: Vec::new(),
        };
        pipeline::run_single(&context, &check, &options, reporter).await?
    } else {
        // An ad-hoc command works without a configuration file (defaults apply).
        let config = if config_path.exists() {
            Config::load(config_path)?
        } else {
            Config::parse(config_path, "")?
        };
        let context = Context::new(config, clock, env).with_interrupt(Interrupt::listen());
        let name = args.name.clone().unwrap_or_else(|| {
            std::path::Path::new(&args.command[0])
                .file_name()
                .map_or_else(
                    || "command".to_owned(),
                    |name| name.to_string_lossy().into_owned(),
                )
        });
        let spec = Spec {
            name,
            required: !args.optional,
            command: RunCommand::Argv(args.command.clone()),
            env: Default::default(),
            retries: args.retries.unwrap_or(0),
            timeout: Some(args.timeout.unwrap_or(Duration::from_secs(3600))),
            retry_on: args.retry_on.unwrap_or(RetryOn::Any),
            backoff: Backoff {
                initial: args.backoff.unwrap_or(Duration::from_secs(10)),
                max: Duration::from_secs(300),
            },
            junit: None,
            detect_rate_limit: true,
        };
        pipeline::run_command(&context, &spec, reporter).await?
    };
    Ok(outcome_code(result.outcome))
}

fn classify_log(
    args: &ClassifyArgs,
    config_path: &std::path::Path,
    clock: Clock,
    reporter: &mut dyn Reporter,
) -> Result<i32> {
    let config = if config_path.exists() {
        Config::load(config_path)?
    } else {
        Config::parse(config_path, "")?
    };
    let output = std::fs::read(&args.log).map_err(|source| Error::Read {
        path: args.log.clone(),
        source,
    })?;
    let output = String::from_utf8_lossy(&output);
    let classification = classify::classify(
        &config.rules,
        &classify::Input {
            exit: args.exit_code.map_or(Exit::Unknown, Exit::Code),
            output: &output,
            junit: args.junit.as_deref(),
            lockout_record: config.lockout_record.as_deref(),
            now: clock.now(),
        },
    );
    let outcome = classification.outcome;
    if args.json {
        let json = serde_json::json!({
            "outcome": outcome.as_str(),
            "evidence": classification.evidence,
        });
        reporter.report(&Event::Text(json.to_string()));
    } else {
        reporter.report(&Event::Text(outcome.as_str().to_owned()));
        for line in &classification.evidence {
            reporter.report(&Event::Text(format!("  {line}")));
        }
    }
    for (key, value) in [
        ("outcome", outcome.as_str().to_owned()),
        (
            "rate_limit_detected",
            (outcome == Outcome::RateLimited).to_string(),
        ),
        (
            "test_failed",
            matches!(outcome, Outcome::Failed | Outcome::Transient).to_string(),
        ),
    ] {
        reporter.report(&Event::StepOutput {
            key: key.to_owned(),
            value,
        });
    }
    Ok(outcome_code(outcome))
}

async fn cooldown_command(
    action: CooldownAction,
    context: &Context,
    reporter: &mut dyn Reporter,
) -> Result<i32> {
    let cooldown = context.cooldown()?;
    let now = context.clock.now();
    match action {
        CooldownAction::Status => {
            let status = cooldown.status(now).await?;
            say(
                reporter,
                Level::Notice,
                format!("marker: {}", cooldown.store().location()),
            );
            reporter.report(&Event::Cooldown(status));
            Ok(exit_code::SUCCESS)
        }
        CooldownAction::Check { force, strict } => {
            let decision = cooldown.check(now, force).await?;
            for note in &decision.notes {
                let level = if decision.forced {
                    Level::Warning
                } else {
                    Level::Notice
                };
                say(reporter, level, note.clone());
            }
            if let cooldown::State::Unreadable { location, content } = &decision.status.state
                && !decision.forced
            {
                let error = Error::MarkerUnreadable {
                    location: location.clone(),
                    content: content.clone(),
                };
                say(
                    reporter,
                    Level::Error,
                    format!("{error}; {}", error.hint().unwrap_or_default()),
                );
            }
            for (key, value) in decision.status.outputs(decision.can_proceed) {
                reporter.report(&Event::StepOutput { key, value });
            }
            reporter.report(&Event::StepOutput {
                key: "time_until_retry_human".to_owned(),
                value: cooldown::human_duration(decision.status.time_until_retry()),
            });
            reporter.report(&Event::Cooldown(decision.status.clone()));
            Ok(if decision.can_proceed || !strict {
                exit_code::SUCCESS
            } else {
                exit_code::COOLDOWN_ACTIVE
            })
        }
        CooldownAction::Mark => {
            let note = cooldown.mark(now).await?;
            match note {
                Some(note) => say(reporter, Level::Notice, note),
                None => say(
                    reporter,
                    Level::Notice,
                    format!(
                        "cooldown marked at {} in {}",
                        cooldown::format_time(now),
                        cooldown.store().location()
                    ),
                ),
            }
            Ok(exit_code::SUCCESS)
        }
        CooldownAction::Clear { force } => {
            let status = cooldown.status(now).await?;
            if status.is_rate_limited() && !force {
                return Err(Error::CooldownActive {
                    location: cooldown.store().location(),
                    state: status.describe(),
                });
            }
            let note = cooldown.clear().await?;
            say(
                reporter,
                Level::Notice,
                note.unwrap_or_else(|| {
                    format!("cooldown marker in {} cleared", cooldown.store().location())
                }),
            );
            Ok(exit_code::SUCCESS)
        }
    }
}

async fn verdict_command(
    args: VerdictArgs,
    context: &Context,
    reporter: &mut dyn Reporter,
) -> Result<i32> {
    let trigger = args
        .event
        .unwrap_or_else(|| Trigger::from_env(&context.env));
    let settings = args
        .settings
        .iter()
        .map(|setting| verdict::parse_setting(setting))
        .collect::<Result<Vec<_>>>()?;
    let recorded = record::load_all(&context.results_dir())?;
    let results = verdict::judged_results(&context.config, trigger, recorded, &settings)?;
    let gated = context
        .config
        .checks
        .iter()
        .any(|check| check.cooldown_gated);
    let cooldown = if gated {
        context.cooldown()?.status(context.clock.now()).await.ok()
    } else {
        None
    };
    let verdict = Verdict::decide(results, cooldown);
    reporter.report(&Event::StepOutput {
        key: "verdict".to_owned(),
        value: if verdict.is_success() {
            "success"
        } else {
            "failure"
        }
        .to_owned(),
    });
    reporter.report(&Event::Verdict(verdict.clone()));
    Ok(verdict.exit_code())
}

async fn issue_command(
    action: IssueAction,
    context: &Context,
    reporter: &mut dyn Reporter,
) -> Result<i32> {
    let tracker = context.tracker()?;
    let now = context.clock.now();
    let trigger = Trigger::from_env(&context.env);
    let run = RunInfo::from_env(&context.env, trigger);
    let fork = trigger::is_fork_pull_request(&context.env);
    match action {
        IssueAction::Open { .. } | IssueAction::Close { .. } if fork => {
            say(
                reporter,
                Level::Notice,
                "pull request from a fork: issues are left alone",
            );
        }
        IssueAction::Open { check } => {
            let window = jiff::SignedDuration::try_from(context.config.cooldown.window)
                .unwrap_or(jiff::SignedDuration::MAX);
            let detection = Detection {
                check,
                detected_at: now,
                retry_after: now.checked_add(window).unwrap_or(jiff::Timestamp::MAX),
                evidence: Vec::new(),
                run,
            };
            let action = tracker.report(&detection).await?;
            say(reporter, Level::Notice, action.describe(tracker.title()));
        }
        IssueAction::Close { check } => {
            let action = tracker.resolve(&check, now, &run).await?;
            say(reporter, Level::Notice, action.describe(tracker.title()));
        }
        IssueAction::Status => {
            let (issues, note) = tracker.open_issues().await?;
            if let Some(note) = note {
                say(reporter, Level::Notice, note);
            }
            let line = if issues.is_empty() {
                "no open rate-limit issue".to_owned()
            } else {
                issues
                    .iter()
                    .map(|issue| format!("#{} {} ({})", issue.number, issue.title, issue.location))
                    .collect::<Vec<_>>()
                    .join("\n")
            };
            reporter.report(&Event::Text(line));
        }
    }
    Ok(exit_code::SUCCESS)
}

async fn secrets_command(
    session_path: &std::path::Path,
    context: &Context,
    reporter: &mut dyn Reporter,
) -> Result<i32> {
    if trigger::is_fork_pull_request(&context.env) {
        say(
            reporter,
            Level::Notice,
            "pull request from a fork: secrets are left alone",
        );
        return Ok(exit_code::SUCCESS);
    }
    if !session_path.exists() {
        // The tests did not log in (skipped, or stopped by a known lockout): nothing changed.
        say(
            reporter,
            Level::Notice,
            format!(
                "no session at `{}`: nothing to sync",
                session_path.display()
            ),
        );
        return Ok(exit_code::SUCCESS);
    }
    let config = &context.config.secrets;
    let session = secrets::Session::load(session_path)?;
    for masked in secrets::masks(&session, config) {
        reporter.report(&Event::Mask(masked));
    }
    let access = Access::from_env(&config.token_env, &context.env)?;
    let report = secrets::sync(&session, config, &context.env, &access).await?;
    if !report.missing.is_empty() {
        say(
            reporter,
            Level::Warning,
            format!(
                "`{}` lacks {}",
                session_path.display(),
                report.missing.join(", ")
            ),
        );
    }
    if let Some((names, reason)) = &report.not_written {
        say(
            reporter,
            Level::Warning,
            secrets::missing_token_warning(names, reason, &config.token_env),
        );
    }
    let summary = if report.updated.is_empty() && report.not_written.is_none() {
        "the cached session is unchanged: no secret updated".to_owned()
    } else if report.updated.is_empty() {
        "no secret updated".to_owned()
    } else {
        format!("updated secrets {}", report.updated.join(", "))
    };
    say(reporter, Level::Notice, summary);
    Ok(exit_code::SUCCESS)
}
