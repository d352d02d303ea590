//! Firmware checks and updates.

use serde_json::json;

use crate::support::{self, BACKYARD, PATIO};

#[tokio::test]
async fn an_outdated_device_updates_to_the_newest_release() {
    let sim = support::logged_in().await;
    let check = sim
        .post(&format!("v1/devices/{BACKYARD}/otaCheck"), json!({}))
        .await;
    let data = check.ok();
    assert_eq!(
        (
            &data["available"],
            &data["version"],
            &data["currentVersion"]
        ),
        (&json!(true), &json!("1.5.0"), &json!("1.4.2"))
    );
    assert!(data["url"].as_str().unwrap().ends_with("1.5.0.bin"));

    let update = sim
        .post(&format!("v1/devices/{BACKYARD}/otaUpdate"), json!({}))
        .await;
    assert_eq!(update.ok(), &json!({"updated": true, "version": "1.5.0"}));
    assert_eq!(
        sim.get(&format!("v1/devices/{BACKYARD}")).await.ok()["firmware"],
        "1.5.0"
    );
    let again = sim
        .post(&format!("v1/devices/{BACKYARD}/otaCheck"), json!({}))
        .await;
    assert_eq!(again.ok()["available"], false);
    assert_eq!(
        sim.events(BACKYARD).await[0],
        "firmware_updated 1.4.2 -> 1.5.0"
    );
}

#[tokio::test]
async fn an_up_to_date_device_has_nothing_to_install() {
    let sim = support::logged_in().await;
    let check = sim
        .post(&format!("v1/devices/{PATIO}/otaCheck"), json!({}))
        .await;
    assert_eq!(check.ok()["available"], false);
    let update = sim
        .post(&format!("v1/devices/{PATIO}/otaUpdate"), json!({}))
        .await;
    assert_eq!(update.ok(), &json!({"updated": false, "version": "1.5.0"}));
}
