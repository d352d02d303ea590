//! Fault injection: what can go wrong between a client and the service, per route or global.
//!
//! A [`FaultSpec`] is written as comma-separated `key=value` pairs:
//!
//! ```text
//! kind=status:503
//! route=GET v1/devices/{deviceId},kind=reset,times=2
//! kind=latency:250ms,route=v1/devices/{id}/start
//! ```
//!
//! - `kind` (required): `latency:DURATION` (delay the answer, then answer normally),
//!   `status:CODE` (that HTTP status with an envelope whose `code` is the same),
//!   `code:N` (HTTP 200 with an envelope whose `code` is N, e.g. `code:500`),
//!   `reset` (close the connection with a TCP reset before any answer),
//!   `truncate` (the real answer cut in half: invalid JSON),
//!   `non-json` (HTTP 200 with a plain-text body),
//!   `html` or `html:CODE` (a proxy's HTML error page, HTTP 502 unless CODE is given),
//!   `unauthorized` (the answer to an invalid token, even for a valid one).
//! - `route` (optional; global when absent): `METHOD TEMPLATE` or just `TEMPLATE` (any method),
//!   with or without a leading slash. Placeholders match whatever their name
//!   (`{id}` = `{deviceId}`); a literal segment where the template has a placeholder matches
//!   that one value, so `POST v1/devices/a1c4e5f60001/start` targets one device.
//! - `times` (optional; unlimited when absent): how many matching requests the fault hits
//!   before it disappears.
//!
//! Faults apply to the Moogo API only, before authentication; every matching latency fault
//! adds its delay, then the first matching fault of another kind decides the answer.

use std::fmt;
use std::str::FromStr;
use std::sync::Mutex;
use std::sync::atomic::{AtomicBool, Ordering};
use std::time::Duration;

use axum::http::{Method, StatusCode};
use serde::{Deserialize, Serialize};

use crate::error::Error;
use crate::route::Route;

/// What a fault does to a request.
#[derive(Debug, Clone, PartialEq, Eq)]
#[non_exhaustive]
pub enum FaultKind {
    /// Answer normally, after this extra delay (on the tokio clock).
    Latency(Duration),
    /// Answer with this HTTP status and an envelope with the same `code`.
    Status(u16),
    /// Answer with HTTP 200 and an envelope with this `code`.
    Code(i64),
    /// Reset the TCP connection without answering.
    Reset,
    /// Send the real answer cut in half, so that it is not valid JSON.
    Truncate,
    /// Answer with HTTP 200 and a plain-text body.
    NonJson,
    /// Answer with a proxy's HTML error page and this HTTP status.
    Html(u16),
    /// Answer as if the token were invalid, even when it is valid.
    Unauthorized,
}

/// A fault to inject: what happens, to which route, how many times.
///
/// Parse one from the `--fault` syntax (see the module documentation and the README) or build
/// it with [`FaultSpec::new`] and the `with_*` methods.
///
/// # Examples
///
/// ```
/// use moogo_sim::{FaultKind, FaultSpec};
///
/// let parsed: FaultSpec = "route=GET v1/devices/{deviceId},kind=status:503,times=2".parse()?;
/// let built = FaultSpec::new(FaultKind::Status(503))
///     .with_route("GET v1/devices/{deviceId}")?
///     .with_times(2);
/// assert_eq!(parsed, built);
/// assert_eq!(parsed.to_string(), "route=GET v1/devices/{deviceId},kind=status:503,times=2");
/// # Ok::<(), moogo_sim::Error>(())
/// ```
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct FaultSpec {
    kind: FaultKind,
    route: Option<RoutePattern>,
    times: Option<u64>,
}

#[derive(Debug, Clone, PartialEq, Eq)]
struct RoutePattern {
    method: Option<Method>,
    segments: Vec<String>,
}

impl FaultSpec {
    /// A global fault of this kind, without a limit.
    pub fn new(kind: FaultKind) -> Self {
        Self {
            kind,
            route: None,
            times: None,
        }
    }

    /// Restricts the fault to a route such as `GET v1/devices/{deviceId}`.
    ///
    /// # Errors
    ///
    /// [`Error::InvalidFault`] when the method is not an HTTP method or the path is empty.
    pub fn with_route(mut self, route: &str) -> Result<Self, Error> {
        self.route = Some(
            RoutePattern::parse(route).map_err(|reason| Error::InvalidFault {
                spec: route.to_owned(),
                reason,
            })?,
        );
        Ok(self)
    }

    /// Makes the fault disappear after it has hit `times` requests.
    pub fn with_times(mut self, times: u64) -> Self {
        self.times = Some(times);
        self
    }

