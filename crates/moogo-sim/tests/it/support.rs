//! A spawned simulator plus a small HTTP client that speaks its envelope.

use std::time::Duration;

use moogo_sim::{DEMO_EMAIL, DEMO_PASSWORD, SimConfig, SimHandle};
use reqwest::{Method, StatusCode};
use serde_json::{Value, json};

/// The demo world's devices.
pub const BACKYARD: &str = "a1c4e5f60001";
pub const PATIO: &str = "a1c4e5f60002";
pub const GARAGE: &str = "a1c4e5f60003";

/// A simulator and a client logged in (or not) to it.
pub struct Sim {
    pub handle: SimHandle,
    pub http: reqwest::Client,
    pub token: Option<String>,
}

/// An answer: HTTP status and the parsed JSON body (`Value::Null` when the body is not JSON).
#[derive(Debug)]
pub struct Answer {
    pub status: StatusCode,
    pub body: Value,
    pub text: String,
}

impl Answer {
    pub fn code(&self) -> i64 {
        self.body["code"].as_i64().unwrap_or(-1)
    }

    pub fn data(&self) -> &Value {
        &self.body["data"]
    }

    pub fn message(&self) -> &str {
        self.body["message"].as_str().unwrap_or_default()
    }

    /// Asserts a success envelope and returns its data.
    #[track_caller]
    pub fn ok(&self) -> &Value {
        assert_eq!(
            (self.status, self.code()),
            (StatusCode::OK, 0),
            "{}",
            self.text
        );
        self.data()
    }

    /// Asserts an HTTP 200 error envelope with this code and returns its message.
    #[track_caller]
    pub fn error(&self, code: i64) -> &str {
        assert_eq!(
            (self.status, self.code()),
            (StatusCode::OK, code),
            "{}",
            self.text
        );
        assert!(self.data().is_null(), "{}", self.text);
        self.message()
    }
}

/// A simulator whose devices change state at once.
pub async fn instant() -> Sim {
    start(SimConfig::default().with_transition_delay(Duration::ZERO, Duration::ZERO)).await
}

/// A simulator with this configuration, not logged in.
pub async fn start(config: SimConfig) -> Sim {
    let handle = moogo_sim::spawn(config)
        .await
        .expect("the simulator starts");
    // No idle-connection timer: on a paused clock it would make tokio jump ahead.
    let http = reqwest::Client::builder()
        .pool_idle_timeout(None)
        .build()
        .expect("a client");
    Sim {
        handle,
        http,
        token: None,
    }
}

/// A simulator with instant transitions, logged in as the demo account.
pub async fn logged_in() -> Sim {
    let mut sim = instant().await;
    sim.login().await;
    sim
}

impl Sim {
    /// Logs in as the demo account and keeps the token.
    pub async fn login(&mut self) -> Value {
        let answer = self
            .send_as(
                Method::POST,
                "v1/user/login",
                None,
                Some(login_body(DEMO_PASSWORD)),
            )
            .await;
        let data = answer.ok().clone();
        self.token = data["token"].as_str().map(str::to_owned);
        data
    }

    /// Sends a request with an explicit token.
    pub async fn send_as(
        &self,
        method: Method,
        path: &str,
        token: Option<&str>,
        body: Option<Value>,
    ) -> Answer {
        let mut request = self
            .http
            .request(method, format!("{}/{path}", self.handle.base_url()))
            .header("accept", "application/json");
        if let Some(token) = token {
            request = request.header("token", token);
        }
        if let Some(body) = body {
            request = request.json(&body);
        }
        let response = request.send().await.expect("the simulator answers");
        let status = response.status();
        let text = response.text().await.expect("a complete body");
        let body = serde_json::from_str(&text).unwrap_or(Value::Null);
        Answer { status, body, text }
    }

    /// Sends a request with the session's token.
    pub async fn send(&self, method: Method, path: &str, body: Option<Value>) -> Answer {
        self.send_as(method, path, self.token.as_deref(), body)
            .await
    }

    pub async fn get(&self, path: &str) -> Answer {
        self.send(Method::GET, path, None).await
    }

    pub async fn post(&self, path: &str, body: Value) -> Answer {
        self.send(Method::POST, path, Some(body)).await
    }

    pub async fn put(&self, path: &str, body: Value) -> Answer {
        self.send(Method::PUT, path, Some(body)).await
    }

    /// Sends a raw body with a JSON content type.
    pub async fn send_raw(&self, method: Method, path: &str, body: &'static str) -> Answer {
        let mut request = self
            .http
            .request(method, format!("{}/{path}", self.handle.base_url()))
            .header("content-type", "application/json")
            .body(body);
        if let Some(token) = &self.token {
            request = request.header("token", token);
        }
        let response = request.send().await.expect("the simulator answers");
        let status = response.status();
        let text = response.text().await.expect("a complete body");
        let body = serde_json::from_str(&text).unwrap_or(Value::Null);
        Answer { status, body, text }
    }

    /// The `runStatus` of a device.
    pub async fn run_status(&self, device: &str) -> i64 {
        self.get(&format!("v1/devices/{device}")).await.ok()["runStatus"]
            .as_i64()
            .expect("runStatus is an integer")
    }

    /// The events of a device's newest log entries, newest first.
    pub async fn events(&self, device: &str) -> Vec<String> {
        let answer = self
            .get(&format!("v1/devices/{device}/logs?pageSize=100"))
            .await;
        answer.ok()["items"]
            .as_array()
            .expect("items")
            .iter()
            .map(|item| {
                format!(
                    "{} {}",
                    item["event"].as_str().unwrap_or_default(),
                    item["details"].as_str().unwrap_or_default()
                )
            })
            .collect()
    }
}

/// A login body for the demo account with this password.
pub fn login_body(password: &str) -> Value {
    json!({"email": DEMO_EMAIL, "password": password, "keep": true})
}
