//! Schedules: create, read, update, delete, enable, disable, skip, switch
//! open and close, input checks, and schedules firing on the simulated clock.

use std::collections::BTreeSet;
use std::time::Duration;

use jiff::tz::TimeZone;
use moogo::{Client, Error, LogQuery, ScheduleCreate, ScheduleUpdate};

use crate::support::{self, BACKYARD, OwnSim, PATIO, Shared};

/// Creates `schedule` and returns its id, from the service's answer when it
/// holds the new schedule (the simulator's always does), otherwise found by
/// listing afterwards (the real service's answer is not specified).
async fn create(client: &Client, device_id: &str, schedule: &ScheduleCreate) -> String {
    let schedules = client.device(device_id).schedules();
    let before = ids(&schedules).await;
    let created = schedules.create(schedule).await.unwrap();
    let after = ids(&schedules).await;
    let new: Vec<&String> = after.difference(&before).collect();
    assert_eq!(new.len(), 1, "one new schedule: {new:?}");
    match created {
        Some(created) => {
            assert_eq!(&created.id, new[0], "the answer is the new schedule");
            assert_eq!(created, schedules.get(&created.id).await.unwrap());
            created.id
        }
        None => {
            assert!(
                support::target().is_real(),
                "the simulator answers with the new schedule"
            );
            new[0].clone()
        }
    }
}

/// The ids of a device's schedules.
async fn ids(schedules: &moogo::Schedules) -> BTreeSet<String> {
    schedules
        .list()
        .await
        .unwrap()
        .into_iter()
        .map(|s| s.id)
        .collect()
}

#[tokio::test]
async fn creates_reads_updates_switches_skips_and_deletes_a_schedule() {
    let shared = Shared::new().await;
    let device_id = shared.device_id(PATIO).await;
    let schedules = shared.client.device(&device_id).schedules();
    // Created disabled; while it is briefly enabled below, it runs only on a
    // day that is neither yesterday, today nor tomorrow in any time zone, so
    // it never sprays a real device.
    let today = jiff::Timestamp::now()
        .to_zoned(jiff::tz::TimeZone::UTC)
        .weekday();
    let far_day = u8::try_from((today.to_sunday_zero_offset() + 3) % 7).unwrap();
    let new = ScheduleCreate::new(5, 45, 60)
        .with_weekdays([5, 1, 3])
        .with_enabled(false);
    let id = create(&shared.client, &device_id, &new).await;

    let created = schedules.get(&id).await.unwrap();
    assert_eq!(
        (created.hour, created.minute, created.duration),
        (Some(5), Some(45), Some(60))
    );
    assert_eq!(created.repeat_set.as_deref(), Some("1,3,5"));
    assert_eq!(created.weekdays(), [1, 3, 5]);
    assert!(!created.is_enabled());

    let update = ScheduleUpdate::new()
        .with_hour(6)
        .with_minute(15)
        .with_duration_secs(90)
        .with_weekdays([far_day]);
    schedules.update(&id, &update).await.unwrap();
    let updated = schedules.get(&id).await.unwrap();
    assert_eq!(
        (
            updated.hour,
            updated.minute,
            updated.duration,
            updated.weekdays()
        ),
        (Some(6), Some(15), Some(90), vec![far_day])
    );
    assert!(!updated.is_enabled(), "untouched fields stay");

    schedules.enable(&id).await.unwrap();
    assert!(schedules.get(&id).await.unwrap().is_enabled());
    schedules.skip_next(&id).await.unwrap();
    schedules.disable(&id).await.unwrap();
    assert!(!schedules.get(&id).await.unwrap().is_enabled());

    schedules.delete(&id).await.unwrap();
    let err = schedules.get(&id).await.unwrap_err();
    assert!(matches!(err, Error::NotFound { .. }), "{err:?}");
    assert!(schedules.list().await.unwrap().iter().all(|s| s.id != id));
    let err = schedules.delete(&id).await.unwrap_err();
    assert!(matches!(err, Error::NotFound { .. }), "{err:?}");
    shared.assert_one_login().await;
}

#[tokio::test(start_paused = true)]
async fn switch_open_and_close_enable_and_disable_every_schedule() {
    if support::skip_on_real_service("switching every schedule") {
        return;
    }
    let own = OwnSim::instant().await;
    let schedules = own.client().device(BACKYARD).schedules();
    let states = || async {
        let list = schedules.list().await.unwrap();
        list.iter().map(|s| s.is_enabled()).collect::<Vec<_>>()
    };
    assert_eq!(states().await, [false, false]);
    schedules.enable_all().await.unwrap();
    assert_eq!(states().await, [true, true]);
    schedules.disable_all().await.unwrap();
    assert_eq!(states().await, [false, false]);
    assert_eq!(
        (
            own.route("PUT v1/devices/{deviceId}/schedules/switch/open"),
            own.route("PUT v1/devices/{deviceId}/schedules/switch/close")
        ),
        (1, 1)
    );
}

