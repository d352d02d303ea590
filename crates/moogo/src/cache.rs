//! Read caches with a time to live, in tokio time.
//!
//! The device list lives 5 minutes, a device's status 30 seconds, public data
//! (liquids, recommended schedules) an hour. A command to a device drops that
//! device's status; a read through [`crate::Client::fresh`] skips the cache
//! and refills it.

use std::collections::HashMap;
use std::sync::Mutex;
use std::time::Duration;

use tokio::time::Instant;

use crate::model::{DeviceStatus, DeviceSummary, Liquid, Schedule};

/// Time to live of the device list.
pub(crate) const DEVICES_TTL: Duration = Duration::from_secs(5 * 60);
/// Time to live of a device status.
pub(crate) const STATUS_TTL: Duration = Duration::from_secs(30);
/// Time to live of public data.
pub(crate) const PUBLIC_TTL: Duration = Duration::from_secs(60 * 60);

/// Values keyed by a string, each valid for `ttl` after it was stored.
#[derive(Debug)]
pub(crate) struct TtlMap<V> {
    ttl: Duration,
    entries: Mutex<HashMap<String, (Instant, V)>>,
}

impl<V: Clone> TtlMap<V> {
    pub(crate) fn new(ttl: Duration) -> Self {
        Self {
            ttl,
            entries: Mutex::new(HashMap::new()),
        }
    }

    /// The value under `key` if it is younger than the time to live.
    pub(crate) fn get(&self, key: &str) -> Option<V> {
        let entries = self.entries.lock().unwrap_or_else(|e| e.into_inner());
        let (stored_at, value) = entries.get(key)?;
        (stored_at.elapsed() < self.ttl).then(|| value.clone())
    }

    pub(crate) fn insert(&self, key: &str, value: V) {
        let mut entries = self.entries.lock().unwrap_or_else(|e| e.into_inner());
        entries.insert(key.to_string(), (Instant::now(), value));
    }

    pub(crate) fn remove(&self, key: &str) {
        let mut entries = self.entries.lock().unwrap_or_else(|e| e.into_inner());
        entries.remove(key);
    }
}

/// All caches of one client.
#[derive(Debug)]
pub(crate) struct Caches {
    pub(crate) enabled: bool,
    /// The device list, under the empty key.
    pub(crate) devices: TtlMap<Vec<DeviceSummary>>,
    /// Statuses by device id.
    pub(crate) statuses: TtlMap<DeviceStatus>,
    /// Liquids, under the empty key.
    pub(crate) liquids: TtlMap<Vec<Liquid>>,
    /// Recommended schedules, under the empty key.
    pub(crate) recommended: TtlMap<Vec<Schedule>>,
}

impl Caches {
    pub(crate) fn new(enabled: bool) -> Self {
        Self {
            enabled,
            devices: TtlMap::new(DEVICES_TTL),
            statuses: TtlMap::new(STATUS_TTL),
            liquids: TtlMap::new(PUBLIC_TTL),
            recommended: TtlMap::new(PUBLIC_TTL),
        }
    }

    /// Forgets what a command may have changed on `device_id`.
    pub(crate) fn invalidate_device(&self, device_id: &str) {
        self.statuses.remove(device_id);
        tracing::debug!(device_id, "status cache invalidated");
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[tokio::test(start_paused = true)]
    async fn entries_expire_after_their_ttl() {
        let map = TtlMap::new(STATUS_TTL);
        map.insert("d1", 1);
        tokio::time::advance(STATUS_TTL - Duration::from_millis(1)).await;
        assert_eq!(map.get("d1"), Some(1));
        tokio::time::advance(Duration::from_millis(1)).await;
        assert_eq!(map.get("d1"), None);
        map.insert("d1", 2);
        map.remove("d1");
        assert_eq!(map.get("d1"), None);
    }
}
