//! A device's schedules: list, create, read, update, delete, enable, disable, skip, switch.

use std::sync::Arc;
use std::time::Duration;

use axum::body::Bytes;
use axum::extract::{Path, State};
use axum::response::Response;
use serde_json::json;

use super::Caller;
use crate::body::JsonBody;
use crate::device::Device;
use crate::envelope::{self, ApiError};
use crate::schedule::{DURATIONS, HOURS, MINUTES, Schedule, Weekdays};
use crate::simulation::Simulation;

/// The fields of a schedule body, each optional.
struct Fields {
    hour: Option<i64>,
    minute: Option<i64>,
    duration: Option<i64>,
    weekdays: Option<Weekdays>,
    enabled: Option<bool>,
}

impl Fields {
    fn read(body: &JsonBody) -> Result<Self, ApiError> {
        let weekdays = body
            .optional_str("repeatSet")?
            .map(|text| {
                Weekdays::parse(text)
                    .map_err(|reason| ApiError::bad_request(format!("`repeatSet`: {reason}")))
            })
            .transpose()?;
        Ok(Self {
            hour: body.optional_int("hour", HOURS)?,
            minute: body.optional_int("minute", MINUTES)?,
            duration: body.optional_int("duration", DURATIONS)?,
            weekdays,
            enabled: body
                .optional_int("status", 0..=1)?
                .map(|status| status == 1),
        })
    }

    fn apply(self, schedule: &mut Schedule) {
        let moved = self.hour.is_some() || self.minute.is_some() || self.weekdays.is_some();
        if let Some(hour) = self.hour {
            schedule.hour = u8::try_from(hour).unwrap_or(schedule.hour);
        }
        if let Some(minute) = self.minute {
            schedule.minute = u8::try_from(minute).unwrap_or(schedule.minute);
        }
        if let Some(duration) = self.duration {
            schedule.duration = Duration::from_secs(duration.unsigned_abs());
        }
        if let Some(weekdays) = self.weekdays {
            schedule.weekdays = weekdays;
        }
        if let Some(enabled) = self.enabled {
            schedule.enabled = enabled;
        }
        if moved {
            // The skipped occurrence no longer exists.
            schedule.skipped_occurrence = None;
        }
    }
}

/// Runs `change` on a device of the caller, brought up to date, and forgets its cached next
/// event, since the schedules may have changed.
fn with_device<T>(
    simulation: &Simulation,
    caller: &Caller,
    device_id: &str,
    change: impl FnOnce(&mut Device, jiff::Timestamp) -> Result<T, ApiError>,
) -> Result<T, ApiError> {
    let now = simulation.now();
    let mut state = simulation.state();
    let device = state.device(caller.account, device_id, now)?;
    let result = change(device, now);
    device.invalidate();
    result
}

fn find<'a>(device: &'a mut Device, schedule_id: &str) -> Result<&'a mut Schedule, ApiError> {
    device
        .schedules
        .iter_mut()
        .find(|schedule| schedule.id == schedule_id)
        .ok_or_else(|| ApiError::not_found("schedule"))
}

/// `GET v1/devices/{deviceId}/schedules`.
pub(crate) async fn list(
    State(simulation): State<Arc<Simulation>>,
    caller: Caller,
    Path(device_id): Path<String>,
) -> Result<Response, ApiError> {
    let items = with_device(&simulation, &caller, &device_id, |device, _| {
        Ok(device
            .schedules
            .iter()
            .map(Schedule::view)
            .collect::<Vec<_>>())
    })?;
    Ok(envelope::success(json!({ "items": items })))
}

/// `POST v1/devices/{deviceId}/schedules`: hour, minute and duration are required.
pub(crate) async fn create(
    State(simulation): State<Arc<Simulation>>,
    caller: Caller,
    Path(device_id): Path<String>,
    body: Bytes,
) -> Result<Response, ApiError> {
    let body = JsonBody::parse(&body)?;
    body.required_int("hour", HOURS)?;
    body.required_int("minute", MINUTES)?;
    body.required_int("duration", DURATIONS)?;
    let fields = Fields::read(&body)?;
    let id = simulation.state().new_schedule_id();
    let view = with_device(&simulation, &caller, &device_id, |device, now| {
        let mut schedule = Schedule {
            id,
            hour: 0,
            minute: 0,
            duration: Duration::from_secs(1),
            weekdays: Weekdays::ALL,
            enabled: true,
            skipped_occurrence: None,
        };
        fields.apply(&mut schedule);
        device.log(now, "schedule_created", schedule.id.clone());
        let view = schedule.view();
        device.schedules.push(schedule);
        Ok(view)
    })?;
    Ok(envelope::success(view))
}

