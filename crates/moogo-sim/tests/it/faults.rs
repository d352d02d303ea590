//! Each kind of fault, per route and global, with limits.

use std::time::Duration;

use moogo_sim::{FaultKind, FaultSpec, SimConfig};
use serde_json::json;

use crate::support::{self, BACKYARD, PATIO};

fn fault(text: &str) -> FaultSpec {
    text.parse().expect("a valid fault")
}

#[tokio::test(start_paused = true)]
async fn latency_delays_the_answer_on_the_tokio_clock() {
    let sim = support::logged_in().await;
    sim.handle
        .set_fault(fault("route=GET v1/devices,kind=latency:1500ms"));
    let started = tokio::time::Instant::now();
    sim.get("v1/devices").await.ok();
    assert!(started.elapsed() >= Duration::from_millis(1500));
    let started = tokio::time::Instant::now();
    sim.get("v1/liquid").await.ok();
    assert!(
        started.elapsed() < Duration::from_millis(1500),
        "other routes are not delayed"
    );
}

#[tokio::test]
async fn status_faults_send_that_status_with_an_envelope_and_run_out() {
    let sim = support::logged_in().await;
    sim.handle
        .set_fault(fault("route=GET v1/devices/{id},kind=status:503,times=2"));
    let path = format!("v1/devices/{BACKYARD}");
    let active = sim.handle.faults();
    assert_eq!(
        (active[0].route().as_deref(), active[0].times()),
        (Some("GET v1/devices/{id}"), Some(2))
    );
    for _ in 0..2 {
        let answer = sim.get(&path).await;
        assert_eq!(
            (answer.status.as_u16(), answer.code(), answer.message()),
            (503, 503, "service unavailable")
        );
    }
    sim.get(&path).await.ok();
    assert!(sim.handle.faults().is_empty());
}

#[tokio::test]
async fn code_faults_send_an_http_200_error_envelope() {
    let sim = support::logged_in().await;
    sim.handle
        .set_fault(FaultSpec::new(FaultKind::Code(500)).with_times(1));
    assert_eq!(sim.get("v1/devices").await.error(500), "server error");
    sim.handle.set_fault(
        FaultSpec::new(FaultKind::Code(10201))
            .with_route("POST v1/devices/{deviceId}/start")
            .unwrap(),
    );
    assert_eq!(
        sim.post(&format!("v1/devices/{PATIO}/start"), json!({}))
            .await
            .error(10201),
        "device is offline"
    );
}

#[tokio::test]
async fn a_reset_closes_the_connection_without_an_answer() {
    let sim = support::logged_in().await;
    sim.handle
        .set_fault(fault("route=GET v1/devices,kind=reset,times=1"));
    let error = sim
        .http
        .get(format!("{}/v1/devices", sim.handle.base_url()))
        .header("token", sim.token.as_deref().unwrap())
        .send()
        .await
        .expect_err("the connection is reset");
    assert!(error.is_request() || error.is_connect(), "{error:?}");
    // The fault is used up and the client recovers on a new connection.
    sim.get("v1/devices").await.ok();
}

#[tokio::test]
async fn truncate_cuts_the_real_answer_in_half() {
    let sim = support::logged_in().await;
    sim.handle
        .set_fault(fault("route=GET v1/devices,kind=truncate,times=1"));
    let cut = sim.get("v1/devices").await;
    let whole = sim.get("v1/devices").await;
    assert_eq!(cut.status, 200);
    assert!(cut.body.is_null(), "not JSON: {}", cut.text);
    assert_eq!(cut.text, whole.text[..whole.text.len() / 2]);
}

#[tokio::test]
async fn non_json_and_html_bodies() {
    let sim = support::logged_in().await;
    sim.handle
        .set_fault(fault("route=GET v1/liquid,kind=non-json,times=1"));
    let plain = sim.get("v1/liquid").await;
    assert_eq!((plain.status.as_u16(), plain.body.is_null()), (200, true));
    assert_eq!(plain.text, "The service is busy. Please try again later.\n");

    sim.handle.set_fault(fault("kind=html,times=1"));
    let response = sim
        .http
        .get(format!("{}/v1/liquid", sim.handle.base_url()))
        .send()
        .await
        .unwrap();
    assert_eq!(response.status(), 502);
    assert_eq!(response.headers()["content-type"], "text/html");
    assert!(
        response
            .text()
            .await
            .unwrap()
            .contains("<title>502 Bad Gateway</title>")
    );
}

#[tokio::test]
async fn unauthorized_refuses_a_valid_token() {
    let sim = support::logged_in().await;
    sim.handle
        .set_fault(fault("route=GET v1/devices,kind=unauthorized,times=1"));
    sim.get("v1/devices").await.error(401);
    sim.get("v1/devices").await.ok();
}

#[tokio::test]
async fn a_concrete_device_id_targets_one_device_and_faults_apply_before_login() {
    let sim = support::start(
        SimConfig::default()
            .with_transition_delay(Duration::ZERO, Duration::ZERO)
            .with_fault(fault(&format!(
                "route=GET v1/devices/{BACKYARD},kind=status:500"
            ))),
    )
    .await;
    let mut sim = sim;
    sim.login().await;
    assert_eq!(sim.get(&format!("v1/devices/{BACKYARD}")).await.status, 500);
    sim.get(&format!("v1/devices/{PATIO}")).await.ok();
    // A global fault hits the login itself, which then counts as neither success nor failure.
    sim.handle.set_fault(fault("kind=status:502,times=1"));
    let answer = sim
        .send_as(
            reqwest::Method::POST,
            "v1/user/login",
            None,
            Some(support::login_body("x")),
        )
        .await;
    assert_eq!(answer.status, 502);
    let stats = sim.handle.stats();
    assert_eq!((stats.logins, stats.failed_logins), (1, 0));
    sim.handle.clear_faults();
    sim.get(&format!("v1/devices/{BACKYARD}")).await.ok();
}
