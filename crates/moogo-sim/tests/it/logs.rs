//! Logs: pagination and date filters.

use serde_json::json;

use crate::support::{self, BACKYARD};

#[tokio::test]
async fn logs_are_paginated_newest_first() {
    let sim = support::logged_in().await;
    let page = |query: &'static str| {
        let sim = &sim;
        async move { sim.get(&format!("v1/devices/{BACKYARD}/logs{query}")).await }
    };
    let first = page("?page=1&pageSize=2").await;
    let data = first.ok();
    assert_eq!(
        (
            data["total"].as_i64(),
            data["page"].as_i64(),
            data["pageSize"].as_i64()
        ),
        (Some(3), Some(1), Some(2))
    );
    let events: Vec<_> = data["items"]
        .as_array()
        .unwrap()
        .iter()
        .map(|i| i["event"].as_str().unwrap())
        .collect();
    assert_eq!(events, ["config_changed", "spray_stopped"]);
    let item = &data["items"][0];
    assert_eq!(item["deviceId"], BACKYARD);
    assert_eq!(item["details"], "timeZone");
    assert!(
        (sim.handle.now().as_second() - 3 * 3600 - item["timestamp"].as_i64().unwrap()).abs() <= 1
    );

    let second = page("?page=2&pageSize=2").await;
    assert_eq!(second.ok()["items"].as_array().unwrap().len(), 1);
    let defaults = page("").await;
    assert_eq!(
        (
            defaults.ok()["page"].as_i64(),
            defaults.ok()["pageSize"].as_i64()
        ),
        (Some(1), Some(20))
    );
}

#[tokio::test]
async fn logs_filter_by_local_date() {
    let sim = support::logged_in().await;
    let zone = jiff::tz::TimeZone::get("America/Los_Angeles").unwrap();
    let today = sim.handle.now().to_zoned(zone).date();
    let far = today.checked_sub(jiff::Span::new().days(30)).unwrap();
    let all = sim
        .get(&format!(
            "v1/devices/{BACKYARD}/logs?startDate={far}&endDate={today}"
        ))
        .await;
    assert_eq!(all.ok()["total"], 3);
    let none = sim
        .get(&format!("v1/devices/{BACKYARD}/logs?endDate={far}"))
        .await;
    assert_eq!(none.ok()["total"], 0);
    assert_eq!(none.ok()["items"], json!([]));
}

#[tokio::test]
async fn bad_log_queries_name_the_parameter() {
    let sim = support::logged_in().await;
    let message = |query: &'static str| {
        let sim = &sim;
        async move {
            sim.get(&format!("v1/devices/{BACKYARD}/logs?{query}"))
                .await
                .error(400)
                .to_owned()
        }
    };
    assert_eq!(
        message("page=zero").await,
        "`page` must be an integer from 1 to 4294967295, got `zero`"
    );
    assert_eq!(
        message("pageSize=0").await,
        "`pageSize` must be an integer from 1 to 100, got `0`"
    );
    assert_eq!(
        message("startDate=2026-13-01").await,
        "`startDate` must be a date YYYY-MM-DD, got `2026-13-01`"
    );
}
