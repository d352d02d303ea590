//! Operations on one device, reached through [`crate::Client::device`].

use reqwest::Method;
use serde_json::{Value, json};

use crate::client::{Call, Client};
use crate::envelope::Data;
use crate::error::Result;
use crate::model::{
    ConfigUpdate, DeviceConfig, DeviceStatus, DeviceUpdate, LogPage, LogQuery, OtaInfo,
};
use crate::retry::RetryPolicy;
use crate::schedules::Schedules;
use crate::validate;

/// A handle for one device: status, commands, schedules, logs, config, firmware.
///
/// Cheap to create and clone; it holds a [`Client`] clone and the device id.
/// The id is checked (non-empty, path-safe) before each request.
#[derive(Debug, Clone)]
pub struct DeviceHandle {
    pub(crate) client: Client,
    pub(crate) device_id: String,
}

impl DeviceHandle {
    pub(crate) fn new(client: Client, device_id: String) -> Self {
        Self { client, device_id }
    }

    /// The device id.
    pub fn id(&self) -> &str {
        &self.device_id
    }

    /// The schedules of this device.
    pub fn schedules(&self) -> Schedules {
        Schedules::new(self.clone())
    }

    /// The device's status (cached 30 seconds; a command drops it).
    ///
    /// # Errors
    ///
    /// [`crate::Error::InvalidInput`] for a bad id; request errors.
    pub async fn status(&self) -> Result<DeviceStatus> {
        validate::id("device id", &self.device_id)?;
        let caches = &self.client.inner.caches;
        if let Some(status) = self.client.cached(|| caches.statuses.get(&self.device_id)) {
            tracing::debug!(device_id = %self.device_id, what = "status", "cache hit");
            return Ok(status);
        }
        let call = self.call(Method::GET, "", None, self.client.inner.retry);
        let status: DeviceStatus = self.client.call_as(call).await?;
        caches.statuses.insert(&self.device_id, status.clone());
        Ok(status)
    }

    /// Renames the device or changes its mix ratio.
    ///
    /// # Errors
    ///
    /// [`crate::Error::InvalidInput`] for a bad id; request errors.
    pub async fn update(&self, update: &DeviceUpdate) -> Result<()> {
        validate::id("device id", &self.device_id)?;
        let body = serde_json::to_value(update).unwrap_or_else(|_| json!({}));
        let call = self.call(Method::PUT, "", Some(body), self.client.inner.retry);
        let result = self.command(call).await;
        self.client.inner.caches.devices.remove("");
        result
    }

    /// Sends the start command without waiting for the device; see
    /// [`DeviceHandle::start_spray`] to wait for it.
    ///
    /// Retried on transient and offline errors (5 attempts from 2 s).
    ///
    /// # Errors
    ///
    /// [`crate::Error::DeviceOffline`] once the attempts run out; request errors.
    pub async fn start(&self) -> Result<()> {
        validate::id("device id", &self.device_id)?;
        let retry = self.client.inner.spray_retry;
        self.command(self.call(Method::POST, "/start", Some(json!({})), retry))
            .await
    }

    /// Sends the stop command without waiting for the device; see
    /// [`DeviceHandle::stop_spray`] to wait for it.
    ///
    /// # Errors
    ///
    /// As [`DeviceHandle::start`].
    pub async fn stop(&self) -> Result<()> {
        validate::id("device id", &self.device_id)?;
        let retry = self.client.inner.spray_retry;
        self.command(self.call(Method::POST, "/stop", Some(json!({})), retry))
            .await
    }

    /// One page of the device's log.
    ///
    /// # Errors
    ///
    /// [`crate::Error::InvalidInput`] for a page below 1, a page size outside
    /// 1..=100 or dates in the wrong order; request errors.
    pub async fn logs(&self, query: &LogQuery) -> Result<LogPage> {
        validate::id("device id", &self.device_id)?;
        validate::log_query(query)?;
        let suffix = format!("/logs?{}", query.query_string());
        let call = self.call(Method::GET, &suffix, None, self.client.inner.retry);
        self.client.call_as(call).await
    }

    /// The device's configuration.
    ///
    /// # Errors
    ///
    /// Request errors.
    pub async fn config(&self) -> Result<DeviceConfig> {
        validate::id("device id", &self.device_id)?;
        let call = self.call(Method::GET, "/configs", None, self.client.inner.retry);
        self.client.call_as(call).await
    }

    /// Changes the device's configuration.
    ///
    /// # Errors
    ///
    /// [`crate::Error::InvalidInput`] for a time zone that is not an IANA name
    /// or spraying seconds outside 1..=3600, before any request; request errors.
    pub async fn update_config(&self, update: &ConfigUpdate) -> Result<()> {
        validate::id("device id", &self.device_id)?;
        validate::config_update(update)?;
        let body = serde_json::to_value(update).unwrap_or_else(|_| json!({}));
        let call = self.call(Method::PUT, "/configs", Some(body), self.client.inner.retry);
        self.command(call).await
    }

    /// Asks whether a firmware update is available.
    ///
    /// # Errors
    ///
    /// Request errors.
    pub async fn ota_check(&self) -> Result<OtaInfo> {
        validate::id("device id", &self.device_id)?;
        let call = self.call(
            Method::POST,
            "/otaCheck",
            Some(json!({})),
            self.client.inner.retry,
        );
        self.client.call_as(call).await
    }

    /// Starts a firmware update. Never retried.
    ///
    /// # Errors
    ///
    /// Request errors.
    pub async fn ota_update(&self) -> Result<()> {
        validate::id("device id", &self.device_id)?;
        let call = self.call(
            Method::POST,
            "/otaUpdate",
            Some(json!({})),
            RetryPolicy::never(),
        );
        self.command(call).await
    }

    /// A call on `v1/devices/{id}{suffix}`.
    pub(crate) fn call(
        &self,
        method: Method,
        suffix: &str,
        body: Option<Value>,
        retry: RetryPolicy,
    ) -> Call<'_> {
        Call {
            method,
            path: format!("v1/devices/{}{suffix}", self.device_id),
            body,
            authenticated: true,
            device_id: Some(&self.device_id),
            retry,
        }
    }

    /// Runs a call that changes the device, then drops its cached status.
    pub(crate) async fn command(&self, call: Call<'_>) -> Result<()> {
        self.command_answer(call).await.map(drop)
    }

    /// [`DeviceHandle::command`], returning the answer's `data`.
    pub(crate) async fn command_answer(&self, call: Call<'_>) -> Result<Data> {
        let result = self.client.call(call).await;
        self.client.inner.caches.invalidate_device(&self.device_id);
        result
    }
}
