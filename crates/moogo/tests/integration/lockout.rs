//! The lockout: one failed login locks the account for 24 hours (code 10000);
//! from then on no client, old or new, sends anything until it ends.

use std::time::Duration;

use jiff::SignedDuration;
use moogo::{Error, LockoutRecord};
use moogo_sim::{DEMO_EMAIL, FaultKind, FaultSpec, SimConfig};

use crate::support::{self, BACKYARD, OwnSim};

const DAY: Duration = Duration::from_secs(24 * 3600);

#[tokio::test(start_paused = true)]
async fn one_failed_login_locks_every_client_out_until_the_lockout_ends() {
    if support::skip_on_real_service("a lockout") {
        return;
    }
    let own = OwnSim::start().await;
    let wrong = own
        .bare_builder()
        .credentials(DEMO_EMAIL, "wrong-password")
        .session_file(own.session_file())
        .build()
        .unwrap();
    let err = wrong.login().await.unwrap_err();
    let Error::RateLimited { until, .. } = &err else {
        panic!("expected a lockout, got {err:?}");
    };
    let until = *until;
    let lockout_at = own.sim.now();
    assert!(!err.is_transient());
    assert_eq!(err.locked_until(), Some(until));
    assert_eq!(
        until.duration_since(lockout_at),
        SignedDuration::from_hours(24)
    );
    insta::assert_snapshot!(err.to_string().replace(&until.to_string(), "[UNTIL]"));

    // The record that `cigate classify` reads.
    let record: LockoutRecord =
        serde_json::from_slice(&std::fs::read(own.lockout_file()).unwrap()).unwrap();
    assert_eq!((record.code, record.locked_until), (10000, until));
    assert_eq!(record.detected_at, lockout_at);
    let stats = own.stats();
    assert_eq!(
        (
            stats.requests,
            stats.failed_logins,
            stats.lockouts,
            stats.logins
        ),
        (1, 1, 1, 0)
    );

    // New clients, with the right password, send nothing: every operation
    // fails at once with the same end time.
    const K: usize = 5;
    for _ in 0..K {
        let client = own.client();
        let device = client.device(BACKYARD);
        let errors = [
            client.login().await.map(drop).unwrap_err(),
            client.devices().await.map(drop).unwrap_err(),
            client.liquids().await.map(drop).unwrap_err(),
            device.status().await.map(drop).unwrap_err(),
            device.start().await.unwrap_err(),
        ];
        for err in errors {
            assert_eq!(err.locked_until(), Some(until), "{err:?}");
        }
    }
    assert_eq!(own.stats().requests, 1, "no request during the lockout");
    let err = wrong.login().await.unwrap_err();
    assert!(err.is_rate_limited(), "{err:?}");
    assert_eq!(own.stats().requests, 1);

    // One second before the end, still nothing; at the end, a login works again.
    own.sim.advance_clock(DAY - Duration::from_secs(1));
    assert!(own.client().login().await.unwrap_err().is_rate_limited());
    own.sim.advance_clock(Duration::from_secs(1));
    let client = own.client();
    assert_eq!(client.devices().await.unwrap().len(), 3);
    let stats = own.stats();
    assert_eq!(
        (
            stats.requests,
            stats.logins,
            stats.failed_logins,
            stats.lockouts
        ),
        (3, 1, 1, 1)
    );
}

#[tokio::test(start_paused = true)]
async fn a_lockout_answer_to_any_request_is_recorded() {
    if support::skip_on_real_service("a lockout") {
        return;
    }
    let own = OwnSim::instant().await;
    let client = own.client();
    client.login().await.unwrap();
    own.sim.set_fault(
        FaultSpec::new(FaultKind::Code(10000))
            .with_route("GET v1/devices")
            .unwrap()
            .with_times(1),
    );
    let err = client.devices().await.unwrap_err();
    assert!(err.is_rate_limited(), "{err:?}");
    assert_eq!(own.route("GET v1/devices"), 1, "a lockout is never retried");
    // The fault is gone, but the client believes the service and waits 24 hours.
    let requests = own.stats().requests;
    for client in [client.clone(), own.client()] {
        assert!(
            client
                .device(BACKYARD)
                .status()
                .await
                .unwrap_err()
                .is_rate_limited()
        );
    }
    assert_eq!(own.stats().requests, requests);
    assert!(own.lockout_file().exists());
}

/// An HTTP 429 whose body is an envelope (`{"code": 429, ...}`, as the
/// simulator's request budget answers) is a lockout by its status: recorded
/// for 24 hours, never retried, and no client sends anything more.
#[tokio::test(start_paused = true)]
async fn an_http_429_with_an_envelope_is_recorded_as_a_lockout() {
    if support::skip_on_real_service("a request budget") {
        return;
    }
    let own = OwnSim::with_config(
        SimConfig::default()
            .with_transition_delay(Duration::ZERO, Duration::ZERO)
            .with_request_budget(1),
    )
    .await;
    let client = own.client();
    client.devices().await.unwrap();
    let err = client.fresh().devices().await.unwrap_err();
    let detected_at = own.sim.now();
    let Error::RateLimited { until, message } = &err else {
        panic!("expected a lockout, got {err:?}");
    };
    assert_eq!(message, "request budget of this token is exhausted");
    assert_eq!(
        until.duration_since(detected_at),
        SignedDuration::from_hours(24)
    );
    assert!(!err.is_transient());
    assert_eq!(own.route("GET v1/devices"), 2, "a lockout is never retried");

    // The record that `cigate classify` reads.
    let record: LockoutRecord =
        serde_json::from_slice(&std::fs::read(own.lockout_file()).unwrap()).unwrap();
    assert_eq!(
        record,
        LockoutRecord {
            code: 10000,
            message: message.clone(),
            detected_at,
            locked_until: *until,
        }
    );

    // Zero further requests, from this client or new ones.
    let requests = own.stats().requests;
    assert_eq!(requests, 3, "the login and two device lists");
    for client in [client.clone(), own.client(), own.client()] {
        let err = client.fresh().devices().await.unwrap_err();
        assert_eq!(err.locked_until(), Some(*until), "{err:?}");
        assert!(
            client
                .device(BACKYARD)
                .status()
                .await
                .unwrap_err()
                .is_rate_limited()
        );
    }
    assert_eq!(own.stats().requests, requests, "sent nothing more");
}
