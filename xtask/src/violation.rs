//! A departure from the required workflow structure, and the rule it breaks.

use std::fmt;

/// The rules a workflow is checked against; each names one requirement of the spec.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash)]
#[non_exhaustive]
pub enum Rule {
    /// Push and pull_request on main, workflow_dispatch with boolean inputs, the daily schedule (F4, F9).
    Triggers,
    /// Outdated runs of the same pull request are cancelled (F9).
    Concurrency,
    /// The pipeline has every job F9 lists.
    Jobs,
    /// Least privilege: read-only default, `permissions` on every job.
    Permissions,
    /// `issues: write` exactly on the jobs that open or close issues (F3).
    IssuesPermission,
    /// Secrets and the approval environment never reach pull requests from forks (F3, F6).
    ForkSafety,
    /// The live integration job runs behind the `integration-tests` environment, on schedule or dispatch.
    LiveJob,
    /// The rate-limit job exposes the cooldown outputs (F1).
    RateLimitOutputs,
    /// Unit tests run on stable and on the MSRV with the nextest `ci` profile (F5, F9).
    UnitMatrix,
    /// The build job packages every publishable crate and runs the installed binaries (F9).
    Build,
    /// The security scan is informational and never blocks (F9).
    Security,
    /// The verdict job needs every job, runs always and passes every result to `cigate verdict` (F7).
    Verdict,
    /// No artifact carries a token: never `.env`, a session file or `.moogo/` (F6).
    ArtifactContent,
    /// Artifacts are kept as long as the original: JUnit 30 days, integration logs 7, packages 90 (F8).
    Retention,
}

impl Rule {
    /// A short kebab-case name, as printed in reports.
    pub fn name(self) -> &'static str {
        match self {
            Rule::Triggers => "triggers",
            Rule::Concurrency => "concurrency",
            Rule::Jobs => "jobs",
            Rule::Permissions => "permissions",
            Rule::IssuesPermission => "issues-permission",
            Rule::ForkSafety => "fork-safety",
            Rule::LiveJob => "live-job",
            Rule::RateLimitOutputs => "rate-limit-outputs",
            Rule::UnitMatrix => "unit-matrix",
            Rule::Build => "build",
            Rule::Security => "security",
            Rule::Verdict => "verdict",
            Rule::ArtifactContent => "artifact-content",
            Rule::Retention => "retention",
        }
    }
}

impl fmt::Display for Rule {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.name())
    }
}

/// One place where a workflow breaks a [`Rule`], with a message saying what is wrong and what to do.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Violation {
    file: String,
    rule: Rule,
    message: String,
}

impl Violation {
    /// A violation of `rule` in the workflow file `file`.
    pub fn new(file: impl Into<String>, rule: Rule, message: impl Into<String>) -> Self {
        Self {
            file: file.into(),
            rule,
            message: message.into(),
        }
    }

    /// The workflow's file name.
    pub fn file(&self) -> &str {
        &self.file
    }

    /// The rule broken.
    pub fn rule(&self) -> Rule {
        self.rule
    }

    /// What is wrong, and what to do.
    pub fn message(&self) -> &str {
        &self.message
    }
}

impl fmt::Display for Violation {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{}: [{}] {}", self.file, self.rule, self.message)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn display_names_file_rule_and_message() {
        let violation = Violation::new(
            "ci.yml",
            Rule::Permissions,
            "job `lint` has no `permissions`",
        );
        assert_eq!(
            violation.to_string(),
            "ci.yml: [permissions] job `lint` has no `permissions`"
        );
    }
}
