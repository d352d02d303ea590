//! Devices: list, status, rename, start, stop, offline devices.

use std::time::Duration;

use moogo_sim::SimConfig;
use serde_json::json;

use crate::support::{self, BACKYARD, GARAGE, PATIO};

#[tokio::test]
async fn the_demo_world_has_three_devices_one_offline() {
    let sim = support::logged_in().await;
    let answer = sim.get("v1/devices").await;
    let items = answer.ok()["items"].as_array().unwrap();
    let summary: Vec<_> = items
        .iter()
        .map(|d| {
            (
                d["deviceId"].as_str().unwrap(),
                d["deviceName"].as_str().unwrap(),
                d["onlineStatus"].as_i64().unwrap(),
                d["runStatus"].as_i64().unwrap(),
            )
        })
        .collect();
    assert_eq!(
        summary,
        [
            (BACKYARD, "Backyard", 1, 0),
            (PATIO, "Patio", 1, 0),
            (GARAGE, "Garage", 0, 0)
        ]
    );
    assert_eq!(items[0]["deviceModel"], "MG-S1");
    assert!(
        items[2].get("deviceModel").is_none(),
        "the Garage has no model"
    );
}

#[tokio::test]
async fn a_status_has_every_documented_field() {
    let sim = support::logged_in().await;
    let answer = sim.get(&format!("v1/devices/{BACKYARD}")).await;
    let status = answer.ok();
    for key in [
        "deviceId",
        "deviceName",
        "deviceModel",
        "onlineStatus",
        "runStatus",
        "firmware",
        "rssi",
        "temperature",
        "humidity",
        "liquid_level",
        "water_level",
        "mixRatio",
        "liquidConcentration",
        "latestSprayingDuration",
        "latestSprayingEnd",
    ] {
        assert!(status.get(key).is_some(), "{key} in {status}");
    }
    assert_eq!(status["temperature"], 22.5);
    assert_eq!(status["rssi"], -58);
    let end = status["latestSprayingEnd"].as_i64().unwrap();
    let now = sim.handle.now().as_second();
    assert!((now - 26 * 3600 - end).abs() <= 1, "seconds, 26 h ago");
    // The Patio reports milliseconds, as the real service sometimes does.
    let patio = sim.get(&format!("v1/devices/{PATIO}")).await;
    assert!(patio.ok()["latestSprayingEnd"].as_i64().unwrap() > 1_000_000_000_000);
}

#[tokio::test(start_paused = true)]
async fn start_and_stop_take_effect_after_the_transition_delay_on_the_paused_clock() {
    let mut sim = support::start(SimConfig::default()).await;
    sim.login().await;
    let started = sim
        .post(&format!("v1/devices/{BACKYARD}/start"), json!({}))
        .await;
    assert_eq!(started.ok(), &json!({"code": 0}));
    assert_eq!(
        sim.run_status(BACKYARD).await,
        0,
        "acknowledged, not yet spraying"
    );
    tokio::time::sleep(Duration::from_millis(2900)).await;
    assert_eq!(
        sim.run_status(BACKYARD).await,
        0,
        "the delay is at least 3 s"
    );
    tokio::time::sleep(Duration::from_millis(2101)).await;
    assert_eq!(
        sim.run_status(BACKYARD).await,
        1,
        "the delay is at most 5 s"
    );

    tokio::time::sleep(Duration::from_secs(60)).await;
    sim.post(&format!("v1/devices/{BACKYARD}/stop"), json!({}))
        .await
        .ok();
    assert_eq!(sim.run_status(BACKYARD).await, 1);
    tokio::time::sleep(Duration::from_secs(5)).await;
    let answer = sim.get(&format!("v1/devices/{BACKYARD}")).await;
    let status = answer.ok();
    assert_eq!(status["runStatus"], 0);
    let sprayed = status["latestSprayingDuration"].as_i64().unwrap();
    // From 3..5 s after the start to 65 s + 3..5 s after it.
    assert!((63..=67).contains(&sprayed), "got {sprayed}");
    let end = status["latestSprayingEnd"].as_i64().unwrap();
    assert!(sim.handle.now().as_second() - end <= 5);
    let events = sim.events(BACKYARD).await;
    assert_eq!(events[0], format!("spray_stopped sprayed for {sprayed} s"));
    assert_eq!(events[1], "spray_started manual");
}

