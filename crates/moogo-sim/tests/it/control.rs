//! The control surface over HTTP, and the counters it reports.

use reqwest::StatusCode;
use serde_json::{Value, json};

use crate::support::{self, BACKYARD, PATIO, Sim};

async fn control(
    sim: &Sim,
    method: reqwest::Method,
    path: &str,
    body: Option<Value>,
) -> (StatusCode, Value) {
    let mut request = sim
        .http
        .request(method, format!("{}/__sim/{path}", sim.handle.base_url()));
    if let Some(body) = body {
        request = request.json(&body);
    }
    let response = request.send().await.unwrap();
    (response.status(), response.json().await.unwrap())
}

#[tokio::test]
async fn stats_count_api_calls_by_route_but_not_control_calls() {
    let sim = support::logged_in().await;
    sim.get("v1/devices").await.ok();
    sim.get(&format!("v1/devices/{BACKYARD}")).await.ok();
    sim.get(&format!("v1/devices/{PATIO}")).await.ok();
    sim.get("v1/nothing/here").await;
    let (status, stats) = control(&sim, reqwest::Method::GET, "stats", None).await;
    assert_eq!(status, 200);
    assert_eq!(
        stats,
        json!({
            "logins": 1, "failed_logins": 0, "requests": 5, "lockouts": 0,
            "by_route": {
                "POST v1/user/login": 1,
                "GET v1/devices": 1,
                "GET v1/devices/{deviceId}": 2,
                "GET <unknown>": 1,
            },
        })
    );
    let (_, again) = control(&sim, reqwest::Method::GET, "stats", None).await;
    assert_eq!(again["requests"], 5, "control calls do not count");
    assert_eq!(serde_json::to_value(sim.handle.stats()).unwrap(), again);
}

#[tokio::test]
async fn the_clock_advances_over_http() {
    let sim = support::logged_in().await;
    let before = sim.handle.now();
    let (status, clock) = control(
        &sim,
        reqwest::Method::POST,
        "clock/advance",
        Some(json!({"seconds": 86400})),
    )
    .await;
    assert_eq!(status, 200);
    assert_eq!(clock["offset_seconds"], 86400.0);
    let now: jiff::Timestamp = clock["now"].as_str().unwrap().parse().unwrap();
    assert!(now.duration_since(before).as_secs() >= 86400);
    let (status, error) = control(
        &sim,
        reqwest::Method::POST,
        "clock/advance",
        Some(json!({"seconds": -1})),
    )
    .await;
    assert_eq!(status, 400);
    assert!(error["error"].as_str().unwrap().contains("never goes back"));
    let (status, _) = control(
        &sim,
        reqwest::Method::POST,
        "clock/advance",
        Some(json!({"secs": 1})),
    )
    .await;
    assert_eq!(status, 400);
}

#[tokio::test]
async fn faults_are_set_listed_and_cleared_over_http() {
    let sim = support::logged_in().await;
    let body = json!({"add": ["route=GET v1/devices,kind=status:503,times=1", {"kind": "latency:10ms", "route": "GET v1/liquid"}]});
    let (status, listed) = control(&sim, reqwest::Method::POST, "faults", Some(body)).await;
    assert_eq!(status, 200);
    assert_eq!(
        listed,
        json!({"faults": ["route=GET v1/devices,kind=status:503,times=1", "route=GET v1/liquid,kind=latency:10ms"]})
    );
    assert_eq!(sim.get("v1/devices").await.status, 503);
    let (_, listed) = control(&sim, reqwest::Method::GET, "faults", None).await;
    assert_eq!(listed["faults"].as_array().unwrap().len(), 1);

    let (_, cleared) = control(
        &sim,
        reqwest::Method::POST,
        "faults",
        Some(json!({"clear": true, "add": ["kind=reset,times=0"]})),
    )
    .await;
    assert_eq!(cleared, json!({"faults": []}));
    control(
        &sim,
        reqwest::Method::POST,
        "faults",
        Some(json!({"add": ["kind=html"]})),
    )
    .await;
    let (_, cleared) = control(&sim, reqwest::Method::DELETE, "faults", None).await;
    assert_eq!(cleared, json!({"faults": []}));

    let (status, error) = control(
        &sim,
        reqwest::Method::POST,
        "faults",
        Some(json!({"add": ["kind=explode"]})),
    )
    .await;
    assert_eq!(status, 400);
    assert!(
        error["error"]
            .as_str()
            .unwrap()
            .starts_with("invalid fault `kind=explode`: unknown kind `explode`")
    );
}

#[tokio::test]
async fn reset_restores_the_world_and_the_counters() {
    let mut sim = support::logged_in().await;
    sim.put(
        &format!("v1/devices/{PATIO}"),
        json!({"deviceName": "Terrace"}),
    )
    .await
    .ok();
    sim.handle.set_fault("kind=status:500".parse().unwrap());
    let (status, body) = control(&sim, reqwest::Method::POST, "reset", None).await;
    assert_eq!((status, body), (StatusCode::OK, json!({"reset": true})));
    assert_eq!(sim.handle.stats(), moogo_sim::Stats::default());
    assert!(sim.handle.faults().is_empty());
    // Tokens are forgotten with the rest of the world.
    sim.get("v1/devices").await.error(401);
    sim.login().await;
    assert_eq!(
        sim.get(&format!("v1/devices/{PATIO}")).await.ok()["deviceName"],
        "Patio"
    );
    sim.handle.reset();
    assert_eq!(sim.handle.stats().logins, 0);
}

#[tokio::test]
async fn unknown_control_paths_are_404_and_not_counted() {
    let sim = support::instant().await;
    let (status, body) = control(&sim, reqwest::Method::GET, "nothing", None).await;
    assert_eq!(status, 404);
    assert!(
        body["error"]
            .as_str()
            .unwrap()
            .starts_with("no such control endpoint")
    );
    assert_eq!(sim.handle.stats().requests, 0);
}