/// `GET v1/devices/{deviceId}/schedules/{scheduleId}`.
pub(crate) async fn get_one(
    State(simulation): State<Arc<Simulation>>,
    caller: Caller,
    Path((device_id, schedule_id)): Path<(String, String)>,
) -> Result<Response, ApiError> {
    let view = with_device(&simulation, &caller, &device_id, |device, _| {
        Ok(find(device, &schedule_id)?.view())
    })?;
    Ok(envelope::success(view))
}

/// `PUT v1/devices/{deviceId}/schedules/{scheduleId}`: any subset of the fields.
pub(crate) async fn update(
    State(simulation): State<Arc<Simulation>>,
    caller: Caller,
    Path((device_id, schedule_id)): Path<(String, String)>,
    body: Bytes,
) -> Result<Response, ApiError> {
    let fields = Fields::read(&JsonBody::parse(&body)?)?;
    with_device(&simulation, &caller, &device_id, |device, _| {
        fields.apply(find(device, &schedule_id)?);
        Ok(())
    })?;
    Ok(envelope::success(()))
}

/// `DELETE v1/devices/{deviceId}/schedules/{scheduleId}`.
pub(crate) async fn delete(
    State(simulation): State<Arc<Simulation>>,
    caller: Caller,
    Path((device_id, schedule_id)): Path<(String, String)>,
) -> Result<Response, ApiError> {
    with_device(&simulation, &caller, &device_id, |device, now| {
        find(device, &schedule_id)?;
        device
            .schedules
            .retain(|schedule| schedule.id != schedule_id);
        device.log(now, "schedule_deleted", schedule_id.clone());
        Ok(())
    })?;
    Ok(envelope::success(()))
}

async fn set_enabled(
    simulation: &Simulation,
    caller: &Caller,
    device_id: &str,
    schedule_id: &str,
    enabled: bool,
    body: &[u8],
) -> Result<Response, ApiError> {
    JsonBody::parse(body)?;
    with_device(simulation, caller, device_id, |device, _| {
        find(device, schedule_id)?.enabled = enabled;
        Ok(())
    })?;
    Ok(envelope::success(()))
}

/// `PUT v1/devices/{deviceId}/schedules/{scheduleId}/enable`.
pub(crate) async fn enable(
    State(simulation): State<Arc<Simulation>>,
    caller: Caller,
    Path((device_id, schedule_id)): Path<(String, String)>,
    body: Bytes,
) -> Result<Response, ApiError> {
    set_enabled(&simulation, &caller, &device_id, &schedule_id, true, &body).await
}

/// `PUT v1/devices/{deviceId}/schedules/{scheduleId}/disable`.
pub(crate) async fn disable(
    State(simulation): State<Arc<Simulation>>,
    caller: Caller,
    Path((device_id, schedule_id)): Path<(String, String)>,
    body: Bytes,
) -> Result<Response, ApiError> {
    set_enabled(&simulation, &caller, &device_id, &schedule_id, false, &body).await
}

/// `PUT v1/devices/{deviceId}/schedules/{scheduleId}/skip`: skips the next occurrence.
pub(crate) async fn skip(
    State(simulation): State<Arc<Simulation>>,
    caller: Caller,
    Path((device_id, schedule_id)): Path<(String, String)>,
    body: Bytes,
) -> Result<Response, ApiError> {
    JsonBody::parse(&body)?;
    with_device(&simulation, &caller, &device_id, |device, now| {
        let time_zone = device.config.time_zone.clone();
        let schedule = find(device, &schedule_id)?;
        schedule.skipped_occurrence = schedule.next_occurrence(now, &time_zone);
        Ok(())
    })?;
    Ok(envelope::success(()))
}

async fn set_all(
    simulation: &Simulation,
    caller: &Caller,
    device_id: &str,
    enabled: bool,
    body: &[u8],
) -> Result<Response, ApiError> {
    JsonBody::parse(body)?;
    with_device(simulation, caller, device_id, |device, _| {
        for schedule in &mut device.schedules {
            schedule.enabled = enabled;
        }
        Ok(())
    })?;
    Ok(envelope::success(()))
}

/// `PUT v1/devices/{deviceId}/schedules/switch/open`: enables every schedule.
pub(crate) async fn enable_all(
    State(simulation): State<Arc<Simulation>>,
    caller: Caller,
    Path(device_id): Path<String>,
    body: Bytes,
) -> Result<Response, ApiError> {
    set_all(&simulation, &caller, &device_id, true, &body).await
}

/// `PUT v1/devices/{deviceId}/schedules/switch/close`: disables every schedule.
pub(crate) async fn disable_all(
    State(simulation): State<Arc<Simulation>>,
    caller: Caller,
    Path(device_id): Path<String>,
    body: Bytes,
) -> Result<Response, ApiError> {
    set_all(&simulation, &caller, &device_id, false, &body).await
}
