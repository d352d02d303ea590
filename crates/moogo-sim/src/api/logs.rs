//! `GET v1/devices/{deviceId}/logs?page=&pageSize=&startDate=&endDate=`.

use std::sync::Arc;

use axum::extract::{Path, RawQuery, State};
use axum::response::Response;
use jiff::civil::Date;
use serde_json::json;

use super::Caller;
use crate::envelope::{self, ApiError};
use crate::simulation::Simulation;

/// The largest page size served.
const MAX_PAGE_SIZE: i64 = 100;

/// The query of a log request.
#[derive(Debug, PartialEq, Eq)]
struct LogQuery {
    page: usize,
    page_size: usize,
    start: Option<Date>,
    end: Option<Date>,
}

impl LogQuery {
    fn parse(query: Option<&str>) -> Result<Self, ApiError> {
        let mut parsed = Self {
            page: 1,
            page_size: 20,
            start: None,
            end: None,
        };
        let pairs = query
            .unwrap_or_default()
            .split('&')
            .filter(|pair| !pair.is_empty())
            .map(|pair| pair.split_once('=').unwrap_or((pair, "")));
        for (key, value) in pairs {
            match key {
                "page" => parsed.page = integer(key, value, 1..=i64::from(u32::MAX))?,
                "pageSize" => parsed.page_size = integer(key, value, 1..=MAX_PAGE_SIZE)?,
                "startDate" => parsed.start = Some(date(key, value)?),
                "endDate" => parsed.end = Some(date(key, value)?),
                // Like most services, ignore parameters it does not know.
                _ => {}
            }
        }
        if let (Some(start), Some(end)) = (parsed.start, parsed.end)
            && start > end
        {
            return Err(ApiError::bad_request(format!(
                "`startDate` ({start}) is after `endDate` ({end})"
            )));
        }
        Ok(parsed)
    }
}

fn integer(
    key: &str,
    value: &str,
    range: std::ops::RangeInclusive<i64>,
) -> Result<usize, ApiError> {
    value
        .parse::<i64>()
        .ok()
        .filter(|number| range.contains(number))
        .and_then(|number| usize::try_from(number).ok())
        .ok_or_else(|| {
            ApiError::bad_request(format!(
                "`{key}` must be an integer from {} to {}, got `{value}`",
                range.start(),
                range.end()
            ))
        })
}

fn date(key: &str, value: &str) -> Result<Date, ApiError> {
    value
        .parse::<Date>()
        .ok()
        .filter(|_| value.len() == 10)
        .ok_or_else(|| {
            ApiError::bad_request(format!("`{key}` must be a date YYYY-MM-DD, got `{value}`"))
        })
}

/// The device's log, newest first, filtered by local date and paginated.
pub(crate) async fn list(
    State(simulation): State<Arc<Simulation>>,
    caller: Caller,
    Path(device_id): Path<String>,
    RawQuery(query): RawQuery,
) -> Result<Response, ApiError> {
    let query = LogQuery::parse(query.as_deref())?;
    let now = simulation.now();
    let mut state = simulation.state();
    let device = state.device(caller.account, &device_id, now)?;
    let time_zone = device.config.time_zone.clone();
    let matching: Vec<_> = device
        .logs
        .iter()
        .rev()
        .filter(|entry| {
            let day = entry.at.to_zoned(time_zone.clone()).date();
            query.start.is_none_or(|start| day >= start) && query.end.is_none_or(|end| day <= end)
        })
        .collect();
    let total = matching.len();
    let items: Vec<_> = matching
        .into_iter()
        .skip((query.page - 1).saturating_mul(query.page_size))
        .take(query.page_size)
        .map(|entry| device.log_view(entry))
        .collect();
    Ok(envelope::success(json!({
        "items": items,
        "total": total,
        "page": query.page,
        "pageSize": query.page_size,
    })))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn queries_have_defaults_and_name_bad_parameters() {
        assert_eq!(
            LogQuery::parse(None).unwrap(),
            LogQuery {
                page: 1,
                page_size: 20,
                start: None,
                end: None
            }
        );
        let parsed = LogQuery::parse(Some(
            "page=2&pageSize=5&startDate=2026-12-01&endDate=2026-12-04&x=y",
        ))
        .unwrap();
        assert_eq!((parsed.page, parsed.page_size), (2, 5));
        let message = |query: &str| {
            LogQuery::parse(Some(query))
                .unwrap_err()
                .message
                .into_owned()
        };
        assert_eq!(
            message("page=0"),
            "`page` must be an integer from 1 to 4294967295, got `0`"
        );
        assert_eq!(
            message("pageSize=500"),
            "`pageSize` must be an integer from 1 to 100, got `500`"
        );
        assert_eq!(
            message("startDate=12/01/2026"),
            "`startDate` must be a date YYYY-MM-DD, got `12/01/2026`"
        );
        assert_eq!(
            message("startDate=2026-12-05&endDate=2026-12-04"),
            "`startDate` (2026-12-05) is after `endDate` (2026-12-04)"
        );
    }
}
