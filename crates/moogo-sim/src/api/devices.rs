//! Devices: list, status, rename, start and stop.

use std::sync::Arc;

use axum::body::Bytes;
use axum::extract::{Path, State};
use axum::response::Response;
use serde_json::json;

use super::Caller;
use crate::body::JsonBody;
use crate::envelope::{self, ApiError};
use crate::simulation::Simulation;

/// The longest device name accepted.
const MAX_NAME_CHARS: usize = 64;

/// `GET v1/devices`: the caller's devices.
pub(crate) async fn list(State(simulation): State<Arc<Simulation>>, caller: Caller) -> Response {
    let now = simulation.now();
    let mut state = simulation.state();
    let items: Vec<_> = state
        .devices_of(caller.account, now)
        .map(|device| device.summary())
        .collect();
    envelope::success(json!({ "items": items }))
}

/// `GET v1/devices/{deviceId}`: one device's status.
pub(crate) async fn status(
    State(simulation): State<Arc<Simulation>>,
    caller: Caller,
    Path(device_id): Path<String>,
) -> Result<Response, ApiError> {
    let now = simulation.now();
    let mut state = simulation.state();
    let device = state.device(caller.account, &device_id, now)?;
    Ok(envelope::success(device.status()))
}

/// `PUT v1/devices/{deviceId}`: rename or change the mix ratio.
pub(crate) async fn update(
    State(simulation): State<Arc<Simulation>>,
    caller: Caller,
    Path(device_id): Path<String>,
    body: Bytes,
) -> Result<Response, ApiError> {
    let body = JsonBody::parse(&body)?;
    let name = match body.optional_str("deviceName")? {
        Some(name) if name.trim().is_empty() || name.chars().count() > MAX_NAME_CHARS => {
            return Err(ApiError::bad_request(format!(
                "`deviceName` must be 1 to {MAX_NAME_CHARS} characters"
            )));
        }
        name => name.map(|name| name.trim().to_owned()),
    };
    let mix_ratio = body.optional_int("mixRatio", 0..=100)?;
    let now = simulation.now();
    let mut state = simulation.state();
    let device = state.device(caller.account, &device_id, now)?;
    let mut changed = Vec::new();
    if let Some(name) = name {
        device.name = name;
        changed.push("deviceName");
    }
    if let Some(mix_ratio) = mix_ratio {
        device.mix_ratio = mix_ratio;
        changed.push("mixRatio");
    }
    if !changed.is_empty() {
        device.log(now, "settings_changed", changed.join(", "));
    }
    Ok(envelope::success(()))
}

/// `POST v1/devices/{deviceId}/start`: acknowledged now, spraying after the transition delay.
pub(crate) async fn start(
    State(simulation): State<Arc<Simulation>>,
    caller: Caller,
    Path(device_id): Path<String>,
    body: Bytes,
) -> Result<Response, ApiError> {
    let body = JsonBody::parse(&body)?;
    if let Some(mode) = body.optional_str("mode")?
        && mode != "manual"
        && mode != "schedule"
    {
        return Err(ApiError::bad_request(format!(
            "`mode` must be \"manual\" or \"schedule\", got \"{mode}\""
        )));
    }
    command(&simulation, caller, &device_id, true)?;
    Ok(envelope::success(json!({ "code": 0 })))
}

/// `POST v1/devices/{deviceId}/stop`: acknowledged now, stopped after the transition delay.
pub(crate) async fn stop(
    State(simulation): State<Arc<Simulation>>,
    caller: Caller,
    Path(device_id): Path<String>,
    body: Bytes,
) -> Result<Response, ApiError> {
    JsonBody::parse(&body)?;
    command(&simulation, caller, &device_id, false)?;
    Ok(envelope::success(()))
}

fn command(
    simulation: &Simulation,
    caller: Caller,
    device_id: &str,
    spraying: bool,
) -> Result<(), ApiError> {
    let now = simulation.now();
    let delay = simulation.transition_delay();
    let mut state = simulation.state();
    let device = state.device(caller.account, device_id, now)?;
    if !device.online {
        return Err(ApiError::device_offline());
    }
    device.command(spraying, now, delay);
    Ok(())
}
