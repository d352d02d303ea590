//! Shared setup: a mock Moogo server, clients pointed at it, canned answers.

use moogo::{Client, ClientBuilder, Session, Timestamp, TokioClock};
use serde_json::{Value, json};
use wiremock::matchers::{body_json, header, method, path};
use wiremock::{Mock, MockServer, ResponseTemplate};

pub const EMAIL: &str = "demo@example.com";
pub const PASSWORD: &str = "pw-SECRET-demo";
pub const TOKEN: &str = "tok-SECRET-1";
pub const NEW_TOKEN: &str = "tok-SECRET-2";

/// The wall time at which every test clock starts.
pub fn start() -> Timestamp {
    "2026-06-01T12:00:00Z".parse().unwrap()
}

/// An HTTP client without idle-pool timers, so a paused tokio clock only
/// moves when the code under test sleeps.
pub fn http() -> reqwest::Client {
    reqwest::Client::builder()
        .pool_idle_timeout(None)
        .build()
        .unwrap()
}

/// A builder for `server` with credentials, a clock following tokio time and
/// no request timeout (a paused clock would fire it while waiting on I/O).
pub fn builder(server: &MockServer) -> ClientBuilder {
    Client::builder()
        .base_url(server.uri())
        .http_client(http())
        .no_timeout()
        .clock(TokioClock::starting_at(start()))
        .credentials(EMAIL, PASSWORD)
}

/// A session valid for a year from [`start`].
pub fn session(token: &str) -> Session {
    let expires = start()
        .checked_add(jiff::SignedDuration::from_hours(24 * 365))
        .unwrap();
    Session::new(token, "user-1", EMAIL, expires)
}

/// A client that already holds a valid session (no login needed).
pub fn client(server: &MockServer) -> Client {
    builder(server).session(session(TOKEN)).build().unwrap()
}

/// A success envelope around `data`.
pub fn ok(data: Value) -> ResponseTemplate {
    ResponseTemplate::new(200).set_body_json(json!({"code": 0, "message": "success", "data": data}))
}

/// An error envelope (HTTP 200, as the service sends them).
pub fn code(code: i64, message: &str) -> ResponseTemplate {
    ResponseTemplate::new(200)
        .set_body_json(json!({"code": code, "message": message, "data": null}))
}

/// The login answer for `token`.
pub fn login_ok(token: &str) -> ResponseTemplate {
    ok(json!({"token": token, "userId": "user-1", "email": EMAIL, "ttl": 31_536_000}))
}

/// Mounts a login mock answering `response`, expecting `times` calls.
pub async fn mount_login(server: &MockServer, response: ResponseTemplate, times: u64) {
    Mock::given(method("POST"))
        .and(path("/v1/user/login"))
        .and(header("content-type", "application/json"))
        .and(body_json(
            json!({"email": EMAIL, "password": PASSWORD, "keep": true}),
        ))
        .respond_with(response)
        .expect(times)
        .mount(server)
        .await;
}

/// A device status with the given run state.
pub fn status(run_status: i64) -> Value {
    json!({"deviceId": "d1", "deviceName": "Patio", "onlineStatus": 1, "runStatus": run_status,
        "temperature": 22.5, "humidity": 61, "liquid_level": 1, "water_level": 2})
}

/// How many requests `server` received, in total or on `path`.
pub async fn n_requests(server: &MockServer, on_path: Option<&str>) -> usize {
    server
        .received_requests()
        .await
        .unwrap_or_default()
        .iter()
        .filter(|r| on_path.is_none_or(|p| r.url.path() == p))
        .count()
}
