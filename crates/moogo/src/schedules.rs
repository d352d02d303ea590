//! A device's spray schedules, reached through [`crate::DeviceHandle::schedules`].

use reqwest::Method;
use serde_json::json;

use crate::device::DeviceHandle;
use crate::envelope::Data;
use crate::error::Result;
use crate::model::{self, Schedule, ScheduleCreate, ScheduleUpdate};
use crate::retry::RetryPolicy;
use crate::validate;

/// The schedules of one device.
///
/// Inputs are validated (hour 0..=23, minute 0..=59, duration 1..=3600 s,
/// weekdays 0..=6) before any request.
#[derive(Debug, Clone)]
pub struct Schedules {
    device: DeviceHandle,
}

impl Schedules {
    pub(crate) fn new(device: DeviceHandle) -> Self {
        Self { device }
    }

    /// All schedules of the device.
    ///
    /// # Errors
    ///
    /// Request errors.
    pub async fn list(&self) -> Result<Vec<Schedule>> {
        validate::id("device id", &self.device.device_id)?;
        let call = self
            .device
            .call(Method::GET, "/schedules", None, self.retry());
        Ok(model::items(
            self.device.client.call(call).await?.into_value(),
        ))
    }

    /// One schedule.
    ///
    /// # Errors
    ///
    /// [`crate::Error::NotFound`] for an unknown id; request errors.
    pub async fn get(&self, schedule_id: &str) -> Result<Schedule> {
        let suffix = self.suffix(schedule_id, "")?;
        let call = self.device.call(Method::GET, &suffix, None, self.retry());
        self.device.client.call_as(call).await
    }

    /// Creates a schedule and returns it as the service answered it.
    ///
    /// Not retried: a repeat could create it twice. The service's answer to a
    /// creation is not specified: when it holds no schedule (absent or null
    /// `data`, or something that is not a schedule with an id), the result is
    /// `Ok(None)` and the schedule was still created; find it with
    /// [`Schedules::list`].
    ///
    /// # Errors
    ///
    /// [`crate::Error::InvalidInput`] before any request; request errors.
    ///
    /// # Examples
    ///
    /// ```no_run
    /// # async fn run(client: moogo::Client) -> moogo::Result<()> {
    /// let schedules = client.device("d1").schedules();
    /// let created = schedules.create(&moogo::ScheduleCreate::new(19, 30, 60)).await?;
    /// if let Some(schedule) = created {
    ///     println!("created schedule {}", schedule.id);
    /// }
    /// # Ok(()) }
    /// ```
    pub async fn create(&self, schedule: &ScheduleCreate) -> Result<Option<Schedule>> {
        validate::id("device id", &self.device.device_id)?;
        validate::schedule_create(schedule)?;
        let call = self.device.call(
            Method::POST,
            "/schedules",
            Some(schedule.body()),
            RetryPolicy::never(),
        );
        let data = self.device.command_answer(call).await?;
        Ok(created(&data))
    }

    /// Changes a schedule.
    ///
    /// # Errors
    ///
    /// [`crate::Error::InvalidInput`] before any request; request errors.
    pub async fn update(&self, schedule_id: &str, update: &ScheduleUpdate) -> Result<()> {
        validate::schedule_update(update)?;
        let suffix = self.suffix(schedule_id, "")?;
        let call = self
            .device
            .call(Method::PUT, &suffix, Some(update.body()), self.retry());
        self.device.command(call).await
    }

    /// Deletes a schedule.
    ///
    /// # Errors
    ///
    /// Request errors.
    pub async fn delete(&self, schedule_id: &str) -> Result<()> {
        let suffix = self.suffix(schedule_id, "")?;
        let call = self
            .device
            .call(Method::DELETE, &suffix, None, self.retry());
        self.device.command(call).await
    }

    /// Enables a schedule.
    ///
    /// # Errors
    ///
    /// Request errors.
    pub async fn enable(&self, schedule_id: &str) -> Result<()> {
        self.put(&self.suffix(schedule_id, "/enable")?).await
    }

    /// Disables a schedule.
    ///
    /// # Errors
    ///
    /// Request errors.
    pub async fn disable(&self, schedule_id: &str) -> Result<()> {
        self.put(&self.suffix(schedule_id, "/disable")?).await
    }

    /// Skips the schedule's next occurrence.
    ///
    /// # Errors
    ///
    /// Request errors.
    pub async fn skip_next(&self, schedule_id: &str) -> Result<()> {
        self.put(&self.suffix(schedule_id, "/skip")?).await
    }

    /// Enables all schedules of the device.
    ///
    /// # Errors
    ///
    /// Request errors.
    pub async fn enable_all(&self) -> Result<()> {
        validate::id("device id", &self.device.device_id)?;
        self.put("/schedules/switch/open").await
    }

    /// Disables all schedules of the device.
    ///
    /// # Errors
    ///
    /// Request errors.
    pub async fn disable_all(&self) -> Result<()> {
        validate::id("device id", &self.device.device_id)?;
        self.put("/schedules/switch/close").await
    }

    async fn put(&self, suffix: &str) -> Result<()> {
        let call = self
            .device
            .call(Method::PUT, suffix, Some(json!({})), self.retry());
        self.device.command(call).await
    }

    fn suffix(&self, schedule_id: &str, action: &str) -> Result<String> {
        validate::id("device id", &self.device.device_id)?;
        validate::id("schedule id", schedule_id)?;
        Ok(format!("/schedules/{schedule_id}{action}"))
    }

    fn retry(&self) -> RetryPolicy {
        self.device.client.inner.retry
    }
}

/// The schedule in the answer to a creation, if it holds one.
///
/// Anything else is no error: the schedule exists on the service, and an error
/// would invite a repeat that creates it twice.
fn created(data: &Data) -> Option<Schedule> {
    match data.decode::<Option<Schedule>>() {
        Ok(schedule) => schedule.filter(|schedule| !schedule.id.is_empty()),
        Err(err) => {
            tracing::debug!(error = %err, "the answer to a schedule creation holds no schedule");
            None
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn created_from(data: &str) -> Option<Schedule> {
        let body = format!(r#"{{"code":0,"message":"success"{data}}}"#);
        let Ok(crate::envelope::Reply::Success(data)) =
            crate::envelope::decode("v1/devices/d1/schedules", 200, body.as_bytes(), false)
        else {
            panic!("a successful answer");
        };
        created(&data)
    }

    #[test]
    fn a_creation_answer_may_hold_a_schedule_or_nothing() {
        let schedule = created_from(
            r#","data":{"id":"s-1","hour":"19","minute":30,"duration":60,"repeatSet":"1,2","status":1,"extra":true}"#,
        )
        .unwrap();
        assert_eq!(
            (schedule.id.as_str(), schedule.hour, schedule.minute),
            ("s-1", Some(19), Some(30))
        );
        assert_eq!(schedule.weekdays(), [1, 2]);
        assert!(schedule.is_enabled());
        for nothing in [
            "",
            r#","data":null"#,
            r#","data":{}"#,
            r#","data":"ok""#,
            r#","data":true"#,
        ] {
            assert_eq!(created_from(nothing), None, "{nothing}");
        }
    }
}