#[tokio::test]
async fn transitions_follow_advance_clock() {
    let mut sim = support::start(
        SimConfig::default().with_transition_delay(Duration::from_secs(4), Duration::from_secs(4)),
    )
    .await;
    sim.login().await;
    sim.post(
        &format!("v1/devices/{PATIO}/start"),
        json!({"mode": "manual"}),
    )
    .await
    .ok();
    assert_eq!(sim.run_status(PATIO).await, 0);
    sim.handle.advance_clock(Duration::from_secs(4));
    assert_eq!(sim.run_status(PATIO).await, 1);
    sim.post(&format!("v1/devices/{PATIO}/stop"), json!({}))
        .await
        .ok();
    sim.handle.advance_clock(Duration::from_secs(4));
    assert_eq!(sim.run_status(PATIO).await, 0);
    let answer = sim.get(&format!("v1/devices/{PATIO}")).await;
    assert_eq!(answer.ok()["latestSprayingDuration"], 4);
}

#[tokio::test]
async fn an_offline_device_refuses_commands_with_10201() {
    let sim = support::logged_in().await;
    for command in ["start", "stop", "otaUpdate"] {
        let answer = sim
            .post(&format!("v1/devices/{GARAGE}/{command}"), json!({}))
            .await;
        assert_eq!(answer.error(10201), "device is offline");
    }
    // Reading it still works.
    assert_eq!(
        sim.get(&format!("v1/devices/{GARAGE}")).await.ok()["onlineStatus"],
        0
    );
}

#[tokio::test]
async fn unknown_and_foreign_devices_are_not_found() {
    let world = moogo_sim::World::from_toml_str(
        "[[accounts]]\nemail='demo@example.com'\npassword='demo-password'\n\
         [[accounts.devices]]\nid='mine'\nname='Mine'\n\
         [[accounts]]\nemail='other@example.com'\npassword='x'\n\
         [[accounts.devices]]\nid='theirs'\nname='Theirs'\n",
    )
    .unwrap();
    let mut sim = support::start(SimConfig::default().with_world(world)).await;
    sim.login().await;
    assert_eq!(
        sim.get("v1/devices/nope").await.error(404),
        "device not found"
    );
    sim.get("v1/devices/theirs").await.error(404);
    sim.post("v1/devices/theirs/start", json!({}))
        .await
        .error(404);
    sim.get("v1/devices/mine").await.ok();
}

#[tokio::test]
async fn a_device_can_be_renamed_and_its_mix_ratio_changed() {
    let sim = support::logged_in().await;
    let path = format!("v1/devices/{PATIO}");
    sim.put(&path, json!({"deviceName": "Terrace", "mixRatio": 12}))
        .await
        .ok();
    let answer = sim.get(&path).await;
    assert_eq!(
        (
            answer.ok()["deviceName"].as_str(),
            answer.ok()["mixRatio"].as_i64()
        ),
        (Some("Terrace"), Some(12))
    );
    assert_eq!(
        sim.put(&path, json!({"deviceName": " "})).await.error(400),
        "`deviceName` must be 1 to 64 characters"
    );
    assert_eq!(
        sim.put(&path, json!({"mixRatio": 101})).await.error(400),
        "`mixRatio` must be an integer from 0 to 100, got 101"
    );
    assert_eq!(
        sim.post(&format!("{path}/start"), json!({"mode": "turbo"}))
            .await
            .error(400),
        "`mode` must be \"manual\" or \"schedule\", got \"turbo\""
    );
}