#[tokio::test(start_paused = true)]
async fn invalid_schedules_never_reach_the_service() {
    if support::skip_on_real_service("counting requests") {
        return;
    }
    let own = OwnSim::instant().await;
    let schedules = own.client().device(BACKYARD).schedules();
    let mut messages = Vec::new();
    for bad in [
        ScheduleCreate::new(24, 0, 60),
        ScheduleCreate::new(0, 60, 60),
        ScheduleCreate::new(0, 0, 0),
        ScheduleCreate::new(0, 0, 3601),
        ScheduleCreate::new(0, 0, 60).with_weekdays([7]),
        ScheduleCreate::new(0, 0, 60).with_weekdays([]),
    ] {
        let err = schedules.create(&bad).await.unwrap_err();
        assert!(matches!(err, Error::InvalidInput { .. }), "{err:?}");
        messages.push(err.to_string());
    }
    for bad in [
        ScheduleUpdate::new().with_hour(24),
        ScheduleUpdate::new().with_minute(99),
        ScheduleUpdate::new().with_duration_secs(0),
        ScheduleUpdate::new().with_weekdays([9]),
    ] {
        let err = schedules.update("s-1001", &bad).await.unwrap_err();
        assert!(matches!(err, Error::InvalidInput { .. }), "{err:?}");
    }
    for bad_id in ["", "../s-1001", "s 1"] {
        let err = schedules.get(bad_id).await.unwrap_err();
        assert!(
            matches!(
                err,
                Error::InvalidInput {
                    field: "schedule id",
                    ..
                }
            ),
            "{err:?}"
        );
    }
    insta::assert_snapshot!(messages.join("\n"));
    assert_eq!(own.stats().requests, 0);
}

/// The next whole minute at least `lead` ahead of the simulator's time, in the
/// Backyard's time zone, and how far ahead it is.
fn minute_ahead(own: &OwnSim, lead: Duration) -> (u8, u8, Duration) {
    let now = own.sim.now();
    let zone = TimeZone::get("America/Los_Angeles").unwrap();
    let soon = now
        .checked_add(jiff::SignedDuration::try_from(lead).unwrap())
        .unwrap()
        .to_zoned(zone);
    let at = soon.with().second(0).subsec_nanosecond(0).build().unwrap();
    let ahead = Duration::try_from(at.timestamp().duration_since(now)).unwrap();
    (soon.hour() as u8, soon.minute() as u8, ahead)
}

#[tokio::test(start_paused = true)]
async fn an_enabled_schedule_fires_on_the_simulated_clock_for_its_duration() {
    if support::skip_on_real_service("moving the clock") {
        return;
    }
    let own = OwnSim::instant().await;
    let client = own.client();
    let (hour, minute, ahead) = minute_ahead(&own, Duration::from_secs(600));
    let id = create(&client, BACKYARD, &ScheduleCreate::new(hour, minute, 120)).await;
    let spraying = || async { client.fresh().device(BACKYARD).status().await.unwrap() };

    own.sim.advance_clock(ahead - Duration::from_secs(1));
    assert!(!spraying().await.is_spraying());
    own.sim.advance_clock(Duration::from_secs(2));
    assert!(spraying().await.is_spraying());
    let log = client
        .device(BACKYARD)
        .logs(&LogQuery::new().with_page_size(1))
        .await
        .unwrap();
    assert_eq!(log.items[0].event.as_deref(), Some("spray_started"));
    assert_eq!(log.items[0].details, Some(format!("schedule {id}").into()));

    own.sim.advance_clock(Duration::from_secs(119));
    let status = spraying().await;
    assert!(!status.is_spraying());
    assert_eq!(status.latest_spraying_duration, Some(120));
    assert_eq!(own.stats().logins, 1, "the session outlived the jump");
}

#[tokio::test(start_paused = true)]
async fn skip_cancels_only_the_next_occurrence() {
    if support::skip_on_real_service("moving the clock") {
        return;
    }
    let own = OwnSim::instant().await;
    let client = own.client();
    let (hour, minute, ahead) = minute_ahead(&own, Duration::from_secs(600));
    let id = create(&client, BACKYARD, &ScheduleCreate::new(hour, minute, 60)).await;
    client
        .device(BACKYARD)
        .schedules()
        .skip_next(&id)
        .await
        .unwrap();
    let spraying = || async {
        client
            .fresh()
            .device(BACKYARD)
            .status()
            .await
            .unwrap()
            .is_spraying()
    };

    own.sim.advance_clock(ahead + Duration::from_secs(1));
    assert!(!spraying().await, "skipped");
    let log = client
        .device(BACKYARD)
        .logs(&LogQuery::new().with_page_size(1))
        .await
        .unwrap();
    assert_eq!(log.items[0].event.as_deref(), Some("schedule_skipped"));

    own.sim.advance_clock(Duration::from_secs(24 * 3600));
    assert!(spraying().await, "the next day's occurrence fires");
}

#[tokio::test(start_paused = true)]
async fn schedules_follow_the_devices_time_zone() {
    if support::skip_on_real_service("moving the clock") {
        return;
    }
    let own = OwnSim::instant().await;
    let client = own.client();
    let (hour, minute, ahead) = minute_ahead(&own, Duration::from_secs(600));
    create(&client, BACKYARD, &ScheduleCreate::new(hour, minute, 60)).await;
    // The same wall-clock time in New York came three hours earlier.
    let device = client.device(BACKYARD);
    let to_new_york = moogo::ConfigUpdate::new().with_time_zone("America/New_York");
    device.update_config(&to_new_york).await.unwrap();
    let spraying = || async {
        client
            .fresh()
            .device(BACKYARD)
            .status()
            .await
            .unwrap()
            .is_spraying()
    };

    own.sim.advance_clock(ahead + Duration::from_secs(1));
    assert!(!spraying().await, "not at the Los Angeles time");
    let next_new_york = ahead + Duration::from_secs(21 * 3600);
    own.sim
        .advance_clock(next_new_york - ahead - Duration::from_secs(2));
    assert!(!spraying().await);
    own.sim.advance_clock(Duration::from_secs(2));
    assert!(spraying().await, "at the New York time the next day");
}
