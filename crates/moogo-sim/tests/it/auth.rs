//! Logins, tokens, lockouts and request budgets.

use std::time::Duration;

use moogo_sim::{DEMO_EMAIL, SimConfig};
use reqwest::Method;
use serde_json::json;

use crate::support::{self, login_body};

#[tokio::test]
async fn a_login_returns_a_token_with_its_ttl() {
    let mut sim = support::instant().await;
    let data = sim.login().await;
    assert_eq!(data["email"], DEMO_EMAIL);
    assert_eq!(data["userId"], "u-100001");
    assert_eq!(data["ttl"], 31_536_000);
    assert_eq!(data["token"].as_str().map(str::len), Some(32));
    assert_eq!(sim.handle.stats().logins, 1);
    sim.get("v1/devices").await.ok();
}

#[tokio::test]
async fn one_failed_login_locks_the_account_until_the_window_ends() {
    let mut sim = support::instant().await;
    let earlier = sim.login().await["token"].as_str().unwrap().to_owned();

    let wrong = sim
        .send_as(
            Method::POST,
            "v1/user/login",
            None,
            Some(login_body("nope")),
        )
        .await;
    assert!(wrong.error(10000).contains("locked"), "{}", wrong.text);
    // Every request for the account now gets 10000, logins and earlier tokens included.
    let right = sim
        .send_as(
            Method::POST,
            "v1/user/login",
            None,
            Some(login_body("demo-password")),
        )
        .await;
    right.error(10000);
    sim.send_as(Method::GET, "v1/devices", Some(&earlier), None)
        .await
        .error(10000);
    let stats = sim.handle.stats();
    assert_eq!(
        (stats.logins, stats.failed_logins, stats.lockouts),
        (1, 2, 1)
    );

    // The refused login above restarted the 24-hour window, so 24 h from now it is over.
    sim.handle.advance_clock(Duration::from_secs(24 * 3600 - 1));
    sim.send_as(Method::GET, "v1/devices", Some(&earlier), None)
        .await
        .error(10000);
    sim.handle.advance_clock(Duration::from_secs(1));
    sim.send_as(Method::GET, "v1/devices", Some(&earlier), None)
        .await
        .ok();
    sim.login().await;
    assert_eq!(sim.handle.stats().logins, 2);
}

#[tokio::test]
async fn the_lockout_threshold_and_window_are_configurable() {
    let sim = support::start(
        SimConfig::default()
            .with_lockout_after(3)
            .with_lockout_window(Duration::from_secs(60)),
    )
    .await;
    let attempt = || {
        sim.send_as(
            Method::POST,
            "v1/user/login",
            None,
            Some(login_body("nope")),
        )
    };
    assert_eq!(attempt().await.error(10104), "incorrect email or password");
    attempt().await.error(10104);
    attempt().await.error(10000);
    sim.handle.advance_clock(Duration::from_secs(60));
    let answer = sim
        .send_as(
            Method::POST,
            "v1/user/login",
            None,
            Some(login_body("demo-password")),
        )
        .await;
    answer.ok();
    assert_eq!(sim.handle.stats().lockouts, 1);
}

#[tokio::test]
async fn an_unknown_email_is_invalid_credentials_and_locks_nothing() {
    let sim = support::instant().await;
    let body = json!({"email": "nobody@example.com", "password": "x"});
    sim.send_as(Method::POST, "v1/user/login", None, Some(body))
        .await
        .error(10104);
    let stats = sim.handle.stats();
    assert_eq!((stats.failed_logins, stats.lockouts), (1, 0));
}

#[tokio::test]
async fn missing_unknown_and_expired_tokens_get_code_401() {
    let mut sim =
        support::start(SimConfig::default().with_token_ttl(Duration::from_secs(3600))).await;
    let missing = sim.send_as(Method::GET, "v1/devices", None, None).await;
    assert!(missing.error(401).contains("log in"));
    sim.send_as(Method::GET, "v1/devices", Some("0123456789abcdef"), None)
        .await
        .error(401);

    assert_eq!(sim.login().await["ttl"], 3600);
    sim.get("v1/devices").await.ok();
    sim.handle.advance_clock(Duration::from_secs(3600));
    sim.get("v1/devices").await.error(401);
}

#[tokio::test]
async fn a_token_has_an_optional_request_budget() {
    let mut sim = support::start(SimConfig::default().with_request_budget(2)).await;
    sim.login().await;
    sim.get("v1/devices").await.ok();
    sim.get("v1/devices").await.ok();
    let over = sim.get("v1/devices").await;
    assert_eq!(
        (over.status.as_u16(), over.code()),
        (429, 429),
        "{}",
        over.text
    );
}

#[tokio::test]
async fn public_endpoints_need_no_token() {
    let sim = support::instant().await;
    let liquids = sim.get("v1/liquid").await;
    let names: Vec<_> = liquids
        .ok()
        .as_array()
        .unwrap()
        .iter()
        .map(|l| l["name"].as_str().unwrap())
        .collect();
    assert_eq!(names, ["Mosquito Guard", "Citronella Blend", "Water Only"]);
    for liquid in liquids.data().as_array().unwrap() {
        for key in ["id", "name", "description", "icon"] {
            assert!(liquid.get(key).is_some(), "{key} in {liquid}");
        }
    }
    let recommended = sim.get("v1/devices/schedules").await;
    let first = &recommended.ok()["items"][0];
    assert_eq!(
        first,
        &json!({"id": "r-1", "hour": 6, "minute": 30, "duration": 60, "repeatSet": "0,1,2,3,4,5,6", "status": 1})
    );
}
