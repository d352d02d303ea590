//! `moogo-sim`: serves a simulated Moogo cloud until interrupted.

mod args;

use std::error::Error;
use std::io::Write;
use std::process::ExitCode;

use clap::Parser;

#[tokio::main]
async fn main() -> ExitCode {
    let filter = tracing_subscriber::EnvFilter::from_default_env();
    tracing_subscriber::fmt()
        .with_env_filter(filter)
        .with_writer(std::io::stderr)
        .init();
    let Err(error) = run(args::Args::parse()).await else {
        return ExitCode::SUCCESS;
    };
    eprintln!("error: {error}");
    let mut source = error.source();
    while let Some(cause) = source {
        eprintln!("  caused by: {cause}");
        source = cause.source();
    }
    ExitCode::FAILURE
}

async fn run(args: args::Args) -> moogo_sim::Result<()> {
    let is_demo_world = args.is_demo_world();
    let sim = moogo_sim::spawn(args.into_config()?).await?;
    let mut stdout = std::io::stdout().lock();
    let _ = writeln!(stdout, "listening on {}", sim.base_url());
    if is_demo_world {
        let (email, password) = (moogo_sim::DEMO_EMAIL, moogo_sim::DEMO_PASSWORD);
        let _ = writeln!(stdout, "demo account: {email} / {password}");
    }
    let _ = stdout.flush();
    drop(stdout);
    let _ = tokio::signal::ctrl_c().await;
    sim.shutdown().await;
    Ok(())
}
