//! Logging in as rarely as possible.
//!
//! A session is looked for in memory, then in the session store; only when
//! neither has one that is not yet due for refresh (see [`Session::refresh_at`])
//! does the client log in.
//! The login runs under the store's lock, after re-reading the store, so that
//! concurrent tasks and processes produce one login between them. After a 401
//! the client logs in again at most 3 times in 5 minutes, then pauses logins
//! for 5 minutes. After an invalid-credentials answer it never tries the same
//! credentials again.

use std::collections::VecDeque;
use std::fmt;
use std::sync::{Arc, Mutex};

use jiff::{SignedDuration, Timestamp};
use reqwest::Method;
use secrecy::{ExposeSecret, SecretString};
use serde_json::{Value, json};

use crate::clock::SharedClock;
use crate::envelope::Reply;
use crate::error::{Error, Result};
use crate::session::Session;
use crate::store::{SessionStore, StoreLock};
use crate::transport::{Exchange, Transport};

/// The login path.
pub(crate) const LOGIN_PATH: &str = "v1/user/login";
/// Re-logins allowed after 401 answers within [`RELOGIN_WINDOW`].
const MAX_RELOGINS: usize = 3;
/// The window of the re-login limit, and how long logins pause after it.
const RELOGIN_WINDOW: SignedDuration = SignedDuration::from_mins(5);
/// How long to wait before trying a failed proactive refresh again.
const REFRESH_RETRY: SignedDuration = SignedDuration::from_mins(5);
/// Token lifetime when the login answer has no `ttl` (about a year).
const DEFAULT_TTL_SECS: i64 = 31_536_000;

/// An email and password.
#[derive(Clone)]
pub(crate) struct Credentials {
    pub(crate) email: String,
    pub(crate) password: SecretString,
}

impl fmt::Debug for Credentials {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("Credentials")
            .field("email", &self.email)
            .field("password", &"[REDACTED]")
            .finish()
    }
}

/// The session in use and when to refresh it.
#[derive(Debug)]
struct Current {
    session: Session,
    refresh_at: Timestamp,
}

impl Current {
    fn new(session: Session) -> Self {
        Self {
            refresh_at: session.refresh_at(),
            session,
        }
    }
}

#[derive(Debug, Default)]
struct LoginLimits {
    relogins: VecDeque<Timestamp>,
    paused_until: Option<Timestamp>,
    rejected: Option<String>,
}

/// The session side of a client.
#[derive(Debug)]
pub(crate) struct Auth {
    credentials: Option<Credentials>,
    store: Option<Arc<dyn SessionStore>>,
    clock: SharedClock,
    current: Mutex<Option<Current>>,
    login_turn: tokio::sync::Mutex<()>,
    limits: Mutex<LoginLimits>,
}

impl Auth {
    pub(crate) fn new(
        credentials: Option<Credentials>,
        store: Option<Arc<dyn SessionStore>>,
        clock: SharedClock,
        session: Option<Session>,
    ) -> Self {
        Self {
            credentials,
            store,
            clock,
            current: Mutex::new(session.map(Current::new)),
            login_turn: tokio::sync::Mutex::new(()),
            limits: Mutex::new(LoginLimits::default()),
        }
    }

    /// The session in memory, whatever its age.
    pub(crate) fn current(&self) -> Option<Session> {
        let current = self.current.lock().unwrap_or_else(|e| e.into_inner());
        current.as_ref().map(|c| c.session.clone())
    }

    fn fresh_current(&self) -> Option<Session> {
        let now = self.clock.now();
        let current = self.current.lock().unwrap_or_else(|e| e.into_inner());
        current
            .as_ref()
            .filter(|c| now < c.refresh_at)
            .map(|c| c.session.clone())
    }

    fn set_current(&self, current: Current) {
        *self.current.lock().unwrap_or_else(|e| e.into_inner()) = Some(current);
    }

