//! [`Simulation`]: the state shared by every connection of one simulator.

use std::sync::{Arc, Mutex, MutexGuard};
use std::time::Duration;

use axum::body::Bytes;
use jiff::Timestamp;
use rand::Rng;
use serde_json::json;

use crate::auth::AuthRules;
use crate::clock::Clock;
use crate::config::SimConfig;
use crate::fault::{FaultSpec, Faults};
use crate::state::{State, schedule_from_spec};
use crate::stats::Counters;
use crate::world::World;

/// One running simulated service.
#[derive(Debug)]
pub(crate) struct Simulation {
    pub(crate) rules: AuthRules,
    transition_min: Duration,
    transition_max: Duration,
    pub(crate) clock: Clock,
    pub(crate) counters: Counters,
    pub(crate) faults: Faults,
    state: Mutex<State>,
    world: World,
    initial_faults: Vec<FaultSpec>,
    /// The complete answer of `GET v1/liquid`, which never changes.
    pub(crate) liquids: Bytes,
    /// The complete answer of `GET v1/devices/schedules`, which never changes.
    pub(crate) recommended_schedules: Bytes,
}

impl Simulation {
    /// Starts the world of `config` at the current time.
    pub(crate) fn new(config: SimConfig) -> Arc<Self> {
        let clock = if config.real_time {
            Clock::start_real()
        } else {
            Clock::start()
        };
        let state = State::build(&config.world, clock.now());
        let liquids = envelope_bytes(json!(config.world.liquids));
        let recommended: Vec<_> = config
            .world
            .recommended_schedules
            .iter()
            .enumerate()
            .map(|(number, spec)| {
                let id = spec
                    .id
                    .clone()
                    .unwrap_or_else(|| format!("r-{}", number + 1));
                schedule_from_spec(id, spec).view()
            })
            .collect();
        let recommended_schedules = envelope_bytes(json!({ "items": recommended }));
        Arc::new(Self {
            rules: AuthRules {
                lockout_after: config.lockout_after,
                lockout_window: config.lockout_window,
                token_ttl: config.token_ttl,
                request_budget: config.request_budget,
            },
            transition_min: config.transition_min,
            transition_max: config.transition_max,
            clock,
            counters: Counters::default(),
            faults: Faults::new(config.faults.clone()),
            state: Mutex::new(state),
            world: config.world,
            initial_faults: config.faults,
            liquids,
            recommended_schedules,
        })
    }

    /// The current simulated time.
    pub(crate) fn now(&self) -> Timestamp {
        self.clock.now()
    }

    /// The world's state, locked; never hold it across an `.await`.
    pub(crate) fn state(&self) -> MutexGuard<'_, State> {
        self.state
            .lock()
            .unwrap_or_else(|poisoned| poisoned.into_inner())
    }

    /// A random transition delay within the configured range.
    pub(crate) fn transition_delay(&self) -> Duration {
        if self.transition_min >= self.transition_max {
            return self.transition_min;
        }
        rand::rng().random_range(self.transition_min..=self.transition_max)
    }

    /// Puts the world, the counters and the faults back as they were at start; the clock
    /// keeps its time.
    pub(crate) fn reset(&self) {
        let fresh = State::build(&self.world, self.now());
        *self.state() = fresh;
        self.counters.reset();
        self.faults.replace(self.initial_faults.clone());
    }
}

fn envelope_bytes(data: serde_json::Value) -> Bytes {
    Bytes::from(json!({"code": 0, "message": "success", "data": data}).to_string())
}
