//! Devices: the list, a status, renaming, an offline device, caches and forced refresh.

use std::time::Duration;

use moogo::{DeviceUpdate, Error, RetryPolicy};

use crate::support::{self, BACKYARD, GARAGE, OwnSim, PATIO, Shared};

#[tokio::test]
async fn lists_the_accounts_devices() {
    let shared = Shared::new().await;
    let devices = shared.client.devices().await.unwrap();
    assert!(!devices.is_empty());
    assert!(devices.iter().all(|device| !device.device_id.is_empty()));
    if !shared.is_real() {
        let mut seen: Vec<(&str, bool, Option<&str>)> = devices
            .iter()
            .map(|d| {
                (
                    d.device_id.as_str(),
                    d.is_online(),
                    d.device_model.as_deref(),
                )
            })
            .collect();
        seen.sort();
        assert_eq!(
            seen,
            [
                (BACKYARD, true, Some("MG-S1")),
                (PATIO, true, Some("MG-S1")),
                (GARAGE, false, None)
            ]
        );
        assert!(devices.iter().all(|device| !device.is_spraying()));
    }
    shared.assert_one_login().await;
}

#[tokio::test]
async fn reads_a_status_with_every_documented_field() {
    let shared = Shared::new().await;
    let device_id = shared.device_id(PATIO).await;
    let status = shared.client.device(&device_id).status().await.unwrap();
    assert_eq!(status.device_id, device_id);
    assert!(status.online_status.is_some() && status.run_status.is_some());
    if !shared.is_real() {
        assert_eq!(status.device_name.as_deref(), Some("Patio"));
        assert_eq!(status.firmware.as_deref(), Some("1.5.0"));
        assert_eq!(status.rssi, Some(-71));
        assert_eq!(status.temperature, Some(19.0));
        assert_eq!(status.humidity, Some(74.0));
        // The snake_case levels, one of them outside the documented 0..2 scale.
        assert_eq!(
            (status.liquid_level, status.water_level),
            (Some(80), Some(2))
        );
        assert_eq!(status.concentration(), Some(10));
        assert_eq!(status.latest_spraying_duration, Some(45));
        // The Patio sends `latestSprayingEnd` in milliseconds: 50 hours before
        // the simulator started, not some date in the year 50000.
        let end = status.latest_spraying_end.unwrap();
        let hours = moogo::Timestamp::now().duration_since(end).as_hours();
        assert!((49..24 * 365).contains(&hours), "{end}");
        // The Backyard sends seconds, for a spray that ended 24 hours later.
        let backyard = shared.client.device(BACKYARD).status().await.unwrap();
        let apart = backyard.latest_spraying_end.unwrap().duration_since(end);
        assert!((apart.as_secs() - 24 * 3600).abs() <= 1, "{apart:?}");
    }
    shared.assert_one_login().await;
}

#[tokio::test]
async fn an_offline_device_reports_its_status() {
    let shared = Shared::new().await;
    if shared.is_real() {
        eprintln!("integration: skipped on the real service: no known offline device");
        return;
    }
    let status = shared.client.device(GARAGE).status().await.unwrap();
    assert!(!status.is_online());
    assert_eq!(status.device_model, None);
    assert_eq!(status.temperature, Some(15.5));
    shared.assert_one_login().await;
}

#[tokio::test]
async fn renames_a_device_and_drops_the_cached_list() {
    let shared = Shared::new().await;
    let device_id = shared.device_id(GARAGE).await;
    let device = shared.client.device(&device_id);
    let before = device.status().await.unwrap();
    let original = before.device_name.clone().unwrap_or_default();
    // On the real service the name is written back unchanged.
    let new_name = if shared.is_real() {
        original.clone()
    } else {
        "Garage (renamed)".to_string()
    };
    assert!(
        shared.client.devices().await.is_ok(),
        "fills the list cache"
    );
    let update = DeviceUpdate {
        device_name: Some(new_name.clone()),
        ..DeviceUpdate::default()
    };
    device.update(&update).await.unwrap();
    let listed = shared.client.devices().await.unwrap();
    let entry = listed.iter().find(|d| d.device_id == device_id).unwrap();
    assert_eq!(entry.device_name.as_deref(), Some(new_name.as_str()));
    assert_eq!(
        device.status().await.unwrap().device_name.as_deref(),
        Some(new_name.as_str())
    );
    if !shared.is_real() {
        let mix = DeviceUpdate {
            mix_ratio: Some(12),
            ..DeviceUpdate::default()
        };
        device.update(&mix).await.unwrap();
        assert_eq!(device.status().await.unwrap().mix_ratio, Some(12));
        let restore = DeviceUpdate {
            device_name: Some(original),
            mix_ratio: before.mix_ratio,
        };
        device.update(&restore).await.unwrap();
    }
    shared.assert_one_login().await;
}

