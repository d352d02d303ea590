//! The client, its builder, and the path every call takes: circuit breaker,
//! retry loop, session, request, re-login on 401.

use std::path::PathBuf;
use std::sync::Arc;
use std::time::Duration;

use reqwest::Method;
use secrecy::SecretString;
use serde::de::DeserializeOwned;
use serde_json::Value;

use crate::auth::{Auth, Credentials};
use crate::cache::Caches;
use crate::circuit::{CircuitBreakers, DEFAULT_OPEN_FOR, DEFAULT_THRESHOLD};
use crate::clock::{Clock, SharedClock, SystemClock};
use crate::device::DeviceHandle;
use crate::envelope::{Data, Failure, Reply};
use crate::error::{Error, Result};
use crate::lockout::LockoutGuard;
use crate::model::{self, DeviceSummary, Liquid, Schedule};
use crate::retry::RetryPolicy;
use crate::session::Session;
use crate::store::{EnvStore, FileStore, SessionStore};
use crate::transport::{Exchange, Transport};

/// The production base URL.
pub const DEFAULT_BASE_URL: &str = "https://api.moogo.com";
/// The default request timeout.
pub const DEFAULT_TIMEOUT: Duration = Duration::from_secs(30);
/// The default time to wait for a device to confirm a start or stop.
pub const DEFAULT_CONFIRMATION_TIMEOUT: Duration = Duration::from_secs(10);
/// The default interval between status polls while waiting for a confirmation.
pub const DEFAULT_POLL_INTERVAL: Duration = Duration::from_secs(1);
/// The shortest allowed poll interval.
pub const MIN_POLL_INTERVAL: Duration = Duration::from_millis(500);

/// A Moogo API client: cheap to clone (an `Arc` inside); create one and reuse it.
///
/// Build it with [`Client::builder`]. Clones share the connection pool,
/// session, caches, circuit breakers and lockout guard.
#[derive(Debug, Clone)]
pub struct Client {
    pub(crate) inner: Arc<Inner>,
    /// Reads skip the caches (and refill them).
    pub(crate) fresh: bool,
}

#[derive(Debug)]
pub(crate) struct Inner {
    pub(crate) transport: Transport,
    pub(crate) auth: Auth,
    pub(crate) caches: Caches,
    pub(crate) circuits: CircuitBreakers,
    pub(crate) retry: RetryPolicy,
    pub(crate) spray_retry: RetryPolicy,
    pub(crate) confirmation_timeout: Duration,
    pub(crate) poll_interval: Duration,
}

/// One API call as the client runs it.
pub(crate) struct Call<'a> {
    pub(crate) method: Method,
    pub(crate) path: String,
    pub(crate) body: Option<Value>,
    /// Whether the call needs the token (public data does not).
    pub(crate) authenticated: bool,
    /// The device, for its circuit breaker and offline errors.
    pub(crate) device_id: Option<&'a str>,
    pub(crate) retry: RetryPolicy,
}

impl Call<'_> {
    fn exchange<'e>(&'e self, token: Option<&'e str>, attempt: u32) -> Exchange<'e> {
        Exchange {
            method: self.method.clone(),
            path: &self.path,
            body: self.body.as_ref(),
            token,
            attempt,
            withhold_body: false,
        }
    }
}

impl Client {
    /// A builder with the defaults: production URL, 30 s timeout, no store.
    pub fn builder() -> ClientBuilder {
        ClientBuilder::new()
    }

    /// A client configured from the `MOOGO_*` environment variables; see [`ClientBuilder::from_env`].
    ///
    /// # Errors
    ///
    /// As [`ClientBuilder::build`].
    pub fn from_env() -> Result<Client> {
        Client::builder().from_env().build()
    }

    /// The base URL requests go to.
    pub fn base_url(&self) -> &url::Url {
        self.inner.transport.base_url()
    }

    /// A view of this client whose reads skip the caches (and refill them).
    ///
    /// # Examples
    ///
    /// ```no_run
    /// # async fn run(client: moogo::Client) -> moogo::Result<()> {
    /// let status = client.fresh().device("d1").status().await?;
    /// # Ok(()) }
    /// ```
    pub fn fresh(&self) -> Client {
        Client {
            inner: Arc::clone(&self.inner),
            fresh: true,
        }
    }

