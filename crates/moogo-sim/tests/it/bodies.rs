//! Bad requests get code 400 naming the problem, never a 500; unknown routes get HTTP 404.

use reqwest::{Method, StatusCode};

use crate::support::{self, BACKYARD};

#[tokio::test]
async fn malformed_bodies_are_code_400_on_every_endpoint_that_reads_one() {
    let sim = support::logged_in().await;
    let endpoints = [
        (Method::POST, "v1/user/login".to_owned()),
        (Method::PUT, format!("v1/devices/{BACKYARD}")),
        (Method::POST, format!("v1/devices/{BACKYARD}/start")),
        (Method::POST, format!("v1/devices/{BACKYARD}/stop")),
        (Method::POST, format!("v1/devices/{BACKYARD}/schedules")),
        (
            Method::PUT,
            format!("v1/devices/{BACKYARD}/schedules/s-1001"),
        ),
        (
            Method::PUT,
            format!("v1/devices/{BACKYARD}/schedules/s-1001/enable"),
        ),
        (
            Method::PUT,
            format!("v1/devices/{BACKYARD}/schedules/s-1001/skip"),
        ),
        (
            Method::PUT,
            format!("v1/devices/{BACKYARD}/schedules/switch/open"),
        ),
        (Method::PUT, format!("v1/devices/{BACKYARD}/configs")),
        (Method::POST, format!("v1/devices/{BACKYARD}/otaCheck")),
        (Method::POST, format!("v1/devices/{BACKYARD}/otaUpdate")),
    ];
    for (method, path) in endpoints {
        for body in ["{\"email\": ", "[1, 2]", "\"text\"", "nul"] {
            let answer = sim.send_raw(method.clone(), &path, body).await;
            assert_eq!(
                (answer.status, answer.code()),
                (StatusCode::OK, 400),
                "{method} {path} {body}: {}",
                answer.text
            );
            assert!(
                answer.message().starts_with("request body"),
                "{}",
                answer.message()
            );
        }
    }
}

#[tokio::test]
async fn login_fields_are_checked_by_name() {
    let sim = support::instant().await;
    let login = |body: &'static str| sim.send_raw(Method::POST, "v1/user/login", body);
    assert_eq!(
        login("{}").await.error(400),
        "`email` is required: a string"
    );
    assert_eq!(
        login(r#"{"email": "demo@example.com"}"#).await.error(400),
        "`password` is required: a string"
    );
    assert_eq!(
        login(r#"{"email": 7, "password": "x"}"#).await.error(400),
        "`email` must be a string, got a number"
    );
    assert_eq!(
        login(r#"{"email": "demo@example.com", "password": "demo-password", "keep": "yes"}"#)
            .await
            .error(400),
        "`keep` must be true or false, got a string"
    );
    let stats = sim.handle.stats();
    assert_eq!(
        (stats.failed_logins, stats.lockouts),
        (0, 0),
        "a malformed login is not a failed login"
    );
}

#[tokio::test]
async fn a_path_that_is_not_utf8_is_code_400() {
    let sim = support::logged_in().await;
    let answer = sim.get("v1/devices/%FF%FE").await;
    assert_eq!(
        answer.error(400),
        "invalid URL: Invalid UTF-8 in `deviceId`"
    );
}

#[tokio::test]
async fn unknown_routes_and_methods_are_http_404_with_an_envelope() {
    let sim = support::logged_in().await;
    for (method, path) in [
        (Method::GET, "v2/devices"),
        (Method::DELETE, "v1/devices"),
        (Method::GET, "v1/devices/x/otaCheck"),
    ] {
        let answer = sim.send(method.clone(), path, None).await;
        assert_eq!(
            (answer.status, answer.code(), answer.message()),
            (StatusCode::NOT_FOUND, 404, "no such endpoint"),
            "{method} {path}"
        );
    }
    assert_eq!(
        sim.handle.stats().by_route.get("DELETE <unknown>"),
        Some(&1)
    );
}
