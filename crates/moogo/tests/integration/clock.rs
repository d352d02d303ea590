//! The simulated clock: it follows a paused tokio clock, and the control
//! surface (`/__sim/clock/advance`) moves it on its own.

use std::time::Duration;

use jiff::SignedDuration;
use moogo_sim::SimConfig;
use serde_json::{Value, json};

use crate::support::{self, BACKYARD, OwnSim};

#[tokio::test(start_paused = true)]
async fn the_simulator_follows_the_paused_tokio_clock() {
    if support::skip_on_real_service("the simulated clock") {
        return;
    }
    let own = OwnSim::start().await;
    let start = own.sim.now();
    support::settle(Duration::from_secs(90)).await;
    assert_eq!(
        own.sim.now().duration_since(start),
        SignedDuration::from_secs(90)
    );
}

#[tokio::test(start_paused = true)]
async fn the_control_surface_moves_the_clock_and_the_devices_follow() {
    if support::skip_on_real_service("the simulated clock") {
        return;
    }
    let transition = Duration::from_secs(4);
    let own =
        OwnSim::with_config(SimConfig::default().with_transition_delay(transition, transition))
            .await;
    let client = own.client();
    let device = client.device(BACKYARD);
    device.start().await.unwrap();
    let start = own.sim.now();

    // No tokio time passes: only the simulated clock moves, over HTTP.
    let http = support::http();
    let moved: Value = http
        .post(format!("{}/__sim/clock/advance", own.sim.base_url()))
        .json(&json!({"seconds": 4}))
        .send()
        .await
        .unwrap()
        .json()
        .await
        .unwrap();
    assert_eq!(moved["offset_seconds"], 4.0);
    assert_eq!(
        own.sim.now().duration_since(start),
        SignedDuration::from_secs(4)
    );
    assert!(
        client
            .fresh()
            .device(BACKYARD)
            .status()
            .await
            .unwrap()
            .is_spraying()
    );

    let clock: Value = http
        .get(format!("{}/__sim/clock", own.sim.base_url()))
        .send()
        .await
        .unwrap()
        .json()
        .await
        .unwrap();
    assert_eq!(clock["now"], own.sim.now().to_string());
    let stats = support::sim_stats(&own.sim.base_url()).await;
    assert_eq!(stats, own.stats(), "the control surface is not counted");
}
