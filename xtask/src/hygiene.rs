//! Rules every workflow file must follow: least privilege, fork safety, no token in an artifact.

use serde_yaml::Value;

use crate::artifact::{UPLOAD_ACTION, artifact_paths, forbidden_path};
use crate::{Job, Rule, Violation, Workflow};

/// Commands after which cigate opens or closes rate-limit issues: `cigate issue ...`, and `cigate run`
/// of the cooldown-gated check (a rate limit opens an issue, a pass closes them).
pub const ISSUE_COMMANDS: [&str; 2] = ["cigate issue", "cigate run integration-live"];

/// Checks `workflow` against the rules every workflow follows.
pub fn check_hygiene(workflow: &Workflow) -> Vec<Violation> {
    let mut violations = Vec::new();
    let mut report = |rule, message: String| {
        violations.push(Violation::new(workflow.name(), rule, message));
    };

    match workflow.get("permissions") {
        None => report(
            Rule::Permissions,
            "no top-level `permissions`: add `permissions: {contents: read}` so jobs start read-only"
                .into(),
        ),
        Some(permissions) if grants_write(permissions) => report(
            Rule::Permissions,
            "the top-level `permissions` grant write access: keep them read-only and grant writes per job"
                .into(),
        ),
        Some(_) => {}
    }
    let events = trigger_events(workflow);
    let pull_requests = events.iter().any(|event| event.starts_with("pull_request"));
    if events.contains(&"pull_request_target") {
        report(
            Rule::ForkSafety,
            "`pull_request_target` runs fork code with the repository's secrets: use `pull_request`".into(),
        );
    }

    for job in workflow.jobs() {
        let id = job.id();
        if job.get("permissions").is_none() {
            report(
                Rule::Permissions,
                format!(
                    "job `{id}` has no `permissions`: list the scopes it needs (at least `contents: read`)"
                ),
            );
        }
        let writes_issues = job.permission("issues") == Some("write");
        let manages_issues = ISSUE_COMMANDS.iter().any(|command| job.runs(command));
        if writes_issues && !manages_issues {
            report(
                Rule::IssuesPermission,
                format!("job `{id}` has `issues: write` but never opens or closes issues: drop it"),
            );
        }
        if manages_issues && !writes_issues {
            report(
                Rule::IssuesPermission,
                format!("job `{id}` opens or closes issues: grant it `issues: write`"),
            );
        }
        let uses_service_secrets = job.text().contains("secrets.MOOGO_");
        if uses_service_secrets && job.environment().is_none() {
            report(
                Rule::ForkSafety,
                format!(
                    "job `{id}` reads `secrets.MOOGO_*` outside an approval environment: add `environment:`"
                ),
            );
        }
        let sensitive = writes_issues || uses_service_secrets || job.environment().is_some();
        if sensitive && pull_requests && !job.condition().is_some_and(excludes_forks) {
            report(
                Rule::ForkSafety,
                format!(
                    "job `{id}` uses secrets, an environment or `issues: write` and may run for a pull request \
                     from a fork: restrict its `if:` to `schedule`/`workflow_dispatch` or require \
                     `github.event.pull_request.head.repo.fork == false`"
                ),
            );
        }
        for step in job.uses(UPLOAD_ACTION) {
            check_upload(&job, step, &mut report);
        }
    }
    violations
}

fn check_upload(job: &Job<'_>, step: &Value, report: &mut impl FnMut(Rule, String)) {
    let id = job.id();
    let with = step.get("with");
    let paths = with
        .and_then(|with| with.get("path"))
        .and_then(Value::as_str)
        .unwrap_or_default();
    for path in artifact_paths(paths) {
        if let Some(reason) = forbidden_path(path) {
            report(
                Rule::ArtifactContent,
                format!(
                    "job `{id}` uploads `{path}`, which {reason}: upload only reports, logs and packages"
                ),
            );
        }
    }
    if with.and_then(|with| with.get("retention-days")).is_none() {
        report(
            Rule::Retention,
            format!("job `{id}` uploads an artifact without `retention-days`: set it explicitly"),
        );
    }
}

fn grants_write(permissions: &Value) -> bool {
    match permissions {
        Value::String(all) => all == "write-all",
        Value::Mapping(scopes) => scopes
            .values()
            .any(|access| access.as_str() == Some("write")),
        _ => false,
    }
}

/// The events that trigger `workflow`, whichever of the three forms `on:` takes.
fn trigger_events(workflow: &Workflow) -> Vec<&str> {
    match workflow.triggers() {
        Some(Value::String(event)) => vec![event.as_str()],
        Some(Value::Sequence(events)) => events.iter().filter_map(Value::as_str).collect(),
        Some(Value::Mapping(events)) => events.keys().filter_map(Value::as_str).collect(),
        _ => Vec::new(),
    }
}

