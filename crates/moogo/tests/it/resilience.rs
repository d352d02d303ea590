//! Retries, the circuit breaker and the caches, on a paused clock.

use std::time::Duration;

use moogo::{Error, RetryPolicy};
use serde_json::json;
use wiremock::matchers::{method, path};
use wiremock::{Mock, MockServer, ResponseTemplate};

use crate::support::{self, client, code, n_requests, ok};

#[tokio::test(start_paused = true)]
async fn transient_errors_are_retried_with_backoff() {
    let server = MockServer::start().await;
    Mock::given(method("GET"))
        .and(path("/v1/devices/d1"))
        .respond_with(ResponseTemplate::new(503))
        .up_to_n_times(2)
        .mount(&server)
        .await;
    Mock::given(method("GET"))
        .and(path("/v1/devices/d1"))
        .respond_with(ok(support::status(0)))
        .mount(&server)
        .await;
    let started = tokio::time::Instant::now();
    let status = client(&server).device("d1").status().await.unwrap();
    assert_eq!(status.device_id, "d1");
    assert_eq!(n_requests(&server, Some("/v1/devices/d1")).await, 3);
    let waited = started.elapsed();
    assert!(
        waited >= Duration::from_secs(3) && waited <= Duration::from_secs(5),
        "{waited:?}"
    );
}

#[tokio::test(start_paused = true)]
async fn permanent_errors_are_not_retried() {
    let server = MockServer::start().await;
    Mock::given(method("GET"))
        .and(path("/v1/devices/d1"))
        .respond_with(code(404, "no such device"))
        .expect(1)
        .mount(&server)
        .await;
    let err = client(&server).device("d1").status().await.unwrap_err();
    assert!(matches!(err, Error::NotFound { .. }), "{err:?}");
    server.verify().await;
}

#[tokio::test(start_paused = true)]
async fn the_circuit_opens_after_five_failures_for_five_minutes() {
    let server = MockServer::start().await;
    Mock::given(method("GET"))
        .and(path("/v1/devices/d1"))
        .respond_with(code(500, "internal error"))
        .mount(&server)
        .await;
    Mock::given(method("GET"))
        .and(path("/v1/devices/d2"))
        .respond_with(ok(support::status(0)))
        .mount(&server)
        .await;
    let client = support::builder(&server)
        .session(support::session(support::TOKEN))
        .retry_policy(RetryPolicy::never())
        .build()
        .unwrap();
    let broken = client.fresh().device("d1");
    for _ in 0..5 {
        assert!(matches!(broken.status().await, Err(Error::Server { .. })));
    }
    let err = broken.status().await.unwrap_err();
    assert!(matches!(err, Error::CircuitOpen { .. }), "{err:?}");
    insta::assert_snapshot!(err.to_string(), @"circuit open for device `d1` after 5 consecutive failures; calls resume in 300s");
    assert_eq!(n_requests(&server, Some("/v1/devices/d1")).await, 5);
    // Other devices are not affected.
    client.device("d2").status().await.unwrap();

    tokio::time::advance(Duration::from_secs(300)).await;
    assert!(matches!(broken.status().await, Err(Error::Server { .. })));
    assert_eq!(n_requests(&server, Some("/v1/devices/d1")).await, 6);
    assert!(matches!(
        broken.status().await,
        Err(Error::CircuitOpen { .. })
    ));
}

#[tokio::test(start_paused = true)]
async fn reads_are_cached_with_their_ttls() {
    let server = MockServer::start().await;
    Mock::given(method("GET"))
        .and(path("/v1/devices/d1"))
        .respond_with(ok(support::status(0)))
        .mount(&server)
        .await;
    Mock::given(method("GET"))
        .and(path("/v1/devices"))
        .respond_with(ok(json!({"items": [{"deviceId": "d1"}]})))
        .mount(&server)
        .await;
    Mock::given(method("GET"))
        .and(path("/v1/liquid"))
        .respond_with(ok(json!([])))
        .mount(&server)
        .await;
    let client = client(&server);
    let device = client.device("d1");
    let count = |p: &'static str| {
        let server = &server;
        async move { n_requests(server, Some(p)).await }
    };

    device.status().await.unwrap();
    device.status().await.unwrap();
    assert_eq!(count("/v1/devices/d1").await, 1);
    tokio::time::advance(Duration::from_secs(30)).await;
    device.status().await.unwrap();
    assert_eq!(count("/v1/devices/d1").await, 2);
    client.fresh().device("d1").status().await.unwrap();
    assert_eq!(count("/v1/devices/d1").await, 3);

    client.devices().await.unwrap();
    tokio::time::advance(Duration::from_secs(299)).await;
    client.devices().await.unwrap();
    assert_eq!(count("/v1/devices").await, 1);
    tokio::time::advance(Duration::from_secs(1)).await;
    client.devices().await.unwrap();
    assert_eq!(count("/v1/devices").await, 2);

    client.liquids().await.unwrap();
    tokio::time::advance(Duration::from_secs(3599)).await;
    client.liquids().await.unwrap();
    assert_eq!(count("/v1/liquid").await, 1);
}

#[tokio::test(start_paused = true)]
async fn a_command_invalidates_the_device_status() {
    let server = MockServer::start().await;
    Mock::given(method("GET"))
        .and(path("/v1/devices/d1"))
        .respond_with(ok(support::status(0)))
        .mount(&server)
        .await;
    Mock::given(method("POST"))
        .and(path("/v1/devices/d1/stop"))
        .respond_with(ok(json!(null)))
        .mount(&server)
        .await;
    let device = client(&server).device("d1");
    device.status().await.unwrap();
    device.stop().await.unwrap();
    device.status().await.unwrap();
    assert_eq!(n_requests(&server, Some("/v1/devices/d1")).await, 2);
}

#[tokio::test]
async fn the_cache_can_be_turned_off() {
    let server = MockServer::start().await;
    Mock::given(method("GET"))
        .and(path("/v1/devices/d1"))
        .respond_with(ok(support::status(0)))
        .expect(2)
        .mount(&server)
        .await;
    let client = support::builder(&server)
        .session(support::session(support::TOKEN))
        .cache(false)
        .build()
        .unwrap();
    client.device("d1").status().await.unwrap();
    client.device("d1").status().await.unwrap();
    server.verify().await;
}
