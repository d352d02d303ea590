//! `GET` and `PUT v1/devices/{deviceId}/configs`: the device's settings.

use std::sync::Arc;

use axum::body::Bytes;
use axum::extract::{Path, State};
use axum::response::Response;
use jiff::tz::TimeZone;
use serde_json::{Value, json};

use super::Caller;
use crate::body::{JsonBody, as_bool, as_int, as_number, as_str};
use crate::envelope::{self, ApiError};
use crate::simulation::Simulation;

/// Keys shown by `GET` that a `PUT` may not change.
const READ_ONLY: [&str; 3] = ["firmware", "createTime", "deviceModel"];

/// `GET`: every setting, writable and read-only.
pub(crate) async fn get_configs(
    State(simulation): State<Arc<Simulation>>,
    caller: Caller,
    Path(device_id): Path<String>,
) -> Result<Response, ApiError> {
    let now = simulation.now();
    let mut state = simulation.state();
    let user_id = state
        .accounts
        .get(caller.account)
        .map(|account| account.user_id.clone())
        .unwrap_or_default();
    let device = state.device(caller.account, &device_id, now)?;
    let config = &device.config;
    Ok(envelope::success(json!({
        "id": config.id,
        "deviceId": device.id,
        "userId": user_id,
        "stopTemperature": config.stop_temperature,
        "stopRainy": config.stop_rainy,
        "stopSnow": config.stop_snow,
        "stopWindstorm": config.stop_windstorm,
        "liquidName": config.liquid_name,
        "liquidConcentration": config.liquid_concentration,
        "timeZone": config.time_zone_name,
        "sprayingSeconds": config.spraying_seconds,
        "firmware": device.firmware,
        "deviceModel": device.model,
        "createTime": device.created_at.as_second(),
    })))
}

/// One validated change.
enum Change {
    StopTemperature(f64),
    StopRainy(bool),
    StopSnow(bool),
    StopWindstorm(bool),
    LiquidName(String),
    LiquidConcentration(f64),
    TimeZone(String, TimeZone),
    SprayingSeconds(i64),
    /// An identifying key sent back unchanged.
    Same,
}

/// `PUT`: a subset of the writable keys; all are checked before any is applied.
pub(crate) async fn update(
    State(simulation): State<Arc<Simulation>>,
    caller: Caller,
    Path(device_id): Path<String>,
    body: Bytes,
) -> Result<Response, ApiError> {
    let body = JsonBody::parse(&body)?;
    let now = simulation.now();
    let mut state = simulation.state();
    let user_id = state
        .accounts
        .get(caller.account)
        .map(|account| account.user_id.clone())
        .unwrap_or_default();
    let device = state.device(caller.account, &device_id, now)?;
    let identity = |key: &str, value: &Value, expected: &str| -> Result<Change, ApiError> {
        if as_str(key, value)? == expected {
            Ok(Change::Same)
        } else {
            Err(ApiError::bad_request(format!("`{key}` cannot be changed")))
        }
    };
    let mut changes = Vec::new();
    for (key, value) in body.fields() {
        let change = match key {
            "deviceId" => identity(key, value, &device.id)?,
            "userId" => identity(key, value, &user_id)?,
            "id" => identity(key, value, &device.config.id)?,
            "stopTemperature" => Change::StopTemperature(as_number(key, value, -50.0..=60.0)?),
            "stopRainy" => Change::StopRainy(as_bool(key, value)?),
            "stopSnow" => Change::StopSnow(as_bool(key, value)?),
            "stopWindstorm" => Change::StopWindstorm(as_bool(key, value)?),
            "liquidName" => {
                let name = as_str(key, value)?.trim();
                if name.is_empty() {
                    return Err(ApiError::bad_request("`liquidName` must not be empty"));
                }
                Change::LiquidName(name.to_owned())
            }
            "liquidConcentration" => {
                Change::LiquidConcentration(as_number(key, value, 0.0..=100.0)?)
            }
            "timeZone" => {
                let name = as_str(key, value)?;
                let zone = TimeZone::get(name).map_err(|_| {
                    ApiError::bad_request(format!(
                        "`timeZone` must be an IANA time zone name such as America/Los_Angeles, got `{name}` (POSIX TZ strings are not accepted)"
                    ))
                })?;
                Change::TimeZone(name.to_owned(), zone)
            }
            "sprayingSeconds" => Change::SprayingSeconds(as_int(key, value, 1..=3600)?),
            read_only if READ_ONLY.contains(&read_only) => {
                return Err(ApiError::bad_request(format!("`{key}` is read-only")));
            }
            unknown => {
                return Err(ApiError::bad_request(format!(
                    "`{unknown}` is not a device setting"
                )));
            }
        };
        changes.push((key.to_owned(), change));
    }
    let config = &mut device.config;
    let mut changed = Vec::new();
    for (key, change) in changes {
        match change {
            Change::StopTemperature(value) => config.stop_temperature = value,
            Change::StopRainy(value) => config.stop_rainy = value,
            Change::StopSnow(value) => config.stop_snow = value,
            Change::StopWindstorm(value) => config.stop_windstorm = value,
            Change::LiquidName(value) => config.liquid_name = value,
            Change::LiquidConcentration(value) => config.liquid_concentration = value,
            Change::TimeZone(name, zone) => {
                config.time_zone_name = name;
                config.time_zone = zone;
            }
            Change::SprayingSeconds(value) => config.spraying_seconds = value,
            Change::Same => continue,
        }
        changed.push(key);
    }
    if !changed.is_empty() {
        device.log(now, "config_changed", changed.join(", "));
        // A new time zone moves every schedule.
        device.invalidate();
    }
    Ok(envelope::success(()))
}