    /// What the fault does.
    pub fn kind(&self) -> &FaultKind {
        &self.kind
    }

    /// How many more requests the fault hits; `None` when unlimited.
    pub fn times(&self) -> Option<u64> {
        self.times
    }

    /// The route the fault is restricted to, as `METHOD path`; `None` when global.
    pub fn route(&self) -> Option<String> {
        self.route.as_ref().map(|route| match &route.method {
            Some(method) => format!("{method} {}", route.segments.join("/")),
            None => route.segments.join("/"),
        })
    }

    fn matches(&self, route: Option<Route>, method: &Method, path: &str) -> bool {
        match &self.route {
            None => true,
            Some(pattern) => route.is_some_and(|route| pattern.matches(route, method, path)),
        }
    }
}

impl RoutePattern {
    fn parse(text: &str) -> Result<Self, String> {
        let text = text.trim();
        let (method, path) = match text.split_once(' ') {
            Some((method, path)) => {
                let known = ["GET", "POST", "PUT", "DELETE", "PATCH", "HEAD", "OPTIONS"];
                let upper = method.to_ascii_uppercase();
                let method = known
                    .contains(&upper.as_str())
                    .then(|| Method::from_bytes(upper.as_bytes()).ok())
                    .flatten()
                    .ok_or_else(|| {
                        format!("`{method}` is not an HTTP method such as GET or POST")
                    })?;
                (Some(method), path.trim())
            }
            None => (None, text),
        };
        let segments: Vec<String> = path
            .trim_matches('/')
            .split('/')
            .filter(|segment| !segment.is_empty())
            .map(str::to_owned)
            .collect();
        if segments.is_empty() {
            return Err("the route has no path; write e.g. `GET v1/devices`".to_owned());
        }
        Ok(Self { method, segments })
    }

    fn matches(&self, route: Route, method: &Method, path: &str) -> bool {
        let (route_method, template) = route.parts();
        if self
            .method
            .as_ref()
            .is_some_and(|wanted| *wanted != route_method)
            || route_method != method
        {
            return false;
        }
        let template: Vec<&str> = template.split('/').collect();
        let concrete: Vec<&str> = path.trim_matches('/').split('/').collect();
        if template.len() != self.segments.len() || concrete.len() != template.len() {
            return false;
        }
        self.segments
            .iter()
            .zip(template.iter().zip(&concrete))
            .all(|(wanted, (template, concrete))| {
                let is_placeholder =
                    |segment: &str| segment.starts_with('{') && segment.ends_with('}');
                match (is_placeholder(wanted), is_placeholder(template)) {
                    (true, true) => true,
                    (true, false) => false,
                    (false, false) => wanted == template,
                    (false, true) => wanted == concrete,
                }
            })
    }
}

impl fmt::Display for FaultKind {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            FaultKind::Latency(delay) => {
                write!(f, "latency:{}", humantime::format_duration(*delay))
            }
            FaultKind::Status(code) => write!(f, "status:{code}"),
            FaultKind::Code(code) => write!(f, "code:{code}"),
            FaultKind::Reset => f.write_str("reset"),
            FaultKind::Truncate => f.write_str("truncate"),
            FaultKind::NonJson => f.write_str("non-json"),
            FaultKind::Html(status) => write!(f, "html:{status}"),
            FaultKind::Unauthorized => f.write_str("unauthorized"),
        }
    }
}

impl fmt::Display for FaultSpec {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        if let Some(route) = self.route() {
            write!(f, "route={route},")?;
        }
        write!(f, "kind={}", self.kind)?;
        if let Some(times) = self.times {
            write!(f, ",times={times}")?;
        }
        Ok(())
    }
}

impl FromStr for FaultKind {
    type Err = String;

    fn from_str(text: &str) -> Result<Self, String> {
        let (name, argument) = match text.trim().split_once(':') {
            Some((name, argument)) => (name.trim(), Some(argument.trim())),
            None => (text.trim(), None),
        };
        let status = |argument: &str| -> Result<u16, String> {
            argument
                .parse::<u16>()
                .ok()
                .filter(|code| StatusCode::from_u16(*code).is_ok())
                .ok_or_else(|| format!("`{argument}` is not an HTTP status code (100..=999)"))
        };
        match (name.to_ascii_lowercase().as_str(), argument) {
            ("latency", Some(delay)) => humantime::parse_duration(delay)
                .map(FaultKind::Latency)
                .map_err(|_| format!("`{delay}` is not a duration such as 250ms or 2s")),
            ("status", Some(code)) => status(code).map(FaultKind::Status),
            ("code", Some(code)) => code
                .parse()
                .map(FaultKind::Code)
                .map_err(|_| format!("`{code}` is not an integer")),
            ("html", Some(code)) => status(code).map(FaultKind::Html),
            ("html", None) => Ok(FaultKind::Html(502)),
            ("reset", None) => Ok(FaultKind::Reset),
            ("truncate", None) => Ok(FaultKind::Truncate),
            ("non-json", None) => Ok(FaultKind::NonJson),
            ("unauthorized", None) => Ok(FaultKind::Unauthorized),
            ("latency" | "status" | "code", None) => Err(format!(
                "kind `{name}` needs an argument, e.g. `{name}:{}`",
                example(name)
            )),
            _ => Err(format!(
                "unknown kind `{text}`; expected latency:DURATION, status:CODE, code:N, reset, truncate, non-json, html[:CODE] or unauthorized"
            )),
        }
    }
}

