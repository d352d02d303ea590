//! Device commands: `devices`, `status`, `spray`, `logs`, `config`, `firmware`.

use std::time::Duration;

use super::{display_name, find_device};
use crate::cli::{ConfigCommand, ConfigSetArgs, FirmwareCommand, LogsArgs, SprayCommand};
use crate::context::Context;
use crate::error::{Error, InvalidInput, Result};
use crate::input;
use crate::progress::Spinner;
use crate::render::Output;
use crate::view::{self, SprayAction};

/// The largest page `moogo logs` asks for.
const MAX_PAGE_SIZE: u32 = 100;

/// `moogo devices`.
pub(super) async fn list(context: &Context, output: &mut Output<'_>) -> Result<()> {
    let client = context.client()?;
    let devices = client
        .devices()
        .await
        .map_err(Error::service("list the devices"))?;
    let document = view::Devices {
        devices: devices.iter().map(view::DeviceRow::from).collect(),
    };
    output.emit(&document).map_err(Error::Output)
}

/// `moogo status DEVICE`.
pub(super) async fn status(query: &str, context: &Context, output: &mut Output<'_>) -> Result<()> {
    let client = context.client()?;
    let device = find_device(&client, query).await?;
    let name = display_name(&device);
    let status = client
        .device(&device.device_id)
        .status()
        .await
        .map_err(Error::service(format!("read the status of {name}")))?;
    let mut document = view::Status::from(&status);
    if document.name.is_empty() {
        document.name = name;
    }
    output.emit(&document).map_err(Error::Output)
}

/// `moogo spray start|stop DEVICE`.
pub(super) async fn spray(
    command: SprayCommand,
    context: &Context,
    output: &mut Output<'_>,
) -> Result<()> {
    let (query, start, duration, no_wait) = match &command {
        SprayCommand::Start(args) => (
            &args.device.device,
            true,
            args.duration.as_deref().map(input::duration).transpose()?,
            args.no_wait,
        ),
        SprayCommand::Stop(args) => (&args.device.device, false, None, args.no_wait),
    };
    let client = context.client()?;
    let device = find_device(&client, query).await?;
    let name = display_name(&device);
    let verb = if start {
        "start spraying on"
    } else {
        "stop spraying on"
    };
    if !device.is_online() {
        return Err(Error::DeviceOffline {
            action: format!("{verb} {name}"),
            device: name,
        });
    }
    let handle = client.device(&device.device_id);
    let failed = Error::service(format!("{verb} {name}"));
    let spinner_enabled = !context.options.quiet;
    let action = match (start, duration, no_wait) {
        (true, Some(duration), _) => {
            let _spinner = Spinner::start(
                format!(
                    "{name}: spraying for {}",
                    humantime::format_duration(duration)
                ),
                spinner_enabled,
            );
            spray_for(&handle, duration, failed).await?;
            SprayAction::SprayedFor
        }
        (true, None, true) => {
            handle.start().await.map_err(failed)?;
            SprayAction::StartRequested
        }
        (true, None, false) => {
            let _spinner = Spinner::start(
                format!("{name}: waiting for the device to start"),
                spinner_enabled,
            );
            handle.start_spray().await.map_err(failed)?;
            SprayAction::Started
        }
        (false, _, true) => {
            handle.stop().await.map_err(failed)?;
            SprayAction::StopRequested
        }
        (false, _, false) => {
            let _spinner = Spinner::start(
                format!("{name}: waiting for the device to stop"),
                spinner_enabled,
            );
            handle.stop_spray().await.map_err(failed)?;
            SprayAction::Stopped
        }
    };
    let document = view::Spray {
        device_id: device.device_id.clone(),
        device_name: name,
        action,
        seconds: duration.map(|duration| duration.as_secs()),
    };
    output.emit(&document).map_err(Error::Output)
}

/// A timed spray that still stops the device when interrupted with Ctrl-C.
///
/// Dropping the client's spray makes it send a stop on a spawned task, best
/// effort; the stop sent here is awaited, so its outcome can be reported.
async fn spray_for(
    handle: &moogo::DeviceHandle,
    duration: Duration,
    failed: impl FnOnce(moogo::Error) -> Error,
) -> Result<()> {
    tokio::select! {
        result = handle.spray_for(duration) => result.map(drop).map_err(failed),
        _ = tokio::signal::ctrl_c() => {
            tracing::info!(device_id = handle.id(), "interrupted: stopping the device");
            let stopped = handle.stop().await.is_ok();
            Err(Error::Interrupted { stopped })
        }
    }
}

/// `moogo logs DEVICE`.
pub(super) async fn logs(args: LogsArgs, context: &Context, output: &mut Output<'_>) -> Result<()> {
    let page = input::page_number("page", args.page)?;
    let page_size = input::page_number("page size", args.page_size)?;
    if page_size > MAX_PAGE_SIZE {
        return Err(InvalidInput::new(
            "page size",
            page_size.to_string(),
            format!("at most {MAX_PAGE_SIZE} entries per page"),
        )
        .into());
    }
    let from = args.from.as_deref().map(input::date).transpose()?;
    let to = args.to.as_deref().map(input::date).transpose()?;
    let mut query = moogo::LogQuery::new()
        .with_page(page)
        .with_page_size(page_size);
    if from.is_some() || to.is_some() {
        let today = jiff::Zoned::now().date();
        let start = from.unwrap_or(jiff::civil::date(2000, 1, 1));
        let end = to.unwrap_or(today);
        if start > end {
            return Err(InvalidInput::new(
                "date range",
                format!("{start} to {end}"),
                "--from must not be after --to",
            )
            .into());
        }
        query = query.with_dates(start, end);
    }
    let client = context.client()?;
    let device = find_device(&client, &args.device.device).await?;
    let name = display_name(&device);
    let log_page = client
        .device(&device.device_id)
        .logs(&query)
        .await
        .map_err(Error::service(format!("read the logs of {name}")))?;
    let document = view::Logs {
        device_id: device.device_id.clone(),
        device_name: name,
        page,
        page_size,
        total: log_page.total.and_then(|total| u64::try_from(total).ok()),
        entries: log_page.items.iter().map(view::LogRow::from).collect(),
    };
    output.emit(&document).map_err(Error::Output)
}