    /// A session not yet due for refresh: from memory, the store, or a login.
    pub(crate) async fn session(&self, transport: &Transport) -> Result<Session> {
        if let Some(session) = self.fresh_current() {
            return Ok(session);
        }
        let _turn = self.login_turn.lock().await;
        if let Some(session) = self.fresh_current() {
            return Ok(session);
        }
        if let Some(session) = self.load_fresh(None).await? {
            tracing::info!(user_id = session.user_id(), expires_at = %session.expires_at(), "session reused from the store");
            self.set_current(Current::new(session.clone()));
            return Ok(session);
        }
        match self.login_locked(transport, None).await {
            Ok(session) => Ok(session),
            Err(err) => self.defer_refresh(&err).ok_or(err),
        }
    }

    /// After a proactive refresh failed for a transient reason, keeps using
    /// the current session while it is valid and retries the refresh only
    /// after [`REFRESH_RETRY`], so that a flaky service does not draw a login
    /// on every call.
    fn defer_refresh(&self, err: &Error) -> Option<Session> {
        if !err.is_transient() {
            return None;
        }
        let now = self.clock.now();
        let mut current = self.current.lock().unwrap_or_else(|e| e.into_inner());
        let current = current.as_mut().filter(|c| !c.session.is_expired(now))?;
        current.refresh_at = now.checked_add(REFRESH_RETRY).unwrap_or(Timestamp::MAX);
        tracing::warn!(error = %err, retry_at = %current.refresh_at, "token refresh failed, using the current token meanwhile");
        Some(current.session.clone())
    }

    /// Logs in again after `rejected` drew a 401, within the re-login limit.
    pub(crate) async fn relogin(
        &self,
        transport: &Transport,
        rejected: &Session,
    ) -> Result<Session> {
        let _turn = self.login_turn.lock().await;
        if let Some(current) = self.fresh_current()
            && !current.same_token(rejected)
        {
            // Another task already replaced the rejected token.
            return Ok(current);
        }
        self.login_locked(transport, Some(rejected)).await
    }

    /// Logs in under the store lock, unless the store meanwhile holds a usable session.
    async fn login_locked(
        &self,
        transport: &Transport,
        rejected: Option<&Session>,
    ) -> Result<Session> {
        let credentials = self.usable_credentials()?;
        let _store_lock = self.lock_store().await?;
        if let Some(session) = self.load_fresh(rejected).await? {
            tracing::info!(
                user_id = session.user_id(),
                "session reused: logged in by another client"
            );
            self.set_current(Current::new(session.clone()));
            return Ok(session);
        }
        if rejected.is_some() {
            self.count_relogin()?;
        }
        let session = self.login(transport, &credentials).await?;
        if let Some(store) = &self.store {
            let store = Arc::clone(store);
            let to_save = session.clone();
            spawn_blocking(move || store.save(&to_save)).await?;
        }
        self.set_current(Current::new(session.clone()));
        Ok(session)
    }

    fn usable_credentials(&self) -> Result<Credentials> {
        let limits = self.limits.lock().unwrap_or_else(|e| e.into_inner());
        if let Some(message) = &limits.rejected {
            return Err(Error::InvalidCredentials {
                message: format!("{message} (remembered: not trying the same credentials again)"),
            });
        }
        self.credentials.clone().ok_or(Error::MissingCredentials)
    }

    fn count_relogin(&self) -> Result<()> {
        let now = self.clock.now();
        let mut limits = self.limits.lock().unwrap_or_else(|e| e.into_inner());
        if let Some(until) = limits.paused_until.filter(|until| *until > now) {
            return Err(Error::LoginPaused {
                until,
                attempts: MAX_RELOGINS,
            });
        }
        let window_start = now.checked_sub(RELOGIN_WINDOW).unwrap_or(Timestamp::MIN);
        limits.relogins.retain(|at| *at > window_start);
        if limits.relogins.len() >= MAX_RELOGINS {
            let until = now.checked_add(RELOGIN_WINDOW).unwrap_or(Timestamp::MAX);
            limits.paused_until = Some(until);
            limits.relogins.clear();
            tracing::warn!(%until, "re-login limit reached, logins paused");
            return Err(Error::LoginPaused {
                until,
                attempts: MAX_RELOGINS,
            });
        }
        limits.relogins.push_back(now);
        tracing::info!(
            relogins_in_window = limits.relogins.len(),
            "logging in again after a 401"
        );
        Ok(())
    }

