//! The command line of `moogo-sim`, turned into a [`SimConfig`].

use std::net::SocketAddr;
use std::path::PathBuf;
use std::time::Duration;

use clap::Parser;
use moogo_sim::{FaultSpec, SimConfig, World};

/// A simulated Moogo cloud: the real wire protocol, lockouts, faults and a movable clock.
///
/// Prints `listening on http://HOST:PORT` first, then serves until interrupted.
///
/// Control surface: GET /__sim/stats, POST /__sim/clock/advance {"seconds": n},
/// GET|POST|DELETE /__sim/faults, POST /__sim/reset.
#[derive(Debug, Parser)]
#[command(version)]
pub(crate) struct Args {
    /// Address to listen on; `:0` picks a free port on 127.0.0.1.
    #[arg(long, value_name = "ADDR", default_value = "127.0.0.1:8787", value_parser = moogo_sim::parse_listen_addr)]
    listen: SocketAddr,
    /// Delay before `runStatus` follows a start or stop, in ms: MIN or MIN-MAX.
    #[arg(long, value_name = "MIN[-MAX]", default_value = "3000-5000", value_parser = moogo_sim::parse_transition_ms)]
    transition_ms: (Duration, Duration),
    /// Consecutive failed logins that lock an account (0 never locks).
    #[arg(long, value_name = "N", default_value_t = 1)]
    lockout_after: u32,
    /// How long a lockout lasts, e.g. 24h or 90s.
    #[arg(long, value_name = "DURATION", default_value = "24h", value_parser = humantime::parse_duration)]
    lockout_window: Duration,
    /// Lifetime of issued tokens, e.g. 365d or 10m.
    #[arg(long, value_name = "DURATION", default_value = "365d", value_parser = humantime::parse_duration)]
    token_ttl: Duration,
    /// Requests each token may make before getting HTTP 429 (unlimited when absent).
    #[arg(long, value_name = "N")]
    request_budget: Option<u64>,
    /// A fault to inject, e.g. `route=GET v1/devices/{deviceId},kind=status:503,times=2` (repeatable).
    #[arg(long, value_name = "SPEC")]
    fault: Vec<FaultSpec>,
    /// A world file (TOML, or JSON when it ends in .json) instead of the demo world.
    #[arg(long, value_name = "FILE")]
    world: Option<PathBuf>,
}

impl Args {
    /// Whether the simulator serves the demo world, whose credentials are worth printing.
    pub(crate) fn is_demo_world(&self) -> bool {
        self.world.is_none()
    }

    /// The simulator configuration these arguments describe.
    pub(crate) fn into_config(self) -> moogo_sim::Result<SimConfig> {
        let world = match &self.world {
            Some(path) => World::from_file(path)?,
            None => World::default(),
        };
        let (min, max) = self.transition_ms;
        let mut config = SimConfig::default()
            .with_listen(self.listen)
            .with_transition_delay(min, max)
            .with_lockout_after(self.lockout_after)
            .with_lockout_window(self.lockout_window)
            .with_token_ttl(self.token_ttl)
            .with_world(world);
        if let Some(budget) = self.request_budget {
            config = config.with_request_budget(budget);
        }
        Ok(self.fault.into_iter().fold(config, SimConfig::with_fault))
    }
}