/// `moogo config get|set DEVICE`.
pub(super) async fn config(
    command: ConfigCommand,
    context: &Context,
    output: &mut Output<'_>,
) -> Result<()> {
    match command {
        ConfigCommand::Get(args) => {
            let client = context.client()?;
            let device = find_device(&client, &args.device).await?;
            let name = display_name(&device);
            let config = client
                .device(&device.device_id)
                .config()
                .await
                .map_err(Error::service(format!("read the configuration of {name}")))?;
            let config = match serde_json::to_value(&config) {
                Ok(serde_json::Value::Object(map)) => map,
                _ => serde_json::Map::new(),
            };
            let document = view::Config {
                device_id: device.device_id.clone(),
                device_name: name,
                config,
            };
            output.emit(&document).map_err(Error::Output)
        }
        ConfigCommand::Set(args) => config_set(args, context, output).await,
    }
}

async fn config_set(args: ConfigSetArgs, context: &Context, output: &mut Output<'_>) -> Result<()> {
    let pairs = args
        .settings
        .iter()
        .map(|setting| input::config_pair(setting))
        .collect::<Result<Vec<_>, _>>()?;
    let update = config_update(&pairs)?;
    let client = context.client()?;
    let device = find_device(&client, &args.device.device).await?;
    let name = display_name(&device);
    client
        .device(&device.device_id)
        .update_config(&update)
        .await
        .map_err(Error::service(format!(
            "change the configuration of {name}"
        )))?;
    let keys: Vec<&str> = pairs.iter().map(|pair| pair.key).collect();
    let document = view::Change {
        device_id: device.device_id.clone(),
        device_name: name.clone(),
        change: "config_updated",
        schedule_id: None,
        sentence: format!("Updated {} of {name}.", keys.join(", ")),
    };
    output.emit(&document).map_err(Error::Output)
}

/// The client's typed update for parsed `KEY=VALUE` pairs.
fn config_update(pairs: &[input::ConfigPair]) -> Result<moogo::ConfigUpdate> {
    let mut update = moogo::ConfigUpdate::new();
    for pair in pairs {
        let number = pair.value.as_f64();
        let boolean = pair.value.as_bool();
        let text = pair.value.as_str().map(str::to_owned);
        update = match (pair.key, number, boolean, text) {
            ("stopTemperature", Some(celsius), _, _) => update.with_stop_temperature(celsius),
            ("liquidConcentration", Some(concentration), _, _) => {
                update.with_liquid_concentration(concentration)
            }
            ("sprayingSeconds", _, _, _) => {
                let seconds = pair
                    .value
                    .as_u64()
                    .and_then(|seconds| u32::try_from(seconds).ok())
                    .filter(|seconds| (1..=3600).contains(seconds))
                    .ok_or_else(|| {
                        InvalidInput::new(
                            "value",
                            pair.value.to_string(),
                            "`sprayingSeconds` takes 1 to 3600",
                        )
                    })?;
                update.with_spraying_seconds(seconds)
            }
            ("stopRainy", _, Some(flag), _) => update.with_stop_rainy(flag),
            ("stopSnow", _, Some(flag), _) => update.with_stop_snow(flag),
            ("stopWindstorm", _, Some(flag), _) => update.with_stop_windstorm(flag),
            ("liquidName", _, _, Some(name)) => update.with_liquid_name(name),
            ("timeZone", _, _, Some(zone)) => update.with_time_zone(zone),
            (key, ..) => {
                return Err(
                    InvalidInput::new("setting key", key, "this key cannot be written").into(),
                );
            }
        };
    }
    Ok(update)
}

/// `moogo firmware check|update DEVICE`.
pub(super) async fn firmware(
    command: FirmwareCommand,
    context: &Context,
    output: &mut Output<'_>,
) -> Result<()> {
    let client = context.client()?;
    match command {
        FirmwareCommand::Check(args) => {
            let device = find_device(&client, &args.device).await?;
            let name = display_name(&device);
            let info = client
                .device(&device.device_id)
                .ota_check()
                .await
                .map_err(Error::service(format!("check the firmware of {name}")))?;
            let document = view::Firmware {
                device_id: device.device_id.clone(),
                device_name: name,
                current: device.firmware.clone(),
                update_available: info.available,
                version: info.version.clone(),
            };
            output.emit(&document).map_err(Error::Output)
        }
        FirmwareCommand::Update(args) => {
            let device = find_device(&client, &args.device).await?;
            let name = display_name(&device);
            if !device.is_online() {
                return Err(Error::DeviceOffline {
                    action: format!("update the firmware of {name}"),
                    device: name,
                });
            }
            client
                .device(&device.device_id)
                .ota_update()
                .await
                .map_err(Error::service(format!("update the firmware of {name}")))?;
            let document = view::Change {
                device_id: device.device_id.clone(),
                device_name: name.clone(),
                change: "firmware_update_started",
                schedule_id: None,
                sentence: format!(
                    "Firmware update of {name} started; the device restarts when it is done."
                ),
            };
            output.emit(&document).map_err(Error::Output)
        }
    }
}
