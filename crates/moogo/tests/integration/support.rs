//! The suite's target and the clients pointed at it.
//!
//! # Targets
//!
//! - By default, one simulator shared by the whole test binary, spawned on a
//!   runtime of its own on a background thread (every `#[tokio::test]` has its
//!   own runtime, which ends with the test). Its session lives in one session
//!   file in a temporary directory, so the whole binary logs in once.
//! - `MOOGO_SIM_URL=http://127.0.0.1:PORT`: an already running simulator
//!   (`cargo run -p moogo-sim -- --listen :PORT`). The session file is
//!   `$CARGO_TARGET_TMPDIR/moogo-integration/HOST_PORT/session.json`, shared by
//!   every process of the run (nextest runs one process per test), so the whole
//!   run logs in once: the file store's lock makes the first process log in and
//!   the others reuse its session.
//! - `MOOGO_EMAIL` and `MOOGO_PASSWORD`: the real service (`MOOGO_BASE_URL`
//!   optional). The session comes from `MOOGO_CACHED_*` or the session file
//!   (`MOOGO_SESSION_FILE`, default `.moogo/session.json`; a relative path is
//!   taken from the workspace root, not from the package directory cargo runs
//!   tests in), and a new one is written back to that file. `MOOGO_TEST_DEVICE_ID` picks the
//!   device (default: the first online one); nothing sprays unless
//!   `MOOGO_ALLOW_SPRAY=1`.
//!
//! Destructive and time-travelling tests start an [`OwnSim`] in their own
//! runtime instead, usually on a paused tokio clock.

use std::path::{Path, PathBuf};
use std::sync::{Arc, OnceLock};
use std::time::Duration;

use moogo::{Client, ClientBuilder, Clock, EnvStore, FileStore, SessionStore, Timestamp};
use moogo_sim::{DEMO_EMAIL, DEMO_PASSWORD, SimConfig, SimHandle, Stats};

/// The demo world's online device with three log entries; read-only in the shared tests.
pub const BACKYARD: &str = "a1c4e5f60001";
/// The demo world's online device whose schedules the shared tests change.
pub const PATIO: &str = "a1c4e5f60002";
/// The demo world's offline device, renamed and reconfigured by the shared tests.
pub const GARAGE: &str = "a1c4e5f60003";

/// Where the suite's shared tests go.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Kind {
    /// The simulator spawned by this test binary.
    InProcessSim,
    /// A simulator started separately, at `MOOGO_SIM_URL`.
    StandaloneSim,
    /// The real Moogo service.
    Real,
}

/// The target of the shared tests, chosen once per test binary from the environment.
#[derive(Debug)]
pub struct Target {
    kind: Kind,
    base_url: String,
    email: String,
    password: String,
    session_file: PathBuf,
    device_id: Option<String>,
    allow_spray: bool,
    /// The in-process simulator and its temporary session directory, kept for the whole run.
    _in_process: Option<(tempfile::TempDir, SimHandle)>,
}

static TARGET: OnceLock<Target> = OnceLock::new();

/// The target of this run.
pub fn target() -> &'static Target {
    TARGET.get_or_init(Target::from_env)
}

fn env(name: &str) -> Option<String> {
    std::env::var(name)
        .ok()
        .map(|value| value.trim().to_string())
        .filter(|value| !value.is_empty())
}

/// The workspace root, two levels above this crate.
fn workspace_root() -> PathBuf {
    let root = Path::new(env!("CARGO_MANIFEST_DIR")).join("../..");
    std::fs::canonicalize(&root).unwrap_or(root)
}

impl Target {
    fn from_env() -> Self {
        if let (Some(email), Some(password)) = (env("MOOGO_EMAIL"), env("MOOGO_PASSWORD")) {
            return Self::real(email, password);
        }
        let (kind, base_url, session_file, in_process) = match env("MOOGO_SIM_URL") {
            Some(url) => {
                let base_url = url.trim_end_matches('/').to_string();
                let key: String = base_url
                    .trim_start_matches("http://")
                    .chars()
                    .map(|c| if c.is_ascii_alphanumeric() { c } else { '_' })
                    .collect();
                let dir = Path::new(env!("CARGO_TARGET_TMPDIR"))
                    .join("moogo-integration")
                    .join(key);
                (
                    Kind::StandaloneSim,
                    base_url,
                    dir.join("session.json"),
                    None,
                )
            }
            None => {
                let scratch = tempfile::tempdir().expect("a temporary directory");
                let session_file = scratch.path().join("state/session.json");
                let sim = spawn_background_sim();
                (
                    Kind::InProcessSim,
                    sim.base_url(),
                    session_file,
                    Some((scratch, sim)),
                )
            }
        };
        Self {
            kind,
            base_url,
            email: DEMO_EMAIL.to_string(),
            password: DEMO_PASSWORD.to_string(),
            session_file,
            device_id: None,
            allow_spray: true,
            _in_process: in_process,
        }
    }

