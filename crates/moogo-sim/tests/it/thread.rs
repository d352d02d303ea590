//! A simulator on its own thread outlives the runtimes of the tests that use it.

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