    /// Makes sure there is a session: reuses one from memory or the store
    /// when it is not yet due for refresh ([`Session::refresh_at`]), and logs
    /// in otherwise.
    ///
    /// # Errors
    ///
    /// [`Error::MissingCredentials`], [`Error::InvalidCredentials`],
    /// [`Error::RateLimited`] and request errors.
    pub async fn login(&self) -> Result<Session> {
        self.inner.transport.lockout.check()?;
        self.inner.auth.session(&self.inner.transport).await
    }

    /// The current session, to export and restore later with [`ClientBuilder::session`].
    pub fn session(&self) -> Option<Session> {
        self.inner.auth.current()
    }

    /// A handle for one device's operations.
    pub fn device(&self, device_id: impl Into<String>) -> DeviceHandle {
        DeviceHandle::new(self.clone(), device_id.into())
    }

    /// The account's devices (cached 5 minutes).
    ///
    /// # Errors
    ///
    /// Request errors; see [`enum@Error`].
    pub async fn devices(&self) -> Result<Vec<DeviceSummary>> {
        let caches = &self.inner.caches;
        if let Some(devices) = self.cached(|| caches.devices.get("")) {
            tracing::debug!(what = "devices", "cache hit");
            return Ok(devices);
        }
        let data = self
            .call(self.read("v1/devices".into(), true, None))
            .await?;
        let devices: Vec<DeviceSummary> = model::items(data.into_value());
        caches.devices.insert("", devices.clone());
        Ok(devices)
    }

    /// The public catalogue of liquids (no login needed; cached an hour).
    ///
    /// # Errors
    ///
    /// Request errors; see [`enum@Error`].
    pub async fn liquids(&self) -> Result<Vec<Liquid>> {
        let caches = &self.inner.caches;
        if let Some(liquids) = self.cached(|| caches.liquids.get("")) {
            tracing::debug!(what = "liquids", "cache hit");
            return Ok(liquids);
        }
        let data = self
            .call(self.read("v1/liquid".into(), false, None))
            .await?;
        let liquids: Vec<Liquid> = model::items(data.into_value());
        caches.liquids.insert("", liquids.clone());
        Ok(liquids)
    }

    /// The public recommended schedules (no login needed; cached an hour).
    ///
    /// # Errors
    ///
    /// Request errors; see [`enum@Error`].
    pub async fn recommended_schedules(&self) -> Result<Vec<Schedule>> {
        let caches = &self.inner.caches;
        if let Some(schedules) = self.cached(|| caches.recommended.get("")) {
            tracing::debug!(what = "recommended schedules", "cache hit");
            return Ok(schedules);
        }
        let data = self
            .call(self.read("v1/devices/schedules".into(), false, None))
            .await?;
        let schedules: Vec<Schedule> = model::items(data.into_value());
        caches.recommended.insert("", schedules.clone());
        Ok(schedules)
    }

    pub(crate) fn cached<T>(&self, get: impl FnOnce() -> Option<T>) -> Option<T> {
        if self.fresh || !self.inner.caches.enabled {
            None
        } else {
            get()
        }
    }

    pub(crate) fn read<'a>(
        &self,
        path: String,
        authenticated: bool,
        device_id: Option<&'a str>,
    ) -> Call<'a> {
        Call {
            method: Method::GET,
            path,
            body: None,
            authenticated,
            device_id,
            retry: self.inner.retry,
        }
    }

    /// Runs `call` and decodes its `data` as `T` (a missing `data` reads as null).
    pub(crate) async fn call_as<T: DeserializeOwned>(&self, call: Call<'_>) -> Result<T> {
        let path = call.path.clone();
        let data = self.call(call).await?;
        data.decode().map_err(|source| Error::Decode {
            path,
            status: 200,
            body: crate::envelope::excerpt(data.text().as_bytes(), false),
            source,
        })
    }

    /// Runs `call` through the circuit breaker and the retry loop; returns `data`.
    pub(crate) async fn call(&self, call: Call<'_>) -> Result<Data> {
        if let Some(device_id) = call.device_id {
            self.inner.circuits.check(device_id)?;
        }
        if call.authenticated {
            // Logging in happens here, outside the retry loop: a login is never retried.
            self.inner.auth.session(&self.inner.transport).await?;
        }
        let result = call
            .retry
            .run(&call.path, |attempt| self.attempt(&call, attempt))
            .await;
        if let Some(device_id) = call.device_id {
            self.inner.circuits.record(device_id, &result);
        }
        result
    }

    async fn attempt(&self, call: &Call<'_>, attempt: u32) -> Result<Data> {
        let inner = &self.inner;
        let session = match call.authenticated {
            true => Some(inner.auth.session(&inner.transport).await?),
            false => None,
        };
        let token = session.as_ref().map(Session::expose_token);
        let failure = match inner.transport.send(&call.exchange(token, attempt)).await? {
            Reply::Success(data) => return Ok(data),
            Reply::Failure(failure) => failure,
        };
        let Some(rejected) = session.as_ref().filter(|_| failure.is_unauthorized()) else {
            return Err(failure_error(&call.path, call.device_id, failure));
        };
        tracing::info!(path = %call.path, "token rejected (401)");
        let renewed = match inner.auth.relogin(&inner.transport, rejected).await {
            Ok(renewed) => renewed,
            Err(Error::MissingCredentials) => {
                return Err(Error::Unauthorized {
                    path: call.path.clone(),
                    message: format!(
                        "{} (the token was rejected and no credentials are set to log in again)",
                        failure.message
                    ),
                });
            }
            Err(err) => return Err(err),
        };
        match inner
            .transport
            .send(&call.exchange(Some(renewed.expose_token()), attempt))
            .await?
        {
            Reply::Success(data) => Ok(data),
            Reply::Failure(failure) => Err(failure_error(&call.path, call.device_id, failure)),
        }
    }
}

