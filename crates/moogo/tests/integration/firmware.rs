//! Firmware: checking for an update and installing it.

use moogo::{Error, LogQuery};

use crate::support::{self, BACKYARD, GARAGE, OwnSim, PATIO, Shared};

#[tokio::test]
async fn checks_for_a_firmware_update() {
    let shared = Shared::new().await;
    let device_id = shared.device_id(BACKYARD).await;
    let info = shared.client.device(&device_id).ota_check().await.unwrap();
    if shared.is_real() {
        assert!(!info.available || info.version.is_some(), "{info:?}");
        shared.assert_one_login().await;
        return;
    }
    assert!(info.available);
    assert_eq!(info.version.as_deref(), Some("1.5.0"));
    assert_eq!(
        info.url.as_deref(),
        Some("https://firmware.example.com/mg-s1/1.5.0.bin")
    );
    assert_eq!(info.extra["currentVersion"], "1.4.2");
    let current = shared.client.device(PATIO).ota_check().await.unwrap();
    assert!(!current.available);
    assert_eq!(current.version.as_deref(), Some("1.5.0"));
    shared.assert_one_login().await;
}

#[tokio::test(start_paused = true)]
async fn installs_a_firmware_update_once() {
    if support::skip_on_real_service("a firmware update") {
        return;
    }
    let own = OwnSim::instant().await;
    let client = own.client();
    let device = client.device(BACKYARD);
    device.ota_update().await.unwrap();
    assert!(!device.ota_check().await.unwrap().available);
    assert_eq!(
        device.status().await.unwrap().firmware.as_deref(),
        Some("1.5.0")
    );
    let log = device
        .logs(&LogQuery::new().with_page_size(1))
        .await
        .unwrap();
    assert_eq!(log.items[0].event.as_deref(), Some("firmware_updated"));

    let err = client.device(GARAGE).ota_update().await.unwrap_err();
    assert!(err.is_device_error(), "{err:?}");
    assert!(matches!(err, Error::DeviceOffline { .. }));
    assert_eq!(
        own.route("POST v1/devices/{deviceId}/otaUpdate"),
        2,
        "never retried"
    );
}
