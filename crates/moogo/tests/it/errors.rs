//! Error codes, HTTP errors, bodies that are not JSON, and timeouts.

use std::time::Duration;

use moogo::{Error, RetryPolicy};
use serde_json::json;
use wiremock::matchers::{method, path};
use wiremock::{Mock, MockServer, ResponseTemplate};

use crate::support::{self, client, code, ok};

/// The error of a status read answered with `answer` (one attempt).
async fn status_error(answer: ResponseTemplate) -> Error {
    let server = MockServer::start().await;
    Mock::given(method("GET"))
        .and(path("/v1/devices/d1"))
        .respond_with(answer)
        .mount(&server)
        .await;
    let client = support::builder(&server)
        .session(support::session(support::TOKEN))
        .retry_policy(RetryPolicy::never())
        .build()
        .unwrap();
    client.device("d1").status().await.unwrap_err()
}

#[tokio::test]
async fn error_codes_and_statuses_map_to_variants() {
    let cases = [
        ("code 10201", code(10201, "device offline")),
        ("code 404", code(404, "no such device")),
        ("code 500", code(500, "internal error")),
        ("code 12345", code(12345, "something new")),
        ("HTTP 404", ResponseTemplate::new(404)),
        (
            "HTTP 500 envelope",
            ResponseTemplate::new(500).set_body_json(json!({"code": 500, "message": "boom"})),
        ),
        (
            "HTTP 502 HTML",
            ResponseTemplate::new(502).set_body_string("<html><body>Bad Gateway</body></html>"),
        ),
        (
            "HTTP 418",
            ResponseTemplate::new(418).set_body_string("teapot"),
        ),
        (
            "200 HTML",
            ResponseTemplate::new(200).set_body_string("<!doctype html><p>maintenance</p>"),
        ),
        (
            "200 truncated",
            ResponseTemplate::new(200)
                .set_body_string(r#"{"code":0,"data":{"deviceId":"d1","temp"#),
        ),
        (
            "200 without code",
            ResponseTemplate::new(200).set_body_json(json!({"data": {}})),
        ),
        ("200 data not an object", ok(json!("just a string"))),
    ];
    let mut lines = Vec::new();
    for (name, answer) in cases {
        let err = status_error(answer).await;
        lines.push(format!("{name}: transient={} | {err}", err.is_transient()));
    }
    insta::assert_snapshot!(lines.join("\n"));
}

#[tokio::test]
async fn decode_errors_keep_a_truncated_body() {
    let body = format!("<html>{}</html>", "x".repeat(5000));
    let err = status_error(ResponseTemplate::new(200).set_body_string(body)).await;
    let Error::Decode { body, status, .. } = &err else {
        panic!("expected a decode error, got {err:?}");
    };
    assert_eq!(*status, 200);
    assert!(body.starts_with("<html>xxx"));
    assert!(body.len() < 300, "{}", body.len());
}

#[tokio::test(start_paused = true)]
async fn timeouts_are_reported_as_timeouts() {
    let server = MockServer::start().await;
    Mock::given(method("GET"))
        .and(path("/v1/devices/d1"))
        .respond_with(ok(support::status(0)).set_delay(Duration::from_secs(2)))
        .mount(&server)
        .await;
    let client = support::builder(&server)
        .session(support::session(support::TOKEN))
        .timeout(Duration::from_millis(500))
        .retry_policy(RetryPolicy::never())
        .build()
        .unwrap();
    let err = client.device("d1").status().await.unwrap_err();
    assert!(err.is_timeout(), "{err:?}");
    assert!(err.is_transient());
    assert_eq!(err.to_string(), "request to `v1/devices/d1` timed out");
}

#[tokio::test]
async fn connection_refused_is_a_transient_transport_error() {
    let listener = std::net::TcpListener::bind("127.0.0.1:0").unwrap();
    let url = format!("http://{}", listener.local_addr().unwrap());
    drop(listener);
    let client = moogo::Client::builder()
        .base_url(url)
        .http_client(support::http())
        .session(support::session(support::TOKEN))
        .retry_policy(RetryPolicy::never())
        .build()
        .unwrap();
    let err = client.device("d1").status().await.unwrap_err();
    assert!(matches!(err, Error::Transport { .. }), "{err:?}");
    assert!(err.is_transient());
}

#[tokio::test(start_paused = true)]
async fn offline_devices_are_retried_five_times_for_commands() {
    let server = MockServer::start().await;
    Mock::given(method("POST"))
        .and(path("/v1/devices/d2/start"))
        .respond_with(code(10201, "device offline"))
        .expect(5)
        .mount(&server)
        .await;
    let started = tokio::time::Instant::now();
    let err = client(&server).device("d2").start().await.unwrap_err();
    assert!(
        matches!(&err, Error::DeviceOffline { device_id, .. } if device_id == "d2"),
        "{err:?}"
    );
    // Backoff 2 + 4 + 8 + 16 s, plus at most 1 s of jitter each.
    let waited = started.elapsed();
    assert!(
        waited >= Duration::from_secs(30) && waited <= Duration::from_secs(34),
        "{waited:?}"
    );
}

#[tokio::test]
async fn the_http_status_wins_over_an_envelope_code() {
    let cases = [
        (
            "503 with code 503",
            503,
            json!({"code": 503, "message": "service unavailable"}),
        ),
        (
            "502 with code 0",
            502,
            json!({"code": 0, "message": "success", "data": {}}),
        ),
        (
            "404 with code 12",
            404,
            json!({"code": 12, "message": "gone"}),
        ),
    ];
    let mut lines = Vec::new();
    for (name, status, body) in cases {
        let err = status_error(ResponseTemplate::new(status).set_body_json(body)).await;
        lines.push(format!("{name}: transient={} | {err}", err.is_transient()));
    }
    insta::assert_snapshot!(lines.join("\n"), @r"
    503 with code 503: transient=true | server error on `v1/devices/d1`: code 503: service unavailable
    502 with code 0: transient=true | server error on `v1/devices/d1`: HTTP 502 Bad Gateway
    404 with code 12: transient=false | not found: `v1/devices/d1` (gone)
    ");
}
