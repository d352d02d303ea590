//! A smoke test against the in-process simulator, an independent
//! implementation of the protocol: catches misreadings the mock tests share.

use std::time::Duration;

use moogo::Error;
use moogo_sim::{DEMO_EMAIL, DEMO_PASSWORD, SimConfig};

use crate::support;

#[tokio::test(start_paused = true)]
async fn the_client_speaks_the_simulators_protocol() {
    let sim = moogo_sim::spawn(SimConfig::default()).await.unwrap();
    let dir = tempfile::tempdir().unwrap();
    let builder = || {
        moogo::Client::builder()
            .base_url(sim.base_url())
            .http_client(support::http())
            .no_timeout()
            .clock(moogo::TokioClock::default())
            .credentials(DEMO_EMAIL, DEMO_PASSWORD)
            .session_file(dir.path().join("session.json"))
    };
    let client = builder().build().unwrap();

    let devices = client.devices().await.unwrap();
    assert_eq!(devices.len(), 3);
    let online = devices.iter().find(|d| d.is_online()).unwrap();
    let offline = devices.iter().find(|d| !d.is_online()).unwrap();

    let device = client.device(&online.device_id);
    let status = device.status().await.unwrap();
    assert_eq!(status.device_id, online.device_id);
    assert!(device.start_spray().await.unwrap().is_spraying());
    assert!(!device.stop_spray().await.unwrap().is_spraying());
    device.schedules().list().await.unwrap();
    device.config().await.unwrap();
    assert!(!client.liquids().await.unwrap().is_empty());

    let err = client.device(&offline.device_id).start().await.unwrap_err();
    assert!(matches!(err, Error::DeviceOffline { .. }), "{err:?}");

    // A second client reuses the stored session.
    builder().build().unwrap().fresh().devices().await.unwrap();
    assert_eq!(sim.stats().logins, 1);

    // The simulator's lockout stops the client for good.
    let locked = moogo::Client::builder()
        .base_url(sim.base_url())
        .http_client(support::http())
        .no_timeout()
        .credentials(DEMO_EMAIL, "wrong-password")
        .state_dir(dir.path().join("other"))
        .build()
        .unwrap();
    let first = locked.login().await.unwrap_err();
    assert!(
        matches!(
            first,
            Error::InvalidCredentials { .. } | Error::RateLimited { .. }
        ),
        "{first:?}"
    );
    let requests = sim.stats().requests;
    let _ = locked.login().await;
    assert_eq!(sim.stats().requests, requests, "no second failed login");
    tokio::time::sleep(Duration::from_millis(1)).await;
    sim.shutdown().await;
}
