//! The commands one by one: help, errors, classify, cooldown, verdict, run, issue.

use crate::support::Repo;

#[test]
fn every_help_says_what_and_shows_an_example() {
    let repo = Repo::new("");
    let commands: &[&[&str]] = &[
        &[],
        &["pipeline"],
        &["run"],
        &["classify"],
        &["cooldown"],
        &["verdict"],
        &["issue"],
        &["secrets"],
    ];
    for command in commands {
        let mut args = command.to_vec();
        args.push("--help");
        let run = repo.cigate(&args);
        run.expect_code(0).expect_stdout("Example:\n  cigate ");
    }
}

#[test]
fn config_errors_name_file_key_value_and_hint() {
    let repo = Repo::new("[[check]]\nname = \"unit\"\nrun = \"true\"\ntimeout = \"ten\"\n");
    let run = repo.cigate(&["pipeline"]);
    run.expect_code(2);
    insta::assert_snapshot!(run.stderr, @r#"
    error: `cigate.toml`: `check.unit.timeout` must be a duration such as "10m", "24h" or "90s", got `ten`
      hint: see the cigate.toml reference in crates/cigate/README.md
    "#);
}

#[test]
fn missing_config_says_where_it_looked() {
    let repo = Repo::new("");
    let run = repo.cigate(&["pipeline", "--config", "nope.toml"]);
    run.expect_code(2);
    insta::assert_snapshot!(run.stderr, @r"
    error: failed to read `nope.toml`
      caused by: No such file or directory (os error 2)
      hint: `nope.toml` does not exist; check the path (relative paths start at the directory of cigate.toml)
    ");
}

#[test]
fn unknown_keys_are_warned_about() {
    let repo = Repo::new("[[check]]\nname = \"unit\"\nrun = \"true\"\nretry = 3\n");
    repo.cigate(&["pipeline"])
        .expect_code(0)
        .expect_stdout("warning: `cigate.toml`: unknown key `check.unit.retry` is ignored");
}

#[test]
fn unknown_check_lists_the_defined_ones() {
    let repo = Repo::scenario();
    let run = repo.cigate(&["run", "unti"]);
    run.expect_code(2);
    insta::assert_snapshot!(run.stderr, @r"
    error: no check named `unti` in `cigate.toml`
      hint: defined checks: lint, unit, integration, build
    ");
}

#[test]
fn invalid_now_is_rejected() {
    let repo = Repo::scenario();
    repo.cigate(&["cooldown", "status", "--now", "tomorrow"])
        .expect_code(2);
}

#[test]
fn classify_json() {
    let repo = Repo::new("");
    repo.write(
        "it.log",
        "test a ... ok\nError: Rate limited until 2024-05-02\n",
    );
    let run = repo.cigate(&[
        "classify",
        "--log",
        "it.log",
        "--exit-code",
        "101",
        "--json",
    ]);
    run.expect_code(4);
    assert_eq!(
        run.stdout,
        "{\"evidence\":[\"Error: Rate limited until 2024-05-02\"],\"outcome\":\"rate_limited\"}\n"
    );
    repo.write("ok.log", "Error: Rate limited\n");
    let passed = repo.cigate(&["classify", "--log", "ok.log", "--exit-code", "0", "--json"]);
    passed
        .expect_code(0)
        .expect_stdout("\"outcome\":\"passed\"");
    repo.write("junit.xml", "<testsuites><testsuite><testcase name=\"t\"><failure message=\"boom\"/></testcase></testsuite></testsuites>");
    let junit = repo.cigate(&[
        "classify",
        "--log",
        "ok.log",
        "--junit",
        "junit.xml",
        "--exit-code",
        "1",
    ]);
    junit
        .expect_code(1)
        .expect_stdout("failed\n  test `t` failed: boom\n");
}

#[test]
fn cooldown_commands() {
    let repo = Repo::scenario();
    let now = ["--now", "2024-05-01T02:00:00Z"];
    repo.cigate(&[&now[..], &["cooldown", "status"]].concat())
        .expect_code(0)
        .expect_stdout("rate limit: no rate limit recorded");
    repo.cigate(&[&now[..], &["cooldown", "mark"]].concat())
        .expect_code(0)
        .expect_stdout(
            "cooldown marked at 2024-05-01T02:00:00Z in file `.github/.rate_limit_marker`",
        );
    repo.cigate(&["--now", "2024-05-01T03:30:00Z", "cooldown", "status"])
        .expect_stdout("cooldown active: 22 hours 30 minutes left");
    repo.cigate(&[
        "--now",
        "2024-05-01T03:30:00Z",
        "cooldown",
        "check",
        "--strict",
    ])
    .expect_code(3);
    repo.cigate(&[
        "--now",
        "2024-05-01T03:30:00Z",
        "cooldown",
        "check",
        "--strict",
        "--force",
    ])
    .expect_code(0)
    .expect_stdout("running anyway because forced");
    let refused = repo.cigate(&["--now", "2024-05-01T03:30:00Z", "cooldown", "clear"]);
    refused.expect_code(2);
    insta::assert_snapshot!(refused.stderr, @r"
    error: refusing to clear the cooldown marker in file `.github/.rate_limit_marker`: cooldown active: 22 hours 30 minutes left (rate limit detected 2024-05-01T02:00:00Z, retry after 2024-05-02T02:00:00Z)
      hint: `cigate cooldown clear --force` clears it anyway; running the gated checks during a lockout may extend it
    ");
    assert!(repo.path(".github/.rate_limit_marker").exists());
    repo.cigate(&[
        "--now",
        "2024-05-01T03:30:00Z",
        "cooldown",
        "clear",
        "--force",
    ])
    .expect_code(0)
    .expect_stdout("cooldown marker in file `.github/.rate_limit_marker` cleared");
    assert!(!repo.path(".github/.rate_limit_marker").exists());
    // Once the window has passed, no force is needed.
    repo.cigate(&[&now[..], &["cooldown", "mark"]].concat());
    repo.cigate(&["--now", "2024-05-03T00:00:00Z", "cooldown", "clear"])
        .expect_code(0);
}

#[test]
fn cigate_now_environment_variable_sets_the_clock() {
    let mut repo = Repo::scenario();
    repo.write(".github/.rate_limit_marker", "2024-05-01T02:00:00Z");
    repo.env("CIGATE_NOW", "2024-05-01T12:00:00Z");
    repo.cigate(&["cooldown", "status"])
        .expect_stdout("14 hours 0 minutes left");
}

#[test]
fn verdict_reads_recorded_results_and_set_overrides_them() {
    let repo = Repo::scenario();
    repo.cigate(&["pipeline"]).expect_code(0);
    repo.cigate(&["verdict"])
        .expect_code(0)
        .expect_stdout("verdict: success");
    repo.cigate(&["verdict", "--set", "unit=failure"])
        .expect_code(1)
        .expect_stdout("error: required check `unit` failed");
    let run = repo.cigate(&["verdict", "--set", "unit"]);
    run.expect_code(2);
    assert!(
        run.stderr
            .starts_with("error: invalid --set `unit`: expected CHECK=STATUS"),
        "{}",
        run.stderr
    );
}

#[test]
fn run_command_times_out_and_kills_the_process_group() {
    let repo = Repo::new("");
    repo.script(
        "slow.sh",
        "sleep 30 & echo $! > grandchild.pid; echo started; wait",
    );
    let started = std::time::Instant::now();
    let run = repo.cigate(&["run", "--timeout", "300ms", "--", "./slow.sh"]);
    run.expect_code(1)
        .expect_stdout("slow.sh transient")
        .expect_stdout("timed out after 300ms");
    assert!(started.elapsed() < std::time::Duration::from_secs(10));
    // The grandchild was in the attempt's process group, so it is gone too.
    assert_gone(&repo.read("grandchild.pid"));
    assert_eq!(repo.result("slow.sh")["outcome"], "transient");
}

#[test]
fn run_command_retries_errors_but_not_rate_limits() {
    let repo = Repo::new("");
    repo.script(
        "flaky.sh",
        "if [ -e tried ]; then echo ok; else touch tried; exit 1; fi",
    );
    repo.cigate(&[
        "run",
        "--retries",
        "2",
        "--retry-on",
        "error",
        "--backoff",
        "0s",
        "--",
        "./flaky.sh",
    ])
    .expect_code(0)
    .expect_stdout("attempt 2/3");
    // A rate limit is not retried at all (the default 10 s backoff never starts).
    repo.script("limited.sh", "echo 'Too Many Requests'; exit 1");
    let run = repo.cigate(&["run", "--retries", "3", "--", "./limited.sh"]);
    run.expect_code(4).refute_stdout("attempt 2/");
}

#[test]
fn issue_commands_use_the_file_tracker() {
    let repo = Repo::scenario();
    repo.cigate(&["issue", "status"])
        .expect_code(0)
        .expect_stdout("no open rate-limit issue");
    repo.cigate(&["issue", "open"])
        .expect_stdout("opened issue #1");
    repo.cigate(&["issue", "open"])
        .expect_stdout("updated the open issue #1");
    repo.cigate(&["issue", "status"])
        .expect_stdout("#1 API Rate Limit Detected - 24h Cooldown Active (.cigate/issues.json)");
    repo.cigate(&["issue", "close"])
        .expect_stdout("closed issue #1");
    assert_eq!(repo.issues()[0]["state"], "closed");
}

#[test]
fn github_tracker_outside_actions_says_what_it_would_do() {
    let repo =
        Repo::new(&crate::support::SCENARIO_CONFIG.replace("kind = \"file\"", "kind = \"github\""));
    repo.cigate(&["issue", "open"])
        .expect_code(0)
        .expect_stdout("would have opened or updated the issue \"API Rate Limit Detected - 24h Cooldown Active\" (not running in GitHub Actions)");
}

#[test]
fn colour_only_when_the_terminal_conventions_allow_it() {
    let mut repo = Repo::scenario();
    let piped = repo.cigate(&["pipeline"]);
    assert!(!piped.stdout.contains('\x1b'), "{}", piped.stdout);
    repo.env("NO_COLOR", "").env("CLICOLOR_FORCE", "1");
    let forced = repo.cigate(&["pipeline"]);
    forced.expect_code(0);
    assert!(forced.stdout.contains("\x1b["), "{}", forced.stdout);
}

#[test]
fn ctrl_c_kills_the_running_check_and_stops_the_pipeline() {
    let repo = Repo::new(
        "[[check]]\nname = \"slow\"\nrun = \"./slow.sh\"\n[[check]]\nname = \"after\"\nrun = \"touch after-ran\"\n",
    );
    repo.script(
        "slow.sh",
        "sleep 30 & echo $! > grandchild.pid; echo started; wait",
    );
    let mut child = std::process::Command::new(env!("CARGO_BIN_EXE_cigate"))
        .args(["pipeline"])
        .current_dir(repo.root())
        .env_clear()
        .env("PATH", std::env::var_os("PATH").unwrap_or_default())
        .stdout(std::process::Stdio::piped())
        .stderr(std::process::Stdio::piped())
        .spawn()
        .unwrap();
    let mut stdout = std::io::BufReader::new(child.stdout.take().unwrap());
    let mut line = String::new();
    while !line.contains("started") {
        line.clear();
        assert_ne!(
            std::io::BufRead::read_line(&mut stdout, &mut line).unwrap(),
            0
        );
    }
    let killed = std::process::Command::new("kill")
        .args(["-INT", &child.id().to_string()])
        .status()
        .unwrap();
    assert!(killed.success());
    let output = child.wait_with_output().unwrap();
    assert_eq!(output.status.code(), Some(130));
    assert_eq!(
        String::from_utf8_lossy(&output.stderr),
        "error: interrupted while running `slow`\n"
    );
    assert_gone(&repo.read("grandchild.pid"));
    assert!(!repo.path("after-ran").exists(), "the pipeline stops");
}

/// Asserts that process `pid` is gone (or a zombie whose parent is gone too). SIGKILL takes
/// effect when the process is next scheduled, so this waits a little.
fn assert_gone(pid: &str) {
    let pid = pid.trim();
    let mut stat = String::new();
    for _ in 0..200 {
        stat = std::fs::read_to_string(format!("/proc/{pid}/stat")).unwrap_or_default();
        let state = stat
            .rsplit(')')
            .next()
            .unwrap_or("")
            .trim_start()
            .chars()
            .next();
        if matches!(state, None | Some('Z' | 'X')) {
            return;
        }
        std::thread::sleep(std::time::Duration::from_millis(10));
    }
    panic!("process {pid} survived: {stat}");
}

#[test]
fn type_errors_point_at_the_line() {
    let repo = Repo::new("[[check]]\nname = \"unit\"\nrun = \"true\"\nrequired = \"yes\"\n");
    let run = repo.cigate(&["pipeline"]);
    run.expect_code(2);
    insta::assert_snapshot!(run.stderr, @r#"
    error: failed to load `cigate.toml`
      caused by: TOML parse error at line 4, column 12
          |
        4 | required = "yes"
          |            ^^^^^
        invalid type: string "yes", expected a boolean
      hint: see the cigate.toml reference in crates/cigate/README.md
    "#);
}
