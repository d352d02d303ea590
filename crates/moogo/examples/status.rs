//! Prints every device and its status.
//!
//! ```text
//! MOOGO_EMAIL=demo@example.com MOOGO_PASSWORD=demo-password \
//!     cargo run -p moogo --example status -- http://127.0.0.1:8080
//! ```
//!
//! The base URL comes from the first argument (else `MOOGO_BASE_URL`, else
//! production); credentials and `MOOGO_SESSION_FILE` from the environment.

#[tokio::main]
async fn main() -> std::process::ExitCode {
    match run().await {
        Ok(()) => std::process::ExitCode::SUCCESS,
        Err(err) => {
            eprintln!("error: {err}");
            let mut cause = std::error::Error::source(&err);
            while let Some(source) = cause {
                eprintln!("  caused by: {source}");
                cause = source.source();
            }
            std::process::ExitCode::FAILURE
        }
    }
}

async fn run() -> moogo::Result<()> {
    let mut builder = moogo::Client::builder().from_env();
    if let Some(base_url) = std::env::args().nth(1) {
        builder = builder.base_url(base_url);
    }
    let client = builder.build()?;
    for device in client.devices().await? {
        let status = client.device(&device.device_id).status().await?;
        println!(
            "{} {:<20} online={} spraying={} temperature={:?} humidity={:?} liquid={:?} water={:?}",
            device.device_id,
            device.device_name.as_deref().unwrap_or("-"),
            status.is_online(),
            status.is_spraying(),
            status.temperature,
            status.humidity,
            status.liquid_level,
            status.water_level,
        );
    }
    Ok(())
}