/// Whether an `if:` condition keeps a job away from pull requests from forks: it either names only
/// non-pull-request events or requires the head repository not to be a fork.
pub fn excludes_forks(condition: &str) -> bool {
    let fork_guard = condition.contains("github.event.pull_request.head.repo.fork == false")
        || condition.contains("github.event.pull_request.head.repo.full_name == github.repository");
    let other_events_only = !condition.contains("pull_request")
        && ["'schedule'", "'workflow_dispatch'", "'push'"]
            .iter()
            .any(|event| condition.contains(&format!("github.event_name == {event}")));
    fork_guard || other_events_only
}

#[cfg(test)]
mod tests {
    use super::*;

    fn rules(yaml: &str) -> Vec<Rule> {
        let workflow = Workflow::parse("snippet.yml", yaml).unwrap();
        check_hygiene(&workflow)
            .iter()
            .map(Violation::rule)
            .collect()
    }

    const CLEAN: &str = r#"
on: [push, pull_request]
permissions:
  contents: read
jobs:
  test:
    permissions:
      contents: read
    steps:
      - run: cargo test
      - uses: actions/upload-artifact@v6
        with:
          path: |
            target/nextest/ci/junit.xml
            !target/**/session.json
          retention-days: 30
"#;

    #[test]
    fn a_clean_workflow_has_no_violations() {
        assert_eq!(rules(CLEAN), []);
    }

    #[test]
    fn missing_or_writable_top_level_permissions_are_reported() {
        let missing = CLEAN.replace("permissions:\n  contents: read\njobs:", "jobs:");
        assert_eq!(rules(&missing), [Rule::Permissions]);
        let writable = CLEAN.replace(
            "permissions:\n  contents: read\njobs:",
            "permissions: write-all\njobs:",
        );
        assert_eq!(rules(&writable), [Rule::Permissions]);
    }

    #[test]
    fn a_job_without_permissions_is_reported() {
        let yaml = CLEAN.replace("    permissions:\n      contents: read\n", "");
        assert_eq!(rules(&yaml), [Rule::Permissions]);
    }

    #[test]
    fn uploading_an_env_file_a_session_or_the_client_state_is_reported() {
        for path in [
            ".env",
            "config/.env.local",
            ".moogo/",
            ".moogo/lockout.json",
            "out/session.json",
            ".",
            "**",
        ] {
            let yaml = CLEAN.replace("target/nextest/ci/junit.xml", path);
            assert_eq!(rules(&yaml), [Rule::ArtifactContent], "{path}");
        }
    }

    #[test]
    fn an_upload_without_retention_is_reported() {
        let yaml = CLEAN.replace("          retention-days: 30\n", "");
        assert_eq!(rules(&yaml), [Rule::Retention]);
    }

    #[test]
    fn issues_write_without_issue_commands_is_reported() {
        let yaml = CLEAN.replace("      contents: read\n    steps", "      contents: read\n      issues: write\n    if: github.event_name == 'schedule'\n    steps");
        assert_eq!(rules(&yaml), [Rule::IssuesPermission]);
    }

    #[test]
    fn issue_commands_without_issues_write_are_reported() {
        let yaml = CLEAN.replace("cargo test", "cigate issue open");
        assert_eq!(rules(&yaml), [Rule::IssuesPermission]);
    }

    #[test]
    fn a_job_that_writes_issues_on_pull_requests_is_reported() {
        let yaml = CLEAN
            .replace("cargo test", "cigate run integration-live")
            .replace(
                "      contents: read\n    steps",
                "      contents: read\n      issues: write\n    steps",
            );
        assert_eq!(rules(&yaml), [Rule::ForkSafety]);
        let guarded = yaml.replace(
            "    steps:",
            "    if: github.event_name == 'schedule' || github.event_name == 'workflow_dispatch'\n    steps:",
        );
        assert_eq!(rules(&guarded), []);
    }

    #[test]
    fn service_secrets_outside_an_environment_are_reported() {
        let yaml = CLEAN.replace(
            "    steps:",
            "    env:\n      MOOGO_PASSWORD: ${{ secrets.MOOGO_PASSWORD }}\n    steps:",
        );
        assert_eq!(rules(&yaml), [Rule::ForkSafety, Rule::ForkSafety]);
        let guarded = yaml.replace(
            "    env:",
            "    environment: integration-tests\n    if: github.event.pull_request.head.repo.fork == false\n    env:",
        );
        assert_eq!(rules(&guarded), []);
    }

    #[test]
    fn pull_request_target_is_reported() {
        let yaml = CLEAN.replace(
            "on: [push, pull_request]",
            "on: [push, pull_request_target]",
        );
        assert_eq!(rules(&yaml), [Rule::ForkSafety]);
    }

    #[test]
    fn fork_exclusion_recognises_event_filters_and_fork_guards() {
        assert!(excludes_forks("github.event_name == 'schedule'"));
        assert!(excludes_forks(
            "github.event.pull_request.head.repo.fork == false"
        ));
        assert!(!excludes_forks("always()"));
        assert!(!excludes_forks(
            "github.event_name == 'schedule' || github.event_name == 'pull_request'"
        ));
    }
}