    fn real(email: String, password: String) -> Self {
        // Relative to the workspace root, where cigate and the CI run; cargo
        // runs test binaries in the package's directory instead.
        let session_file = workspace_root()
            .join(env("MOOGO_SESSION_FILE").unwrap_or_else(|| ".moogo/session.json".to_string()));
        seed_session_file(&session_file);
        let target = Self {
            kind: Kind::Real,
            base_url: env("MOOGO_BASE_URL").unwrap_or_else(|| moogo::DEFAULT_BASE_URL.to_string()),
            email,
            password,
            session_file,
            device_id: env("MOOGO_TEST_DEVICE_ID"),
            allow_spray: env("MOOGO_ALLOW_SPRAY").as_deref() == Some("1"),
            _in_process: None,
        };
        eprintln!(
            "integration: target is the real service at {} (session file {}, spraying {})",
            target.base_url,
            target.session_file.display(),
            if target.allow_spray {
                "allowed"
            } else {
                "not allowed"
            }
        );
        target
    }

    /// Whether the target is the real service.
    pub fn is_real(&self) -> bool {
        self.kind == Kind::Real
    }

    /// The session file every client of the shared tests uses.
    pub fn session_file(&self) -> &Path {
        &self.session_file
    }

    /// Whether a test may make the target's device spray.
    pub fn allow_spray(&self) -> bool {
        self.allow_spray
    }

    /// A builder for the target: base URL, credentials, the shared session file.
    pub fn builder(&self) -> ClientBuilder {
        Client::builder()
            .base_url(&self.base_url)
            .credentials(&self.email, &self.password)
            .session_file(&self.session_file)
            .http_client(http())
    }
}

/// Copies a session given as `MOOGO_CACHED_*` into the session file when the
/// file holds none or an older one, so that every client (in any process)
/// reuses it through the file store and a refreshed one lands in the file.
fn seed_session_file(session_file: &Path) {
    let Ok(Some(cached)) = EnvStore::from_env().load() else {
        return;
    };
    let store = FileStore::new(session_file);
    let _lock = store.lock();
    let stored = store.load().ok().flatten();
    if stored.is_none_or(|stored| stored.expires_at() < cached.expires_at())
        && let Err(err) = store.save(&cached)
    {
        eprintln!("integration: could not seed the session file: {err}");
    }
}

/// Starts the shared simulator on a runtime of its own, on a thread that
/// lives as long as the test binary.
fn spawn_background_sim() -> SimHandle {
    let config = SimConfig::default().with_transition_delay(Duration::ZERO, Duration::ZERO);
    moogo_sim::spawn_on_thread(config).expect("the shared simulator starts")
}

/// An HTTP client without idle-pool timers: a paused tokio clock then only
/// moves when the code under test sleeps.
pub fn http() -> reqwest::Client {
    reqwest::Client::builder()
        .pool_idle_timeout(None)
        .build()
        .expect("an HTTP client")
}

/// The counters of the simulator at `base_url`, read over its control surface.
pub async fn sim_stats(base_url: &str) -> Stats {
    http()
        .get(format!("{base_url}/__sim/stats"))
        .send()
        .await
        .expect("the simulator answers /__sim/stats")
        .json()
        .await
        .expect("/__sim/stats is JSON")
}

/// The context of a test against the shared target.
#[derive(Debug)]
pub struct Shared {
    /// A new client for the target; it reuses the shared session.
    pub client: Client,
    target: &'static Target,
}

static STALE_CHECK: tokio::sync::OnceCell<()> = tokio::sync::OnceCell::const_new();

impl Shared {
    /// A new client for the shared target.
    pub async fn new() -> Self {
        let target = target();
        if target.kind == Kind::StandaloneSim {
            STALE_CHECK
                .get_or_init(|| forget_stale_session(target))
                .await;
        }
        Self {
            client: target.builder().build().expect("a client for the target"),
            target,
        }
    }

    /// The target.
    pub fn target(&self) -> &'static Target {
        self.target
    }

    /// Whether the target is the real service.
    pub fn is_real(&self) -> bool {
        self.target.is_real()
    }

    /// The device for tests that work on any device: `sim_device` on a
    /// simulator; on the real service `MOOGO_TEST_DEVICE_ID` or the first
    /// online device.
    pub async fn device_id(&self, sim_device: &str) -> String {
        if !self.is_real() {
            return sim_device.to_string();
        }
        if let Some(id) = &self.target.device_id {
            return id.clone();
        }
        let devices = self.client.devices().await.expect("the device list");
        devices
            .iter()
            .find(|device| device.is_online())
            .or(devices.first())
            .map(|device| device.device_id.clone())
            .expect("the account has a device; set MOOGO_TEST_DEVICE_ID")
    }

    /// The simulator's counters (`None` on the real service).
    pub async fn stats(&self) -> Option<Stats> {
        match self.target.kind {
            Kind::Real => None,
            _ => Some(sim_stats(&self.target.base_url).await),
        }
    }

    /// Asserts, through `/__sim/stats`, that the whole run so far logged in
    /// exactly once; on the real service, that the session file holds a session.
    pub async fn assert_one_login(&self) {
        match self.stats().await {
            Some(stats) => assert_eq!(
                (stats.logins, stats.failed_logins, stats.lockouts),
                (1, 0, 0),
                "the whole suite logs in once against the shared simulator: {stats:?}"
            ),
            None => assert!(
                FileStore::new(self.target.session_file())
                    .load()
                    .expect("the session file is readable")
                    .is_some(),
                "the session is written back to {}",
                self.target.session_file().display()
            ),
        }
    }
}

