//! The control surface under `/__sim`: counters, clock, faults and reset, as plain JSON.
//!
//! | method | path | body | answer |
//! |---|---|---|---|
//! | GET | `/__sim/stats` | | [`Stats`](crate::Stats) |
//! | GET | `/__sim/clock` | | `{"now", "offset_seconds"}` |
//! | POST | `/__sim/clock/advance` | `{"seconds": n}` | `{"now", "offset_seconds"}` |
//! | GET | `/__sim/faults` | | `{"faults": [...]}` |
//! | POST | `/__sim/faults` | `{"clear"?: bool, "add"?: [fault...]}` | `{"faults": [...]}` |
//! | DELETE | `/__sim/faults` | | `{"faults": []}` |
//! | POST | `/__sim/reset` | | `{"reset": true}` |
//!
//! A fault is the `--fault` text or an object `{"kind", "route"?, "times"?}`. Errors answer
//! HTTP 400 (404 for an unknown path) with `{"error": "..."}`. None of these calls counts in
//! the statistics.

use std::sync::Arc;
use std::time::Duration;

use axum::body::Bytes;
use axum::extract::State;
use axum::http::StatusCode;
use axum::response::{IntoResponse, Response};
use axum::routing::{get, post};
use axum::{Json, Router};
use serde::Deserialize;
use serde_json::{Value, json};

use crate::fault::FaultInput;
use crate::simulation::Simulation;

/// The longest single clock jump accepted, ten years.
const MAX_ADVANCE_SECONDS: f64 = 10.0 * 365.0 * 86_400.0;

/// The control routes, to be nested under `/__sim`.
pub(crate) fn router(simulation: Arc<Simulation>) -> Router {
    Router::new()
        .route("/stats", get(stats))
        .route("/clock", get(clock))
        .route("/clock/advance", post(advance))
        .route("/faults", get(faults).post(set_faults).delete(clear_faults))
        .route("/reset", post(reset))
        .fallback(unknown)
        .with_state(simulation)
}

/// An error of the control surface.
struct ControlError(StatusCode, String);

impl IntoResponse for ControlError {
    fn into_response(self) -> Response {
        (self.0, Json(json!({ "error": self.1 }))).into_response()
    }
}

fn bad_request(message: String) -> ControlError {
    ControlError(StatusCode::BAD_REQUEST, message)
}

async fn unknown() -> ControlError {
    ControlError(
        StatusCode::NOT_FOUND,
        "no such control endpoint; see /__sim/stats, /__sim/clock, /__sim/clock/advance, /__sim/faults, /__sim/reset".to_owned(),
    )
}

async fn stats(State(simulation): State<Arc<Simulation>>) -> Json<crate::Stats> {
    Json(simulation.counters.snapshot())
}

fn clock_view(simulation: &Simulation) -> Json<Value> {
    Json(json!({
        "now": simulation.now().to_string(),
        "offset_seconds": simulation.clock.offset().as_secs_f64(),
    }))
}

async fn clock(State(simulation): State<Arc<Simulation>>) -> Json<Value> {
    clock_view(&simulation)
}

async fn advance(
    State(simulation): State<Arc<Simulation>>,
    body: Bytes,
) -> Result<Json<Value>, ControlError> {
    #[derive(Deserialize)]
    struct Advance {
        seconds: f64,
    }
    let advance: Advance = serde_json::from_slice(&body)
        .map_err(|error| bad_request(format!("expected {{\"seconds\": n}}: {error}")))?;
    if !(0.0..=MAX_ADVANCE_SECONDS).contains(&advance.seconds) {
        return Err(bad_request(format!(
            "`seconds` must be from 0 to {MAX_ADVANCE_SECONDS} (the clock never goes back), got {}",
            advance.seconds
        )));
    }
    simulation
        .clock
        .advance(Duration::from_secs_f64(advance.seconds));
    Ok(clock_view(&simulation))
}

fn faults_view(simulation: &Simulation) -> Json<Value> {
    let faults: Vec<String> = simulation
        .faults
        .list()
        .iter()
        .map(ToString::to_string)
        .collect();
    Json(json!({ "faults": faults }))
}

async fn faults(State(simulation): State<Arc<Simulation>>) -> Json<Value> {
    faults_view(&simulation)
}

async fn set_faults(
    State(simulation): State<Arc<Simulation>>,
    body: Bytes,
) -> Result<Json<Value>, ControlError> {
    #[derive(Deserialize)]
    #[serde(deny_unknown_fields)]
    struct SetFaults {
        #[serde(default)]
        clear: bool,
        #[serde(default)]
        add: Vec<FaultInput>,
    }
    let request: SetFaults = serde_json::from_slice(&body).map_err(|error| {
        bad_request(format!(
            "expected {{\"clear\": bool, \"add\": [\"kind=...\" or {{\"kind\", \"route\", \"times\"}}]}}: {error}"
        ))
    })?;
    let added = request
        .add
        .into_iter()
        .map(FaultInput::into_spec)
        .collect::<Result<Vec<_>, _>>()
        .map_err(|error| bad_request(error.to_string()))?;
    if request.clear {
        simulation.faults.replace(Vec::new());
    }
    for fault in added {
        simulation.faults.add(fault);
    }
    Ok(faults_view(&simulation))
}

async fn clear_faults(State(simulation): State<Arc<Simulation>>) -> Json<Value> {
    simulation.faults.replace(Vec::new());
    faults_view(&simulation)
}

async fn reset(State(simulation): State<Arc<Simulation>>) -> Json<Value> {
    simulation.reset();
    Json(json!({ "reset": true }))
}
