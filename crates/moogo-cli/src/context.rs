//! What every command needs: where the session lives, which service to talk
//! to, and a configured [`moogo::Client`]; with `--sim`, the built-in simulator.
//!
//! The session file is shared by every `moogo` process on the machine, and
//! its directory holds the client's lockout record, so that one login serves
//! them all and a lockout stops them all.

use std::path::{Path, PathBuf};
use std::sync::OnceLock;
use std::time::Duration;

use moogo::{FileStore, SessionStore};

use crate::cli::GlobalOptions;
use crate::error::{Error, Result};

/// The environment variable naming the session file.
pub const SESSION_FILE_VARIABLE: &str = "MOOGO_SESSION_FILE";

/// How long the built-in simulator's devices take to start or stop spraying.
const SIM_TRANSITION: Duration = Duration::from_millis(800);

/// The running command's settings and connections.
#[derive(Debug)]
pub struct Context {
    /// The global options as given.
    pub options: GlobalOptions,
    session_file: PathBuf,
    base_url: Option<String>,
    demo_credentials: Option<(&'static str, &'static str)>,
    client: OnceLock<moogo::Client>,
    simulator: Option<moogo_sim::SimHandle>,
    // Dropped last: the simulator's session lives here.
    _temporary_dir: Option<tempfile::TempDir>,
}

impl Context {
    /// Resolves the session file and the service, starting the simulator for `--sim`.
    ///
    /// # Errors
    ///
    /// No configuration directory for the default session file, or the
    /// simulator did not start.
    pub async fn new(options: GlobalOptions) -> Result<Context> {
        if options.sim {
            return Self::with_simulator(options).await;
        }
        let session_file = match options.session.clone().or_else(|| {
            std::env::var_os(SESSION_FILE_VARIABLE)
                .filter(|value| !value.is_empty())
                .map(PathBuf::from)
        }) {
            Some(path) => path,
            None => dirs::config_dir()
                .ok_or(Error::NoConfigDir)?
                .join("moogo")
                .join("session.json"),
        };
        Ok(Context {
            base_url: options
                .base_url
                .clone()
                .filter(|url| !url.trim().is_empty()),
            options,
            session_file,
            demo_credentials: None,
            client: OnceLock::new(),
            simulator: None,
            _temporary_dir: None,
        })
    }

    async fn with_simulator(options: GlobalOptions) -> Result<Context> {
        let config =
            moogo_sim::SimConfig::default().with_transition_delay(SIM_TRANSITION, SIM_TRANSITION);
        let simulator = moogo_sim::spawn(config).await.map_err(Error::Simulator)?;
        let (session_file, temporary_dir) = match options.session.clone() {
            Some(path) => (path, None),
            None => {
                let dir = tempfile::Builder::new()
                    .prefix("moogo-sim-")
                    .tempdir()
                    .map_err(|source| Error::File {
                        action: "create a temporary directory in",
                        path: std::env::temp_dir(),
                        source,
                    })?;
                (dir.path().join("session.json"), Some(dir))
            }
        };
        tracing::info!(base_url = %simulator.base_url(), "built-in simulator started");
        Ok(Context {
            base_url: Some(simulator.base_url()),
            options,
            session_file,
            demo_credentials: Some((moogo_sim::DEMO_EMAIL, moogo_sim::DEMO_PASSWORD)),
            client: OnceLock::new(),
            simulator: Some(simulator),
            _temporary_dir: temporary_dir,
        })
    }

    /// Whether the command runs against the built-in simulator.
    pub fn is_simulated(&self) -> bool {
        self.simulator.is_some()
    }

    /// The session file.
    pub fn session_file(&self) -> &Path {
        &self.session_file
    }

    /// The session store over the session file.
    pub fn store(&self) -> FileStore {
        FileStore::new(&self.session_file)
    }

    /// The directory of the session file, which also holds the lockout record.
    pub fn state_dir(&self) -> PathBuf {
        self.store()
            .state_dir()
            .unwrap_or_else(|| PathBuf::from("."))
    }

    /// The lockout record the client writes when the account is locked out.
    pub fn lockout_file(&self) -> PathBuf {
        self.state_dir().join(moogo::LOCKOUT_FILE_NAME)
    }

    /// The demo account's credentials with `--sim`.
    pub fn demo_credentials(&self) -> Option<(&'static str, &'static str)> {
        self.demo_credentials
    }

    /// A builder with the settings every client of this command shares: base
    /// URL, snappy confirmation polling, and nothing else.
    pub fn client_builder(&self) -> moogo::ClientBuilder {
        let mut builder = moogo::Client::builder()
            .user_agent(concat!("moogo-cli/", env!("CARGO_PKG_VERSION")))
            .poll_interval(moogo::MIN_POLL_INTERVAL);
        if !self.is_simulated() {
            // Credentials (MOOGO_EMAIL, MOOGO_PASSWORD) and a cached session
            // (MOOGO_CACHED_*, as in CI) from the environment; the session file
            // is set by the caller.
            builder = builder.from_lookup(|name| {
                if name == SESSION_FILE_VARIABLE {
                    None
                } else {
                    env(name)
                }
            });
        }
        if let Some(base_url) = &self.base_url {
            builder = builder.base_url(base_url.clone());
        }
        builder
    }

    /// The client for a command: the shared session file, and the credentials
    /// from the environment (MOOGO_EMAIL, MOOGO_PASSWORD) or the demo account,
    /// used only when no stored session is valid. Built once, then shared.
    ///
    /// # Errors
    ///
    /// The base URL is not a URL.
    pub fn client(&self) -> Result<moogo::Client> {
        if let Some(client) = self.client.get() {
            return Ok(client.clone());
        }
        let mut builder = self.client_builder().session_file(&self.session_file);
        if let Some((email, password)) = self.demo_credentials {
            builder = builder.credentials(email, password);
        }
        let client = builder
            .build()
            .map_err(Error::service("set up the client"))?;
        Ok(self.client.get_or_init(|| client).clone())
    }
}

/// A non-empty environment variable.
fn env(name: &str) -> Option<String> {
    std::env::var(name)
        .ok()
        .filter(|value| !value.trim().is_empty())
}
