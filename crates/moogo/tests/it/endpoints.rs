//! Every endpoint: the request sent (method, path, headers, body) and how the answer is read.

use moogo::{ConfigUpdate, DeviceUpdate, LogQuery, ScheduleCreate, ScheduleUpdate};
use serde_json::{Value, json};
use wiremock::matchers::{body_json, header, method, path, query_param};
use wiremock::{Mock, MockServer, ResponseTemplate};

use crate::support::{self, TOKEN, client, ok};

/// Mounts a mock for one authenticated call, expected exactly once.
async fn expect(
    server: &MockServer,
    verb: &str,
    url_path: &str,
    body: Option<Value>,
    answer: ResponseTemplate,
) {
    let mut mock = Mock::given(method(verb))
        .and(path(url_path))
        .and(header("token", TOKEN))
        .and(header("accept", "application/json"));
    if let Some(body) = body {
        mock = mock
            .and(header("content-type", "application/json"))
            .and(body_json(body));
    }
    mock.respond_with(answer).expect(1).mount(server).await;
}

#[tokio::test(start_paused = true)]
async fn login_sends_keep_and_builds_the_session() {
    let server = MockServer::start().await;
    support::mount_login(&server, support::login_ok(TOKEN), 1).await;
    let client = support::builder(&server).build().unwrap();
    let session = client.login().await.unwrap();
    assert_eq!(session.expose_token(), TOKEN);
    assert_eq!(session.user_id(), "user-1");
    assert_eq!(session.expires_at().to_string(), "2027-06-01T12:00:00Z");
    // A second call reuses the session in memory.
    client.login().await.unwrap();
    let login = &server.received_requests().await.unwrap()[0];
    assert!(login.headers.get("token").is_none());
    assert!(
        login
            .headers
            .get("user-agent")
            .unwrap()
            .to_str()
            .unwrap()
            .starts_with("moogo-rs/")
    );
}

#[tokio::test]
async fn devices_list() {
    let server = MockServer::start().await;
    let items = json!({"items": [
        {"deviceId": "d1", "deviceName": "Patio", "onlineStatus": 1, "runStatus": 0, "firmware": "1.2"},
        {"deviceId": "d2", "onlineStatus": 0, "runStatus": null, "extra": [1]}
    ]});
    expect(&server, "GET", "/v1/devices", None, ok(items)).await;
    let devices = client(&server).devices().await.unwrap();
    assert_eq!(devices.len(), 2);
    assert!(devices[0].is_online());
    assert_eq!(devices[0].firmware.as_deref(), Some("1.2"));
    assert_eq!(devices[0].device_model, None);
    assert!(!devices[1].is_online());
    assert_eq!(devices[1].run_status, None);
}

#[tokio::test]
async fn device_status() {
    let server = MockServer::start().await;
    let mut data = support::status(1);
    data["latestSprayingEnd"] = json!(1_780_000_000_000i64);
    data["liquid_level"] = json!(80);
    expect(&server, "GET", "/v1/devices/d1", None, ok(data)).await;
    let status = client(&server).device("d1").status().await.unwrap();
    assert!(status.is_spraying());
    assert_eq!(status.temperature, Some(22.5));
    assert_eq!(status.liquid_level, Some(80));
    assert_eq!(
        status.latest_spraying_end.unwrap().to_string(),
        "2026-05-28T20:26:40Z"
    );
}

#[tokio::test]
async fn device_update() {
    let server = MockServer::start().await;
    expect(
        &server,
        "PUT",
        "/v1/devices/d1",
        Some(json!({"deviceName": "Garden"})),
        ok(Value::Null),
    )
    .await;
    let update = DeviceUpdate {
        device_name: Some("Garden".into()),
        ..DeviceUpdate::default()
    };
    client(&server).device("d1").update(&update).await.unwrap();
}

#[tokio::test]
async fn start_and_stop_commands() {
    let server = MockServer::start().await;
    expect(
        &server,
        "POST",
        "/v1/devices/d1/start",
        Some(json!({})),
        ok(json!({"code": 0})),
    )
    .await;
    expect(
        &server,
        "POST",
        "/v1/devices/d1/stop",
        Some(json!({})),
        ok(Value::Null),
    )
    .await;
    let device = client(&server).device("d1");
    device.start().await.unwrap();
    device.stop().await.unwrap();
}

