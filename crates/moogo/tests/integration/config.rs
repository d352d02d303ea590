//! Device configuration: reading, changing, and the IANA time zone check.

use moogo::{ConfigUpdate, Error};

use crate::support::{self, BACKYARD, GARAGE, OwnSim, Shared};

#[tokio::test]
async fn reads_and_changes_a_devices_configuration() {
    let shared = Shared::new().await;
    let device_id = shared.device_id(GARAGE).await;
    let device = shared.client.device(&device_id);
    let before = device.config().await.unwrap();
    assert_eq!(before.device_id.as_deref(), Some(device_id.as_str()));
    let zone = before.time_zone.clone().expect("a time zone");
    if shared.is_real() {
        // Written back unchanged: the real device keeps its settings.
        device
            .update_config(&ConfigUpdate::new().with_time_zone(&zone))
            .await
            .unwrap();
        assert_eq!(device.config().await.unwrap().time_zone, Some(zone));
        shared.assert_one_login().await;
        return;
    }
    assert_eq!(zone, "UTC");
    assert!(
        before.extra.contains_key("firmware"),
        "read-only keys come along"
    );
    let change = ConfigUpdate::new()
        .with_stop_temperature(12.5)
        .with_stop_rainy(false)
        .with_stop_snow(false)
        .with_stop_windstorm(false)
        .with_liquid_name("Water Only")
        .with_liquid_concentration(5.0)
        .with_time_zone("Europe/Paris")
        .with_spraying_seconds(90);
    device.update_config(&change).await.unwrap();
    let after = device.config().await.unwrap();
    assert_eq!(after.stop_temperature, Some(12.5));
    assert_eq!(
        (after.stop_rainy, after.stop_snow, after.stop_windstorm),
        (Some(false), Some(false), Some(false))
    );
    assert_eq!(after.liquid_name.as_deref(), Some("Water Only"));
    assert_eq!(after.liquid_concentration, Some(5.0));
    assert_eq!(after.time_zone.as_deref(), Some("Europe/Paris"));
    assert_eq!(after.spraying_seconds, Some(90));

    let restore = ConfigUpdate::new()
        .with_stop_temperature(before.stop_temperature.unwrap())
        .with_stop_rainy(before.stop_rainy.unwrap())
        .with_stop_snow(before.stop_snow.unwrap())
        .with_stop_windstorm(before.stop_windstorm.unwrap())
        .with_liquid_name(before.liquid_name.clone().unwrap())
        .with_liquid_concentration(before.liquid_concentration.unwrap())
        .with_time_zone(zone)
        .with_spraying_seconds(u32::try_from(before.spraying_seconds.unwrap()).unwrap());
    device.update_config(&restore).await.unwrap();
    assert_eq!(device.config().await.unwrap(), before);
    shared.assert_one_login().await;
}

#[tokio::test(start_paused = true)]
async fn only_iana_time_zones_are_sent() {
    if support::skip_on_real_service("counting requests") {
        return;
    }
    let own = OwnSim::instant().await;
    let device = own.client().device(BACKYARD);
    for bad in ["EST5EDT,M3.2.0,M11.1.0", "<+05>-5", "Mars/Olympus", ""] {
        let err = device
            .update_config(&ConfigUpdate::new().with_time_zone(bad))
            .await
            .unwrap_err();
        assert!(
            matches!(&err, Error::InvalidInput { field: "time zone", value, .. } if value == bad),
            "{err:?}"
        );
    }
    for bad in [
        ConfigUpdate::new().with_spraying_seconds(0),
        ConfigUpdate::new().with_stop_temperature(f64::NAN),
    ] {
        let err = device.update_config(&bad).await.unwrap_err();
        assert!(matches!(err, Error::InvalidInput { .. }), "{err:?}");
    }
    assert_eq!(own.stats().requests, 0);

    for good in ["America/Los_Angeles", "UTC", "Asia/Kolkata"] {
        device
            .update_config(&ConfigUpdate::new().with_time_zone(good))
            .await
            .unwrap();
        assert_eq!(
            device.config().await.unwrap().time_zone.as_deref(),
            Some(good)
        );
    }
}

#[tokio::test(start_paused = true)]
async fn a_value_the_service_rejects_is_reported_with_its_message() {
    if support::skip_on_real_service("a rejected setting") {
        return;
    }
    let own = OwnSim::instant().await;
    let device = own.client().device(BACKYARD);
    let err = device
        .update_config(&ConfigUpdate::new().with_stop_temperature(99.0))
        .await
        .unwrap_err();
    assert!(
        matches!(&err, Error::Api { code: 400, message, .. } if message.contains("stopTemperature")),
        "{err:?}"
    );
    assert_eq!(
        own.route("PUT v1/devices/{deviceId}/configs"),
        1,
        "not retried"
    );
}
