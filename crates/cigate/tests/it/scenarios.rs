//! The seed scenarios of issue 4, each a pipeline run in a scratch repository.

use crate::support::Repo;

const T0: &str = "2024-05-01T02:00:00Z";
const RATE_LIMIT: &str =
    "echo 'running 12 tests'; echo 'Error: rate limited: account locked (code 10000)' >&2; exit 1";

#[test]
fn normal_run_passes_every_check() {
    let repo = Repo::scenario();
    let run = repo.cigate(&["pipeline"]);
    run.expect_code(0)
        .expect_stdout("cigate: push event; checks: lint, unit, integration, build")
        .expect_stdout("integration ok")
        .expect_stdout("verdict: success: All required checks passed. Safe to merge.")
        .refute_stdout("warning:");
    for check in ["lint", "unit", "integration", "build"] {
        let result = repo.result(check);
        assert_eq!(result["outcome"], "passed", "{check}");
        assert_eq!(result["attempts"], 1);
        assert_eq!(result["flaky"], false);
    }
    assert!(repo.issues().is_empty());
    assert!(!repo.path(".github/.rate_limit_marker").exists());
    assert!(repo.read(".cigate/logs/unit.log").contains("unit ok"));
}

#[test]
fn during_the_cooldown_integration_is_skipped() {
    let repo = Repo::scenario();
    // The original marker format, read as UTC.
    repo.write(".github/.rate_limit_marker", "2024-05-01 02:00:00\n");
    repo.script("integration.sh", "touch integration-ran; exit 1");
    let run = repo.cigate(&["--now", "2024-05-01T14:00:00Z", "pipeline"]);
    run.expect_code(0)
        .expect_stdout("integration skipped: rate-limit cooldown: 12 hours 0 minutes left (retry after 2024-05-02T02:00:00Z)")
        .expect_stdout("notice: optional check `integration` was skipped")
        .expect_stdout("verdict: success");
    assert!(!repo.path("integration-ran").exists());
    assert_eq!(repo.result("integration")["outcome"], "skipped");
    assert_eq!(
        repo.read(".github/.rate_limit_marker"),
        "2024-05-01 02:00:00\n",
        "kept as is"
    );
}

#[test]
fn rate_limit_mid_run_marks_the_cooldown_and_opens_one_issue() {
    let repo = Repo::scenario();
    repo.script("integration.sh", RATE_LIMIT);
    let run = repo.cigate(&["--now", T0, "pipeline"]);
    run.expect_code(0)
        .expect_stdout("rate limit detected in `integration`: cooldown marked in file `.github/.rate_limit_marker` until 2024-05-02T02:00:00Z")
        .expect_stdout("opened issue #1 \"API Rate Limit Detected - 24h Cooldown Active\"")
        .expect_stdout("warning: optional check `integration` hit the rate limit")
        .expect_stdout("verdict: success");
    assert_eq!(repo.read(".github/.rate_limit_marker"), format!("{T0}\n"));
    let result = repo.result("integration");
    assert_eq!(result["outcome"], "rate_limited");
    assert_eq!(result["attempts"], 1, "a rate limit is never retried");
    assert_eq!(
        result["evidence"][0],
        "Error: rate limited: account locked (code 10000)"
    );
    let issues = repo.issues();
    assert_eq!(issues.len(), 1);
    assert_eq!(
        issues[0]["title"],
        "API Rate Limit Detected - 24h Cooldown Active"
    );
    assert_eq!(issues[0]["state"], "open");
    assert_eq!(
        issues[0]["labels"],
        serde_json::json!(["automated", "rate-limit", "integration-tests"])
    );
    assert!(
        issues[0]["body"]
            .as_str()
            .unwrap()
            .contains("- **Detected:** 2024-05-01T02:00:00Z")
    );
}

#[test]
fn transient_failure_passing_on_retry_is_reported_flaky() {
    let repo = Repo::scenario();
    repo.script(
        "unit.sh",
        "if [ -e .unit-tried ]; then echo 'test result: ok'; else touch .unit-tried; echo 'error: connection reset by peer'; exit 101; fi",
    );
    let run = repo.cigate(&["pipeline"]);
    run.expect_code(0)
        .expect_stdout("✘ unit transient (attempt 1")
        .expect_stdout("↻ unit: attempt 2 in 0.0s")
        .expect_stdout("passed (flaky)")
        .expect_stdout("warning: check `unit` passed only on attempt 2 (flaky)")
        .expect_stdout("verdict: success");
    let result = repo.result("unit");
    assert_eq!(result["outcome"], "passed");
    assert_eq!(result["attempts"], 2);
    assert_eq!(result["flaky"], true);
}

