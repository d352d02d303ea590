//! After one lockout answer, nothing more is sent until the lockout ends.

use std::time::Duration;

use moogo::{Error, FileStore, SessionStore, TokioClock};
use serde_json::json;
use wiremock::matchers::{method, path};
use wiremock::{Mock, MockServer, ResponseTemplate};

use crate::support::{self, TOKEN, code, mount_login, ok};

#[tokio::test(start_paused = true)]
async fn a_lockout_stops_every_client_sharing_the_state_dir() {
    let server = MockServer::start().await;
    mount_login(&server, code(10000, "too many attempts, account locked"), 1).await;
    let dir = tempfile::tempdir().unwrap();
    let session_file = dir.path().join("session.json");

    // One wall clock for all clients, following tokio time.
    let clock = TokioClock::starting_at(support::start());
    let builder = || {
        support::builder(&server)
            .clock(clock.clone())
            .session_file(&session_file)
    };
    let first = builder().build().unwrap();
    let err = first.login().await.unwrap_err();
    assert!(err.is_rate_limited());
    assert!(!err.is_transient());
    let until = err.locked_until().unwrap();
    assert_eq!(until.to_string(), "2026-06-02T12:00:00Z");

    let record: serde_json::Value =
        serde_json::from_slice(&std::fs::read(dir.path().join("lockout.json")).unwrap()).unwrap();
    assert_eq!(
        record,
        json!({"code": 10000, "message": "too many attempts, account locked",
            "detected_at": "2026-06-01T12:00:00Z", "locked_until": "2026-06-02T12:00:00Z"})
    );

    // K new clients, even with a stored session, send nothing at all.
    FileStore::new(&session_file)
        .save(&support::session(TOKEN))
        .unwrap();
    for _ in 0..5 {
        let client = builder().build().unwrap();
        let errors = [
            client.login().await.unwrap_err(),
            client.devices().await.unwrap_err(),
            client.device("d1").status().await.unwrap_err(),
            client.device("d1").start().await.unwrap_err(),
            client.liquids().await.unwrap_err(),
        ];
        for err in errors {
            assert_eq!(err.locked_until(), Some(until), "{err:?}");
        }
    }
    assert_eq!(support::n_requests(&server, None).await, 1);
    let message = first.devices().await.unwrap_err().to_string();
    insta::assert_snapshot!(message, @"rate limited: the moogo account is locked out until 2026-06-02T12:00:00Z; do not retry before then (server said: too many attempts, account locked)");

    // After 24 hours, requests flow again.
    tokio::time::advance(Duration::from_secs(24 * 3600)).await;
    Mock::given(method("GET"))
        .and(path("/v1/liquid"))
        .respond_with(ok(json!([])))
        .expect(1)
        .mount(&server)
        .await;
    builder().build().unwrap().liquids().await.unwrap();
}

#[tokio::test]
async fn a_lockout_on_any_call_is_recorded_and_not_retried() {
    let server = MockServer::start().await;
    Mock::given(method("GET"))
        .and(path("/v1/devices/d1"))
        .respond_with(code(10000, "rate limited"))
        .expect(1)
        .mount(&server)
        .await;
    let dir = tempfile::tempdir().unwrap();
    let client = support::builder(&server)
        .session(support::session(TOKEN))
        .state_dir(dir.path())
        .build()
        .unwrap();
    let err = client.device("d1").status().await.unwrap_err();
    assert!(err.is_rate_limited(), "{err:?}");
    assert!(dir.path().join("lockout.json").exists());
    assert!(
        client
            .device("d1")
            .status()
            .await
            .unwrap_err()
            .is_rate_limited()
    );
    server.verify().await;
}

#[tokio::test]
async fn http_429_counts_as_a_lockout() {
    let server = MockServer::start().await;
    Mock::given(method("GET"))
        .and(path("/v1/devices"))
        .respond_with(ResponseTemplate::new(429).set_body_string("Too Many Requests"))
        .expect(1)
        .mount(&server)
        .await;
    let client = support::client(&server);
    assert!(client.devices().await.unwrap_err().is_rate_limited());
    assert!(client.devices().await.unwrap_err().is_rate_limited());
    server.verify().await;
}

#[tokio::test]
async fn an_expired_record_is_ignored() {
    let server = MockServer::start().await;
    Mock::given(method("GET"))
        .and(path("/v1/liquid"))
        .respond_with(ok(json!([])))
        .expect(1)
        .mount(&server)
        .await;
    let dir = tempfile::tempdir().unwrap();
    std::fs::write(
        dir.path().join("lockout.json"),
        r#"{"code":10000,"message":"old","detected_at":"2026-05-01T00:00:00Z","locked_until":"2026-05-02T00:00:00Z"}"#,
    )
    .unwrap();
    let client = support::builder(&server)
        .state_dir(dir.path())
        .build()
        .unwrap();
    client.liquids().await.unwrap();
}

#[tokio::test]
async fn a_failed_login_never_retries() {
    let server = MockServer::start().await;
    mount_login(&server, ResponseTemplate::new(503), 1).await;
    let client = support::builder(&server).build().unwrap();
    let err = client.devices().await.unwrap_err();
    assert!(matches!(err, Error::Server { status: 503, .. }), "{err:?}");
    server.verify().await;
}

#[tokio::test(start_paused = true)]
async fn a_retry_after_header_sets_the_end_of_a_429_lockout() {
    let server = MockServer::start().await;
    Mock::given(method("GET"))
        .and(path("/v1/devices"))
        .respond_with(ResponseTemplate::new(429).insert_header("retry-after", "3600"))
        .expect(1)
        .mount(&server)
        .await;
    let client = support::client(&server);
    let err = client.devices().await.unwrap_err();
    assert_eq!(
        err.locked_until().unwrap().to_string(),
        "2026-06-01T13:00:00Z"
    );
    server.verify().await;
}

#[tokio::test]
async fn a_429_with_an_envelope_is_a_lockout_too() {
    let server = MockServer::start().await;
    Mock::given(method("GET"))
        .and(path("/v1/devices"))
        .respond_with(
            ResponseTemplate::new(429)
                .set_body_json(json!({"code": 429, "message": "request budget exhausted"})),
        )
        .expect(1)
        .mount(&server)
        .await;
    let dir = tempfile::tempdir().unwrap();
    let client = support::builder(&server)
        .session(support::session(TOKEN))
        .state_dir(dir.path())
        .build()
        .unwrap();
    assert!(client.devices().await.unwrap_err().is_rate_limited());
    assert!(
        client
            .fresh()
            .devices()
            .await
            .unwrap_err()
            .is_rate_limited()
    );
    assert!(dir.path().join("lockout.json").exists());
    server.verify().await;
}
