//! The public catalogues: liquids and recommended schedules (no token needed).

use std::sync::Arc;

use axum::extract::State;
use axum::response::Response;

use crate::envelope;
use crate::simulation::Simulation;

/// `GET v1/liquid`.
pub(crate) async fn liquids(State(simulation): State<Arc<Simulation>>) -> Response {
    envelope::json_response(axum::http::StatusCode::OK, simulation.liquids.clone())
}

/// `GET v1/devices/schedules`.
pub(crate) async fn recommended_schedules(State(simulation): State<Arc<Simulation>>) -> Response {
    envelope::json_response(
        axum::http::StatusCode::OK,
        simulation.recommended_schedules.clone(),
    )
}
