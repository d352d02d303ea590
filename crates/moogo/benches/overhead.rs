//! Client overhead: device-status reads per second through `moogo::Client`
//! (cache bypassed) against the same reads through a bare `reqwest` loop, on
//! one local axum server, interleaved round by round in one run.
//!
//! Run with `cargo bench -p moogo`. `MOOGO_BENCH_REQUESTS` sets the reads per
//! round and side (default 1000). Target: the client within 1.3x of the bare loop.

use std::time::{Duration, Instant};

use axum::Router;
use axum::routing::get;
use serde_json::{Value, json};

const ROUNDS: usize = 10;
const TOKEN: &str = "bench-token";
const TARGET_RATIO: f64 = 1.3;

fn status_envelope() -> Value {
    json!({"code": 0, "message": "success", "data": {
        "deviceId": "d1", "deviceName": "Patio", "deviceModel": "MG-1", "onlineStatus": 1,
        "runStatus": 0, "firmware": "1.4.2", "rssi": -61, "temperature": 22.5, "humidity": 58,
        "liquid_level": 1, "water_level": 2, "mixRatio": 3, "latestSprayingDuration": 60,
        "latestSprayingEnd": 1_780_000_000_000i64
    }})
}

async fn serve() -> String {
    let body = status_envelope().to_string();
    let app = Router::new().route(
        "/v1/devices/{id}",
        get(move || {
            let body = body.clone();
            async move {
                (
                    [(axum::http::header::CONTENT_TYPE, "application/json")],
                    body,
                )
            }
        }),
    );
    let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
    let address = listener.local_addr().unwrap();
    tokio::spawn(async move { axum::serve(listener, app).await.unwrap() });
    format!("http://{address}")
}

async fn client_round(device: &moogo::DeviceHandle, n: usize) -> Duration {
    let started = Instant::now();
    for _ in 0..n {
        let status = device.status().await.expect("client read");
        assert_eq!(status.run_status, Some(0));
    }
    started.elapsed()
}

async fn bare_round(http: &reqwest::Client, url: &str, n: usize) -> Duration {
    let started = Instant::now();
    for _ in 0..n {
        let response = http
            .get(url)
            .header("token", TOKEN)
            .header("accept", "application/json")
            .send()
            .await
            .expect("bare read");
        let envelope: Value = response.json().await.expect("bare decode");
        assert_eq!(envelope["data"]["runStatus"], 0);
    }
    started.elapsed()
}

fn rate(n: usize, elapsed: Duration) -> f64 {
    n as f64 / elapsed.as_secs_f64()
}

#[tokio::main]
async fn main() {
    let n: usize = std::env::var("MOOGO_BENCH_REQUESTS")
        .ok()
        .and_then(|v| v.parse().ok())
        .unwrap_or(1000);
    let base_url = serve().await;
    let http = reqwest::Client::new();
    let state_dir = tempfile::tempdir().unwrap();
    let expires = moogo::Timestamp::now()
        .checked_add(jiff::SignedDuration::from_hours(24))
        .unwrap();
    let client = moogo::Client::builder()
        .base_url(&base_url)
        .http_client(http.clone())
        .session(moogo::Session::new(
            TOKEN,
            "u1",
            "bench@example.com",
            expires,
        ))
        .state_dir(state_dir.path())
        .build()
        .unwrap();
    let device = client.fresh().device("d1");
    let url = format!("{base_url}/v1/devices/d1");

    // Warm up connections and code paths.
    client_round(&device, 200).await;
    bare_round(&http, &url, 200).await;

    println!(
        "moogo client overhead: {ROUNDS} rounds x {n} device-status reads per side, local axum server"
    );
    let (mut client_total, mut bare_total) = (Duration::ZERO, Duration::ZERO);
    for round in 1..=ROUNDS {
        let client_time = client_round(&device, n).await;
        let bare_time = bare_round(&http, &url, n).await;
        client_total += client_time;
        bare_total += bare_time;
        println!(
            "round {round}: client {:>8.0} req/s   bare reqwest {:>8.0} req/s",
            rate(n, client_time),
            rate(n, bare_time)
        );
    }
    let total = n * ROUNDS;
    let (client_rate, bare_rate) = (rate(total, client_total), rate(total, bare_total));
    let ratio = bare_rate / client_rate;
    let verdict = if ratio <= TARGET_RATIO {
        "within"
    } else {
        "ABOVE"
    };
    println!(
        "total:   client {client_rate:>8.0} req/s   bare reqwest {bare_rate:>8.0} req/s   ratio {ratio:.3}x ({verdict} the {TARGET_RATIO}x target)"
    );
}