/// The error for a failed answer (lockouts are handled by the transport).
pub(crate) fn failure_error(path: &str, device_id: Option<&str>, failure: Failure) -> Error {
    let path = path.to_string();
    let Failure {
        status,
        code,
        message,
        body,
        ..
    } = failure;
    // Codes that name a cause win; then the HTTP status (a 5xx is a server
    // failure whatever its body says); then any other code.
    match (code, status) {
        (Some(10104), _) => Error::InvalidCredentials { message },
        (Some(10201), _) => Error::DeviceOffline {
            device_id: device_id.unwrap_or_default().to_string(),
            message,
        },
        (Some(401), _) | (_, 401) => Error::Unauthorized { path, message },
        (Some(404), _) | (_, 404) => Error::NotFound { path, message },
        (Some(500), _) | (_, 500..) => Error::Server {
            path,
            status,
            detail: match code {
                Some(code) => format!("code {code}: {message}"),
                None => message,
            },
            body,
        },
        (Some(code), _) => Error::Api {
            path,
            status,
            code,
            message,
            body,
        },
        (None, _) => Error::Api {
            path,
            status,
            code: i64::from(status),
            message,
            body,
        },
    }
}

/// Settings for a [`Client`]; bad values are reported by [`ClientBuilder::build`].
///
/// # Examples
///
/// ```no_run
/// # fn run() -> moogo::Result<()> {
/// let client = moogo::Client::builder()
///     .credentials("me@example.com", "password")
///     .session_file("/home/me/.moogo/session.json")
///     .build()?;
/// # Ok(()) }
/// ```
#[must_use]
#[derive(Debug)]
pub struct ClientBuilder {
    base_url: String,
    credentials: Option<Credentials>,
    timeout: Option<Duration>,
    user_agent: String,
    http: Option<reqwest::Client>,
    store: Option<Arc<dyn SessionStore>>,
    state_dir: Option<PathBuf>,
    session: Option<Session>,
    clock: Option<SharedClock>,
    retry: RetryPolicy,
    spray_retry: RetryPolicy,
    cache: bool,
    confirmation_timeout: Duration,
    poll_interval: Duration,
    circuit_threshold: u32,
    circuit_open_for: Duration,
}

impl Default for ClientBuilder {
    fn default() -> Self {
        Self::new()
    }
}

impl ClientBuilder {
    /// The defaults: production URL, 30 s timeout, no credentials, no store.
    pub fn new() -> Self {
        Self {
            base_url: DEFAULT_BASE_URL.to_string(),
            credentials: None,
            timeout: Some(DEFAULT_TIMEOUT),
            user_agent: concat!("moogo-rs/", env!("CARGO_PKG_VERSION")).to_string(),
            http: None,
            store: None,
            state_dir: None,
            session: None,
            clock: None,
            retry: RetryPolicy::default(),
            spray_retry: RetryPolicy::spray(),
            cache: true,
            confirmation_timeout: DEFAULT_CONFIRMATION_TIMEOUT,
            poll_interval: DEFAULT_POLL_INTERVAL,
            circuit_threshold: DEFAULT_THRESHOLD,
            circuit_open_for: DEFAULT_OPEN_FOR,
        }
    }

