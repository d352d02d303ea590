//! `moogo-sim`: serves a simulated Moogo cloud until interrupted.

mod args;

use std::io::Write;
use std::process::ExitCode;

use clap::Parser;

#[tokio::main]
async fn main() -> ExitCode {
    tracing_subscriber::fmt()
        .with_env_filter(tracing_subscriber::EnvFilter::from_default_env())
        .with_writer(std::io::stderr)
        .init();
    match run(args::Args::parse()).await {
        Ok(()) => ExitCode::SUCCESS,
        Err(error) => {
            eprintln!("error: {error}");
            let mut source = std::error::Error::source(&error);
            while let Some(cause) = source {
                eprintln!("  caused by: {cause}");
                source = cause.source();
            }
            ExitCode::FAILURE
        }
    }
}

async fn run(args: args::Args) -> moogo_sim::Result<()> {
    let sim = moogo_sim::spawn(args.into_config()?).await?;
    let mut stdout = std::io::stdout().lock();
    let _ = writeln!(stdout, "listening on {}", sim.base_url());
    let _ = writeln!(
        stdout,
        "demo account: {} / {}",
        moogo_sim::DEMO_EMAIL,
        moogo_sim::DEMO_PASSWORD
    );
    let _ = stdout.flush();
    drop(stdout);
    let _ = tokio::signal::ctrl_c().await;
    sim.shutdown().await;
    Ok(())
}
