//! Device configuration: writable keys, read-only keys, time zones.

use serde_json::json;

use crate::support::{self, BACKYARD};

fn path() -> String {
    format!("v1/devices/{BACKYARD}/configs")
}

#[tokio::test]
async fn configs_show_writable_and_read_only_keys() {
    let sim = support::logged_in().await;
    let answer = sim.get(&path()).await;
    let config = answer.ok();
    assert_eq!(config["deviceId"], BACKYARD);
    assert_eq!(config["userId"], "u-100001");
    assert_eq!(config["timeZone"], "America/Los_Angeles");
    assert_eq!(config["firmware"], "1.4.2");
    for key in [
        "id",
        "stopTemperature",
        "stopRainy",
        "stopSnow",
        "stopWindstorm",
        "liquidName",
        "liquidConcentration",
        "sprayingSeconds",
    ] {
        assert!(config.get(key).is_some(), "{key} in {config}");
    }
}

#[tokio::test]
async fn writable_keys_change_and_identifiers_may_be_echoed() {
    let sim = support::logged_in().await;
    let body = json!({
        "deviceId": BACKYARD, "userId": "u-100001", "timeZone": "Europe/Paris", "stopRainy": false,
        "stopTemperature": 12.5, "liquidConcentration": 15, "sprayingSeconds": 90, "liquidName": "Citronella Blend",
    });
    sim.put(&path(), body).await.ok();
    let answer = sim.get(&path()).await;
    let config = answer.ok();
    assert_eq!(
        (
            &config["timeZone"],
            &config["stopRainy"],
            &config["stopTemperature"],
            &config["sprayingSeconds"]
        ),
        (
            &json!("Europe/Paris"),
            &json!(false),
            &json!(12.5),
            &json!(90)
        )
    );
    assert_eq!(
        sim.events(BACKYARD).await[0],
        "config_changed liquidConcentration, liquidName, sprayingSeconds, stopRainy, stopTemperature, timeZone"
    );
}

#[tokio::test]
async fn bad_configs_are_refused_and_nothing_changes() {
    let sim = support::logged_in().await;
    let message = |body: serde_json::Value| {
        let sim = &sim;
        async move { sim.put(&path(), body).await.error(400).to_owned() }
    };
    assert_eq!(
        message(json!({"timeZone": "PST8PDT,M3.2.0,M11.1.0"})).await,
        "`timeZone` must be an IANA time zone name such as America/Los_Angeles, got `PST8PDT,M3.2.0,M11.1.0` (POSIX TZ strings are not accepted)"
    );
    assert_eq!(
        message(json!({"stopRainy": false, "firmware": "9.9.9"})).await,
        "`firmware` is read-only"
    );
    assert_eq!(
        message(json!({"colour": "blue"})).await,
        "`colour` is not a device setting"
    );
    assert_eq!(
        message(json!({"stopSnow": "yes"})).await,
        "`stopSnow` must be true or false, got a string"
    );
    assert_eq!(
        message(json!({"sprayingSeconds": 0})).await,
        "`sprayingSeconds` must be an integer from 1 to 3600, got 0"
    );
    assert_eq!(
        message(json!({"deviceId": "other"})).await,
        "`deviceId` cannot be changed"
    );
    // The valid key sent with a read-only one was not applied either.
    assert_eq!(sim.get(&path()).await.ok()["stopRainy"], true);
}
