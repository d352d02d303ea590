//! Everything one cigate invocation works with: the configuration, the clock, the environment,
//! and the stores and runner built from them.

use std::path::PathBuf;

use crate::clock::Clock;
use crate::config::Config;
use crate::cooldown::{Cooldown, MarkerStore};
use crate::environment::Environment;
use crate::error::Result;
use crate::github_access::Access;
use crate::interrupt::Interrupt;
use crate::redaction::Redactor;
use crate::run::Runner;
use crate::tracker::Tracker;

/// The configuration, clock and environment of one invocation.
#[derive(Debug, Clone)]
pub struct Context {
    /// The loaded `cigate.toml`.
    pub config: Config,
    /// The clock.
    pub clock: Clock,
    /// The environment.
    pub env: Environment,
    /// Stop requests (never, unless set with [`Context::with_interrupt`]).
    pub interrupt: Interrupt,
}

impl Context {
    /// A context.
    pub fn new(config: Config, clock: Clock, env: Environment) -> Self {
        Self {
            config,
            clock,
            env,
            interrupt: Interrupt::never(),
        }
    }

    /// The same context, stopping its checks on `interrupt`.
    #[must_use]
    pub fn with_interrupt(mut self, interrupt: Interrupt) -> Self {
        self.interrupt = interrupt;
        self
    }

    /// The cooldown with its marker store: with both `file` and `github_variable`, the
    /// variable inside GitHub Actions and the file elsewhere.
    ///
    /// # Errors
    ///
    /// [`crate::Error::Github`] for invalid GitHub settings.
    pub fn cooldown(&self) -> Result<Cooldown> {
        let settings = &self.config.cooldown;
        let store = match (&settings.marker_file, &settings.marker_variable) {
            (Some(file), Some(_)) if !self.env.is_github_actions() => {
                MarkerStore::File(file.clone())
            }
            (_, Some(name)) => MarkerStore::GithubVariable {
                name: name.clone(),
                access: Access::from_env(&settings.token_env, &self.env)?,
                passed: self.env.get_raw(name).map(str::to_owned),
                written: Default::default(),
            },
            (Some(file), None) => MarkerStore::File(file.clone()),
            (None, None) => MarkerStore::File(self.config.root.join(".github/.rate_limit_marker")),
        };
        Ok(Cooldown::new(store, settings.window))
    }

    /// The issue tracker.
    ///
    /// # Errors
    ///
    /// As [`Tracker::from_config`].
    pub fn tracker(&self) -> Result<Tracker> {
        Tracker::from_config(&self.config, &self.env)
    }

    /// The redactor for `[secrets] redact_env`.
    pub fn redactor(&self) -> Redactor {
        Redactor::from_env(&self.config.secrets.redact_env, &self.env)
    }

    /// The runner for this configuration.
    pub fn runner(&self) -> Runner {
        let state = self.config.state_dir();
        Runner {
            root: if self.config.root.as_os_str().is_empty() {
                PathBuf::from(".")
            } else {
                self.config.root.clone()
            },
            logs_dir: state.join("logs"),
            rules: self.config.rules.clone(),
            lockout_record: self.config.lockout_record.clone(),
            clock: self.clock,
            redactor: self.redactor(),
            interrupt: self.interrupt.clone(),
        }
    }

    /// Where results are recorded: `.cigate/results`.
    pub fn results_dir(&self) -> PathBuf {
        self.config.state_dir().join("results")
    }
}
