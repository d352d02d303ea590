//! Spawns an in-process simulator, prints its URL, logs in and lists the demo devices.
//!
//! Run with `cargo run -p moogo-sim --example spawn`.

use moogo_sim::{DEMO_EMAIL, DEMO_PASSWORD, SimConfig};
use serde_json::{Value, json};

#[tokio::main]
async fn main() -> Result<(), Box<dyn std::error::Error>> {
    let sim = moogo_sim::spawn(SimConfig::default()).await?;
    println!("simulated Moogo cloud at {}", sim.base_url());

    let http = reqwest::Client::new();
    let login: Value = http
        .post(format!("{}/v1/user/login", sim.base_url()))
        .json(&json!({"email": DEMO_EMAIL, "password": DEMO_PASSWORD, "keep": true}))
        .send()
        .await?
        .json()
        .await?;
    let token = login["data"]["token"].as_str().unwrap_or_default();

    let devices: Value = http
        .get(format!("{}/v1/devices", sim.base_url()))
        .header("token", token)
        .send()
        .await?
        .json()
        .await?;
    for device in devices["data"]["items"].as_array().into_iter().flatten() {
        let online = if device["onlineStatus"] == 1 {
            "online"
        } else {
            "offline"
        };
        println!(
            "  {} {} ({online})",
            device["deviceId"].as_str().unwrap_or("?"),
            device["deviceName"].as_str().unwrap_or("?")
        );
    }
    println!("stats: {:?}", sim.stats());
    sim.shutdown().await;
    Ok(())
}
