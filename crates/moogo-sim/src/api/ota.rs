//! Firmware updates: `POST v1/devices/{deviceId}/otaCheck` and `otaUpdate`.

use std::sync::Arc;

use axum::body::Bytes;
use axum::extract::{Path, State};
use axum::response::Response;
use serde_json::json;

use super::Caller;
use crate::body::JsonBody;
use crate::envelope::{self, ApiError};
use crate::simulation::Simulation;
use crate::state::version_key;

/// Whether a newer release exists for the device: `{available, version, currentVersion, url, releaseNotes}`.
pub(crate) async fn check(
    State(simulation): State<Arc<Simulation>>,
    caller: Caller,
    Path(device_id): Path<String>,
    body: Bytes,
) -> Result<Response, ApiError> {
    JsonBody::parse(&body)?;
    let now = simulation.now();
    let mut state = simulation.state();
    let device = state.device(caller.account, &device_id, now)?;
    let (model, current) = (device.model.clone(), device.firmware.clone());
    let release = state
        .latest_firmware(model.as_deref())
        .filter(|release| version_key(&release.version) > version_key(&current));
    Ok(envelope::success(match release {
        Some(release) => json!({
            "available": true,
            "version": release.version,
            "currentVersion": current,
            "url": release.url,
            "releaseNotes": release.notes,
        }),
        None => json!({
            "available": false,
            "version": current,
            "currentVersion": current,
            "url": null,
            "releaseNotes": null,
        }),
    }))
}

/// Installs the newest release, if there is one; the device must be online.
pub(crate) async fn update(
    State(simulation): State<Arc<Simulation>>,
    caller: Caller,
    Path(device_id): Path<String>,
    body: Bytes,
) -> Result<Response, ApiError> {
    JsonBody::parse(&body)?;
    let now = simulation.now();
    let mut state = simulation.state();
    let device = state.device(caller.account, &device_id, now)?;
    if !device.online {
        return Err(ApiError::device_offline());
    }
    let (model, current) = (device.model.clone(), device.firmware.clone());
    let target = state
        .latest_firmware(model.as_deref())
        .filter(|release| version_key(&release.version) > version_key(&current))
        .map(|release| release.version.clone());
    let device = state.device(caller.account, &device_id, now)?;
    let updated = match target {
        Some(version) => {
            device.log(now, "firmware_updated", format!("{current} -> {version}"));
            device.firmware = version;
            true
        }
        None => false,
    };
    Ok(envelope::success(json!({
        "updated": updated,
        "version": device.firmware,
    })))
}
