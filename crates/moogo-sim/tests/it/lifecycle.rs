//! Starting and stopping: in-process, on a thread of its own, and the program with a world file.

use moogo_sim::{DEMO_EMAIL, DEMO_PASSWORD, SimConfig};
use serde_json::{Value, json};

fn login(base_url: &str) -> Value {
    let runtime = tokio::runtime::Builder::new_current_thread()
        .enable_all()
        .build()
        .unwrap();
    runtime.block_on(async {
        reqwest::Client::new()
            .post(format!("{base_url}/v1/user/login"))
            .json(&json!({"email": DEMO_EMAIL, "password": DEMO_PASSWORD}))
            .send()
            .await
            .unwrap()
            .json()
            .await
            .unwrap()
    })
}

#[test]
fn one_simulator_serves_runtimes_that_come_and_go() {
    let sim = moogo_sim::spawn_on_thread(SimConfig::default()).unwrap();
    assert_eq!(login(&sim.base_url())["code"], 0);
    // The first runtime is gone; the simulator is not.
    assert_eq!(login(&sim.base_url())["code"], 0);
    assert_eq!(sim.stats().logins, 2);
    let before = sim.now();
    sim.advance_clock(std::time::Duration::from_secs(3600));
    assert!(sim.now().duration_since(before).as_secs() >= 3600);
}

#[tokio::test]
async fn shutdown_closes_idle_keep_alive_connections_and_returns() {
    let sim = crate::support::logged_in().await;
    let base_url = sim.handle.base_url();
    // The client keeps its connection open in its pool.
    sim.get("v1/devices").await.ok();
    tokio::time::timeout(std::time::Duration::from_secs(30), sim.handle.shutdown())
        .await
        .expect("shutdown does not wait for idle connections");
    let refused = sim.http.get(format!("{base_url}/v1/liquid")).send().await;
    assert!(refused.is_err(), "{refused:?}");
}

#[test]
fn the_program_serves_a_json_world_file() {
    use std::io::{BufRead, BufReader};
    use std::process::{Command, Stdio};

    let directory = tempfile::tempdir().unwrap();
    let world = directory.path().join("world.json");
    std::fs::write(
        &world,
        r#"{"accounts": [{"email": "ada@example.com", "password": "engine",
            "devices": [{"id": "dev-1", "name": "Analytical", "time_zone": "Europe/London"}]}]}"#,
    )
    .unwrap();
    let mut child = Command::new(env!("CARGO_BIN_EXE_moogo-sim"))
        .args(["--listen", ":0", "--world"])
        .arg(&world)
        .stdout(Stdio::piped())
        .stderr(Stdio::null())
        .spawn()
        .unwrap();
    let mut lines = BufReader::new(child.stdout.take().unwrap()).lines();
    let first = lines.next().unwrap().unwrap();
    let base_url = first.strip_prefix("listening on ").unwrap().to_owned();
    let runtime = tokio::runtime::Builder::new_current_thread()
        .enable_all()
        .build()
        .unwrap();
    let devices: Value = runtime.block_on(async {
        let http = reqwest::Client::new();
        let login: Value = http
            .post(format!("{base_url}/v1/user/login"))
            .json(&json!({"email": "ada@example.com", "password": "engine"}))
            .send()
            .await
            .unwrap()
            .json()
            .await
            .unwrap();
        http.get(format!("{base_url}/v1/devices"))
            .header("token", login["data"]["token"].as_str().unwrap())
            .send()
            .await
            .unwrap()
            .json()
            .await
            .unwrap()
    });
    child.kill().unwrap();
    child.wait().unwrap();
    assert_eq!(devices["data"]["items"][0]["deviceName"], "Analytical");
    // Only the demo world prints the demo credentials.
    assert!(lines.next().is_none_or(|line| line.is_err()));
}