#[test]
fn real_integration_failure_passes_with_a_warning_to_review() {
    let repo = Repo::scenario();
    repo.script("integration.sh", "echo 'thread main panicked at tests/it/devices.rs:10: assertion failed'; echo 'took 10000ms'; exit 101");
    let run = repo.cigate(&["--now", T0, "pipeline"]);
    run.expect_code(0)
        .expect_stdout(
            "warning: optional check `integration` failed: exit status 101: review before merge",
        )
        .expect_stdout("verdict: success");
    assert_eq!(repo.result("integration")["outcome"], "failed");
    assert!(
        !repo.path(".github/.rate_limit_marker").exists(),
        "no rate limit, no marker"
    );
    assert!(repo.issues().is_empty());
}

#[test]
fn required_failure_fails_the_verdict() {
    let repo = Repo::scenario();
    repo.script("lint.sh", "echo 'error: unused variable: `x`'; exit 1");
    let run = repo.cigate(&["pipeline"]);
    run.expect_code(1)
        .expect_stdout("unit skipped: needs `lint`, which did not pass")
        .expect_stdout("error: required check `lint` failed: exit status 1")
        .expect_stdout(
            "verdict: failure: Required checks `lint`, `unit`, `build` did not pass. Do not merge.",
        );
    assert_eq!(repo.result("lint")["outcome"], "failed");
    assert_eq!(repo.result("build")["outcome"], "skipped");
}

#[test]
fn scheduled_run_a_day_later_retries_closes_the_issue_and_clears_the_marker() {
    let repo = Repo::scenario();
    repo.script("integration.sh", RATE_LIMIT);
    repo.cigate(&["--now", T0, "pipeline"]).expect_code(0);
    assert_eq!(repo.issues().len(), 1);

    // Twelve hours later the schedule does nothing but wait.
    repo.script("integration.sh", "echo 'integration ok'");
    repo.script("lint.sh", "touch lint-ran");
    let early = repo.cigate(&[
        "--now",
        "2024-05-01T14:00:00Z",
        "pipeline",
        "--event",
        "schedule",
    ]);
    early
        .expect_code(0)
        .expect_stdout("cigate: schedule event; checks: integration")
        .expect_stdout("12 hours 0 minutes left");
    assert_eq!(repo.issues()[0]["state"], "open");

    let run = repo.cigate(&[
        "--now",
        "2024-05-02T02:00:00Z",
        "pipeline",
        "--event",
        "schedule",
    ]);
    run.expect_code(0)
        .expect_stdout("cigate: schedule event; checks: integration")
        .expect_stdout("integration ok")
        .expect_stdout("closed issue #1")
        .expect_stdout("verdict: success");
    assert!(
        !repo.path("lint-ran").exists(),
        "schedule runs only the gated checks"
    );
    assert!(
        !repo.path(".github/.rate_limit_marker").exists(),
        "marker cleared"
    );
    let issues = repo.issues();
    assert_eq!(issues.len(), 1);
    assert_eq!(issues[0]["state"], "closed");
    let comment = issues[0]["comments"][0]["body"].as_str().unwrap();
    assert!(
        comment.starts_with(
            "The rate-limited check `integration` passed again at 2024-05-02T02:00:00Z"
        ),
        "{comment}"
    );
    // Only the checks the schedule ran are judged.
    let verdict = repo.cigate(&["verdict", "--event", "schedule"]);
    verdict.expect_code(0).refute_stdout("lint");
}

#[test]
fn second_detection_updates_the_open_issue() {
    let repo = Repo::scenario();
    repo.script("integration.sh", RATE_LIMIT);
    repo.cigate(&["--now", T0, "pipeline"]).expect_code(0);
    let run = repo.cigate(&["--now", "2024-05-02T03:00:00Z", "pipeline"]);
    run.expect_code(0)
        .expect_stdout("updated the open issue #1 instead of opening another");
    let issues = repo.issues();
    assert_eq!(issues.len(), 1, "no second issue");
    assert_eq!(issues[0]["comments"].as_array().unwrap().len(), 1);
    assert_eq!(
        repo.read(".github/.rate_limit_marker"),
        "2024-05-02T03:00:00Z\n"
    );
}

