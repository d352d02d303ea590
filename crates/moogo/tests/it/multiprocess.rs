//! Many processes sharing one session file produce exactly one login.
//!
//! The parent test re-runs this test binary as N children, each running only
//! `multiprocess::child_login` with `MOOGO_IT_CHILD` set; outside of that the
//! child test does nothing.

use std::process::{Command, Stdio};
use std::time::Duration;

use serde_json::json;
use wiremock::matchers::{header, method, path};
use wiremock::{Mock, MockServer};

use crate::support::{self, EMAIL, PASSWORD, TOKEN, login_ok, mount_login, ok};

const N_CHILDREN: usize = 30;

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn racing_processes_log_in_once() {
    let server = MockServer::start().await;
    // A slow login so that the other children pile up on the lock meanwhile.
    mount_login(
        &server,
        login_ok(TOKEN).set_delay(Duration::from_millis(300)),
        1,
    )
    .await;
    Mock::given(method("GET"))
        .and(path("/v1/devices"))
        .and(header("token", TOKEN))
        .respond_with(ok(json!({"items": [{"deviceId": "d1"}]})))
        .expect(N_CHILDREN as u64)
        .mount(&server)
        .await;
    let dir = tempfile::tempdir().unwrap();
    let session_file = dir.path().join("shared/session.json");
    let exe = std::env::current_exe().unwrap();
    let base_url = server.uri();

    let outputs = tokio::task::spawn_blocking(move || {
        let children: Vec<_> = (0..N_CHILDREN)
            .map(|_| {
                Command::new(&exe)
                    .args([
                        "--exact",
                        "multiprocess::child_login",
                        "--nocapture",
                        "--test-threads=1",
                    ])
                    .env("MOOGO_IT_CHILD", "1")
                    .env("MOOGO_BASE_URL", &base_url)
                    .env("MOOGO_EMAIL", EMAIL)
                    .env("MOOGO_PASSWORD", PASSWORD)
                    .env("MOOGO_SESSION_FILE", &session_file)
                    .env_remove("MOOGO_CACHED_TOKEN")
                    .stdout(Stdio::piped())
                    .stderr(Stdio::piped())
                    .spawn()
                    .unwrap()
            })
            .collect();
        children
            .into_iter()
            .map(|child| child.wait_with_output().unwrap())
            .collect::<Vec<_>>()
    })
    .await
    .unwrap();

    for output in &outputs {
        let stdout = String::from_utf8_lossy(&output.stdout);
        assert!(
            output.status.success() && stdout.contains("CHILD OK"),
            "child failed: {stdout}\n{}",
            String::from_utf8_lossy(&output.stderr)
        );
    }
    assert_eq!(
        support::n_requests(&server, Some("/v1/user/login")).await,
        1
    );
    server.verify().await;
}

/// The child's side: log in through the shared file store and list devices.
#[test]
fn child_login() {
    if std::env::var_os("MOOGO_IT_CHILD").is_none() {
        return;
    }
    let runtime = tokio::runtime::Builder::new_current_thread()
        .enable_all()
        .build()
        .unwrap();
    runtime.block_on(async {
        let client = moogo::Client::from_env().unwrap();
        let devices = client.devices().await.unwrap();
        assert_eq!(devices[0].device_id, "d1");
    });
    println!("CHILD OK");
}
