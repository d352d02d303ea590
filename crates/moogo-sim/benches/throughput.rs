//! Throughput of the simulator for `GET v1/devices/{deviceId}`: 64 keep-alive connections
//! for a few seconds against a simulator spawned in this process, reporting requests per
//! second and latency percentiles.
//!
//! Run with `cargo bench -p moogo-sim`; `MOOGO_SIM_BENCH_SECONDS` (default 5) and
//! `MOOGO_SIM_BENCH_CONNECTIONS` (default 64) change the run. The load generator is a minimal
//! HTTP/1.1 client over raw sockets, so that most of the CPU goes to the server under test;
//! both share the machine, as they would with an external tool such as wrk.

use std::error::Error;
use std::net::SocketAddr;
use std::time::{Duration, Instant};

use moogo_sim::{DEMO_EMAIL, DEMO_PASSWORD, SimConfig};
use tokio::io::{AsyncReadExt, AsyncWriteExt};
use tokio::net::TcpStream;

type BoxError = Box<dyn Error + Send + Sync>;

const DEVICE_PATH: &str = "/v1/devices/a1c4e5f60001";
const WARM_UP: Duration = Duration::from_secs(1);

fn main() -> Result<(), BoxError> {
    let seconds = setting("MOOGO_SIM_BENCH_SECONDS", 5);
    let connections = setting("MOOGO_SIM_BENCH_CONNECTIONS", 64);
    tokio::runtime::Builder::new_multi_thread()
        .enable_all()
        .build()?
        .block_on(run(Duration::from_secs(seconds), connections as usize))
}

fn setting(name: &str, default: u64) -> u64 {
    std::env::var(name)
        .ok()
        .and_then(|value| value.parse().ok())
        .unwrap_or(default)
}

async fn run(duration: Duration, connections: usize) -> Result<(), BoxError> {
    let sim = moogo_sim::spawn(SimConfig::default()).await?;
    let token = login(sim.addr()).await?;
    let request = format!(
        "GET {DEVICE_PATH} HTTP/1.1\r\nHost: {}\r\nAccept: application/json\r\ntoken: {token}\r\n\r\n",
        sim.addr()
    );
    let start = Instant::now();
    let measure_from = start + WARM_UP;
    let deadline = measure_from + duration;
    let workers: Vec<_> = (0..connections)
        .map(|_| {
            tokio::spawn(worker(
                sim.addr(),
                request.clone().into_bytes(),
                measure_from,
                deadline,
            ))
        })
        .collect();
    let mut latencies = Vec::new();
    for worker in workers {
        latencies.extend(worker.await??);
    }
    latencies.sort_unstable();
    let count = latencies.len();
    if count == 0 {
        return Err("no request completed".into());
    }
    let percentile = |p: f64| {
        let index = ((count as f64 * p).ceil() as usize).clamp(1, count) - 1;
        Duration::from_nanos(latencies[index])
    };
    println!(
        "GET v1/devices/{{deviceId}}: {connections} connections, {} s (after {} s warm-up)",
        duration.as_secs(),
        WARM_UP.as_secs()
    );
    println!("  requests:   {count}");
    println!(
        "  throughput: {:.0} requests/s",
        count as f64 / duration.as_secs_f64()
    );
    println!(
        "  latency:    p50 {:.3} ms, p99 {:.3} ms, max {:.3} ms",
        percentile(0.50).as_secs_f64() * 1e3,
        percentile(0.99).as_secs_f64() * 1e3,
        percentile(1.0).as_secs_f64() * 1e3,
    );
    let served = sim
        .stats()
        .by_route
        .get("GET v1/devices/{deviceId}")
        .copied()
        .unwrap_or(0);
    if served < count as u64 {
        return Err(format!(
            "the simulator counted {served} requests, fewer than the {count} answered"
        )
        .into());
    }
    sim.shutdown().await;
    Ok(())
}

/// One keep-alive connection sending requests back to back; returns the latencies (ns) of
/// those sent after `measure_from`.
async fn worker(
    addr: SocketAddr,
    request: Vec<u8>,
    measure_from: Instant,
    deadline: Instant,
) -> Result<Vec<u64>, BoxError> {
    let mut stream = TcpStream::connect(addr).await?;
    stream.set_nodelay(true)?;
    let mut buffer = Vec::with_capacity(4096);
    let mut latencies = Vec::with_capacity(1 << 16);
    loop {
        let sent = Instant::now();
        if sent >= deadline {
            return Ok(latencies);
        }
        stream.write_all(&request).await?;
        let body = read_response(&mut stream, &mut buffer).await?;
        if !body.starts_with(br#"{"code":0"#) {
            return Err(format!("unexpected answer: {}", String::from_utf8_lossy(&body)).into());
        }
        if sent >= measure_from {
            latencies.push(sent.elapsed().as_nanos() as u64);
        }
    }
}

/// Reads one HTTP/1.1 response with a `content-length` and returns its body.
async fn read_response(stream: &mut TcpStream, buffer: &mut Vec<u8>) -> Result<Vec<u8>, BoxError> {
    buffer.clear();
    let mut chunk = [0u8; 4096];
    loop {
        if let Some(head_end) = find(buffer, b"\r\n\r\n") {
            let head = std::str::from_utf8(&buffer[..head_end])?;
            let length: usize = head
                .lines()
                .find_map(|line| {
                    let (name, value) = line.split_once(':')?;
                    name.eq_ignore_ascii_case("content-length")
                        .then(|| value.trim().parse().ok())?
                })
                .ok_or("a response without content-length")?;
            let total = head_end + 4 + length;
            while buffer.len() < total {
                let read = stream.read(&mut chunk).await?;
                if read == 0 {
                    return Err("connection closed mid-body".into());
                }
                buffer.extend_from_slice(&chunk[..read]);
            }
            return Ok(buffer[head_end + 4..total].to_vec());
        }
        let read = stream.read(&mut chunk).await?;
        if read == 0 {
            return Err("connection closed before a response".into());
        }
        buffer.extend_from_slice(&chunk[..read]);
    }
}

fn find(haystack: &[u8], needle: &[u8]) -> Option<usize> {
    haystack
        .windows(needle.len())
        .position(|window| window == needle)
}

async fn login(addr: SocketAddr) -> Result<String, BoxError> {
    let body = format!(r#"{{"email":"{DEMO_EMAIL}","password":"{DEMO_PASSWORD}","keep":true}}"#);
    let request = format!(
        "POST /v1/user/login HTTP/1.1\r\nHost: {addr}\r\nContent-Type: application/json\r\nContent-Length: {}\r\n\r\n{body}",
        body.len()
    );
    let mut stream = TcpStream::connect(addr).await?;
    stream.write_all(request.as_bytes()).await?;
    let body = read_response(&mut stream, &mut Vec::new()).await?;
    let answer: serde_json::Value = serde_json::from_slice(&body)?;
    answer["data"]["token"]
        .as_str()
        .map(str::to_owned)
        .ok_or_else(|| format!("login failed: {answer}").into())
}