#[tokio::test(start_paused = true)]
async fn reads_are_cached_and_a_fresh_view_or_a_command_refetches() {
    if support::skip_on_real_service("counting requests") {
        return;
    }
    let own = OwnSim::instant().await;
    let client = own.client();
    let device = client.device(BACKYARD);
    let status_route = "GET v1/devices/{deviceId}";

    device.status().await.unwrap();
    device.status().await.unwrap();
    assert_eq!(own.route(status_route), 1, "the status is cached 30 s");
    client.fresh().device(BACKYARD).status().await.unwrap();
    assert_eq!(own.route(status_route), 2, "a fresh view skips the cache");
    device.status().await.unwrap();
    assert_eq!(own.route(status_route), 2, "and refills it");
    support::settle(Duration::from_secs(30)).await;
    device.status().await.unwrap();
    assert_eq!(own.route(status_route), 3, "the status expires after 30 s");

    device.start().await.unwrap();
    assert!(
        device.status().await.unwrap().is_spraying(),
        "a command drops the status"
    );
    assert_eq!(own.route(status_route), 4);

    client.devices().await.unwrap();
    support::settle(Duration::from_secs(299)).await;
    client.devices().await.unwrap();
    assert_eq!(own.route("GET v1/devices"), 1, "the list is cached 5 min");
    support::settle(Duration::from_secs(1)).await;
    client.devices().await.unwrap();
    assert_eq!(own.route("GET v1/devices"), 2);

    let uncached = own.builder().cache(false).build().unwrap();
    uncached.devices().await.unwrap();
    uncached.devices().await.unwrap();
    assert_eq!(own.route("GET v1/devices"), 4, "caching can be turned off");
    assert_eq!(own.stats().logins, 1);
}

#[tokio::test(start_paused = true)]
async fn an_offline_device_is_retried_then_reported() {
    if support::skip_on_real_service("an offline device") {
        return;
    }
    let own = OwnSim::instant().await;
    let device = own.client().device(GARAGE);
    let started = tokio::time::Instant::now();
    let err = device.start().await.unwrap_err();
    let waited = started.elapsed();
    assert!(
        matches!(&err, Error::DeviceOffline { device_id, .. } if device_id == GARAGE),
        "{err:?}"
    );
    assert!(err.is_device_error() && !err.is_transient());
    assert_eq!(
        err.to_string(),
        format!("device `{GARAGE}` is offline (device is offline)")
    );
    // Five attempts with backoff from 2 s: 2 + 4 + 8 + 16 s, plus up to 1 s of jitter each.
    assert_eq!(own.route("POST v1/devices/{deviceId}/start"), 5);
    assert!(
        (Duration::from_secs(30)..=Duration::from_secs(34)).contains(&waited),
        "{waited:?}"
    );

    // A client with a policy of its own gives up sooner; reads still work offline.
    let impatient = own
        .builder()
        .spray_retry_policy(RetryPolicy::never())
        .build()
        .unwrap();
    let err = impatient.device(GARAGE).stop().await.unwrap_err();
    assert!(err.is_device_error(), "{err:?}");
    assert_eq!(own.route("POST v1/devices/{deviceId}/stop"), 1);
    assert!(!impatient.device(GARAGE).status().await.unwrap().is_online());
}

#[tokio::test]
async fn an_unknown_device_is_not_found_and_a_bad_id_is_never_sent() {
    let shared = Shared::new().await;
    let err = shared
        .client
        .device("no-such-device")
        .status()
        .await
        .unwrap_err();
    assert!(
        matches!(&err, Error::NotFound { path, .. } if path == "v1/devices/no-such-device"),
        "{err:?}"
    );
    for bad in ["", "a/b", "../v1", "a b", "d?x=1"] {
        let err = shared.client.device(bad).status().await.unwrap_err();
        assert!(
            matches!(
                err,
                Error::InvalidInput {
                    field: "device id",
                    ..
                }
            ),
            "{err:?}"
        );
    }
    shared.assert_one_login().await;
}
