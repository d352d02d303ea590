//! Properties of the public API itself.

use std::time::Duration;

fn assert_send<T: Send>(_: &T) {}
fn assert_send_sync<T: Send + Sync + Clone + 'static>() {}

#[test]
fn clients_and_their_futures_can_move_between_threads() {
    assert_send_sync::<moogo::Client>();
    assert_send_sync::<moogo::DeviceHandle>();
    assert_send_sync::<moogo::Schedules>();
    assert_send_sync::<moogo::Session>();
    let client = moogo::Client::builder().build().unwrap();
    let device = client.device("d1");
    assert_send(&client.login());
    assert_send(&client.devices());
    assert_send(&device.status());
    assert_send(&device.start_spray());
    assert_send(&device.spray_for(Duration::from_secs(1)));
    assert_send(&device.schedules().list());
}

#[test]
fn the_default_client_targets_production_with_a_30_second_timeout() {
    let client = moogo::Client::builder().build().unwrap();
    assert_eq!(client.base_url().as_str(), "https://api.moogo.com/");
    assert_eq!(moogo::DEFAULT_TIMEOUT, Duration::from_secs(30));
    assert_eq!(moogo::DEFAULT_CONFIRMATION_TIMEOUT, Duration::from_secs(10));
    assert_eq!(moogo::MIN_POLL_INTERVAL, Duration::from_millis(500));
}

#[test]
fn bad_base_urls_are_reported_at_build() {
    let err = moogo::Client::builder()
        .base_url("api.moogo.com")
        .build()
        .unwrap_err();
    insta::assert_snapshot!(err.to_string(), @"invalid client configuration: base URL `api.moogo.com` is not a URL (relative URL without a base); give one such as `https://api.moogo.com`");
}