    async fn lock_store(&self) -> Result<Option<StoreLock>> {
        let Some(store) = &self.store else {
            return Ok(None);
        };
        let store = Arc::clone(store);
        spawn_blocking(move || store.lock()).await.map(Some)
    }

    /// The stored session if it is fresh and not the `rejected` one.
    async fn load_fresh(&self, rejected: Option<&Session>) -> Result<Option<Session>> {
        let Some(store) = &self.store else {
            return Ok(None);
        };
        let store = Arc::clone(store);
        let loaded = spawn_blocking(move || store.load()).await?;
        let now = self.clock.now();
        Ok(loaded.filter(|session| {
            !session.needs_refresh(now) && rejected.is_none_or(|r| !session.same_token(r))
        }))
    }

    async fn login(&self, transport: &Transport, credentials: &Credentials) -> Result<Session> {
        tracing::info!(email = %credentials.email, "logging in");
        let body = json!({
            "email": credentials.email,
            "password": credentials.password.expose_secret(),
            "keep": true,
        });
        let reply = transport
            .send(&Exchange {
                method: Method::POST,
                path: LOGIN_PATH,
                body: Some(&body),
                token: None,
                attempt: 1,
                withhold_body: true,
            })
            .await?;
        let data = match reply {
            Reply::Success(data) => data.into_value(),
            Reply::Failure(failure) if failure.code == Some(10104) => {
                let mut limits = self.limits.lock().unwrap_or_else(|e| e.into_inner());
                limits.rejected = Some(failure.message.clone());
                tracing::warn!("login rejected: invalid credentials; will not retry them");
                return Err(Error::InvalidCredentials {
                    message: failure.message,
                });
            }
            Reply::Failure(failure) => {
                return Err(crate::client::failure_error(LOGIN_PATH, None, failure));
            }
        };
        self.session_from(credentials, &data)
    }

    fn session_from(&self, credentials: &Credentials, data: &Value) -> Result<Session> {
        let text = |key: &str| match data.get(key) {
            Some(Value::String(s)) => Some(s.clone()),
            Some(Value::Number(n)) => Some(n.to_string()),
            _ => None,
        };
        let Some(token) = text("token").filter(|t| !t.is_empty()) else {
            return Err(Error::Decode {
                path: LOGIN_PATH.to_string(),
                status: 200,
                body: "<login answer without a token>".to_string(),
                source: serde::de::Error::custom("missing field `token`"),
            });
        };
        let ttl = data
            .get("ttl")
            .and_then(Value::as_i64)
            .filter(|ttl| *ttl > 0)
            .unwrap_or(DEFAULT_TTL_SECS);
        let issued_at = self.clock.now();
        let expires_at = issued_at
            .checked_add(SignedDuration::from_secs(ttl))
            .unwrap_or(Timestamp::MAX);
        let session = Session::new(
            token,
            text("userId").unwrap_or_default(),
            text("email").unwrap_or_else(|| credentials.email.clone()),
            expires_at,
        )
        .with_issued_at(issued_at);
        tracing::info!(user_id = session.user_id(), %expires_at, "logged in");
        Ok(session)
    }
}

async fn spawn_blocking<T: Send + 'static>(
    work: impl FnOnce() -> Result<T> + Send + 'static,
) -> Result<T> {
    tokio::task::spawn_blocking(work)
        .await
        .unwrap_or_else(|join_error| {
            Err(Error::Storage {
                action: "use the session store (the task failed)",
                path: std::path::PathBuf::new(),
                source: std::io::Error::other(join_error.to_string()),
            })
        })
}
