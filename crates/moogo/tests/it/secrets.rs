//! The token and password never appear in Debug, Display or tracing output.

use std::io::Write;
use std::sync::{Arc, Mutex};

use serde_json::json;
use tracing_subscriber::fmt::MakeWriter;
use wiremock::matchers::{header, method, path};
use wiremock::{Mock, MockServer, ResponseTemplate};

use crate::support::{self, NEW_TOKEN, PASSWORD, TOKEN, code, login_ok, mount_login, ok};

#[derive(Clone, Default)]
struct Captured(Arc<Mutex<Vec<u8>>>);

impl Write for Captured {
    fn write(&mut self, buf: &[u8]) -> std::io::Result<usize> {
        self.0.lock().unwrap().extend_from_slice(buf);
        Ok(buf.len())
    }
    fn flush(&mut self) -> std::io::Result<()> {
        Ok(())
    }
}

impl<'a> MakeWriter<'a> for Captured {
    type Writer = Captured;
    fn make_writer(&'a self) -> Self::Writer {
        self.clone()
    }
}

#[tokio::test]
async fn secrets_stay_out_of_logs_and_formatting() {
    let captured = Captured::default();
    let subscriber = tracing_subscriber::fmt()
        .with_writer(captured.clone())
        .with_max_level(tracing::Level::TRACE)
        .with_ansi(false)
        .finish();
    // A global subscriber: a thread-local one races with the level hints of
    // tests running on other threads. Their events land here too, which only
    // widens what is checked for secrets (all tests use the same secrets).
    tracing::subscriber::set_global_default(subscriber).unwrap();

    let server = MockServer::start().await;
    mount_login(&server, login_ok(NEW_TOKEN), 1).await;
    Mock::given(method("GET"))
        .and(path("/v1/devices"))
        .and(header("token", TOKEN))
        .respond_with(code(401, "expired"))
        .mount(&server)
        .await;
    Mock::given(method("GET"))
        .and(path("/v1/devices"))
        .and(header("token", NEW_TOKEN))
        .respond_with(ok(json!({"items": []})))
        .mount(&server)
        .await;
    Mock::given(method("GET"))
        .and(path("/v1/devices/d1"))
        .respond_with(ResponseTemplate::new(200).set_body_string("<html>oops</html>"))
        .mount(&server)
        .await;
    let client = support::client(&server);
    client.devices().await.unwrap();
    let err = client.device("d1").status().await.unwrap_err();

    let formatted = format!(
        "{client:?} {:?} {} {err:?} {err}",
        client.session().unwrap(),
        client.session().unwrap()
    );
    let logs = String::from_utf8(captured.0.lock().unwrap().clone()).unwrap();
    for secret in [TOKEN, NEW_TOKEN, PASSWORD] {
        assert!(!formatted.contains(secret), "{secret} in {formatted}");
        assert!(!logs.contains(secret), "{secret} in {logs}");
    }
    // Each request is logged with its method, path, status, latency and attempt.
    let request_line = logs
        .lines()
        .find(|line| line.contains("moogo request"))
        .unwrap_or_else(|| panic!("no request event in {logs}"));
    for field in [
        "method=",
        "path=\"v1/",
        "status=",
        "latency_ms=",
        "attempt=",
    ] {
        assert!(
            request_line.contains(field),
            "{field} missing in {request_line}"
        );
    }
    for decision in [
        "token rejected",
        "logged in",
        "logging in again after a 401",
    ] {
        assert!(logs.contains(decision), "{decision} missing in {logs}");
    }
}

#[tokio::test]
async fn a_broken_login_answer_does_not_leak_the_token_into_the_error() {
    let server = MockServer::start().await;
    mount_login(
        &server,
        ResponseTemplate::new(200)
            .set_body_string(format!(r#"{{"code":0,"data":{{"token":"{TOKEN}""#)),
        1,
    )
    .await;
    let client = support::builder(&server).build().unwrap();
    let err = client.login().await.unwrap_err();
    assert!(matches!(err, moogo::Error::Decode { .. }), "{err:?}");
    assert!(!format!("{err} {err:?}").contains(TOKEN));
}
