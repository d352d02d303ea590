//! Spraying: start and stop that wait for the device through its 3-5 s
//! transition, timed sprays, and the confirmation timeout.
//!
//! On the simulator each test has its own, on a paused clock; on the real
//! service they run only with `MOOGO_ALLOW_SPRAY=1`.

use std::time::Duration;

use moogo::{Client, Error, LogQuery};
use moogo_sim::SimConfig;
use tokio::time::Instant;

use crate::support::{self, BACKYARD, OwnSim, Shared};

/// The real service's client and device, when spraying it is allowed.
async fn real_sprayer() -> Option<(Client, String)> {
    let shared = Shared::new().await;
    if !shared.target().allow_spray() {
        eprintln!("integration: skipped on the real service: spraying needs MOOGO_ALLOW_SPRAY=1");
        return None;
    }
    let device_id = shared.device_id(BACKYARD).await;
    Some((shared.client, device_id))
}

#[tokio::test(start_paused = true)]
async fn start_and_stop_spray_wait_for_the_device_to_confirm() {
    if support::target().is_real() {
        support::in_real_time(async {
            if let Some((client, device_id)) = real_sprayer().await {
                let device = client.device(&device_id);
                assert!(device.start_spray().await.unwrap().is_spraying());
                assert!(!device.stop_spray().await.unwrap().is_spraying());
            }
        });
        return;
    }
    // The default simulator: transitions take 3 to 5 s.
    let own = OwnSim::start().await;
    let device = own.client().device(BACKYARD);

    let started = Instant::now();
    let status = device.start_spray().await.unwrap();
    let waited = started.elapsed();
    assert!(status.is_spraying());
    assert!(
        (Duration::from_secs(3)..=Duration::from_secs(6)).contains(&waited),
        "confirmed within a poll interval of the transition: {waited:?}"
    );
    let polls = own.route("GET v1/devices/{deviceId}");
    assert!((3..=6).contains(&polls), "one poll a second: {polls}");

    support::settle(Duration::from_secs(20)).await;
    let started = Instant::now();
    let status = device.stop_spray().await.unwrap();
    assert!(!status.is_spraying());
    assert!(started.elapsed() >= Duration::from_secs(3));
    // The spray lasted the 20 s plus the stop's transition (3 to 5 s) and
    // less the start's poll lag (at most 1 s).
    let duration = status.latest_spraying_duration.unwrap();
    assert!((22..=25).contains(&duration), "{duration}");
    let end = status.latest_spraying_end.unwrap();
    assert!(end <= own.sim.now() && own.sim.now().duration_since(end).as_secs() <= 1);

    let log = device
        .logs(&LogQuery::new().with_page_size(2))
        .await
        .unwrap();
    let events: Vec<&str> = log
        .items
        .iter()
        .filter_map(|e| e.event.as_deref())
        .collect();
    assert_eq!(events, ["spray_stopped", "spray_started"]);
    assert_eq!(
        (
            own.route("POST v1/devices/{deviceId}/start"),
            own.route("POST v1/devices/{deviceId}/stop")
        ),
        (1, 1)
    );
}

#[tokio::test(start_paused = true)]
async fn spray_for_starts_waits_and_stops() {
    if support::target().is_real() {
        support::in_real_time(async {
            if let Some((client, device_id)) = real_sprayer().await {
                let status = client
                    .device(&device_id)
                    .spray_for(Duration::from_secs(5))
                    .await;
                assert!(!status.unwrap().is_spraying());
            }
        });
        return;
    }
    let own = OwnSim::start().await;
    let device = own.client().device(BACKYARD);
    let started = Instant::now();
    let status = device.spray_for(Duration::from_secs(30)).await.unwrap();
    let waited = started.elapsed();
    assert!(!status.is_spraying());
    // Two transitions of 3 to 5 s, each confirmed by a poll a second, around the 30 s.
    assert!(
        (Duration::from_secs(36)..=Duration::from_secs(42)).contains(&waited),
        "{waited:?}"
    );
    let duration = status.latest_spraying_duration.unwrap();
    assert!((32..=36).contains(&duration), "{duration}");
    assert!(!device.status().await.unwrap().is_spraying());
}

