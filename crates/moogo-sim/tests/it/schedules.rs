//! Schedules: CRUD, enable and disable, skip, switch, and firing on the simulated clock.

use std::time::Duration;

use jiff::tz::TimeZone;
use serde_json::{Value, json};

use crate::support::{self, BACKYARD, Sim};

const MINUTE: Duration = Duration::from_secs(60);

fn path(rest: &str) -> String {
    format!("v1/devices/{BACKYARD}/schedules{rest}")
}

/// Creates a Backyard schedule that fires one to two minutes from now, every day.
async fn schedule_soon(sim: &Sim, duration: u64) -> String {
    let zone = TimeZone::get("America/Los_Angeles").unwrap();
    let soon = sim
        .handle
        .now()
        .saturating_add(2 * MINUTE)
        .unwrap()
        .to_zoned(zone);
    let body = json!({"hour": soon.hour(), "minute": soon.minute(), "duration": duration});
    let answer = sim.post(&path(""), body).await;
    answer.ok()["id"].as_str().unwrap().to_owned()
}

#[tokio::test]
async fn schedules_can_be_created_read_updated_and_deleted() {
    let sim = support::logged_in().await;
    let listed = sim.get(&path("")).await;
    let ids: Vec<_> = listed.ok()["items"]
        .as_array()
        .unwrap()
        .iter()
        .map(|s| s["id"].as_str().unwrap())
        .collect();
    assert_eq!(ids, ["s-1001", "s-1002"]);

    let created = sim
        .post(&path(""), json!({"hour": 7, "minute": 15, "duration": 90}))
        .await;
    let id = created.ok()["id"].as_str().unwrap().to_owned();
    let expected = json!({"id": id, "hour": 7, "minute": 15, "duration": 90, "repeatSet": "0,1,2,3,4,5,6", "status": 1});
    assert_eq!(created.data(), &expected);
    assert_eq!(sim.get(&path(&format!("/{id}"))).await.ok(), &expected);

    sim.put(
        &path(&format!("/{id}")),
        json!({"minute": 45, "repeatSet": "6,0"}),
    )
    .await
    .ok();
    let updated = sim.get(&path(&format!("/{id}"))).await;
    assert_eq!(
        (
            updated.ok()["minute"].as_i64(),
            updated.ok()["repeatSet"].as_str()
        ),
        (Some(45), Some("0,6"))
    );

    sim.put(&path(&format!("/{id}/disable")), json!({}))
        .await
        .ok();
    assert_eq!(sim.get(&path(&format!("/{id}"))).await.ok()["status"], 0);
    sim.put(&path(&format!("/{id}/enable")), json!({}))
        .await
        .ok();
    assert_eq!(sim.get(&path(&format!("/{id}"))).await.ok()["status"], 1);

    sim.send(reqwest::Method::DELETE, &path(&format!("/{id}")), None)
        .await
        .ok();
    assert_eq!(
        sim.get(&path(&format!("/{id}"))).await.error(404),
        "schedule not found"
    );
    sim.put(&path("/s-9999/enable"), json!({})).await.error(404);
}

#[tokio::test]
async fn switch_open_and_close_enable_and_disable_every_schedule() {
    let sim = support::logged_in().await;
    let statuses = || async {
        let answer = sim.get(&path("")).await;
        answer.ok()["items"]
            .as_array()
            .unwrap()
            .iter()
            .map(|s| s["status"].as_i64().unwrap())
            .collect::<Vec<_>>()
    };
    assert_eq!(statuses().await, [0, 0]);
    sim.put(&path("/switch/open"), json!({})).await.ok();
    assert_eq!(statuses().await, [1, 1]);
    sim.put(&path("/switch/close"), json!({})).await.ok();
    assert_eq!(statuses().await, [0, 0]);
}

#[tokio::test]
async fn an_enabled_schedule_fires_for_its_duration() {
    let sim = support::logged_in().await;
    let id = schedule_soon(&sim, 300).await;
    assert_eq!(sim.run_status(BACKYARD).await, 0);
    sim.handle.advance_clock(3 * MINUTE);
    assert_eq!(sim.run_status(BACKYARD).await, 1);
    sim.handle.advance_clock(5 * MINUTE);
    let answer = sim.get(&format!("v1/devices/{BACKYARD}")).await;
    assert_eq!(
        (
            answer.ok()["runStatus"].as_i64(),
            answer.ok()["latestSprayingDuration"].as_i64()
        ),
        (Some(0), Some(300))
    );
    let events = sim.events(BACKYARD).await;
    assert_eq!(
        events[..2],
        [
            "spray_stopped sprayed for 300 s".to_owned(),
            format!("spray_started schedule {id}")
        ]
    );
}

#[tokio::test]
async fn skip_cancels_only_the_next_occurrence() {
    let sim = support::logged_in().await;
    let id = schedule_soon(&sim, 60).await;
    sim.put(&path(&format!("/{id}/skip")), json!({})).await.ok();
    sim.handle.advance_clock(3 * MINUTE);
    assert_eq!(sim.run_status(BACKYARD).await, 0);
    assert_eq!(
        sim.events(BACKYARD).await[0],
        format!("schedule_skipped schedule {id} skipped once")
    );
    // The following days fire again.
    sim.handle.advance_clock(Duration::from_secs(2 * 24 * 3600));
    let fired = sim
        .events(BACKYARD)
        .await
        .iter()
        .filter(|e| **e == format!("spray_started schedule {id}"))
        .count();
    assert_eq!(fired, 2);
}

#[tokio::test]
async fn a_disabled_schedule_does_not_fire() {
    let sim = support::logged_in().await;
    let id = schedule_soon(&sim, 60).await;
    sim.put(&path(&format!("/{id}/disable")), json!({}))
        .await
        .ok();
    sim.handle.advance_clock(3 * MINUTE);
    assert_eq!(sim.run_status(BACKYARD).await, 0);
}

#[tokio::test]
async fn invalid_schedules_are_refused_with_the_field_named() {
    let sim = support::logged_in().await;
    let check = |body: Value, expected: &'static str| {
        let sim = &sim;
        async move { assert_eq!(sim.post(&path(""), body).await.error(400), expected) }
    };
    check(
        json!({"hour": 24, "minute": 0, "duration": 60}),
        "`hour` must be an integer from 0 to 23, got 24",
    )
    .await;
    check(
        json!({"hour": 1, "minute": 60, "duration": 60}),
        "`minute` must be an integer from 0 to 59, got 60",
    )
    .await;
    check(
        json!({"hour": 1, "minute": 0}),
        "`duration` is required: an integer from 1 to 3600",
    )
    .await;
    check(
        json!({"hour": 1, "minute": 0, "duration": 3601}),
        "`duration` must be an integer from 1 to 3600, got 3601",
    )
    .await;
    check(
        json!({"hour": 1, "minute": 0, "duration": 60, "repeatSet": "1,7"}),
        "`repeatSet`: `7` is not a weekday: use 0 (Sunday) to 6 (Saturday), comma-separated, e.g. \"1,2,3,4,5\"",
    )
    .await;
    check(
        json!({"hour": "7", "minute": 0, "duration": 60}),
        "`hour` must be an integer from 0 to 23, got a string",
    )
    .await;
    assert_eq!(
        sim.put(&path("/s-1001"), json!({"status": 2}))
            .await
            .error(400),
        "`status` must be an integer from 0 to 1, got 2"
    );
}
