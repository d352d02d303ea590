//! Rules for the main pipeline, `ci.yml`: the jobs, triggers and wiring spec F9 and issue 6 require.

use serde_yaml::Value;

use crate::artifact::{ArtifactKind, MAX_OTHER_RETENTION, RETENTION, UPLOAD_ACTION};
use crate::{Job, Rule, Violation, Workflow};

/// The jobs the pipeline must have.
pub const JOBS: [&str; 8] = [
    "lint",
    "test-unit",
    "test-integration-sim",
    "check-rate-limit",
    "test-integration-live",
    "build",
    "security",
    "ci-success",
];

/// The job branch protection requires: the verdict.
pub const VERDICT_JOB: &str = "ci-success";

/// The jobs whose results the verdict must judge (F7: required and optional checks).
pub const JUDGED_JOBS: [&str; 5] = [
    "lint",
    "test-unit",
    "test-integration-sim",
    "test-integration-live",
    "build",
];

/// The daily retry (F4).
pub const CRON: &str = "0 2 * * *";

/// The boolean inputs of `workflow_dispatch` (F4).
pub const DISPATCH_INPUTS: [&str; 2] = ["run_integration_tests", "force_retry"];

/// The outputs of the rate-limit job (F1).
pub const RATE_LIMIT_OUTPUTS: [&str; 4] = [
    "rate_limited",
    "can_proceed",
    "time_until_retry",
    "last_failure_time",
];

/// The approval environment of the live integration job.
pub const LIVE_ENVIRONMENT: &str = "integration-tests";

/// The secrets the live integration job reads (F6).
pub const LIVE_SECRETS: [&str; 6] = [
    "MOOGO_EMAIL",
    "MOOGO_PASSWORD",
    "MOOGO_CACHED_TOKEN",
    "MOOGO_CACHED_USER_ID",
    "MOOGO_CACHED_EXPIRES",
    "PAT_TOKEN",
];

/// The crates the build job packages.
pub const PACKAGES: [&str; 4] = ["moogo", "moogo-sim", "moogo-cli", "cigate"];

/// What the pipeline checks need to know about the repository.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct PipelinePolicy {
    msrv: String,
}

impl PipelinePolicy {
    /// A policy for a workspace whose MSRV (`rust-version`) is `msrv`.
    pub fn new(msrv: impl Into<String>) -> Self {
        Self { msrv: msrv.into() }
    }

    /// The MSRV the unit-test matrix must include.
    pub fn msrv(&self) -> &str {
        &self.msrv
    }
}

/// Checks the main pipeline against spec F9 and issue 6.
pub fn check_pipeline(workflow: &Workflow, policy: &PipelinePolicy) -> Vec<Violation> {
    let mut found = Vec::new();
    let mut report =
        |rule, message: String| found.push(Violation::new(workflow.name(), rule, message));
    check_triggers(workflow, &mut report);
    check_concurrency(workflow, &mut report);
    for id in JOBS {
        if workflow.job(id).is_none() {
            let rule = if id == VERDICT_JOB {
                Rule::Verdict
            } else {
                Rule::Jobs
            };
            report(rule, format!("job `{id}` is missing: spec F9 lists it"));
        }
    }
    if let Some(job) = workflow.job("test-unit") {
        check_unit(&job, policy, &mut report);
    }
    if let Some(job) = workflow.job("check-rate-limit") {
        check_rate_limit(&job, &mut report);
    }
    if let Some(job) = workflow.job("test-integration-live") {
        check_live(&job, &mut report);
    }
    if let Some(job) = workflow.job("build") {
        check_build(&job, &mut report);
    }
    if let Some(job) = workflow.job("security") {
        check_security(&job, &mut report);
    }
    if let Some(job) = workflow.job(VERDICT_JOB) {
        check_verdict(workflow, &job, &mut report);
    }
    check_retention(workflow, &mut report);
    found
}

fn check_triggers(workflow: &Workflow, report: &mut impl FnMut(Rule, String)) {
    let Some(on) = workflow.triggers() else {
        report(Rule::Triggers, "no `on:` section".into());
        return;
    };
    for event in ["push", "pull_request"] {
        let branches = on.get(event).and_then(|e| e.get("branches"));
        if !sequence_contains(branches, "main") {
            report(
                Rule::Triggers,
                format!("`on.{event}.branches` must include `main`"),
            );
        }
    }
    let inputs = on.get("workflow_dispatch").and_then(|d| d.get("inputs"));
    for input in DISPATCH_INPUTS {
        let kind = inputs
            .and_then(|i| i.get(input))
            .and_then(|i| i.get("type"));
        if kind.and_then(Value::as_str) != Some("boolean") {
            report(
                Rule::Triggers,
                format!("`workflow_dispatch` needs the boolean input `{input}` (`type: boolean`)"),
            );
        }
    }
    let crons: Vec<&str> = on
        .get("schedule")
        .and_then(Value::as_sequence)
        .map(|entries| {
            entries
                .iter()
                .filter_map(|e| e.get("cron")?.as_str())
                .collect()
        })
        .unwrap_or_default();
    if !crons.contains(&CRON) {
        report(
            Rule::Triggers,
            format!("`on.schedule` must run the daily retry `cron: \"{CRON}\"` (found {crons:?})"),
        );
    }
}

