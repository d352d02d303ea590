//! The seed scenario "rate limit detected mid-run" with the real client and the simulator in
//! lockout mode, then the run during the cooldown and the run a day later.

use std::time::Duration;

use jiff::{SignedDuration, Timestamp};
use moogo_sim::DEMO_PASSWORD;

use crate::support::{Run, System};

const MARKER: &str = ".github/.rate_limit_marker";
const LOCKOUT_RECORD: &str = "state/lockout.json";

#[test]
fn a_lockout_mid_run_cools_down_sends_nothing_more_and_clears_a_day_later() {
    let system = System::start();
    // Every clock starts at the simulator's time: cigate's through `--now`, the client's
    // through MOOGO_PROBE_NOW, the simulator's own through `advance_clock`.
    let t0 = Timestamp::from_second(system.sim.now().as_second()).unwrap();

    // 1. A wrong password: the simulator locks the account out; the client records it.
    let first = system.pipeline(&Run {
        now: t0,
        password: "wrong",
    });
    assert_eq!(
        first.code, 0,
        "optional check: verdict success\n{}",
        first.summary
    );
    let stats = system.sim.stats();
    assert_eq!(
        (
            stats.requests,
            stats.failed_logins,
            stats.lockouts,
            stats.logins
        ),
        (1, 1, 1, 0),
        "one login attempt, refused with a lockout: {stats:?}"
    );
    let record = system.json(LOCKOUT_RECORD);
    assert_eq!(record["code"], 10000, "{record}");
    let locked_until: Timestamp = record["locked_until"].as_str().unwrap().parse().unwrap();
    assert!(
        locked_until > t0 + SignedDuration::from_hours(23),
        "{record}"
    );

    let result = system.json(".cigate/results/integration.json");
    assert_eq!(result["outcome"], "rate_limited", "{result}");
    assert_eq!(result["attempts"], 1, "a rate limit is never retried");
    let evidence = result["evidence"][0].as_str().unwrap();
    assert!(
        evidence.starts_with("lockout record `")
            && evidence.contains(LOCKOUT_RECORD)
            && evidence.contains("code 10000"),
        "the client's record is the evidence: {evidence}"
    );
    assert_eq!(
        system.json(".cigate/results/unit.json")["outcome"],
        "passed"
    );
    let log = std::fs::read_to_string(system.path(".cigate/logs/integration.log")).unwrap();
    assert!(
        log.contains("test devices ... FAILED: rate limited: the moogo account is locked out"),
        "{log}"
    );

    assert_eq!(read(&system, MARKER).trim(), t0.to_string());
    let issues = system.json(".cigate/issues.json");
    assert_eq!(issues.as_array().unwrap().len(), 1, "{issues}");
    assert_eq!(issues[0]["state"], "open");
    assert!(
        first.output.contains("rate_limit_detected=true"),
        "{}",
        first.output
    );
    assert!(first.output.contains("verdict=success"), "{}", first.output);
    assert!(
        first.summary.contains("`integration` hit the rate limit"),
        "a warning: {}",
        first.summary
    );

    // 2. At once again: the cooldown skips the suite, and the service hears nothing.
    let before = system.sim.stats();
    let second = system.pipeline(&Run {
        now: t0 + SignedDuration::from_mins(1),
        password: DEMO_PASSWORD,
    });
    assert_eq!(second.code, 0, "{}", second.summary);
    assert_eq!(
        system.sim.stats(),
        before,
        "zero requests during the cooldown"
    );
    let result = system.json(".cigate/results/integration.json");
    assert_eq!(result["outcome"], "skipped", "{result}");
    assert_eq!(result["attempts"], 0);
    assert_eq!(
        system.json(".cigate/issues.json").as_array().unwrap().len(),
        1
    );
    assert_eq!(read(&system, MARKER).trim(), t0.to_string());

    // 3. A day and an hour later, the right password; nothing removed by hand.
    system.sim.advance_clock(Duration::from_secs(25 * 3600));
    let third = system.pipeline(&Run {
        now: t0 + SignedDuration::from_hours(25),
        password: DEMO_PASSWORD,
    });
    assert_eq!(third.code, 0, "{}", third.summary);
    let result = system.json(".cigate/results/integration.json");
    assert_eq!(result["outcome"], "passed", "{result}");
    let log = std::fs::read_to_string(system.path(".cigate/logs/integration.log")).unwrap();
    assert!(log.contains("test devices ... ok"), "{log}");
    let session = system.json("state/session.json");
    let token = session["token"].as_str().unwrap();
    assert!(
        !log.contains(token),
        "the suite never prints the token: {log}"
    );
    let stats = system.sim.stats();
    assert_eq!(
        (
            stats.requests,
            stats.logins,
            stats.failed_logins,
            stats.lockouts
        ),
        (3, 1, 1, 1),
        "one login and one listing more, exactly one successful login: {stats:?}"
    );
    assert!(!system.path(MARKER).exists(), "the marker is cleared");
    let issues = system.json(".cigate/issues.json");
    assert_eq!(issues.as_array().unwrap().len(), 1, "{issues}");
    assert_eq!(issues[0]["state"], "closed", "{issues}");
    assert!(
        third.output.contains("rate_limit_detected=false"),
        "{}",
        third.output
    );
}

fn read(system: &System, name: &str) -> String {
    std::fs::read_to_string(system.path(name))
        .unwrap_or_else(|error| panic!("cannot read {name}: {error}"))
}