    /// Reads the `MOOGO_*` environment variables that are set:
    /// `MOOGO_BASE_URL`, `MOOGO_EMAIL` and `MOOGO_PASSWORD`, `MOOGO_SESSION_FILE`
    /// (a [`FileStore`]), and `MOOGO_CACHED_TOKEN`, `MOOGO_CACHED_USER_ID`,
    /// `MOOGO_CACHED_EXPIRES` (an initial session, see [`EnvStore`]).
    pub fn from_env(self) -> Self {
        self.from_lookup(|name| std::env::var(name).ok())
    }

    /// Like [`ClientBuilder::from_env`], reading variables through `lookup`.
    pub fn from_lookup(mut self, lookup: impl Fn(&str) -> Option<String>) -> Self {
        let get = |name: &str| lookup(name).filter(|value| !value.trim().is_empty());
        if let Some(base_url) = get("MOOGO_BASE_URL") {
            self = self.base_url(base_url);
        }
        if let (Some(email), Some(password)) = (get("MOOGO_EMAIL"), get("MOOGO_PASSWORD")) {
            self = self.credentials(email, password);
        }
        if let Some(path) = get("MOOGO_SESSION_FILE") {
            self = self.session_file(path);
        }
        match EnvStore::from_lookup(&lookup).load() {
            Ok(Some(session)) if self.session.is_none() => self = self.session(session),
            _ => {}
        }
        self
    }

    /// The service's base URL (default `https://api.moogo.com`).
    pub fn base_url(mut self, base_url: impl Into<String>) -> Self {
        self.base_url = base_url.into();
        self
    }

    /// The account's email and password, used only when no stored session is valid.
    pub fn credentials(mut self, email: impl Into<String>, password: impl Into<String>) -> Self {
        self.credentials = Some(Credentials {
            email: email.into(),
            password: SecretString::from(password.into()),
        });
        self
    }

    /// The timeout of each request (default 30 s).
    pub fn timeout(mut self, timeout: Duration) -> Self {
        self.timeout = Some(timeout);
        self
    }

    /// No per-request timeout (the injected HTTP client's own settings still apply).
    pub fn no_timeout(mut self) -> Self {
        self.timeout = None;
        self
    }

    /// The `User-Agent` header sent with every request.
    pub fn user_agent(mut self, user_agent: impl Into<String>) -> Self {
        self.user_agent = user_agent.into();
        self
    }

    /// An HTTP client to send requests with, used as given (its pool is shared).
    ///
    /// The timeout and user agent are set per request; the client itself is
    /// not reconfigured.
    pub fn http_client(mut self, http: reqwest::Client) -> Self {
        self.http = Some(http);
        self
    }

    /// Where the session is kept between runs.
    pub fn session_store(mut self, store: impl SessionStore) -> Self {
        self.store = Some(Arc::new(store));
        self
    }

    /// Keeps the session in a [`FileStore`] at `path`; its directory also holds `lockout.json`.
    pub fn session_file(self, path: impl Into<PathBuf>) -> Self {
        self.session_store(FileStore::new(path))
    }

    /// The directory of `lockout.json`, when it is not the session store's.
    pub fn state_dir(mut self, state_dir: impl Into<PathBuf>) -> Self {
        self.state_dir = Some(state_dir.into());
        self
    }

    /// Starts from an exported session instead of logging in.
    pub fn session(mut self, session: Session) -> Self {
        self.session = Some(session);
        self
    }

    /// The wall clock for token expiry and lockout decisions (default: the system clock).
    pub fn clock(mut self, clock: impl Clock) -> Self {
        self.clock = Some(Arc::new(clock));
        self
    }

    /// The retry policy of ordinary calls (default: 3 attempts from 1 s).
    pub fn retry_policy(mut self, policy: RetryPolicy) -> Self {
        self.retry = policy;
        self
    }

    /// The retry policy of start and stop commands (default: 5 attempts from 2 s).
    pub fn spray_retry_policy(mut self, policy: RetryPolicy) -> Self {
        self.spray_retry = policy;
        self
    }

    /// Turns the read caches on (default) or off.
    pub fn cache(mut self, enabled: bool) -> Self {
        self.cache = enabled;
        self
    }

    /// How long `start_spray` and `stop_spray` wait for the device (default 10 s).
    pub fn confirmation_timeout(mut self, timeout: Duration) -> Self {
        self.confirmation_timeout = timeout;
        self
    }