fn example(kind: &str) -> &'static str {
    match kind {
        "latency" => "250ms",
        "status" => "503",
        _ => "500",
    }
}

impl FromStr for FaultSpec {
    type Err = Error;

    fn from_str(spec: &str) -> Result<Self, Error> {
        let invalid = |reason: String| Error::InvalidFault {
            spec: spec.to_owned(),
            reason,
        };
        let mut kind = None;
        let mut route = None;
        let mut times = None;
        for pair in spec.split(',').filter(|pair| !pair.trim().is_empty()) {
            let (key, value) = pair
                .split_once('=')
                .ok_or_else(|| invalid(format!("`{pair}` is not key=value")))?;
            match key.trim() {
                "kind" => kind = Some(value.parse::<FaultKind>().map_err(invalid)?),
                "route" => route = Some(RoutePattern::parse(value).map_err(invalid)?),
                "times" => {
                    times = Some(value.trim().parse::<u64>().map_err(|_| {
                        invalid(format!("times `{value}` is not a whole number such as 2"))
                    })?);
                }
                other => {
                    return Err(invalid(format!(
                        "unknown key `{other}`; expected kind, route or times"
                    )));
                }
            }
        }
        let kind = kind.ok_or_else(|| invalid("`kind` is missing".to_owned()))?;
        Ok(Self { kind, route, times })
    }
}

impl Serialize for FaultSpec {
    fn serialize<S: serde::Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        serializer.collect_str(self)
    }
}

/// A fault in JSON: either the `--fault` text or an object with the same keys.
#[derive(Debug, Deserialize)]
#[serde(untagged)]
pub(crate) enum FaultInput {
    Text(String),
    Object {
        kind: String,
        route: Option<String>,
        times: Option<u64>,
    },
}

impl FaultInput {
    pub(crate) fn into_spec(self) -> Result<FaultSpec, Error> {
        match self {
            FaultInput::Text(text) => text.parse(),
            FaultInput::Object { kind, route, times } => {
                let parsed = kind
                    .parse::<FaultKind>()
                    .map_err(|reason| Error::InvalidFault {
                        spec: kind.clone(),
                        reason,
                    })?;
                let mut spec = FaultSpec::new(parsed);
                if let Some(route) = route {
                    spec = spec.with_route(&route)?;
                }
                spec.times = times;
                Ok(spec)
            }
        }
    }
}

/// What the active faults decide for one request.
#[derive(Debug, Default, PartialEq, Eq)]
pub(crate) struct Verdict {
    /// Total delay to add before answering.
    pub(crate) latency: Duration,
    /// The fault that replaces or alters the answer, if any.
    pub(crate) action: Option<FaultKind>,
}

/// The active faults, with their remaining hit counts.
#[derive(Debug, Default)]
pub(crate) struct Faults {
    any: AtomicBool,
    active: Mutex<Vec<FaultSpec>>,
}

impl Faults {
    /// Faults active from the start.
    pub(crate) fn new(initial: Vec<FaultSpec>) -> Self {
        let faults = Self::default();
        faults.replace(initial);
        faults
    }

