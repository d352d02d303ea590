//! A device's spray schedules, reached through [`crate::DeviceHandle::schedules`].

use reqwest::Method;
use serde_json::json;

use crate::device::DeviceHandle;
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

    /// Creates a schedule. Not retried: a repeat could create it twice.
    ///
    /// # Errors
    ///
    /// [`crate::Error::InvalidInput`] before any request; request errors.
    pub async fn create(&self, schedule: &ScheduleCreate) -> Result<()> {
        validate::id("device id", &self.device.device_id)?;
        validate::schedule_create(schedule)?;
        let call = self.device.call(
            Method::POST,
            "/schedules",
            Some(schedule.body()),
            RetryPolicy::never(),
        );
        self.device.command(call).await
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
