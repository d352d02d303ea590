//! Injected faults: latency beyond the timeout, 5xx answers, connection
//! resets, truncated and non-JSON bodies, HTML error pages, forced 401s, and
//! the circuit breaker they can open.

use std::time::Duration;

use moogo::{Error, RetryPolicy};
use moogo_sim::{FaultKind, FaultSpec};

use crate::support::{self, BACKYARD, OwnSim};

const STATUS: &str = "GET v1/devices/{deviceId}";

/// A fault on the status route, `times` times (`None`: until cleared).
fn on_status(kind: FaultKind, times: Option<u64>) -> FaultSpec {
    let spec = FaultSpec::new(kind).with_route(STATUS).unwrap();
    match times {
        Some(times) => spec.with_times(times),
        None => spec,
    }
}

/// A simulator with a logged-in session in its session file.
async fn logged_in() -> Option<OwnSim> {
    if support::skip_on_real_service("injecting faults") {
        return None;
    }
    let own = OwnSim::instant().await;
    own.client().login().await.unwrap();
    Some(own)
}

#[tokio::test(start_paused = true)]
async fn latency_beyond_the_timeout_is_a_timeout_retried_then_reported() {
    let Some(own) = logged_in().await else { return };
    own.sim
        .set_fault(on_status(FaultKind::Latency(Duration::from_secs(60)), None));
    // This client reuses the stored session: the only request is the slow one.
    let client = own
        .builder()
        .timeout(Duration::from_secs(2))
        .build()
        .unwrap();
    let started = tokio::time::Instant::now();
    let err = client.device(BACKYARD).status().await.unwrap_err();
    assert!(err.is_timeout() && err.is_transient(), "{err:?}");
    assert_eq!(
        err.to_string(),
        format!("request to `v1/devices/{BACKYARD}` timed out")
    );
    assert_eq!(own.route(STATUS), 3, "three attempts");
    // 3 x 2 s of timeouts, 1 s + 2 s of backoff, plus up to 1 s of jitter each.
    let waited = started.elapsed();
    assert!(
        (Duration::from_secs(9)..=Duration::from_secs(11)).contains(&waited),
        "{waited:?}"
    );

    own.sim.clear_faults();
    assert!(client.device(BACKYARD).status().await.is_ok());
}

#[tokio::test(start_paused = true)]
async fn a_short_latency_only_slows_the_answer() {
    let Some(own) = logged_in().await else { return };
    own.sim.set_fault(on_status(
        FaultKind::Latency(Duration::from_millis(1500)),
        None,
    ));
    let client = own.client();
    let started = tokio::time::Instant::now();
    client.device(BACKYARD).status().await.unwrap();
    assert_eq!(started.elapsed(), Duration::from_millis(1500));
    assert_eq!(own.route(STATUS), 1);
}

#[tokio::test(start_paused = true)]
async fn server_errors_are_retried_until_an_answer_comes() {
    let Some(own) = logged_in().await else { return };
    let client = own.client().fresh();
    let device = client.device(BACKYARD);
    // A 5xx code in an HTTP 200 envelope, and a proxy's HTML page.
    for (kind, calls) in [(FaultKind::Code(500), 3), (FaultKind::Html(502), 6)] {
        own.sim.set_fault(on_status(kind, Some(2)));
        device.status().await.unwrap();
        assert_eq!(own.route(STATUS), calls);
    }
}

#[tokio::test(start_paused = true)]
async fn a_server_error_that_persists_is_reported_after_three_attempts() {
    let Some(own) = logged_in().await else { return };
    own.sim.set_fault(on_status(FaultKind::Html(503), None));
    let err = own.client().device(BACKYARD).status().await.unwrap_err();
    let Error::Server {
        status: 503,
        detail,
        body: Some(body),
        ..
    } = &err
    else {
        panic!("expected a server error with the page, got {err:?}");
    };
    assert_eq!(
        detail,
        "HTTP 503 with a non-JSON body (an HTML page, probably from a proxy)"
    );
    assert!(
        body.starts_with("<html>\r\n<head><title>503 Service Unavailable</title>")
            && body.contains("nginx"),
        "the page as sent, for callers: {body:?}"
    );
    assert!(!err.to_string().contains('\n'), "{err}");
    assert!(err.is_transient());
    assert_eq!(own.route(STATUS), 3);
}

/// An HTTP 5xx status whose body is an envelope with the same code
/// (`503 {"code": 503, "message": "service unavailable"}`) is a server error
/// by its status: transient, so retried.
#[tokio::test(start_paused = true)]
async fn an_http_5xx_status_with_an_envelope_is_a_server_error_and_retried() {
    let Some(own) = logged_in().await else { return };
    own.sim
        .set_fault(on_status(FaultKind::Status(503), Some(1)));
    let once = own
        .builder()
        .retry_policy(RetryPolicy::never())
        .build()
        .unwrap();
    let err = once.device(BACKYARD).status().await.unwrap_err();
    assert!(
        matches!(
            &err,
            Error::Server { status: 503, detail, .. } if detail == "code 503: service unavailable"
        ),
        "{err:?}"
    );
    assert!(err.is_transient());
    assert_eq!(own.route(STATUS), 1);

    // With the default policy: two failures, then the answer.
    own.sim
        .set_fault(on_status(FaultKind::Status(503), Some(2)));
    let requests = own.stats().requests;
    let status = own.client().device(BACKYARD).status().await.unwrap();
    assert_eq!(status.device_id, BACKYARD);
    assert_eq!(own.route(STATUS), 4);
    let stats = own.stats();
    assert_eq!(
        (stats.requests, stats.logins),
        (requests + 3, 1),
        "three attempts, no login"
    );
}

