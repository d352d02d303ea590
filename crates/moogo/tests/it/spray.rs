//! Confirmed starts and stops, timed sprays, and cancellation.

use std::sync::{Mutex, mpsc};
use std::time::Duration;

use moogo::Error;
use serde_json::json;
use wiremock::matchers::{method, path};
use wiremock::{Mock, MockServer, Request, Respond, ResponseTemplate};

use crate::support::{self, n_requests, ok};

async fn mount_commands(server: &MockServer) {
    for command in ["start", "stop"] {
        Mock::given(method("POST"))
            .and(path(format!("/v1/devices/d1/{command}")))
            .respond_with(ok(json!({"code": 0})))
            .mount(server)
            .await;
    }
}

/// The status answers `run_status` for `times` polls (all remaining polls when `None`).
async fn mount_status(server: &MockServer, run_status: i64, times: Option<u64>) {
    let mock = Mock::given(method("GET"))
        .and(path("/v1/devices/d1"))
        .respond_with(ok(support::status(run_status)));
    match times {
        Some(times) => mock.up_to_n_times(times).mount(server).await,
        None => mock.mount(server).await,
    }
}

#[tokio::test(start_paused = true)]
async fn start_spray_polls_until_the_device_confirms() {
    let server = MockServer::start().await;
    mount_commands(&server).await;
    mount_status(&server, 0, Some(3)).await;
    mount_status(&server, 1, None).await;
    let started = tokio::time::Instant::now();
    let status = support::client(&server)
        .device("d1")
        .start_spray()
        .await
        .unwrap();
    assert!(status.is_spraying());
    assert_eq!(started.elapsed(), Duration::from_secs(4));
    assert_eq!(n_requests(&server, Some("/v1/devices/d1")).await, 4);
}

#[tokio::test(start_paused = true)]
async fn an_unconfirmed_stop_times_out() {
    let server = MockServer::start().await;
    mount_commands(&server).await;
    mount_status(&server, 1, None).await;
    let client = support::builder(&server)
        .session(support::session(support::TOKEN))
        .poll_interval(Duration::from_millis(100))
        .build()
        .unwrap();
    let err = client.device("d1").stop_spray().await.unwrap_err();
    assert!(
        matches!(
            err,
            Error::ConfirmationTimeout {
                expected: "stopped",
                ..
            }
        ),
        "{err:?}"
    );
    insta::assert_snapshot!(err.to_string(), @"device `d1` did not confirm stopped within 10s; it may still change, check its status");
    // The poll interval is clamped to 0.5 s: 20 polls in 10 s.
    assert_eq!(n_requests(&server, Some("/v1/devices/d1")).await, 20);
}

#[tokio::test(start_paused = true)]
async fn confirmation_timeout_is_configurable() {
    let server = MockServer::start().await;
    mount_commands(&server).await;
    mount_status(&server, 0, None).await;
    let client = support::builder(&server)
        .session(support::session(support::TOKEN))
        .confirmation_timeout(Duration::from_secs(3))
        .build()
        .unwrap();
    let started = tokio::time::Instant::now();
    let err = client.device("d1").start_spray().await.unwrap_err();
    assert!(
        matches!(
            err,
            Error::ConfirmationTimeout {
                expected: "spraying",
                ..
            }
        ),
        "{err:?}"
    );
    assert_eq!(started.elapsed(), Duration::from_secs(3));
    assert_eq!(n_requests(&server, Some("/v1/devices/d1")).await, 3);
}

#[tokio::test(start_paused = true)]
async fn spray_for_starts_waits_and_stops() {
    let server = MockServer::start().await;
    mount_commands(&server).await;
    mount_status(&server, 1, Some(1)).await;
    mount_status(&server, 0, None).await;
    let started = tokio::time::Instant::now();
    let status = support::client(&server)
        .device("d1")
        .spray_for(Duration::from_secs(30))
        .await
        .unwrap();
    assert!(!status.is_spraying());
    assert_eq!(started.elapsed(), Duration::from_secs(32));
    let paths: Vec<String> = server
        .received_requests()
        .await
        .unwrap()
        .iter()
        .map(|r| format!("{} {}", r.method, r.url.path()))
        .collect();
    assert_eq!(
        paths,
        [
            "POST /v1/devices/d1/start",
            "GET /v1/devices/d1",
            "POST /v1/devices/d1/stop",
            "GET /v1/devices/d1"
        ]
    );
}

/// Answers like `template` and reports each request on a channel.
struct Signalling {
    template: ResponseTemplate,
    seen: Mutex<mpsc::Sender<()>>,
}

impl Respond for Signalling {
    fn respond(&self, _request: &Request) -> ResponseTemplate {
        let _ = self.seen.lock().unwrap().send(());
        self.template.clone()
    }
}

#[tokio::test(start_paused = true)]
async fn a_cancelled_spray_still_stops_the_device() {
    let server = MockServer::start().await;
    let (seen, stops) = mpsc::channel();
    Mock::given(method("POST"))
        .and(path("/v1/devices/d1/start"))
        .respond_with(ok(json!({"code": 0})))
        .mount(&server)
        .await;
    Mock::given(method("POST"))
        .and(path("/v1/devices/d1/stop"))
        .respond_with(Signalling {
            template: ok(json!({"code": 0})),
            seen: Mutex::new(seen),
        })
        .expect(1)
        .mount(&server)
        .await;
    mount_status(&server, 1, None).await;
    let device = support::client(&server).device("d1");
    let cancelled = tokio::time::timeout(
        Duration::from_secs(10),
        device.spray_for(Duration::from_secs(600)),
    )
    .await;
    assert!(cancelled.is_err(), "the spray should still be running");
    // Wait for the stop sent by the spawned task. A blocking wait on another
    // thread leaves this runtime free to run that task, and no timer is
    // pending, so the paused clock stays still; 5 s bounds a failure.
    let stopped = tokio::task::spawn_blocking(move || stops.recv_timeout(Duration::from_secs(5)))
        .await
        .unwrap();
    assert!(stopped.is_ok(), "no stop request after the cancelled spray");
    server.verify().await;
}