    fn lock(&self) -> std::sync::MutexGuard<'_, Vec<FaultSpec>> {
        self.active
            .lock()
            .unwrap_or_else(|poisoned| poisoned.into_inner())
    }

    /// Adds a fault.
    pub(crate) fn add(&self, fault: FaultSpec) {
        let mut active = self.lock();
        if fault.times != Some(0) {
            active.push(fault);
        }
        self.any.store(!active.is_empty(), Ordering::Release);
    }

    /// Replaces every fault.
    pub(crate) fn replace(&self, faults: Vec<FaultSpec>) {
        let mut active = self.lock();
        *active = faults
            .into_iter()
            .filter(|fault| fault.times != Some(0))
            .collect();
        self.any.store(!active.is_empty(), Ordering::Release);
    }

    /// The active faults, with their remaining counts.
    pub(crate) fn list(&self) -> Vec<FaultSpec> {
        self.lock().clone()
    }

    /// Decides what happens to a request and uses up one hit of each fault involved.
    pub(crate) fn verdict(&self, route: Option<Route>, method: &Method, path: &str) -> Verdict {
        let mut verdict = Verdict::default();
        if !self.any.load(Ordering::Acquire) {
            return verdict;
        }
        let mut active = self.lock();
        for fault in active.iter_mut() {
            if !fault.matches(route, method, path) {
                continue;
            }
            match &fault.kind {
                FaultKind::Latency(delay) => verdict.latency += *delay,
                _ if verdict.action.is_some() => continue,
                other => verdict.action = Some(other.clone()),
            }
            if let Some(times) = &mut fault.times {
                *times = times.saturating_sub(1);
            }
        }
        active.retain(|fault| fault.times != Some(0));
        self.any.store(!active.is_empty(), Ordering::Release);
        verdict
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn spec(text: &str) -> FaultSpec {
        text.parse().unwrap()
    }

    #[test]
    fn specs_round_trip_through_text() {
        for text in [
            "kind=reset",
            "route=GET v1/devices/{deviceId},kind=status:503,times=2",
            "route=v1/devices,kind=latency:250ms",
            "kind=html:503",
            "kind=code:10201,times=1",
            "kind=non-json",
            "kind=truncate",
            "kind=unauthorized",
        ] {
            assert_eq!(spec(text).to_string(), text);
        }
        assert_eq!(spec("kind=html").kind, FaultKind::Html(502));
        assert_eq!(
            spec(" route = get /v1/liquid/ , kind = RESET").to_string(),
            "route=GET v1/liquid,kind=reset"
        );
    }

    #[test]
    fn bad_specs_say_what_is_wrong() {
        let error = |text: &str| text.parse::<FaultSpec>().unwrap_err().to_string();
        assert!(error("route=GET v1/devices").contains("`kind` is missing"));
        assert!(error("kind=explode").contains("unknown kind `explode`"));
        assert!(error("kind=status:abc").contains("`abc` is not an HTTP status code"));
        assert!(error("kind=latency").contains("needs an argument"));
        assert!(error("kind=reset,times=-1").contains("times `-1`"));
        assert!(error("kind=reset,when=now").contains("unknown key `when`"));
        assert!(error("kind=reset,route=FETCH v1").contains("not an HTTP method"));
    }

    #[test]
    fn routes_match_templates_and_concrete_ids() {
        let device = "/v1/devices/a1/start";
        let check = |pattern: &str, route: Route, method: Method, path: &str, expected: bool| {
            let fault = spec(&format!("kind=reset,route={pattern}"));
            assert_eq!(
                fault.matches(Some(route), &method, path),
                expected,
                "{pattern} vs {path}"
            );
        };
        check(
            "POST v1/devices/{id}/start",
            Route::Start,
            Method::POST,
            device,
            true,
        );
        check(
            "v1/devices/{deviceId}/start",
            Route::Start,
            Method::POST,
            device,
            true,
        );
        check(
            "POST v1/devices/a1/start",
            Route::Start,
            Method::POST,
            device,
            true,
        );
        check(
            "POST v1/devices/a2/start",
            Route::Start,
            Method::POST,
            device,
            false,
        );
        check(
            "GET v1/devices/{id}/start",
            Route::Start,
            Method::POST,
            device,
            false,
        );
        check(
            "GET v1/devices/{id}",
            Route::RecommendedSchedules,
            Method::GET,
            "/v1/devices/schedules",
            false,
        );
        check(
            "GET v1/devices/{id}",
            Route::GetDevice,
            Method::GET,
            "/v1/devices/x",
            true,
        );
    }

    #[test]
    fn times_run_out_and_latency_adds_up() {
        let faults = Faults::new(vec![
            spec("kind=latency:1s"),
            spec("kind=latency:2s,times=1"),
            spec("kind=status:503,times=1"),
            spec("kind=reset"),
        ]);
        let first = faults.verdict(Some(Route::Liquids), &Method::GET, "/v1/liquid");
        assert_eq!(first.latency, Duration::from_secs(3));
        assert_eq!(first.action, Some(FaultKind::Status(503)));
        let second = faults.verdict(Some(Route::Liquids), &Method::GET, "/v1/liquid");
        assert_eq!(second.latency, Duration::from_secs(1));
        assert_eq!(second.action, Some(FaultKind::Reset));
        assert_eq!(faults.list().len(), 2);
    }
}
