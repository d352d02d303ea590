//! A scratch repository gated by cigate, and the simulator its integration suite talks to.

use std::path::{Path, PathBuf};

use clap::Parser;
use jiff::Timestamp;
use moogo_sim::{DEMO_EMAIL, SimConfig, SimHandle};

/// The integration suite cigate runs: the probe binary of this crate.
const PROBE: &str = env!("CARGO_BIN_EXE_moogo-suite-probe");

/// A simulator in lockout mode (the default: one failed login locks the account for 24 hours)
/// and a repository whose `cigate.toml` runs the probe against it.
pub struct System {
    /// The simulator.
    pub sim: SimHandle,
    dir: tempfile::TempDir,
}

/// One pipeline run: the time everybody pretends it is, and the password the suite is given.
pub struct Run<'a> {
    /// `--now` for cigate and `MOOGO_PROBE_NOW` for the suite's client.
    pub now: Timestamp,
    /// `MOOGO_PASSWORD`.
    pub password: &'a str,
}

/// What a pipeline run left behind besides the repository's files.
pub struct Outcome {
    /// cigate's exit status.
    pub code: i32,
    /// `$GITHUB_STEP_SUMMARY`: the verdict with its notes.
    pub summary: String,
    /// `$GITHUB_OUTPUT`.
    pub output: String,
}

impl System {
    /// Starts the simulator on its own thread (cigate builds its own runtime, so the test
    /// thread must not be inside one) and creates the repository.
    pub fn start() -> Self {
        Self {
            sim: moogo_sim::spawn_on_thread(SimConfig::default()).expect("simulator starts"),
            dir: tempfile::tempdir().expect("temporary directory"),
        }
    }

    /// A path inside the repository.
    pub fn path(&self, name: &str) -> PathBuf {
        self.dir.path().join(name)
    }

    /// A JSON file of the repository.
    pub fn json(&self, name: &str) -> serde_json::Value {
        let text = std::fs::read_to_string(self.path(name))
            .unwrap_or_else(|error| panic!("cannot read {name}: {error}"));
        serde_json::from_str(&text).unwrap_or_else(|error| panic!("{name}: {error}: {text}"))
    }

    /// Writes `cigate.toml` for this run and runs `cigate --config ... --now ... pipeline`
    /// in-process, as `crates/cigate/src/main.rs` does.
    pub fn pipeline(&self, run: &Run<'_>) -> Outcome {
        let vars = self.suite_vars(run);
        let config = self.path("cigate.toml");
        std::fs::write(&config, config_text(&vars)).expect("cigate.toml written");
        let summary = self.path("step_summary.md");
        let output = self.path("github_output");
        for file in [&summary, &output] {
            let _ = std::fs::remove_file(file);
        }
        // cigate reads only what it is given here (its own settings and the values to redact);
        // the suite gets its variables from the check's `env` table, since a check's process
        // inherits the process environment, not cigate's `Environment`.
        let env = cigate::Environment::from_pairs(vars)
            .with("GITHUB_STEP_SUMMARY", path_text(&summary))
            .with("GITHUB_OUTPUT", path_text(&output));
        let now = run.now.to_string();
        let cli = cigate::cli::Cli::try_parse_from([
            "cigate",
            "--config",
            &path_text(&config),
            "--now",
            &now,
            "pipeline",
        ])
        .expect("the command line parses");
        let code = cli
            .run(env)
            .unwrap_or_else(|error| panic!("cigate failed: {}", error.render()));
        let read = |path: &Path| std::fs::read_to_string(path).unwrap_or_default();
        Outcome {
            code,
            summary: read(&summary),
            output: read(&output),
        }
    }

    /// The suite's environment: the simulator, the demo account, the session file under
    /// `state/` (so the client's lockout record is `state/lockout.json`) and the client's clock.
    fn suite_vars(&self, run: &Run<'_>) -> Vec<(String, String)> {
        [
            ("MOOGO_BASE_URL", self.sim.base_url()),
            ("MOOGO_EMAIL", DEMO_EMAIL.to_owned()),
            ("MOOGO_PASSWORD", run.password.to_owned()),
            (
                "MOOGO_SESSION_FILE",
                path_text(&self.path("state/session.json")),
            ),
            (system_tests::probe::NOW_VAR, run.now.to_string()),
            // Empty means unset to the client: a developer's cached session stays out.
            ("MOOGO_CACHED_TOKEN", String::new()),
            ("MOOGO_CACHED_USER_ID", String::new()),
            ("MOOGO_CACHED_EXPIRES", String::new()),
        ]
        .into_iter()
        .map(|(key, value)| (key.to_owned(), value))
        .collect()
    }
}

/// A required `unit` check and the optional, gated `integration` check running the probe.
fn config_text(vars: &[(String, String)]) -> String {
    let env = vars
        .iter()
        .map(|(key, value)| format!("{key} = {}", toml_string(value)))
        .collect::<Vec<_>>()
        .join(", ");
    let probe = toml_string(&format!("'{PROBE}'"));
    format!(
        r#"[cooldown]
window = "24h"
marker = {{ file = ".github/.rate_limit_marker" }}

[rate_limit]
lockout_record = "state/lockout.json"

[tracker]
kind = "file"

[secrets]
redact_env = ["MOOGO_PASSWORD"]

[[check]]
name = "unit"
run = "true"

[[check]]
name = "integration"
run = {probe}
required = false
needs = ["unit"]
cooldown_gated = true
detect_rate_limit = true
env = {{ {env} }}
"#
    )
}

/// A TOML basic string (JSON's escapes are valid TOML).
fn toml_string(value: &str) -> String {
    serde_json::Value::from(value).to_string()
}

fn path_text(path: &Path) -> String {
    path.to_str()
        .expect("temporary paths are Unicode")
        .to_owned()
}