#[tokio::test]
async fn schedules_crud() {
    let server = MockServer::start().await;
    let schedule = json!({"id": "s1", "hour": 7, "minute": 30, "duration": 60, "repeatSet": "1,2,3,4,5", "status": 1});
    expect(
        &server,
        "GET",
        "/v1/devices/d1/schedules",
        None,
        ok(json!({"items": [schedule.clone()]})),
    )
    .await;
    expect(
        &server,
        "GET",
        "/v1/devices/d1/schedules/s1",
        None,
        ok(schedule),
    )
    .await;
    expect(
        &server,
        "POST",
        "/v1/devices/d1/schedules",
        Some(
            json!({"hour": 7, "minute": 30, "duration": 60, "repeatSet": "1,2,3,4,5", "status": 1}),
        ),
        ok(json!({"id": "s2", "hour": 7, "minute": 30, "duration": 60, "repeatSet": "1,2,3,4,5", "status": 1})),
    )
    .await;
    expect(
        &server,
        "PUT",
        "/v1/devices/d1/schedules/s1",
        Some(json!({"hour": 8, "duration": 120})),
        ok(Value::Null),
    )
    .await;
    expect(
        &server,
        "DELETE",
        "/v1/devices/d1/schedules/s1",
        None,
        ok(Value::Null),
    )
    .await;

    let schedules = client(&server).device("d1").schedules();
    let listed = schedules.list().await.unwrap();
    assert_eq!(listed[0].weekdays(), vec![1, 2, 3, 4, 5]);
    assert!(listed[0].is_enabled());
    assert_eq!(schedules.get("s1").await.unwrap().hour, Some(7));
    let created = schedules
        .create(&ScheduleCreate::new(7, 30, 60).with_weekdays([1, 2, 3, 4, 5]))
        .await
        .unwrap()
        .expect("the answer holds the new schedule");
    assert_eq!(
        (created.id.as_str(), created.hour, created.weekdays()),
        ("s2", Some(7), vec![1, 2, 3, 4, 5])
    );
    schedules
        .update(
            "s1",
            &ScheduleUpdate::new().with_hour(8).with_duration_secs(120),
        )
        .await
        .unwrap();
    schedules.delete("s1").await.unwrap();
}

#[tokio::test]
async fn schedule_switches_use_put() {
    let server = MockServer::start().await;
    for suffix in [
        "s1/enable",
        "s1/disable",
        "s1/skip",
        "switch/open",
        "switch/close",
    ] {
        let url_path = format!("/v1/devices/d1/schedules/{suffix}");
        expect(&server, "PUT", &url_path, Some(json!({})), ok(Value::Null)).await;
    }
    let schedules = client(&server).device("d1").schedules();
    schedules.enable("s1").await.unwrap();
    schedules.disable("s1").await.unwrap();
    schedules.skip_next("s1").await.unwrap();
    schedules.enable_all().await.unwrap();
    schedules.disable_all().await.unwrap();
}

#[tokio::test]
async fn logs_with_paging_and_dates() {
    let server = MockServer::start().await;
    Mock::given(method("GET"))
        .and(path("/v1/devices/d1/logs"))
        .and(header("token", TOKEN))
        .and(query_param("page", "2"))
        .and(query_param("pageSize", "10"))
        .and(query_param("startDate", "2026-05-01"))
        .and(query_param("endDate", "2026-05-31"))
        .respond_with(ok(json!({
            "items": [{"timestamp": 1_780_000_000, "event": "spray", "details": {"seconds": 30}, "source": "app"}],
            "total": 11, "page": 2, "pageSize": 10
        })))
        .expect(1)
        .mount(&server)
        .await;
    let query = LogQuery::new()
        .with_page(2)
        .with_page_size(10)
        .with_dates("2026-05-01".parse().unwrap(), "2026-05-31".parse().unwrap());
    let page = client(&server).device("d1").logs(&query).await.unwrap();
    assert_eq!(page.total, Some(11));
    assert_eq!(page.items[0].event.as_deref(), Some("spray"));
    assert_eq!(page.items[0].details, Some(json!({"seconds": 30})));
    assert_eq!(page.items[0].extra["source"], json!("app"));
    assert_eq!(
        page.items[0].timestamp.unwrap().to_string(),
        "2026-05-28T20:26:40Z"
    );
}