fn check_concurrency(workflow: &Workflow, report: &mut impl FnMut(Rule, String)) {
    let concurrency = workflow.get("concurrency");
    let group = concurrency
        .and_then(|c| c.get("group"))
        .and_then(Value::as_str);
    if !group.is_some_and(|g| g.contains("github.event.pull_request.number")) {
        report(
            Rule::Concurrency,
            "`concurrency.group` must include `github.event.pull_request.number` so runs of one pull request share a group"
                .into(),
        );
    }
    let cancels = match concurrency.and_then(|c| c.get("cancel-in-progress")) {
        Some(Value::Bool(cancel)) => *cancel,
        Some(Value::String(expression)) => expression.contains("pull_request"),
        _ => false,
    };
    if !cancels {
        report(
            Rule::Concurrency,
            "`concurrency.cancel-in-progress` must cancel outdated pull-request runs \
             (`${{ github.event_name == 'pull_request' }}`)"
                .into(),
        );
    }
}

fn check_unit(job: &Job<'_>, policy: &PipelinePolicy, report: &mut impl FnMut(Rule, String)) {
    let toolchains: Vec<String> = job
        .get("strategy")
        .and_then(|s| s.get("matrix"))
        .and_then(|m| m.get("toolchain"))
        .and_then(Value::as_sequence)
        .map(|list| list.iter().map(scalar_text).collect())
        .unwrap_or_default();
    for wanted in ["stable", policy.msrv()] {
        if !toolchains.iter().any(|t| t == wanted) {
            report(
                Rule::UnitMatrix,
                format!(
                    "`test-unit` matrix `toolchain` must include \"{wanted}\" (quoted; found {toolchains:?})"
                ),
            );
        }
    }
    if !job.runs("cargo nextest run") || !job.runs("--profile ci") {
        report(
            Rule::UnitMatrix,
            "`test-unit` must run `cargo nextest run --workspace --profile ci` (retries, JUnit)"
                .into(),
        );
    }
}

fn check_rate_limit(job: &Job<'_>, report: &mut impl FnMut(Rule, String)) {
    if !job.runs("cigate cooldown check") {
        report(
            Rule::RateLimitOutputs,
            "`check-rate-limit` must run `cigate cooldown check`".into(),
        );
    }
    for output in RATE_LIMIT_OUTPUTS {
        if job.get("outputs").and_then(|o| o.get(output)).is_none() {
            report(
                Rule::RateLimitOutputs,
                format!("`check-rate-limit` must expose the output `{output}`"),
            );
        }
    }
}

fn check_live(job: &Job<'_>, report: &mut impl FnMut(Rule, String)) {
    if job.environment() != Some(LIVE_ENVIRONMENT) {
        report(
            Rule::LiveJob,
            format!(
                "`test-integration-live` must run in `environment: {LIVE_ENVIRONMENT}` (approval)"
            ),
        );
    }
    if !job.needs().contains(&"check-rate-limit") {
        report(
            Rule::LiveJob,
            "`test-integration-live` must need `check-rate-limit`".into(),
        );
    }
    let condition = job.condition().unwrap_or_default();
    for term in [
        "'schedule'",
        "'workflow_dispatch'",
        "inputs.run_integration_tests",
        "can_proceed",
    ] {
        if !condition.contains(term) {
            report(
                Rule::LiveJob,
                format!(
                    "`test-integration-live` must run only on schedule or dispatch with `run_integration_tests`, \
                     when the cooldown allows: its `if:` lacks `{term}`"
                ),
            );
        }
    }
    for command in ["cigate run integration-live", "cigate secrets sync"] {
        if !job.runs(command) {
            report(
                Rule::LiveJob,
                format!("`test-integration-live` must run `{command}`"),
            );
        }
    }
    let text = job.text();
    for secret in LIVE_SECRETS {
        if !text.contains(&format!("secrets.{secret}")) {
            report(
                Rule::LiveJob,
                format!("`test-integration-live` must pass the secret `{secret}`"),
            );
        }
    }
}