#[tokio::test(start_paused = true)]
async fn a_connection_reset_is_retried() {
    let Some(own) = logged_in().await else { return };
    own.sim.set_fault(on_status(FaultKind::Reset, Some(1)));
    own.client().device(BACKYARD).status().await.unwrap();
    assert_eq!(own.route(STATUS), 2);

    own.sim.set_fault(on_status(FaultKind::Reset, None));
    let err = own.client().device(BACKYARD).status().await.unwrap_err();
    assert!(matches!(err, Error::Transport { .. }), "{err:?}");
    assert_eq!(own.route(STATUS), 5);
}

#[tokio::test(start_paused = true)]
async fn truncated_and_non_json_bodies_are_decode_errors_with_the_body() {
    let Some(own) = logged_in().await else { return };
    let client = own.client().fresh();
    own.sim.set_fault(on_status(FaultKind::Truncate, Some(1)));
    let err = client.device(BACKYARD).status().await.unwrap_err();
    let Error::Decode {
        status: 200, body, ..
    } = &err
    else {
        panic!("expected a decode error, got {err:?}");
    };
    assert!(
        body.starts_with(r#"{"code":0,"message":"success","data":{"#),
        "{body}"
    );
    assert!(!err.is_transient());
    assert_eq!(own.route(STATUS), 1, "a decode error is not retried");

    own.sim.set_fault(on_status(FaultKind::NonJson, Some(1)));
    let err = client.device(BACKYARD).status().await.unwrap_err();
    assert!(
        matches!(&err, Error::Decode { body, .. } if body == "The service is busy. Please try again later."),
        "{err:?}"
    );
    assert_eq!(own.route(STATUS), 2);
    assert!(client.device(BACKYARD).status().await.is_ok());
}

#[tokio::test(start_paused = true)]
async fn a_forced_401_makes_the_client_log_in_again() {
    let Some(own) = logged_in().await else { return };
    let client = own.client();
    let before = client.login().await.unwrap();
    own.sim
        .set_fault(on_status(FaultKind::Unauthorized, Some(1)));
    client.device(BACKYARD).status().await.unwrap();
    let after = client.session().unwrap();
    assert_ne!(after.expose_token(), before.expose_token());
    assert_eq!(own.stats().logins, 2);
    assert_eq!(own.route(STATUS), 2);
    // The new session is in the shared file for the next client.
    own.client().fresh().devices().await.unwrap();
    assert_eq!(own.stats().logins, 2);
}

#[tokio::test(start_paused = true)]
async fn a_401_that_persists_stops_after_three_relogins_in_five_minutes() {
    let Some(own) = logged_in().await else { return };
    own.sim.set_fault(on_status(FaultKind::Unauthorized, None));
    let client = own.client().fresh();
    for _ in 0..3 {
        let err = client.device(BACKYARD).status().await.unwrap_err();
        assert!(matches!(err, Error::Unauthorized { .. }), "{err:?}");
    }
    assert_eq!(own.stats().logins, 4);
    let err = client.device(BACKYARD).status().await.unwrap_err();
    assert!(
        matches!(err, Error::LoginPaused { attempts: 3, .. }),
        "{err:?}"
    );
    assert_eq!(own.stats().logins, 4, "no fourth re-login");
}

#[tokio::test(start_paused = true)]
async fn repeated_failures_open_the_devices_circuit() {
    let Some(own) = logged_in().await else { return };
    own.sim.set_fault(on_status(FaultKind::Html(502), None));
    let client = own
        .builder()
        .retry_policy(RetryPolicy::never())
        .build()
        .unwrap()
        .fresh();
    for _ in 0..5 {
        let err = client.device(BACKYARD).status().await.unwrap_err();
        assert!(matches!(err, Error::Server { .. }), "{err:?}");
    }
    let err = client.device(BACKYARD).status().await.unwrap_err();
    assert!(
        matches!(err, Error::CircuitOpen { failures: 5, .. }),
        "{err:?}"
    );
    assert_eq!(own.route(STATUS), 5, "no request while the circuit is open");
    // Other devices are not affected; after five minutes one call goes through.
    client.device(support::PATIO).config().await.unwrap();
    own.sim.clear_faults();
    support::settle(Duration::from_secs(300)).await;
    client.device(BACKYARD).status().await.unwrap();
    assert_eq!(own.route(STATUS), 6);
}

/// Whether an error is the expected one.
type ErrorCheck = fn(&Error) -> bool;

#[tokio::test(start_paused = true)]
async fn a_login_is_never_retried_and_its_body_never_shown() {
    if support::skip_on_real_service("injecting faults") {
        return;
    }
    let own = OwnSim::instant().await;
    let login_fault = |kind| {
        FaultSpec::new(kind)
            .with_route("POST v1/user/login")
            .unwrap()
            .with_times(1)
    };
    let cases: [(FaultKind, ErrorCheck); 4] = [
        (
            FaultKind::Latency(Duration::from_secs(60)),
            Error::is_timeout,
        ),
        (FaultKind::Reset, |err| {
            matches!(err, Error::Transport { .. })
        }),
        (
            FaultKind::Html(502),
            |err| matches!(err, Error::Server { status: 502, body: Some(body), .. } if body.contains("withheld")),
        ),
        (
            FaultKind::Truncate,
            |err| matches!(err, Error::Decode { body, .. } if body.contains("withheld")),
        ),
    ];
    for (n_case, (kind, expected)) in cases.into_iter().enumerate() {
        own.sim.set_fault(login_fault(kind));
        let client = own
            .builder()
            .timeout(Duration::from_secs(2))
            .build()
            .unwrap();
        let err = client.devices().await.unwrap_err();
        assert!(expected(&err), "{err:?}");
        assert_eq!(
            own.route("POST v1/user/login"),
            n_case as u64 + 1,
            "{err:?}"
        );
        assert_eq!(own.route("GET v1/devices"), 0);
    }
    // The truncated answer held a token: neither the error nor its debug form shows it.
    let client = own.client();
    let session = client.login().await.unwrap();
    assert_eq!(
        own.stats().logins,
        2,
        "the truncated login succeeded on the service"
    );
    assert!(!format!("{session:?}").contains(session.expose_token()));
}

#[tokio::test(start_paused = true)]
async fn an_http_401_status_also_makes_the_client_log_in_again() {
    let Some(own) = logged_in().await else { return };
    own.sim
        .set_fault(on_status(FaultKind::Status(401), Some(1)));
    own.client().device(BACKYARD).status().await.unwrap();
    assert_eq!(own.stats().logins, 2);
}

#[tokio::test(start_paused = true)]
async fn a_lockout_while_logging_in_again_after_a_401_is_recorded() {
    let Some(own) = logged_in().await else { return };
    own.sim
        .set_fault(on_status(FaultKind::Unauthorized, Some(1)));
    own.sim.set_fault(
        FaultSpec::new(FaultKind::Code(10000))
            .with_route("POST v1/user/login")
            .unwrap()
            .with_times(1),
    );
    let err = own.client().device(BACKYARD).status().await.unwrap_err();
    assert!(err.is_rate_limited(), "{err:?}");
    assert!(own.lockout_file().exists());
    let requests = own.stats().requests;
    assert!(own.client().liquids().await.unwrap_err().is_rate_limited());
    assert_eq!(own.stats().requests, requests);
}

#[tokio::test(start_paused = true)]
async fn error_messages_say_what_failed() {
    let Some(own) = logged_in().await else { return };
    let never = || {
        own.builder()
            .retry_policy(RetryPolicy::never())
            .spray_retry_policy(RetryPolicy::never())
            .build()
            .unwrap()
            .fresh()
    };
    let mut lines = Vec::new();
    let mut record = |what: &str, err: Error| lines.push(format!("{what}: {err}"));

    record(
        "offline",
        never().device(support::GARAGE).start().await.unwrap_err(),
    );
    record(
        "not found",
        never().device("d-404").status().await.unwrap_err(),
    );
    for (what, kind) in [
        ("html page", FaultKind::Html(502)),
        ("non-json", FaultKind::NonJson),
        ("code 500", FaultKind::Code(500)),
        ("unknown code", FaultKind::Code(12345)),
    ] {
        own.sim.set_fault(on_status(kind, Some(1)));
        record(what, never().device(BACKYARD).status().await.unwrap_err());
    }
    own.sim.set_fault(on_status(
        FaultKind::Latency(Duration::from_secs(60)),
        Some(1),
    ));
    let slow = own
        .builder()
        .timeout(Duration::from_secs(1))
        .retry_policy(RetryPolicy::never())
        .build()
        .unwrap();
    record("timeout", slow.device(BACKYARD).status().await.unwrap_err());

    own.sim.set_fault(on_status(FaultKind::Html(503), None));
    let client = own
        .builder()
        .retry_policy(RetryPolicy::never())
        .circuit_breaker(1, Duration::from_secs(300))
        .build()
        .unwrap()
        .fresh();
    let _ = client.device(BACKYARD).status().await;
    record(
        "circuit",
        client.device(BACKYARD).status().await.unwrap_err(),
    );
    own.sim.clear_faults();

    own.sim.set_fault(on_status(FaultKind::Unauthorized, None));
    record(
        "unauthorized",
        never().device(BACKYARD).status().await.unwrap_err(),
    );
    insta::assert_snapshot!(lines.join("\n"));
}
