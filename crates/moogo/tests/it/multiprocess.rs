//! Many processes sharing one session file produce exactly one login, and
//! when that login meets a lockout, no other process sends anything.
//!
//! The parent tests re-run this test binary as N children, each running only
//! `multiprocess::child` with `MOOGO_IT_CHILD` set to what it must observe;
//! without that variable the child test does nothing.

use std::path::Path;
use std::process::{Command, Output, Stdio};
use std::time::Duration;

use serde_json::json;
use wiremock::matchers::{header, method, path};
use wiremock::{Mock, MockServer};

use crate::support::{self, EMAIL, PASSWORD, TOKEN, code, login_ok, mount_login, ok};

const N_CHILDREN: usize = 30;

/// Runs N children at once against `base_url`, all sharing `session_file`.
async fn run_children(expect: &'static str, base_url: String, session_file: &Path) -> Vec<Output> {
    let exe = std::env::current_exe().unwrap();
    let session_file = session_file.to_path_buf();
    tokio::task::spawn_blocking(move || {
        let children: Vec<_> = (0..N_CHILDREN)
            .map(|_| {
                Command::new(&exe)
                    .args([
                        "--exact",
                        "multiprocess::child",
                        "--nocapture",
                        "--test-threads=1",
                    ])
                    .env("MOOGO_IT_CHILD", expect)
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
            .collect()
    })
    .await
    .unwrap()
}

fn assert_all_ok(outputs: &[Output]) {
    for output in outputs {
        let stdout = String::from_utf8_lossy(&output.stdout);
        assert!(
            output.status.success() && stdout.contains("CHILD OK"),
            "child failed: {stdout}\n{}",
            String::from_utf8_lossy(&output.stderr)
        );
    }
}

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
    let outputs = run_children("ok", server.uri(), &dir.path().join("shared/session.json")).await;
    assert_all_ok(&outputs);
    assert_eq!(
        support::n_requests(&server, Some("/v1/user/login")).await,
        1
    );
    server.verify().await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_lockout_met_by_one_process_stops_all_of_them() {
    let server = MockServer::start().await;
    let locked = code(10000, "account locked").set_delay(Duration::from_millis(300));
    mount_login(&server, locked, 1).await;
    let dir = tempfile::tempdir().unwrap();
    let outputs = run_children(
        "rate_limited",
        server.uri(),
        &dir.path().join("session.json"),
    )
    .await;
    assert_all_ok(&outputs);
    assert_eq!(support::n_requests(&server, None).await, 1);
    assert!(dir.path().join("lockout.json").exists());
}

/// The child's side: list devices through the shared file store.
#[test]
fn child() {
    let Some(expect) = std::env::var_os("MOOGO_IT_CHILD") else {
        return;
    };
    let runtime = tokio::runtime::Builder::new_current_thread()
        .enable_all()
        .build()
        .unwrap();
    runtime.block_on(async {
        let client = moogo::Client::from_env().unwrap();
        let result = client.devices().await;
        match expect.to_str() {
            Some("ok") => assert_eq!(result.unwrap()[0].device_id, "d1"),
            Some("rate_limited") => assert!(result.unwrap_err().is_rate_limited()),
            other => panic!("unknown expectation {other:?}"),
        }
    });
    println!("CHILD OK");
}