fn check_build(job: &Job<'_>, report: &mut impl FnMut(Rule, String)) {
    let packaged: Vec<&str> = job
        .scripts()
        .into_iter()
        .filter(|script| script.contains("cargo package"))
        .flat_map(package_arguments)
        .collect();
    for package in PACKAGES {
        if !packaged.contains(&package) {
            report(
                Rule::Build,
                format!("`build` must `cargo package -p {package}`"),
            );
        }
    }
    for binary in ["moogo", "cigate"] {
        if !job.runs(&format!("bin/{binary}\" --version"))
            && !job.runs(&format!("{binary} --version"))
        {
            report(
                Rule::Build,
                format!("`build` must run the installed `{binary} --version`"),
            );
        }
    }
}

fn check_security(job: &Job<'_>, report: &mut impl FnMut(Rule, String)) {
    if !job.runs("cargo deny") && !job.runs("cargo audit") {
        report(
            Rule::Security,
            "`security` must run `cargo deny check` or `cargo audit`".into(),
        );
    }
    if !job.continues_on_error() {
        report(
            Rule::Security,
            "`security` is informational: set `continue-on-error: true`".into(),
        );
    }
}

fn check_verdict(workflow: &Workflow, job: &Job<'_>, report: &mut impl FnMut(Rule, String)) {
    let needs = job.needs();
    for other in workflow.jobs() {
        if other.id() != VERDICT_JOB && !needs.contains(&other.id()) {
            report(
                Rule::Verdict,
                format!(
                    "`{VERDICT_JOB}` must need every job: `{}` is missing from `needs`",
                    other.id()
                ),
            );
        }
    }
    if !job.condition().is_some_and(|c| c.contains("always()")) {
        report(
            Rule::Verdict,
            format!(
                "`{VERDICT_JOB}` must have `if: always()` so it reports even when a job failed"
            ),
        );
    }
    if !job.runs("cigate verdict") {
        report(
            Rule::Verdict,
            format!("`{VERDICT_JOB}` must run `cigate verdict`"),
        );
    }
    for judged in JUDGED_JOBS {
        if !job.runs(&format!("needs.{judged}.")) {
            report(
                Rule::Verdict,
                format!(
                    "`cigate verdict` must be given the result of `{judged}` (`--set ...=${{{{ needs.{judged}.result }}}}`)"
                ),
            );
        }
    }
}

fn check_retention(workflow: &Workflow, report: &mut impl FnMut(Rule, String)) {
    let mut seen = Vec::new();
    for job in workflow.jobs() {
        for step in job.uses(UPLOAD_ACTION) {
            let with = step.get("with");
            let paths = with
                .and_then(|w| w.get("path"))
                .and_then(Value::as_str)
                .unwrap_or_default();
            let kind = ArtifactKind::of(paths);
            seen.push(kind);
            // A missing `retention-days` is reported by the hygiene rules.
            let Some(days) = with.and_then(|w| w.get("retention-days")).and_then(days) else {
                continue;
            };
            let expected = RETENTION.iter().find(|(k, _)| *k == kind).map(|(_, d)| *d);
            let (wrong, wanted) = match expected {
                Some(expected) => (days != expected, expected.to_string()),
                None => (
                    days > MAX_OTHER_RETENTION,
                    format!("at most {MAX_OTHER_RETENTION}"),
                ),
            };
            if wrong {
                report(
                    Rule::Retention,
                    format!(
                        "job `{}` keeps {} (`{}`) for {days} days: keep it {wanted} days",
                        job.id(),
                        kind.description(),
                        paths.trim()
                    ),
                );
            }
        }
    }
    for (kind, _) in RETENTION {
        if !seen.contains(&kind) {
            report(
                Rule::Retention,
                format!(
                    "no job uploads {}: upload them as an artifact",
                    kind.description()
                ),
            );
        }
    }
}

/// The crates named by `-p NAME` / `--package NAME` in a command line.
fn package_arguments(script: &str) -> Vec<&str> {
    let words: Vec<&str> = script.split_whitespace().collect();
    words
        .windows(2)
        .filter(|pair| pair[0] == "-p" || pair[0] == "--package")
        .map(|pair| pair[1])
        .collect()
}

fn days(value: &Value) -> Option<u64> {
    value
        .as_u64()
        .or_else(|| value.as_str()?.trim().parse().ok())
}

fn sequence_contains(list: Option<&Value>, wanted: &str) -> bool {
    list.and_then(Value::as_sequence)
        .is_some_and(|items| items.iter().any(|item| item.as_str() == Some(wanted)))
}

