//! Shared setup: an in-process simulator, a scratch state directory, and a
//! way to run the built `moogo` binary against them.

use std::path::PathBuf;
use std::process::Command;
use std::time::Duration;

use moogo_sim::{SimConfig, SimHandle, Stats};

/// The `moogo` binary under test.
const MOOGO: &str = env!("CARGO_BIN_EXE_moogo");

/// A simulator running on its own runtime, and a state directory for one test.
pub struct Setup {
    sim: SimHandle,
    tokens_seen: std::cell::RefCell<Vec<String>>,
    dir: tempfile::TempDir,
    // Keeps the simulator's tasks running; dropped last.
    _runtime: tokio::runtime::Runtime,
}

impl Setup {
    /// A simulator whose devices change state at once.
    pub fn new() -> Setup {
        Setup::with_config(
            SimConfig::default().with_transition_delay(Duration::ZERO, Duration::ZERO),
        )
    }

    /// A simulator with this configuration.
    pub fn with_config(config: SimConfig) -> Setup {
        let runtime = tokio::runtime::Builder::new_multi_thread()
            .worker_threads(1)
            .enable_all()
            .build()
            .expect("a tokio runtime");
        let sim = runtime
            .block_on(moogo_sim::spawn(config))
            .expect("the simulator starts");
        let dir = tempfile::tempdir().expect("a temporary directory");
        Setup {
            sim,
            tokens_seen: std::cell::RefCell::default(),
            dir,
            _runtime: runtime,
        }
    }

    /// The session file `moogo` is pointed at.
    pub fn session_file(&self) -> PathBuf {
        self.dir.path().join("state").join("session.json")
    }

    /// The lockout record next to the session file.
    pub fn lockout_file(&self) -> PathBuf {
        self.dir.path().join("state").join("lockout.json")
    }

    /// A scratch path in the test's directory.
    pub fn path(&self, name: &str) -> PathBuf {
        self.dir.path().join(name)
    }

    /// The simulator's counters.
    pub fn stats(&self) -> Stats {
        self.sim.stats()
    }

    /// Requests the simulator has answered so far.
    pub fn requests(&self) -> u64 {
        self.sim.stats().requests
    }

    /// `moogo ARGS` with the demo account's credentials in the environment.
    pub fn moogo(&self, args: &[&str]) -> Run {
        self.moogo_with(
            args,
            &[
                ("MOOGO_EMAIL", moogo_sim::DEMO_EMAIL),
                ("MOOGO_PASSWORD", moogo_sim::DEMO_PASSWORD),
            ],
        )
    }

    /// The `moogo ARGS` process, with exactly these `MOOGO_*` variables, not started.
    pub fn command(&self, args: &[&str], env: &[(&str, &str)]) -> Command {
        let mut command = Command::new(MOOGO);
        command
            .env_clear()
            .env("NO_COLOR", "1")
            .env("MOOGO_BASE_URL", self.sim.base_url())
            .env("MOOGO_SESSION_FILE", self.session_file())
            .envs(env.iter().copied())
            .args(args);
        command
    }

    /// `moogo ARGS` with exactly these `MOOGO_*` variables.
    pub fn moogo_with(&self, args: &[&str], env: &[(&str, &str)]) -> Run {
        let mut command = self.command(args, env);
        self.remember_token();
        let output = command.output().expect("the moogo binary runs");
        let run = Run {
            code: output.status.code().expect("moogo exits with a code"),
            stdout: String::from_utf8(output.stdout).expect("stdout is UTF-8"),
            stderr: String::from_utf8(output.stderr).expect("stderr is UTF-8"),
        };
        self.remember_token();
        for token in self.tokens_seen.borrow().iter() {
            assert!(
                !run.stdout.contains(token.as_str()) && !run.stderr.contains(token.as_str()),
                "the token leaked into the output: {run:?}"
            );
        }
        run
    }

    /// The token in the session file, if any, so that no later output may show it.
    pub fn token(&self) -> Option<String> {
        let text = std::fs::read_to_string(self.session_file()).ok()?;
        let session: serde_json::Value =
            serde_json::from_str(&text).expect("the session file is JSON");
        let token = session["token"]
            .as_str()
            .expect("the session has a token")
            .to_owned();
        assert!(
            token.len() >= 8,
            "a token worth looking for: {} characters",
            token.len()
        );
        Some(token)
    }

    fn remember_token(&self) {
        if let Some(token) = self.token() {
            let mut seen = self.tokens_seen.borrow_mut();
            if !seen.contains(&token) {
                seen.push(token);
            }
        }
    }

    /// Logs in to the demo account.
    pub fn login(&self) {
        let run = self.moogo(&["login"]);
        assert_eq!(run.code, 0, "{run:?}");
    }

    /// Filters that replace what changes between runs: times, ports, paths.
    pub fn snapshot_settings(&self) -> insta::Settings {
        let mut settings = insta::Settings::clone_current();
        settings.set_prepend_module_to_snapshot(false);
        settings.add_filter(
            &regex_escape(&self.dir.path().display().to_string()),
            "[DIR]",
        );
        settings.add_filter(r"\d{4}-\d{2}-\d{2} \d{2}:\d{2}:\d{2} UTC", "[TIME]");
        settings.add_filter(
            r"\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}(\.\d+)?(Z|[+-]\d{2}:\d{2})",
            "[TIMESTAMP]",
        );
        settings.add_filter(r"127\.0\.0\.1:\d+", "127.0.0.1:[PORT]");
        settings
    }
}

fn regex_escape(text: &str) -> String {
    text.chars()
        .flat_map(|c| {
            let escape = "\\.+*?()|[]{}^$#&-~".contains(c);
            escape.then_some('\\').into_iter().chain([c])
        })
        .collect()
}

/// What one run of `moogo` did.
#[derive(Debug)]
pub struct Run {
    /// The exit code.
    pub code: i32,
    /// Everything written to stdout.
    pub stdout: String,
    /// Everything written to stderr.
    pub stderr: String,
}

impl Run {
    /// Asserts success and returns stdout.
    #[track_caller]
    pub fn ok(&self) -> String {
        assert_eq!(self.code, 0, "moogo failed: {self:?}");
        assert_eq!(self.stderr, "", "moogo wrote to stderr");
        self.stdout.clone()
    }

    /// Asserts failure with `code`, nothing on stdout and one line on stderr; returns that line.
    #[track_caller]
    pub fn fails(&self, code: i32) -> String {
        assert_eq!(self.code, code, "unexpected exit code: {self:?}");
        assert_eq!(self.stdout, "", "a failing command printed on stdout");
        assert_eq!(
            self.stderr.lines().count(),
            1,
            "the error is one line: {:?}",
            self.stderr
        );
        self.stderr.trim_end().to_owned()
    }

    /// stdout parsed as the one JSON document it must be.
    #[track_caller]
    pub fn json(&self) -> serde_json::Value {
        serde_json::from_str(&self.ok()).expect("stdout is one JSON document")
    }
}
