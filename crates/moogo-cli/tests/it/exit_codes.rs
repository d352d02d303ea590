//! Every exit code, with the one-line message that goes with it.

use insta::assert_snapshot;
use moogo_sim::{DEMO_EMAIL, DEMO_PASSWORD, SimConfig};

use crate::support::Setup;

#[test]
fn usage_errors_exit_2() {
    let setup = Setup::new();
    for args in [
        &[][..],
        &["spray"],
        &["devices", "--bogus"],
        &["status"],
        &["spray", "start", "Patio", "--for", "5", "--no-wait"],
    ] {
        let run = setup.moogo(args);
        assert_eq!(run.code, 2, "{args:?}: {run:?}");
        assert_eq!(run.stdout, "");
    }
    assert_eq!(setup.requests(), 0);
}

#[test]
fn invalid_input_exits_65_before_any_request() {
    let setup = Setup::new();
    let _settings = setup.snapshot_settings().bind_to_scope();
    let cases: [(&str, &[&str]); 9] = [
        (
            "duration_too_long",
            &["spray", "start", "Patio", "--for", "2h"],
        ),
        (
            "duration_not_a_duration",
            &["spray", "start", "Patio", "--for", "soon"],
        ),
        (
            "time_out_of_range",
            &[
                "schedules",
                "add",
                "Patio",
                "--at",
                "24:00",
                "--duration",
                "60",
            ],
        ),
        (
            "days_unknown",
            &[
                "schedules",
                "add",
                "Patio",
                "--at",
                "06:00",
                "--duration",
                "60",
                "--days",
                "mon,funday",
            ],
        ),
        (
            "update_without_change",
            &["schedules", "update", "Patio", "s-1"],
        ),
        (
            "config_unknown_key",
            &["config", "set", "Patio", "firmware=2.0"],
        ),
        (
            "config_bad_time_zone",
            &["config", "set", "Patio", "timeZone=Mars/Olympus"],
        ),
        ("date_malformed", &["logs", "Patio", "--from", "yesterday"]),
        ("page_zero", &["logs", "Patio", "--page", "0"]),
    ];
    for (name, args) in cases {
        let run = setup.moogo(args);
        assert_snapshot!(format!("invalid_input_{name}"), run.fails(65));
    }
    assert_eq!(setup.requests(), 0, "invalid input sent nothing");
}

#[test]
fn offline_device_exits_69() {
    let setup = Setup::new();
    let _settings = setup.snapshot_settings().bind_to_scope();
    assert_snapshot!(
        "offline",
        setup.moogo(&["spray", "start", "Garage"]).fails(69)
    );
    let routes = setup.stats().by_route;
    assert!(
        !routes.keys().any(|route| route.contains("/start")),
        "{routes:?}"
    );
    setup
        .moogo(&["spray", "stop", "garage", "--json"])
        .fails(69);
}

#[test]
fn unreachable_service_exits_69() {
    let setup = Setup::new();
    // Port 9 (discard) on loopback: nothing listens there.
    let run = setup.moogo(&["devices", "--base-url", "http://127.0.0.1:9"]);
    let line = run.fails(69);
    assert!(
        line.starts_with("moogo: could not list the devices: request to `v1/user/login` failed"),
        "{line}"
    );
}

#[test]
fn authentication_failures_exit_77() {
    // Three failed logins before a lockout, so that a wrong password shows as such.
    let setup = Setup::with_config(SimConfig::default().with_lockout_after(3));
    let _settings = setup.snapshot_settings().bind_to_scope();
    assert_snapshot!(
        "not_logged_in",
        setup.moogo_with(&["devices"], &[]).fails(77)
    );
    assert_snapshot!(
        "login_without_password",
        setup
            .moogo_with(&["login", "--email", DEMO_EMAIL], &[])
            .fails(77)
    );
    assert_eq!(setup.requests(), 0);
    let wrong = setup.moogo_with(
        &["login", "--email", DEMO_EMAIL],
        &[("MOOGO_PASSWORD", "wrong")],
    );
    assert_snapshot!("wrong_password", wrong.fails(77));
    assert_eq!(setup.stats().failed_logins, 1);
}

#[test]
fn lockout_exits_75_with_its_end_and_sends_nothing_until_then() {
    let setup = Setup::with_config(
        SimConfig::default()
            .with_transition_delay(std::time::Duration::ZERO, std::time::Duration::ZERO)
            .with_lockout_after(1),
    );
    let _settings = setup.snapshot_settings().bind_to_scope();
    // One failed login locks the account, as the real service may.
    let locked = setup.moogo_with(
        &["login", "--email", DEMO_EMAIL],
        &[("MOOGO_PASSWORD", "wrong")],
    );
    let line = locked.fails(75);
    assert_eq!(setup.stats().lockouts, 1);

    let record: serde_json::Value = serde_json::from_str(
        &std::fs::read_to_string(setup.lockout_file()).expect("the client recorded the lockout"),
    )
    .expect("JSON");
    assert_eq!(record["code"], 10000);
    let until: jiff::Timestamp = record["locked_until"]
        .as_str()
        .expect("an end")
        .parse()
        .expect("RFC 3339");
    let until_shown = until.strftime("%Y-%m-%d %H:%M:%S UTC").to_string();
    assert!(
        line.contains(&format!("locked out (rate limited) until {until_shown}")),
        "{line}"
    );
    assert_snapshot!("locked_out", line);

    // During the lockout, nothing reaches the service, whatever the command.
    let requests = setup.requests();
    for args in [
        &["devices"][..],
        &["status", "Patio"],
        &["spray", "start", "Patio"],
        &["schedules", "list", "Patio"],
        &["login"],
    ] {
        let run = setup.moogo(args);
        assert!(run.fails(75).contains(&until_shown), "{args:?}: {run:?}");
    }
    setup
        .moogo_with(
            &["login", "--email", DEMO_EMAIL],
            &[("MOOGO_PASSWORD", DEMO_PASSWORD)],
        )
        .fails(75);
    assert_eq!(
        setup.requests(),
        requests,
        "requests were sent during the lockout"
    );

    assert_snapshot!("lockout_status", setup.moogo(&["lockout", "status"]).ok());
    let status = setup.moogo(&["lockout", "status", "--json"]).json();
    assert_eq!(status["locked"], true);
    assert_eq!(status["locked_until"], record["locked_until"]);
    assert_snapshot!("lockout_clear", setup.moogo(&["lockout", "clear"]).ok());
    assert!(!setup.lockout_file().exists());
}

#[test]
fn other_failures_exit_1() {
    let setup = Setup::new();
    setup.login();
    // A path below a regular file cannot be created.
    let blocker = setup.path("a-file");
    std::fs::write(&blocker, "").expect("written");
    let target = blocker.join("session.json");
    let run = setup.moogo(&["session", "export", target.to_str().expect("UTF-8")]);
    let line = run.fails(1);
    assert!(
        line.starts_with("moogo: could not export the session: "),
        "{line}"
    );
}