fn scalar_text(value: &Value) -> String {
    match value {
        Value::String(text) => text.clone(),
        other => serde_yaml::to_string(other)
            .unwrap_or_default()
            .trim()
            .to_owned(),
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::check_hygiene;

    fn real_text() -> String {
        let path = crate::project_root().join(".github/workflows/ci.yml");
        std::fs::read_to_string(path).expect("ci.yml exists")
    }

    /// The rules broken by the real ci.yml after replacing `from` (which must occur) with `to`.
    fn broken_by(from: &str, to: &str) -> Vec<Rule> {
        let text = real_text();
        assert!(
            text.contains(from),
            "ci.yml no longer contains {from:?}: update the test"
        );
        rules_of(&text.replace(from, to), "1.89")
    }

    fn rules_of(text: &str, msrv: &str) -> Vec<Rule> {
        let workflow = Workflow::parse("ci.yml", text).unwrap();
        let mut rules: Vec<Rule> = check_pipeline(&workflow, &PipelinePolicy::new(msrv))
            .iter()
            .chain(&check_hygiene(&workflow))
            .map(Violation::rule)
            .collect();
        rules.sort();
        rules.dedup();
        rules
    }

    #[test]
    fn the_real_pipeline_follows_every_rule() {
        let msrv = crate::rust_version(&crate::project_root().join("Cargo.toml")).unwrap();
        let workflow = Workflow::parse("ci.yml", &real_text()).unwrap();
        let violations = check_pipeline(&workflow, &PipelinePolicy::new(msrv));
        assert_eq!(violations, []);
    }

    #[test]
    fn triggers_inputs_and_cron_are_required() {
        assert_eq!(
            broken_by("      force_retry:", "      forced:"),
            [Rule::Triggers]
        );
        assert_eq!(
            broken_by(
                "        type: boolean\n        default: false\n      force_retry",
                "        type: string\n      force_retry"
            ),
            [Rule::Triggers]
        );
        assert_eq!(broken_by("0 2 * * *", "0 3 * * *"), [Rule::Triggers]);
        assert_eq!(
            broken_by(
                "  pull_request:\n    branches: [main]",
                "  pull_request:\n    branches: [dev]"
            ),
            [Rule::Triggers]
        );
    }

    #[test]
    fn outdated_pull_request_runs_must_be_cancelled() {
        assert_eq!(
            broken_by(
                "cancel-in-progress: ${{ github.event_name == 'pull_request' }}",
                "cancel-in-progress: false"
            ),
            [Rule::Concurrency]
        );
        assert_eq!(
            broken_by(
                "github.event.pull_request.number || github.ref",
                "github.ref"
            ),
            [Rule::Concurrency]
        );
    }

    #[test]
    fn every_job_must_exist() {
        let text = real_text();
        let start = text.find("\n  security:").unwrap();
        let end = text.find("\n  ci-success:").unwrap();
        let without_security =
            format!("{}{}", &text[..start], &text[end..]).replace(", build, security]", ", build]");
        assert_eq!(rules_of(&without_security, "1.89"), [Rule::Jobs]);
    }

    #[test]
    fn the_verdict_needs_every_job_runs_always_and_judges_every_result() {
        assert_eq!(
            broken_by(", build, security]", ", security]"),
            [Rule::Verdict]
        );
        assert_eq!(broken_by("\n    if: always()\n", "\n"), [Rule::Verdict]);
        assert_eq!(
            broken_by("          --set build=${{ needs.build.result }}\n", ""),
            [Rule::Verdict]
        );
        assert_eq!(broken_by("cigate verdict", "echo verdict"), [Rule::Verdict]);
    }

    #[test]
    fn unit_tests_cover_stable_and_the_msrv() {
        let text = real_text();
        assert_eq!(rules_of(&text, "1.90"), [Rule::UnitMatrix]);
        assert_eq!(
            broken_by("toolchain: [stable, \"1.89\"]", "toolchain: [stable]"),
            [Rule::UnitMatrix]
        );
        assert_eq!(broken_by(" --profile ci", ""), [Rule::UnitMatrix]);
        // An unquoted 1.90 is the number 1.9 in YAML: the rule asks for quotes.
        let unquoted = text.replace("toolchain: [stable, \"1.89\"]", "toolchain: [stable, 1.90]");
        assert_eq!(rules_of(&unquoted, "1.90"), [Rule::UnitMatrix]);
    }

    #[test]
    fn the_rate_limit_job_exposes_every_output() {
        assert_eq!(
            broken_by(
                "      can_proceed: ${{ steps.cooldown.outputs.can_proceed }}\n",
                ""
            ),
            [Rule::RateLimitOutputs]
        );
        assert_eq!(
            broken_by("cigate cooldown check", "cigate cooldown status"),
            [Rule::RateLimitOutputs]
        );
    }

    #[test]
    fn the_live_job_is_gated_approved_and_given_its_secrets() {
        assert_eq!(
            broken_by("    environment: integration-tests\n", ""),
            [Rule::ForkSafety, Rule::LiveJob]
        );
        assert_eq!(
            broken_by(
                "      && needs.check-rate-limit.outputs.can_proceed == 'true'\n",
                "\n"
            ),
            [Rule::LiveJob]
        );
        assert_eq!(
            broken_by(
                "          MOOGO_CACHED_EXPIRES: ${{ secrets.MOOGO_CACHED_EXPIRES }}\n",
                ""
            ),
            [Rule::LiveJob]
        );
        assert_eq!(
            broken_by("cigate secrets sync", "echo sync"),
            [Rule::LiveJob]
        );
    }

    #[test]
    fn the_live_job_never_runs_for_pull_requests_from_forks() {
        let text = real_text();
        let start = text
            .find("    if: >-\n      (github.event_name == 'schedule'")
            .unwrap();
        let end = start + text[start..].find("    environment:").unwrap();
        let ungated = format!("{}{}", &text[..start], &text[end..]);
        let rules = rules_of(&ungated, "1.89");
        assert!(rules.contains(&Rule::ForkSafety), "{rules:?}");
        assert!(rules.contains(&Rule::LiveJob), "{rules:?}");
    }

    #[test]
    fn issues_write_stays_on_the_jobs_that_manage_issues() {
        assert_eq!(
            broken_by("      issues: write\n", ""),
            [Rule::IssuesPermission]
        );
        let lint = "  lint:\n    runs-on: ubuntu-latest\n    permissions:\n      contents: read\n";
        assert_eq!(
            broken_by(lint, &format!("{lint}      issues: write\n")),
            [Rule::IssuesPermission, Rule::ForkSafety]
        );
    }

    #[test]
    fn every_job_declares_permissions() {
        let build = "  build:\n";
        let text = real_text();
        let start = text.find(build).unwrap();
        let permissions = start
            + text[start..]
                .find("    permissions:\n      contents: read\n")
                .unwrap();
        let stripped = format!(
            "{}{}",
            &text[..permissions],
            &text[permissions + "    permissions:\n      contents: read\n".len()..]
        );
        assert_eq!(rules_of(&stripped, "1.89"), [Rule::Permissions]);
    }

    #[test]
    fn the_build_packages_every_crate_and_runs_the_binaries() {
        assert_eq!(broken_by(" -p cigate\n", "\n"), [Rule::Build]);
        assert_eq!(
            broken_by(" && \"$RUNNER_TEMP/install/bin/cigate\" --version", ""),
            [Rule::Build]
        );
    }

    #[test]
    fn the_security_scan_never_blocks() {
        assert_eq!(
            broken_by("        continue-on-error: true\n", ""),
            [Rule::Security]
        );
        assert_eq!(broken_by("cargo deny check", "true"), [Rule::Security]);
    }

    #[test]
    fn artifacts_never_carry_tokens() {
        assert_eq!(
            broken_by(
                "path: .cigate/logs/\n          include-hidden-files: true\n          retention-days: 7\n          if-no-files-found: warn\n\n  check-rate-limit",
                "path: .moogo/\n          include-hidden-files: true\n          retention-days: 7\n          if-no-files-found: warn\n\n  check-rate-limit"
            ),
            [Rule::ArtifactContent]
        );
        assert_eq!(
            broken_by(
                "path: target/package/*.crate",
                "path: |\n            target/package/*.crate\n            .env"
            ),
            [Rule::ArtifactContent]
        );
    }

    #[test]
    fn artifacts_are_kept_as_long_as_the_original() {
        assert_eq!(
            broken_by("retention-days: 30", "retention-days: 14"),
            [Rule::Retention]
        );
        assert_eq!(
            broken_by("retention-days: 90", "retention-days: 30"),
            [Rule::Retention]
        );
        assert_eq!(
            broken_by("retention-days: 1", "retention-days: 30"),
            [Rule::Retention]
        );
        assert_eq!(
            broken_by("path: target/package/*.crate", "path: target/package/"),
            [Rule::Retention]
        );
    }

    #[test]
    fn package_arguments_are_read_from_the_command_line() {
        let script = "cargo package --locked -p moogo --package cigate";
        assert_eq!(package_arguments(script), ["moogo", "cigate"]);
    }
}