/// Removes a session file left by an earlier run against another simulator
/// process (at the same address): while the simulator has seen no login, no
/// session in the file can be its. Runs under the store's lock, which a login
/// holds too, so it never removes the session of a login in progress.
async fn forget_stale_session(target: &Target) {
    let store = FileStore::new(target.session_file());
    let lock = tokio::task::spawn_blocking(move || store.lock())
        .await
        .expect("the lock task")
        .expect("the session store's lock");
    if sim_stats(&target.base_url).await.logins == 0 {
        let _ = std::fs::remove_file(target.session_file());
        let lockout = target
            .session_file()
            .with_file_name(moogo::LOCKOUT_FILE_NAME);
        let _ = std::fs::remove_file(lockout);
    }
    drop(lock);
}

/// Prints why a test does nothing on the real service; returns whether it should stop.
pub fn skip_on_real_service(what: &str) -> bool {
    let real = target().is_real();
    if real {
        eprintln!(
            "integration: skipped on the real service: {what} only makes sense on the simulator"
        );
    }
    real
}

/// A simulator of the test's own, in the test's runtime, with a client
/// whose wall clock is the simulator's.
#[derive(Debug)]
pub struct OwnSim {
    /// The simulator.
    pub sim: Arc<SimHandle>,
    dir: tempfile::TempDir,
}

impl OwnSim {
    /// A simulator with the default configuration (transitions of 3 to 5 s).
    pub async fn start() -> Self {
        Self::with_config(SimConfig::default()).await
    }

    /// A simulator whose devices change state at once.
    pub async fn instant() -> Self {
        Self::with_config(
            SimConfig::default().with_transition_delay(Duration::ZERO, Duration::ZERO),
        )
        .await
    }

    /// A simulator with this configuration.
    pub async fn with_config(config: SimConfig) -> Self {
        let sim = moogo_sim::spawn(config)
            .await
            .expect("the simulator starts");
        Self {
            sim: Arc::new(sim),
            dir: tempfile::tempdir().expect("a temporary directory"),
        }
    }

    /// The session file of this test (its directory holds `lockout.json`).
    pub fn session_file(&self) -> PathBuf {
        self.dir.path().join("state/session.json")
    }

    /// The lockout record next to the session file.
    pub fn lockout_file(&self) -> PathBuf {
        self.dir.path().join("state").join(moogo::LOCKOUT_FILE_NAME)
    }

    /// A builder without credentials or store: base URL, no request timeout
    /// (a paused clock would fire it while waiting on the socket), and the
    /// simulator's clock as the client's wall clock.
    pub fn bare_builder(&self) -> ClientBuilder {
        Client::builder()
            .base_url(self.sim.base_url())
            .http_client(http())
            .no_timeout()
            .clock(SimClock(Arc::clone(&self.sim)))
    }

    /// [`OwnSim::bare_builder`] with the demo credentials and this test's session file.
    pub fn builder(&self) -> ClientBuilder {
        self.bare_builder()
            .credentials(DEMO_EMAIL, DEMO_PASSWORD)
            .session_file(self.session_file())
    }

    /// A new client from [`OwnSim::builder`].
    pub fn client(&self) -> Client {
        self.builder().build().expect("a client for the simulator")
    }

    /// The counters so far.
    pub fn stats(&self) -> Stats {
        self.sim.stats()
    }

    /// Requests so far on one route, such as `GET v1/devices/{deviceId}`.
    pub fn route(&self, route: &str) -> u64 {
        self.stats().by_route.get(route).copied().unwrap_or(0)
    }
}

/// The simulator's wall clock, as the client's: moving the simulated time
/// moves token expiry and lockout decisions of the client too.
#[derive(Debug)]
pub struct SimClock(pub Arc<SimHandle>);

impl Clock for SimClock {
    fn now(&self) -> Timestamp {
        self.0.now()
    }
}

/// Runs `work` to the end on a runtime of its own, with the real clock, on a
/// thread of its own; for real-service work inside a test on a paused clock,
/// where a pending request timeout would fire as soon as the runtime waits.
///
/// # Panics
///
/// When `work` panics (the panic is passed on, so the test fails with it).
pub fn in_real_time(work: impl Future<Output = ()> + Send) {
    std::thread::scope(|scope| {
        let outcome = scope
            .spawn(|| {
                tokio::runtime::Builder::new_current_thread()
                    .enable_all()
                    .build()
                    .expect("a runtime")
                    .block_on(work);
            })
            .join();
        if let Err(panic) = outcome {
            std::panic::resume_unwind(panic);
        }
    });
}

/// Lets the tasks of the test's runtime run for `duration` of (paused) tokio time.
pub async fn settle(duration: Duration) {
    tokio::time::sleep(duration).await;
}
