//! The service's answer envelope `{"code", "message", "data"}` and HTTP status handling.
//!
//! HTTP 200 alone is not success: the envelope's `code` must be 0. Error
//! answers may also come as a non-200 status, with or without an envelope,
//! or as a non-JSON page from a proxy.

use serde::Deserialize;
use serde::de::{DeserializeOwned, Error as _};
use serde_json::Value;
use serde_json::value::RawValue;

use crate::error::{Error, one_line};

/// The most characters of a body kept in an error.
const BODY_EXCERPT_CHARS: usize = 256;

/// What an answer says, before the caller's context turns a failure into an [`Error`].
#[derive(Debug)]
pub(crate) enum Reply {
    /// Code 0: the `data`.
    Success(Data),
    /// A non-zero code or an HTTP error status.
    Failure(Failure),
}

/// A failed answer.
#[derive(Debug, Clone)]
pub(crate) struct Failure {
    pub(crate) status: u16,
    /// The envelope code, when there was an envelope.
    pub(crate) code: Option<i64>,
    /// One line: the server's message, or what came instead of an envelope.
    pub(crate) message: String,
    pub(crate) data: Value,
    /// The start of a body that was not an envelope, as sent.
    pub(crate) body: Option<String>,
}

impl Failure {
    pub(crate) fn is_lockout(&self) -> bool {
        self.code == Some(crate::lockout::LOCKOUT_CODE) || self.status == 429
    }

    pub(crate) fn is_unauthorized(&self) -> bool {
        self.code == Some(401) || self.status == 401
    }

    /// The lockout end, if the answer names one.
    pub(crate) fn locked_until(&self) -> Option<jiff::Timestamp> {
        ["lockedUntil", "locked_until", "unlockTime"]
            .iter()
            .find_map(|key| self.data.get(key))
            .and_then(|value| crate::model::timestamp_from_value(value.clone()))
    }
}

/// The `data` of a successful answer, kept as JSON text until the caller
/// decodes it into the type it expects (no intermediate `Value` tree).
#[derive(Debug)]
pub(crate) struct Data(Option<Box<RawValue>>);

impl Data {
    /// The JSON text of `data` (`null` when absent).
    pub(crate) fn text(&self) -> &str {
        self.0.as_deref().map_or("null", RawValue::get)
    }

    /// Decodes `data` as `T`.
    pub(crate) fn decode<T: DeserializeOwned>(&self) -> serde_json::Result<T> {
        serde_json::from_str(self.text())
    }

    /// `data` as a JSON value (null when absent or unreadable).
    pub(crate) fn into_value(self) -> Value {
        self.decode().unwrap_or(Value::Null)
    }
}

#[derive(Deserialize)]
struct Envelope {
    code: Option<Value>,
    #[serde(default, alias = "msg")]
    message: Option<Value>,
    #[serde(default)]
    data: Option<Box<RawValue>>,
}

/// Reads an answer. `withhold_body` keeps the body out of errors (login answers carry the token).
pub(crate) fn decode(
    path: &str,
    status: u16,
    body: &[u8],
    withhold_body: bool,
) -> Result<Reply, Error> {
    let excerpt = || excerpt(body, withhold_body);
    // Only an object is an envelope (serde would also read an array by position).
    let envelope = match body.trim_ascii_start().first() {
        Some(b'{') => serde_json::from_slice::<Envelope>(body),
        _ => Err(serde_json::Error::custom("the answer is not a JSON object")),
    };
    let envelope = match envelope {
        Ok(envelope) => envelope,
        Err(source) => return non_json(path, status, body, withhold_body, source),
    };
    let code = match envelope.code.as_ref().map(code_of) {
        Some(Some(code)) => Some(code),
        Some(None) | None if (200..300).contains(&status) => {
            return Err(Error::Decode {
                path: path.to_string(),
                status,
                body: excerpt(),
                source: serde_json::Error::custom("the answer has no numeric `code`"),
            });
        }
        _ => None,
    };
    let message = match envelope.message {
        Some(Value::String(message)) => one_line(&message).into_owned(),
        Some(Value::Null) | None => String::new(),
        Some(other) => other.to_string(),
    };
    if code == Some(0) && (200..300).contains(&status) {
        return Ok(Reply::Success(Data(envelope.data)));
    }
    Ok(Reply::Failure(Failure {
        status,
        code: code.filter(|c| *c != 0),
        // An error status with code 0 ("success") is described by the status alone.
        message: if message.is_empty() || code == Some(0) {
            default_message(status)
        } else {
            message
        },
        data: Data(envelope.data).into_value(),
        body: None,
    }))
}

fn non_json(
    path: &str,
    status: u16,
    body: &[u8],
    withhold_body: bool,
    source: serde_json::Error,
) -> Result<Reply, Error> {
    if (200..300).contains(&status) {
        return Err(Error::Decode {
            path: path.to_string(),
            status,
            body: excerpt(body, withhold_body),
            source,
        });
    }
    // An error page without an envelope: the status says what happened; the
    // body goes to a field of the error, not into its message.
    Ok(Reply::Failure(Failure {
        status,
        code: None,
        message: describe_non_json(status, body),
        data: Value::Null,
        body: Some(excerpt(body, withhold_body)).filter(|_| !body.trim_ascii().is_empty()),
    }))
}

