//! Request bodies: a JSON object read field by field, so that every rejection names the
//! field and the expected value, as a code-400 envelope (never a 500).

use std::ops::RangeInclusive;

use serde_json::{Map, Value};

use crate::envelope::ApiError;

/// A request body that is a JSON object (an empty body counts as `{}`).
#[derive(Debug, Default)]
pub(crate) struct JsonBody(Map<String, Value>);

impl JsonBody {
    /// Parses a body.
    pub(crate) fn parse(bytes: &[u8]) -> Result<Self, ApiError> {
        if bytes.iter().all(u8::is_ascii_whitespace) {
            return Ok(Self::default());
        }
        match serde_json::from_slice::<Value>(bytes) {
            Ok(Value::Object(map)) => Ok(Self(map)),
            Ok(other) => Err(ApiError::bad_request(format!(
                "request body must be a JSON object, got {}",
                kind_of(&other)
            ))),
            Err(error) => Err(ApiError::bad_request(format!(
                "request body is not valid JSON: {error}"
            ))),
        }
    }

    /// The fields, in the order given.
    pub(crate) fn fields(&self) -> impl Iterator<Item = (&str, &Value)> {
        self.0.iter().map(|(key, value)| (key.as_str(), value))
    }

    fn get(&self, field: &str) -> Option<&Value> {
        self.0.get(field).filter(|value| !value.is_null())
    }

    /// A required string field.
    pub(crate) fn required_str(&self, field: &str) -> Result<&str, ApiError> {
        self.optional_str(field)?
            .ok_or_else(|| missing(field, "a string"))
    }

    /// An optional string field (`null` counts as absent).
    pub(crate) fn optional_str(&self, field: &str) -> Result<Option<&str>, ApiError> {
        self.get(field)
            .map(|value| as_str(field, value))
            .transpose()
    }

    /// A required integer field within `range`.
    pub(crate) fn required_int(
        &self,
        field: &str,
        range: RangeInclusive<i64>,
    ) -> Result<i64, ApiError> {
        self.optional_int(field, range.clone())?.ok_or_else(|| {
            missing(
                field,
                &format!("an integer from {} to {}", range.start(), range.end()),
            )
        })
    }

    /// An optional integer field within `range`.
    pub(crate) fn optional_int(
        &self,
        field: &str,
        range: RangeInclusive<i64>,
    ) -> Result<Option<i64>, ApiError> {
        self.get(field)
            .map(|value| as_int(field, value, range))
            .transpose()
    }

    /// An optional boolean field.
    pub(crate) fn optional_bool(&self, field: &str) -> Result<Option<bool>, ApiError> {
        self.get(field)
            .map(|value| as_bool(field, value))
            .transpose()
    }
}

/// Reads a string value of `field`.
pub(crate) fn as_str<'a>(field: &str, value: &'a Value) -> Result<&'a str, ApiError> {
    value
        .as_str()
        .ok_or_else(|| wrong_type(field, "a string", value))
}

/// Reads a boolean value of `field`.
pub(crate) fn as_bool(field: &str, value: &Value) -> Result<bool, ApiError> {
    value
        .as_bool()
        .ok_or_else(|| wrong_type(field, "true or false", value))
}

/// Reads an integer value of `field` within `range` (a float with no fraction is accepted).
pub(crate) fn as_int(
    field: &str,
    value: &Value,
    range: RangeInclusive<i64>,
) -> Result<i64, ApiError> {
    let expected = format!("an integer from {} to {}", range.start(), range.end());
    let integer = value.as_i64().or_else(|| {
        value
            .as_f64()
            .filter(|float| float.fract() == 0.0 && float.abs() < 9.0e15)
            .map(|float| float as i64)
    });
    match integer {
        Some(integer) if range.contains(&integer) => Ok(integer),
        Some(integer) => Err(ApiError::bad_request(format!(
            "`{field}` must be {expected}, got {integer}"
        ))),
        None => Err(wrong_type(field, &expected, value)),
    }
}

/// Reads a number value of `field` within `range`.
pub(crate) fn as_number(
    field: &str,
    value: &Value,
    range: RangeInclusive<f64>,
) -> Result<f64, ApiError> {
    let expected = format!("a number from {} to {}", range.start(), range.end());
    match value.as_f64() {
        Some(number) if range.contains(&number) => Ok(number),
        Some(number) => Err(ApiError::bad_request(format!(
            "`{field}` must be {expected}, got {number}"
        ))),
        None => Err(wrong_type(field, &expected, value)),
    }
}

fn missing(field: &str, expected: &str) -> ApiError {
    ApiError::bad_request(format!("`{field}` is required: {expected}"))
}

fn wrong_type(field: &str, expected: &str, value: &Value) -> ApiError {
    ApiError::bad_request(format!(
        "`{field}` must be {expected}, got {}",
        kind_of(value)
    ))
}

fn kind_of(value: &Value) -> &'static str {
    match value {
        Value::Null => "null",
        Value::Bool(_) => "a boolean",
        Value::Number(_) => "a number",
        Value::String(_) => "a string",
        Value::Array(_) => "an array",
        Value::Object(_) => "an object",
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn message(result: Result<impl std::fmt::Debug, ApiError>) -> String {
        result.unwrap_err().message.into_owned()
    }

    #[test]
    fn rejections_name_the_field() {
        let body =
            JsonBody::parse(br#"{"hour": 24, "minute": "5", "name": null, "ok": 3.0}"#).unwrap();
        assert_eq!(
            message(body.required_int("hour", 0..=23)),
            "`hour` must be an integer from 0 to 23, got 24"
        );
        assert_eq!(
            message(body.required_int("minute", 0..=59)),
            "`minute` must be an integer from 0 to 59, got a string"
        );
        assert_eq!(
            message(body.required_str("name")),
            "`name` is required: a string"
        );
        assert_eq!(
            message(body.required_int("duration", 1..=3600)),
            "`duration` is required: an integer from 1 to 3600"
        );
        assert_eq!(body.required_int("ok", 0..=5).unwrap(), 3);
    }

    #[test]
    fn bodies_must_be_json_objects() {
        assert!(JsonBody::parse(b"").unwrap().fields().next().is_none());
        assert!(message(JsonBody::parse(b"[1]")).contains("must be a JSON object, got an array"));
        assert!(
            message(JsonBody::parse(b"{\"email\": ")).starts_with("request body is not valid JSON")
        );
    }
}