#[tokio::test]
async fn config_read_and_write() {
    let server = MockServer::start().await;
    expect(
        &server,
        "GET",
        "/v1/devices/d1/configs",
        None,
        ok(json!({"deviceId": "d1", "timeZone": "Europe/Paris", "stopRainy": true, "sprayingSeconds": 30})),
    )
    .await;
    expect(
        &server,
        "PUT",
        "/v1/devices/d1/configs",
        Some(json!({"timeZone": "America/Los_Angeles", "stopWindstorm": false})),
        ok(Value::Null),
    )
    .await;
    let device = client(&server).device("d1");
    let config = device.config().await.unwrap();
    assert_eq!(config.time_zone.as_deref(), Some("Europe/Paris"));
    assert_eq!(config.spraying_seconds, Some(30));
    device
        .update_config(
            &ConfigUpdate::new()
                .with_time_zone("America/Los_Angeles")
                .with_stop_windstorm(false),
        )
        .await
        .unwrap();
}

#[tokio::test]
async fn firmware_check_and_update_use_post() {
    let server = MockServer::start().await;
    expect(
        &server,
        "POST",
        "/v1/devices/d1/otaCheck",
        Some(json!({})),
        ok(json!({"available": true, "version": "2.0.1", "url": "https://example.com/fw", "size": 1024})),
    )
    .await;
    expect(
        &server,
        "POST",
        "/v1/devices/d1/otaUpdate",
        Some(json!({})),
        ok(Value::Null),
    )
    .await;
    let device = client(&server).device("d1");
    let ota = device.ota_check().await.unwrap();
    assert!(ota.available);
    assert_eq!(ota.version.as_deref(), Some("2.0.1"));
    assert_eq!(ota.extra["size"], json!(1024));
    device.ota_update().await.unwrap();
}

#[tokio::test]
async fn public_data_needs_no_token_or_login() {
    let server = MockServer::start().await;
    Mock::given(method("GET"))
        .and(path("/v1/liquid"))
        .respond_with(ok(
            json!([{"id": 1, "name": "Citronella", "description": "natural", "icon": null}]),
        ))
        .expect(1)
        .mount(&server)
        .await;
    Mock::given(method("GET"))
        .and(path("/v1/devices/schedules"))
        .respond_with(ok(
            json!({"items": [{"id": "r1", "hour": 19, "minute": 0, "duration": 45}]}),
        ))
        .expect(1)
        .mount(&server)
        .await;
    // No session and no credentials: public calls still work.
    let client = moogo::Client::builder()
        .base_url(server.uri())
        .http_client(support::http())
        .no_timeout()
        .build()
        .unwrap();
    let liquids = client.liquids().await.unwrap();
    assert_eq!(liquids[0].id, "1");
    assert_eq!(liquids[0].name.as_deref(), Some("Citronella"));
    let recommended = client.recommended_schedules().await.unwrap();
    assert_eq!(recommended[0].hour, Some(19));
    for request in server.received_requests().await.unwrap() {
        assert!(request.headers.get("token").is_none(), "{}", request.url);
    }
}

#[tokio::test]
async fn the_injected_http_client_is_used_as_given() {
    let server = MockServer::start().await;
    Mock::given(method("GET"))
        .and(path("/v1/devices"))
        .and(header("x-host-app", "home-assistant"))
        .respond_with(ok(json!({"items": []})))
        .expect(2)
        .mount(&server)
        .await;
    let mut headers = reqwest::header::HeaderMap::new();
    headers.insert("x-host-app", "home-assistant".parse().unwrap());
    let http = reqwest::Client::builder()
        .default_headers(headers)
        .pool_idle_timeout(None)
        .build()
        .unwrap();
    let client = support::builder(&server)
        .http_client(http.clone())
        .session(support::session(TOKEN))
        .build()
        .unwrap();
    client.devices().await.unwrap();
    drop(client);
    // The host application's client still works after the moogo client is gone.
    let response = http
        .get(format!("{}/v1/devices", server.uri()))
        .send()
        .await
        .unwrap();
    assert_eq!(response.status(), 200);
}
