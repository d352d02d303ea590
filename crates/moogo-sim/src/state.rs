//! The mutable state of a simulated world: accounts and tokens, devices, firmware releases.

use std::collections::HashMap;
use std::time::Duration;

use jiff::Timestamp;
use jiff::tz::TimeZone;

use crate::auth::{Account, Accounts};
use crate::device::{Device, DeviceConfig};
use crate::envelope::ApiError;
use crate::schedule::{Schedule, Weekdays};
use crate::world::{DeviceSpec, FirmwareSpec, ScheduleSpec, World};

/// Everything that requests change.
#[derive(Debug)]
pub(crate) struct State {
    pub(crate) accounts: Accounts,
    devices: Vec<Device>,
    device_index: HashMap<String, usize>,
    firmware: Vec<FirmwareSpec>,
    next_schedule_id: u64,
}

impl State {
    /// The state described by `world`, with `now` as the present.
    pub(crate) fn build(world: &World, now: Timestamp) -> Self {
        let mut state = Self {
            accounts: Accounts::default(),
            devices: Vec::new(),
            device_index: HashMap::new(),
            firmware: world.firmware.clone(),
            next_schedule_id: 5001,
        };
        for (number, spec) in world.accounts.iter().enumerate() {
            let user_id = spec
                .user_id
                .clone()
                .unwrap_or_else(|| format!("u-{}", 100_001 + number));
            let owner = state.accounts.add(Account::new(
                spec.email.clone(),
                spec.password.clone(),
                user_id,
            ));
            for device in &spec.devices {
                let device = state.build_device(device, owner, now);
                state
                    .device_index
                    .insert(device.id.clone(), state.devices.len());
                state.devices.push(device);
            }
        }
        state
    }

    fn build_device(&mut self, spec: &DeviceSpec, owner: usize, now: Timestamp) -> Device {
        let ago = |duration: Duration| now.checked_sub(duration).unwrap_or(now);
        // The world was validated when it was loaded, so the time zone exists.
        let time_zone = TimeZone::get(&spec.time_zone).unwrap_or(TimeZone::UTC);
        let config = DeviceConfig {
            id: format!("cfg-{}", spec.id),
            stop_temperature: 10.0,
            stop_rainy: true,
            stop_snow: true,
            stop_windstorm: true,
            liquid_name: spec.liquid_name.clone(),
            liquid_concentration: spec.mix_ratio as f64,
            time_zone_name: spec.time_zone.clone(),
            time_zone,
            spraying_seconds: 60,
        };
        let mut device = Device::new(spec.id.clone(), owner, spec.name.clone(), config, now);
        device.model = spec.model.clone();
        device.online = spec.online;
        device.firmware = spec.firmware.clone();
        device.mac = spec.mac.clone();
        device.rssi = spec.rssi;
        device.temperature = spec.temperature;
        device.humidity = spec.humidity;
        device.liquid_level = spec.liquid_level;
        device.water_level = spec.water_level;
        device.mix_ratio = spec.mix_ratio;
        device.spraying_end_millis = spec.spraying_end_millis;
        device.latest_spraying_duration = spec.latest_spraying_duration;
        device.latest_spraying_end = spec.latest_spraying_end_ago.map(ago);
        device.created_at = ago(Duration::from_secs(90 * 24 * 3600));
        for schedule in &spec.schedules {
            let id = schedule
                .id
                .clone()
                .unwrap_or_else(|| self.new_schedule_id());
            device.schedules.push(schedule_from_spec(id, schedule));
        }
        for log in &spec.logs {
            device.log(ago(log.ago), &log.event, log.details.clone());
        }
        device
    }

    /// A fresh schedule id, unique in this world.
    pub(crate) fn new_schedule_id(&mut self) -> String {
        let id = format!("s-{}", self.next_schedule_id);
        self.next_schedule_id += 1;
        id
    }

    /// The devices of an account, brought up to `now`.
    pub(crate) fn devices_of(
        &mut self,
        account: usize,
        now: Timestamp,
    ) -> impl Iterator<Item = &Device> {
        self.devices
            .iter_mut()
            .filter(move |device| device.owner == account)
            .map(move |device| {
                device.advance(now);
                &*device
            })
    }

    /// A device of an account, brought up to `now`; code 404 for another account's device.
    pub(crate) fn device(
        &mut self,
        account: usize,
        id: &str,
        now: Timestamp,
    ) -> Result<&mut Device, ApiError> {
        let device = self
            .device_index
            .get(id)
            .map(|index| &mut self.devices[*index])
            .filter(|device| device.owner == account)
            .ok_or_else(|| ApiError::not_found("device"))?;
        device.advance(now);
        Ok(device)
    }

    /// The newest firmware release for a device model.
    pub(crate) fn latest_firmware(&self, model: Option<&str>) -> Option<&FirmwareSpec> {
        let model = model?;
        self.firmware
            .iter()
            .filter(|release| release.model == model)
            .max_by(|a, b| version_key(&a.version).cmp(&version_key(&b.version)))
    }
}

/// A schedule built from a validated world entry.
pub(crate) fn schedule_from_spec(id: String, spec: &ScheduleSpec) -> Schedule {
    Schedule {
        id,
        hour: u8::try_from(spec.hour).unwrap_or(0),
        minute: u8::try_from(spec.minute).unwrap_or(0),
        duration: Duration::from_secs(spec.duration.unsigned_abs()),
        weekdays: Weekdays::parse(&spec.repeat_set).unwrap_or(Weekdays::ALL),
        enabled: spec.enabled,
        skipped_occurrence: None,
    }
}

/// A sortable form of a dotted version such as `1.10.2`.
pub(crate) fn version_key(version: &str) -> Vec<u64> {
    version
        .split('.')
        .map(|part| part.trim().parse().unwrap_or(0))
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn versions_compare_numerically() {
        assert!(version_key("1.10.0") > version_key("1.9.9"));
        assert!(version_key("1.5.0") > version_key("1.4.2"));
        assert_eq!(version_key("1.5"), vec![1, 5]);
    }

    #[test]
    fn devices_belong_to_their_account() {
        let now = Timestamp::from_second(1_800_000_000).unwrap();
        let world = World::from_toml_str(
            "[[accounts]]\nemail='a@x'\npassword='p'\n[[accounts.devices]]\nid='d1'\nname='One'\n\
             [[accounts]]\nemail='b@x'\npassword='p'\n[[accounts.devices]]\nid='d2'\nname='Two'\n",
        )
        .unwrap();
        let mut state = State::build(&world, now);
        assert!(state.device(0, "d1", now).is_ok());
        assert_eq!(state.device(0, "d2", now).unwrap_err().code, 404);
        assert_eq!(
            state
                .devices_of(1, now)
                .map(|d| d.name.clone())
                .collect::<Vec<_>>(),
            ["Two"]
        );
    }
}
