//! Field deserializers that accept what the service is known to send.
//!
//! Each returns `None` (or an empty list) for a missing, null or unusable
//! value instead of failing, so one odd field never loses a whole answer.

use jiff::Timestamp;
use serde::de::DeserializeOwned;
use serde::{Deserialize, Deserializer};
use serde_json::Value;

/// Unix times above this are milliseconds, below it seconds.
const MILLIS_THRESHOLD: i64 = 1_000_000_000_000;

pub(crate) fn string<'de, D: Deserializer<'de>>(d: D) -> Result<Option<String>, D::Error> {
    Ok(match Option::<Value>::deserialize(d)? {
        Some(Value::String(s)) => Some(s),
        Some(Value::Number(n)) => Some(n.to_string()),
        Some(Value::Bool(b)) => Some(b.to_string()),
        _ => None,
    })
}

pub(crate) fn required_string<'de, D: Deserializer<'de>>(d: D) -> Result<String, D::Error> {
    Ok(string(d)?.unwrap_or_default())
}

pub(crate) fn int<'de, D: Deserializer<'de>>(d: D) -> Result<Option<i64>, D::Error> {
    Ok(Option::<Value>::deserialize(d)?
        .as_ref()
        .and_then(value_to_i64))
}

pub(crate) fn float<'de, D: Deserializer<'de>>(d: D) -> Result<Option<f64>, D::Error> {
    Ok(match Option::<Value>::deserialize(d)? {
        Some(Value::Number(n)) => n.as_f64(),
        Some(Value::String(s)) => s.trim().parse().ok().filter(|f: &f64| f.is_finite()),
        _ => None,
    })
}

pub(crate) fn boolean<'de, D: Deserializer<'de>>(d: D) -> Result<Option<bool>, D::Error> {
    Ok(match Option::<Value>::deserialize(d)? {
        Some(Value::Bool(b)) => Some(b),
        Some(Value::Number(n)) => n.as_f64().map(|f| f != 0.0),
        Some(Value::String(s)) => match s.trim().to_ascii_lowercase().as_str() {
            "true" | "1" | "yes" => Some(true),
            "false" | "0" | "no" => Some(false),
            _ => None,
        },
        _ => None,
    })
}

pub(crate) fn flag<'de, D: Deserializer<'de>>(d: D) -> Result<bool, D::Error> {
    Ok(boolean(d)?.unwrap_or(false))
}

/// A Unix time in seconds or milliseconds, or an RFC 3339 / naive ISO string.
pub(crate) fn timestamp<'de, D: Deserializer<'de>>(d: D) -> Result<Option<Timestamp>, D::Error> {
    Ok(match Option::<Value>::deserialize(d)? {
        Some(Value::String(s)) => match s.trim().parse::<i64>() {
            Ok(n) => unix_to_timestamp(n),
            Err(_) => crate::store::parse_timestamp(&s),
        },
        Some(value) => value_to_i64(&value).and_then(unix_to_timestamp),
        None => None,
    })
}

/// A list of `T`, skipping elements that do not decode; null or missing is empty.
pub(crate) fn list<'de, D: Deserializer<'de>, T: DeserializeOwned>(
    d: D,
) -> Result<Vec<T>, D::Error> {
    Ok(items(
        Option::<Value>::deserialize(d)?.unwrap_or(Value::Null),
    ))
}

/// The elements of an array, or of an object's `items` (or `list`) array.
pub(crate) fn items<T: DeserializeOwned>(value: Value) -> Vec<T> {
    let array = match value {
        Value::Array(array) => array,
        Value::Object(mut object) => match object.remove("items").or_else(|| object.remove("list"))
        {
            Some(Value::Array(array)) => array,
            _ => Vec::new(),
        },
        _ => Vec::new(),
    };
    array
        .into_iter()
        .filter_map(|element| match serde_json::from_value(element) {
            Ok(item) => Some(item),
            Err(err) => {
                tracing::warn!(error = %err, "skipping an element that does not decode");
                None
            }
        })
        .collect()
}

fn value_to_i64(value: &Value) -> Option<i64> {
    match value {
        Value::Number(n) => n.as_i64().or_else(|| {
            n.as_f64()
                .filter(|f| f.is_finite() && f.abs() < 9.0e18)
                .map(|f| f.round() as i64)
        }),
        Value::String(s) => {
            let s = s.trim();
            s.parse::<i64>().ok().or_else(|| {
                s.parse::<f64>()
                    .ok()
                    .filter(|f| f.is_finite() && f.abs() < 9.0e18)
                    .map(|f| f.round() as i64)
            })
        }
        Value::Bool(b) => Some(i64::from(*b)),
        _ => None,
    }
}

/// Seconds, or milliseconds when above 10^12.
pub(crate) fn unix_to_timestamp(n: i64) -> Option<Timestamp> {
    if n.abs() > MILLIS_THRESHOLD {
        Timestamp::from_millisecond(n).ok()
    } else {
        Timestamp::from_second(n).ok()
    }
}