/// A one-line description of an error answer that is not an envelope, such as
/// `HTTP 502 with a non-JSON body (an HTML page, probably from a proxy)`.
///
/// Says only what kind of body it is, never what it holds (a login answer's
/// body may hold a token).
fn describe_non_json(status: u16, body: &[u8]) -> String {
    let body = body.trim_ascii();
    if body.is_empty() {
        return format!("HTTP {status} with an empty body");
    }
    if serde_json::from_slice::<serde::de::IgnoredAny>(body).is_ok() {
        return format!("HTTP {status} with a JSON body that is not an envelope");
    }
    let kind = if body.starts_with(b"<") {
        "an HTML page, probably from a proxy"
    } else if std::str::from_utf8(body).is_ok() {
        "plain text"
    } else {
        "binary data"
    };
    format!("HTTP {status} with a non-JSON body ({kind})")
}

fn code_of(value: &Value) -> Option<i64> {
    match value {
        Value::Number(n) => n.as_i64(),
        Value::String(s) => s.trim().parse().ok(),
        _ => None,
    }
}

fn default_message(status: u16) -> String {
    reqwest::StatusCode::from_u16(status)
        .ok()
        .and_then(|s| s.canonical_reason())
        .map_or_else(
            || format!("HTTP {status}"),
            |reason| format!("HTTP {status} {reason}"),
        )
}

/// The start of a body for an error message, at most [`BODY_EXCERPT_CHARS`] characters.
pub(crate) fn excerpt(body: &[u8], withhold: bool) -> String {
    if withhold {
        return format!("<{} bytes withheld: may hold a token>", body.len());
    }
    let text = String::from_utf8_lossy(body);
    let text = text.trim();
    if text.is_empty() {
        return "<empty body>".to_string();
    }
    let mut chars = text.chars();
    let mut excerpt: String = chars.by_ref().take(BODY_EXCERPT_CHARS).collect();
    if chars.next().is_some() {
        excerpt.push_str("...");
    }
    excerpt
}

#[cfg(test)]
mod tests {
    use super::*;

    fn check(status: u16, body: &str) -> String {
        match decode("v1/devices", status, body.as_bytes(), false) {
            Ok(Reply::Success(data)) => format!("success {}", data.text()),
            Ok(Reply::Failure(f)) => format!(
                "failure status={} code={:?} message={:?} body={:?}",
                f.status, f.code, f.message, f.body
            ),
            Err(err) => format!("error {err}"),
        }
    }

    #[test]
    fn envelopes_and_statuses() {
        let cases = [
            (200, r#"{"code":0,"message":"success","data":{"a":1}}"#),
            (200, r#"{"code":0}"#),
            (200, r#"{"code":"0","data":[1]}"#),
            (200, r#"{"code":10000,"message":"too many requests"}"#),
            (200, r#"{"code":10104,"msg":"wrong password","data":null}"#),
            (401, r#"{"code":401,"message":"token expired"}"#),
            (401, ""),
            (404, "<html>Not Found</html>"),
            (502, "<html><body>Bad gateway</body></html>"),
            (
                503,
                "<html>\r\n<head><title>503</title></head>\r\n</html>\r\n",
            ),
            (503, "Service Unavailable"),
            (502, r#"["not", "an envelope"]"#),
            (200, r#"[0, "success", {}]"#),
            (400, r#"{"code":400,"message":"bad\nfield:\r\n hour"}"#),
            (500, r#"{"code":500,"message":"internal"}"#),
            (200, "<html>maintenance</html>"),
            (
                200,
                "<html>\r\n<body>\r\n  maintenance\r\n</body>\r\n</html>\r\n",
            ),
            (200, r#"{"code":0,"data":{"deviceId":"d1","tempera"#),
            (200, r#"{"data":{}}"#),
            (200, ""),
        ];
        let lines: Vec<String> = cases
            .iter()
            .map(|(status, body)| format!("{status} {body:?} => {}", check(*status, body)))
            .collect();
        insta::assert_snapshot!(lines.join("\n"));
    }

    #[test]
    fn excerpts_are_truncated_or_withheld() {
        let long = "x".repeat(1000);
        let excerpt = excerpt(long.as_bytes(), false);
        assert_eq!(excerpt.len(), BODY_EXCERPT_CHARS + 3);
        assert!(excerpt.ends_with("..."));
        let withheld = super::excerpt(br#"{"token":"SECRET"}"#, true);
        assert!(!withheld.contains("SECRET"));
    }

    #[test]
    fn lockout_end_from_data() {
        let Ok(Reply::Failure(failure)) = decode(
            "v1/user/login",
            200,
            br#"{"code":10000,"message":"locked","data":{"lockedUntil":"2030-01-01T00:00:00Z"}}"#,
            false,
        ) else {
            panic!("expected a failure");
        };
        assert!(failure.is_lockout());
        assert_eq!(
            failure.locked_until().unwrap().to_string(),
            "2030-01-01T00:00:00Z"
        );
    }
}