#[test]
fn force_retry_runs_gated_checks_during_the_cooldown() {
    let repo = Repo::scenario();
    repo.write(".github/.rate_limit_marker", "2024-05-01T02:00:00Z\n");
    let run = repo.cigate(&["--now", "2024-05-01T03:00:00Z", "pipeline", "--force-retry"]);
    run.expect_code(0)
        .expect_stdout("warning: cooldown active: 23 hours 0 minutes left")
        .expect_stdout("running anyway because forced")
        .expect_stdout("integration ok");
    assert!(!repo.path(".github/.rate_limit_marker").exists());
}

#[test]
fn unreadable_marker_fails_closed() {
    let repo = Repo::scenario();
    repo.write(".github/.rate_limit_marker", "0\n");
    repo.script("integration.sh", "touch integration-ran");
    let run = repo.cigate(&["pipeline"]);
    run.expect_code(0)
        .expect_stdout("error: cooldown marker in file `.github/.rate_limit_marker` is unreadable (`0`): treated as active")
        .expect_stdout("integration skipped");
    assert!(!repo.path("integration-ran").exists());
    assert_eq!(
        repo.read(".github/.rate_limit_marker"),
        "0\n",
        "never deleted"
    );
}

#[test]
fn a_lockout_record_is_the_strongest_evidence() {
    let repo = Repo::scenario();
    repo.write(
        "state/lockout.json",
        r#"{"code": 10000, "message": "login locked", "detected_at": "2024-05-01T01:59:00Z", "locked_until": "2024-05-02T01:59:00Z"}"#,
    );
    repo.script("integration.sh", "echo 'test devices ... FAILED'; exit 101");
    let run = repo.cigate(&["--now", T0, "pipeline"]);
    run.expect_code(0).expect_stdout("opened issue #1");
    let evidence = repo.result("integration")["evidence"][0]
        .as_str()
        .unwrap()
        .to_owned();
    assert_eq!(
        evidence,
        "lockout record `state/lockout.json`: code 10000 \"login locked\", locked until 2024-05-02T01:59:00Z"
    );
}

#[test]
fn fork_pull_requests_open_no_issue() {
    let repo = Repo::scenario();
    repo.script("integration.sh", RATE_LIMIT);
    let run = repo.cigate(&["--now", T0, "pipeline", "--event", "pull_request", "--fork"]);
    run.expect_code(0)
        .expect_stdout("from a fork")
        .expect_stdout("pull request from a fork: no issue opened");
    assert!(repo.issues().is_empty());
}

#[test]
fn only_runs_the_named_checks_and_judges_them() {
    let repo = Repo::scenario();
    repo.script("build.sh", "exit 1");
    let run = repo.cigate(&["pipeline", "--only", "lint"]);
    run.expect_code(0).expect_stdout("checks: lint\n");
    assert!(!repo.path(".cigate/results/build.json").exists());
}

#[test]
fn optional_check_without_credentials_is_skipped_with_a_notice() {
    let mut repo = Repo::new(&format!(
        "{}\n[[check]]\nname = \"live\"\nrun = \"touch live-ran\"\nrequired = false\nrequires_env = [\"MOOGO_EMAIL\", \"MOOGO_PASSWORD\"]\n",
        crate::support::SCENARIO_CONFIG
    ));
    for check in ["lint", "unit", "integration", "build"] {
        repo.script(&format!("{check}.sh"), "true");
    }
    repo.cigate(&["pipeline"])
        .expect_code(0)
        .expect_stdout("live skipped: `MOOGO_EMAIL`, `MOOGO_PASSWORD` not set (see requires_env)");
    assert!(!repo.path("live-ran").exists());
    repo.env("MOOGO_EMAIL", "a@b.c")
        .env("MOOGO_PASSWORD", "pw-secret-1");
    repo.cigate(&["pipeline"]).expect_code(0);
    assert!(repo.path("live-ran").exists());
}

#[test]
fn a_rate_limit_line_in_lint_output_is_no_rate_limit() {
    // Found by running this repository's own pipeline: `cargo fmt --check` printed the diff
    // of a test that mentions a rate limit. Only checks that talk to the service count.
    let repo = Repo::scenario();
    repo.script(
        "lint.sh",
        "echo '+    repo.script(\"x.sh\", \"echo rate limited\");'; exit 1",
    );
    repo.cigate(&["pipeline"]).expect_code(1);
    assert_eq!(repo.result("lint")["outcome"], "failed");
    assert!(!repo.path(".github/.rate_limit_marker").exists());
    assert!(repo.issues().is_empty());
}
