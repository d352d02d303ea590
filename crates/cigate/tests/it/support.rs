//! A scratch repository with its own cigate.toml, and a way to run the built `cigate` in it.

use std::path::{Path, PathBuf};
use std::process::Command;

/// The configuration of the seed scenarios: lint, unit (retried), integration (optional,
/// gated), build; each check a small script the test writes.
pub const SCENARIO_CONFIG: &str = r#"
[cooldown]
window = "24h"
marker = { file = ".github/.rate_limit_marker" }

[rate_limit]
patterns = [
    '(?i)\brate[ -]?limited\b',
    '(?i)\btoo many requests\b',
    '(?i)\b(?:code|error[ _]?code)\W{0,3}10000\b',
]
lockout_record = "state/lockout.json"

[tracker]
kind = "file"

[secrets]
redact_env = ["MOOGO_PASSWORD", "MOOGO_CACHED_TOKEN"]

[[check]]
name = "lint"
run = "./lint.sh"

[[check]]
name = "unit"
run = "./unit.sh"
needs = ["lint"]
retries = 2
backoff = "0s"

[[check]]
name = "integration"
run = "./integration.sh"
required = false
needs = ["unit"]
cooldown_gated = true

[[check]]
name = "build"
run = "./build.sh"
needs = ["lint"]
"#;

/// A temporary repository.
pub struct Repo {
    dir: tempfile::TempDir,
    env: Vec<(String, String)>,
}

/// What a run of `cigate` printed and returned.
#[derive(Debug)]
pub struct Run {
    pub code: i32,
    pub stdout: String,
    pub stderr: String,
}

impl Repo {
    /// A repository with `config` as its cigate.toml.
    pub fn new(config: &str) -> Self {
        let dir = tempfile::tempdir().unwrap();
        std::fs::write(dir.path().join("cigate.toml"), config).unwrap();
        Self {
            dir,
            env: Vec::new(),
        }
    }

    /// The seed-scenario repository, every check passing.
    pub fn scenario() -> Self {
        let repo = Self::new(SCENARIO_CONFIG);
        for check in ["lint", "unit", "integration", "build"] {
            repo.script(&format!("{check}.sh"), &format!("echo {check} ok"));
        }
        repo
    }

    /// Sets an environment variable for every later run.
    pub fn env(&mut self, key: &str, value: &str) -> &mut Self {
        self.env.push((key.to_owned(), value.to_owned()));
        self
    }

    /// Writes an executable shell script.
    pub fn script(&self, name: &str, body: &str) {
        let path = self.path(name);
        std::fs::write(&path, format!("#!/bin/sh\n{body}\n")).unwrap();
        let mut permissions = std::fs::metadata(&path).unwrap().permissions();
        std::os::unix::fs::PermissionsExt::set_mode(&mut permissions, 0o755);
        std::fs::set_permissions(&path, permissions).unwrap();
    }

    /// Writes a file, creating its directory.
    pub fn write(&self, name: &str, content: &str) {
        let path = self.path(name);
        std::fs::create_dir_all(path.parent().unwrap()).unwrap();
        std::fs::write(path, content).unwrap();
    }

    /// Reads a file.
    pub fn read(&self, name: &str) -> String {
        std::fs::read_to_string(self.path(name))
            .unwrap_or_else(|error| panic!("cannot read {name}: {error}"))
    }

    /// A path inside the repository.
    pub fn path(&self, name: &str) -> PathBuf {
        self.dir.path().join(name)
    }

    /// The repository's directory.
    pub fn root(&self) -> &Path {
        self.dir.path()
    }

    /// The issues of the file tracker.
    pub fn issues(&self) -> Vec<serde_json::Value> {
        if !self.path(".cigate/issues.json").exists() {
            return Vec::new();
        }
        serde_json::from_str(&self.read(".cigate/issues.json")).unwrap()
    }

    /// A recorded result.
    pub fn result(&self, check: &str) -> serde_json::Value {
        serde_json::from_str(&self.read(&format!(".cigate/results/{check}.json"))).unwrap()
    }

    /// Runs `cigate ARGS` in the repository, with a clean environment (no GitHub variables
    /// leak in from the machine running the tests) and colour off.
    pub fn cigate(&self, args: &[&str]) -> Run {
        let output = Command::new(env!("CARGO_BIN_EXE_cigate"))
            .args(args)
            .current_dir(self.root())
            .env_clear()
            .env("PATH", std::env::var_os("PATH").unwrap_or_default())
            .env("NO_COLOR", "1")
            .envs(self.env.iter().map(|(k, v)| (k.as_str(), v.as_str())))
            .output()
            .unwrap();
        Run {
            code: output.status.code().unwrap_or(-1),
            stdout: String::from_utf8_lossy(&output.stdout).into_owned(),
            stderr: String::from_utf8_lossy(&output.stderr).into_owned(),
        }
    }
}

impl Run {
    /// Asserts the exit code, showing the output when it differs.
    pub fn expect_code(&self, code: i32) -> &Self {
        assert_eq!(
            self.code, code,
            "stdout:\n{}\nstderr:\n{}",
            self.stdout, self.stderr
        );
        self
    }

    /// Asserts that stdout contains `text`.
    pub fn expect_stdout(&self, text: &str) -> &Self {
        assert!(
            self.stdout.contains(text),
            "stdout lacks {text:?}:\n{}\nstderr:\n{}",
            self.stdout,
            self.stderr
        );
        self
    }

    /// Asserts that stdout does not contain `text`.
    pub fn refute_stdout(&self, text: &str) -> &Self {
        assert!(
            !self.stdout.contains(text),
            "stdout has {text:?}:\n{}",
            self.stdout
        );
        self
    }
}
