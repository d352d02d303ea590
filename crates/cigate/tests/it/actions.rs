//! Inside GitHub Actions: `$GITHUB_OUTPUT`, the step summary, annotations and masks.

use crate::support::Repo;

fn actions_repo() -> Repo {
    let mut repo = Repo::scenario();
    let output = repo.path("github_output").display().to_string();
    let summary = repo.path("step_summary").display().to_string();
    repo.env("GITHUB_ACTIONS", "true")
        .env("GITHUB_OUTPUT", &output)
        .env("GITHUB_STEP_SUMMARY", &summary)
        // The file tracker, so that no GitHub call is attempted.
        .env("CIGATE_TRACKER", "file")
        .env("MOOGO_PASSWORD", "hunter2-secret");
    repo
}

#[test]
fn run_writes_outputs_annotations_and_masks() {
    let repo = actions_repo();
    repo.script(
        "integration.sh",
        "echo \"login with $MOOGO_PASSWORD\"; echo 'HTTP/1.1 429 Too Many Requests'; exit 1",
    );
    let run = repo.cigate(&["--now", "2024-05-01T02:00:00Z", "run", "integration"]);
    run.expect_code(4)
        .expect_stdout("::add-mask::hunter2-secret\n")
        .expect_stdout("::group::▶ integration (attempt 1/1): ./integration.sh\n")
        .expect_stdout("login with ***\n")
        .expect_stdout("::endgroup::\n")
        .expect_stdout("::warning::rate limit detected in `integration`");
    assert_eq!(
        repo.read("github_output"),
        "outcome=rate_limited\nrate_limit_detected=true\ntest_failed=false\nflaky=false\n"
    );
    let log = repo.read(".cigate/logs/integration.log");
    assert!(
        log.contains("login with ***") && !log.contains("hunter2-secret"),
        "{log}"
    );
    assert!(
        !repo
            .read(".cigate/results/integration.json")
            .contains("hunter2-secret")
    );
    assert_eq!(repo.issues().len(), 1);
}

#[test]
fn cooldown_check_writes_outputs_and_the_rate_limit_status() {
    let repo = actions_repo();
    repo.write(".github/.rate_limit_marker", "2024-05-01 02:00:00");
    let run = repo.cigate(&["--now", "2024-05-01T14:00:00Z", "cooldown", "check"]);
    run.expect_code(0);
    assert_eq!(
        repo.read("github_output"),
        "rate_limited=true\ncan_proceed=false\ntime_until_retry=43200\nlast_failure_time=2024-05-01T02:00:00Z\ntime_until_retry_human=12 hours 0 minutes\n"
    );
    insta::assert_snapshot!(repo.read("step_summary"));
    repo.cigate(&[
        "--now",
        "2024-05-01T14:00:00Z",
        "cooldown",
        "check",
        "--strict",
    ])
    .expect_code(3);
}

#[test]
fn verdict_from_job_results_writes_the_summary() {
    let repo = actions_repo();
    let run = repo.cigate(&[
        "verdict",
        "--set",
        "lint=success",
        "--set",
        "unit=success",
        "--set",
        "integration=rate_limited",
        "--set",
        "build=success",
    ]);
    run.expect_code(0)
        .expect_stdout("::warning::optional check `integration` hit the rate limit");
    assert_eq!(repo.read("github_output"), "verdict=success\n");
    let summary = repo.read("step_summary");
    assert!(
        summary.starts_with(
            "## cigate verdict: ✅ success\n\n**All required checks passed. Safe to merge.**"
        ),
        "{summary}"
    );

    let failed = repo.cigate(&[
        "verdict",
        "--set",
        "lint=success",
        "--set",
        "unit=failure",
        "--set",
        "integration=skipped",
        "--set",
        "build=cancelled",
    ]);
    failed
        .expect_code(1)
        .expect_stdout("::error::required check `unit` failed")
        .expect_stdout("::error::required check `build` was cancelled");
}

#[test]
fn secrets_sync_without_a_token_warns_and_succeeds() {
    let mut repo = actions_repo();
    repo.env("MOOGO_CACHED_TOKEN", "old-token-value");
    repo.write(
        ".moogo/session.json",
        r#"{"token": "fresh-token-value", "user_id": "user-77", "email": "a@b.c", "expires_at": "2024-06-01T00:00:00Z"}"#,
    );
    let run = repo.cigate(&["secrets", "sync", "--session", ".moogo/session.json"]);
    run.expect_code(0)
        .expect_stdout("::add-mask::fresh-token-value")
        .expect_stdout("::warning::the session changed (MOOGO_CACHED_EXPIRES, MOOGO_CACHED_TOKEN, MOOGO_CACHED_USER_ID) but the secrets were not updated")
        .expect_stdout("PAT_TOKEN");
    // The value is only ever printed inside the mask command.
    assert_eq!(
        run.stdout.matches("fresh-token-value").count(),
        1,
        "{}",
        run.stdout
    );
}

#[test]
fn secrets_sync_without_a_session_file_has_nothing_to_do() {
    let repo = actions_repo();
    repo.cigate(&["secrets", "sync", "--session", ".moogo/session.json"])
        .expect_code(0)
        .expect_stdout("::notice::no session at `.moogo/session.json`: nothing to sync");
}