#[tokio::test(start_paused = true)]
async fn start_and_stop_are_acknowledged_before_the_device_changes() {
    if support::skip_on_real_service("watching a transition") {
        return;
    }
    let own = OwnSim::with_config(
        SimConfig::default().with_transition_delay(Duration::from_secs(4), Duration::from_secs(4)),
    )
    .await;
    let client = own.client();
    let device = client.device(BACKYARD);
    device.start().await.unwrap();
    assert!(!spraying_now(&client, BACKYARD).await);
    support::settle(Duration::from_secs(4)).await;
    assert!(spraying_now(&client, BACKYARD).await);
    device.stop().await.unwrap();
    support::settle(Duration::from_millis(3999)).await;
    assert!(spraying_now(&client, BACKYARD).await);
    support::settle(Duration::from_millis(1)).await;
    assert!(!spraying_now(&client, BACKYARD).await);
}

#[tokio::test(start_paused = true)]
async fn a_device_that_does_not_confirm_times_out() {
    if support::skip_on_real_service("a slow device") {
        return;
    }
    let slow = Duration::from_secs(20);
    let own = OwnSim::with_config(SimConfig::default().with_transition_delay(slow, slow)).await;
    let client = own
        .builder()
        .confirmation_timeout(Duration::from_secs(10))
        .poll_interval(Duration::from_millis(500))
        .build()
        .unwrap();
    let started = Instant::now();
    let err = client.device(BACKYARD).start_spray().await.unwrap_err();
    assert!(
        matches!(&err, Error::ConfirmationTimeout { expected: "spraying", waited, .. } if *waited == Duration::from_secs(10)),
        "{err:?}"
    );
    assert_eq!(started.elapsed(), Duration::from_secs(10));
    assert_eq!(
        err.to_string(),
        format!(
            "device `{BACKYARD}` did not confirm spraying within 10s; it may still change, check its status"
        )
    );
    // Polled every 0.5 s.
    assert_eq!(own.route("GET v1/devices/{deviceId}"), 20);

    // spray_for stops a start it could not confirm.
    let err = client
        .device(BACKYARD)
        .spray_for(Duration::from_secs(5))
        .await
        .unwrap_err();
    assert!(matches!(err, Error::ConfirmationTimeout { .. }), "{err:?}");
    assert_eq!(own.route("POST v1/devices/{deviceId}/stop"), 1);
}

#[tokio::test(start_paused = true)]
async fn a_cancelled_timed_spray_still_stops_the_device() {
    if support::skip_on_real_service("cancelling a spray") {
        return;
    }
    let own = OwnSim::start().await;
    let client = own.client();
    let device = client.device(BACKYARD);
    let spray = device.spray_for(Duration::from_secs(60));
    let cancelled = tokio::time::timeout(Duration::from_secs(15), spray).await;
    assert!(cancelled.is_err(), "cancelled mid-spray");
    assert!(spraying_now(&client, BACKYARD).await);
    // The stop is sent from a task of its own; the device obeys after its transition.
    support::settle(Duration::from_secs(6)).await;
    assert_eq!(own.route("POST v1/devices/{deviceId}/stop"), 1);
    assert!(!spraying_now(&client, BACKYARD).await);
}

#[tokio::test(start_paused = true)]
async fn a_timed_spray_on_an_offline_device_fails_without_a_stop() {
    if support::skip_on_real_service("an offline device") {
        return;
    }
    let own = OwnSim::instant().await;
    let err = own
        .client()
        .device(support::GARAGE)
        .spray_for(Duration::from_secs(10))
        .await
        .unwrap_err();
    assert!(err.is_device_error(), "{err:?}");
    assert_eq!(
        (
            own.route("POST v1/devices/{deviceId}/start"),
            own.route("POST v1/devices/{deviceId}/stop")
        ),
        (5, 0)
    );
    for bad in [
        Duration::ZERO,
        Duration::from_millis(1500),
        Duration::from_secs(3601),
    ] {
        let err = own
            .client()
            .device(BACKYARD)
            .spray_for(bad)
            .await
            .unwrap_err();
        assert!(
            matches!(
                err,
                Error::InvalidInput {
                    field: "duration",
                    ..
                }
            ),
            "{err:?}"
        );
    }
    assert_eq!(own.route("POST v1/devices/{deviceId}/start"), 5);
}

/// Whether the service says `device` is spraying now, bypassing the client's status cache.
async fn spraying_now(client: &Client, device: &str) -> bool {
    client
        .fresh()
        .device(device)
        .status()
        .await
        .unwrap()
        .is_spraying()
}