    /// How often the status is polled while waiting (default 1 s, at least 0.5 s).
    pub fn poll_interval(mut self, interval: Duration) -> Self {
        self.poll_interval = interval;
        self
    }

    /// Consecutive failures that open a device's circuit, and for how long (default 5, 5 minutes).
    pub fn circuit_breaker(mut self, threshold: u32, open_for: Duration) -> Self {
        self.circuit_threshold = threshold;
        self.circuit_open_for = open_for;
        self
    }

    /// Builds the client.
    ///
    /// # Errors
    ///
    /// [`Error::Config`] for a base URL that is not `http` or `https`, or
    /// when the default HTTP client cannot be created.
    pub fn build(self) -> Result<Client> {
        let base_url = parse_base_url(&self.base_url)?;
        let http = match self.http {
            Some(http) => http,
            None => reqwest::Client::builder()
                .build()
                .map_err(|err| Error::Config(format!("cannot create the HTTP client: {err}")))?,
        };
        let clock: SharedClock = self.clock.unwrap_or_else(|| Arc::new(SystemClock));
        let state_dir = self
            .state_dir
            .or_else(|| self.store.as_ref().and_then(|store| store.state_dir()));
        let lockout = LockoutGuard::new(state_dir, Arc::clone(&clock));
        let transport = Transport::new(http, base_url, self.user_agent, self.timeout, lockout);
        let auth = Auth::new(self.credentials, self.store, clock, self.session);
        Ok(Client {
            inner: Arc::new(Inner {
                transport,
                auth,
                caches: Caches::new(self.cache),
                circuits: CircuitBreakers::new(self.circuit_threshold, self.circuit_open_for),
                retry: self.retry,
                spray_retry: self.spray_retry,
                confirmation_timeout: self.confirmation_timeout,
                poll_interval: self.poll_interval.max(MIN_POLL_INTERVAL),
            }),
            fresh: false,
        })
    }
}

fn parse_base_url(text: &str) -> Result<url::Url> {
    let bad = |why: String| {
        Error::Config(format!(
            "base URL `{text}` {why}; give one such as `https://api.moogo.com`"
        ))
    };
    let mut url =
        url::Url::parse(text.trim()).map_err(|err| bad(format!("is not a URL ({err})")))?;
    if !matches!(url.scheme(), "http" | "https") {
        return Err(bad(format!(
            "has scheme `{}`, expected http or https",
            url.scheme()
        )));
    }
    if url.query().is_some() || url.fragment().is_some() {
        return Err(bad("has a query or fragment".to_string()));
    }
    if !url.path().ends_with('/') {
        let path = format!("{}/", url.path());
        url.set_path(&path);
    }
    Ok(url)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn base_urls_are_normalised_or_rejected() {
        let ok = |text: &str| {
            parse_base_url(text)
                .unwrap()
                .join("v1/devices")
                .unwrap()
                .to_string()
        };
        assert_eq!(
            ok("http://127.0.0.1:8080"),
            "http://127.0.0.1:8080/v1/devices"
        );
        assert_eq!(
            ok("https://api.moogo.com/"),
            "https://api.moogo.com/v1/devices"
        );
        assert_eq!(ok("http://proxy/moogo"), "http://proxy/moogo/v1/devices");
        for bad in ["ftp://x", "not a url", "http://x/?a=b"] {
            assert!(
                matches!(parse_base_url(bad), Err(Error::Config(_))),
                "{bad}"
            );
        }
    }

    #[test]
    fn poll_interval_is_clamped() {
        let client = Client::builder()
            .poll_interval(Duration::from_millis(10))
            .build()
            .unwrap();
        assert_eq!(client.inner.poll_interval, MIN_POLL_INTERVAL);
    }

    #[test]
    fn from_lookup_reads_the_contract_variables() {
        let client = Client::builder()
            .from_lookup(|name| {
                Some(match name {
                    "MOOGO_BASE_URL" => "http://127.0.0.1:9".into(),
                    "MOOGO_CACHED_TOKEN" => "tok".into(),
                    "MOOGO_CACHED_USER_ID" => "u1".into(),
                    "MOOGO_CACHED_EXPIRES" => "2099-01-01T00:00:00".into(),
                    _ => return None,
                })
            })
            .build()
            .unwrap();
        assert_eq!(client.base_url().as_str(), "http://127.0.0.1:9/");
        assert_eq!(client.session().unwrap().user_id(), "u1");
    }
}
