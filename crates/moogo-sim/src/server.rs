//! Serving a [`Simulation`] over HTTP: [`spawn`], the [`SimHandle`] it returns, and the
//! listener whose connections the `reset` fault can abort with a TCP reset.

use std::io;
use std::net::SocketAddr;
use std::pin::Pin;
use std::sync::Arc;
use std::sync::atomic::{AtomicBool, Ordering};
use std::task::{Context, Poll};
use std::time::Duration;

use axum::extract::connect_info::Connected;
use axum::serve::{IncomingStream, Listener};
use jiff::Timestamp;
use tokio::io::{AsyncRead, AsyncWrite, ReadBuf};
use tokio::net::{TcpListener, TcpStream};
use tokio::sync::oneshot;
use tokio::task::JoinHandle;

use crate::config::SimConfig;
use crate::error::{Error, Result};
use crate::fault::FaultSpec;
use crate::simulation::Simulation;
use crate::stats::Stats;

/// Starts a simulator in the current tokio runtime and returns once it accepts connections.
///
/// It listens on the configured address (by default 127.0.0.1 with a free port) until
/// [`SimHandle::shutdown`] or until the handle is dropped.
///
/// # Errors
///
/// [`Error::InvalidSetting`] for an inconsistent configuration, [`Error::Bind`] when the
/// address cannot be bound.
///
/// # Examples
///
/// ```
/// # #[tokio::main(flavor = "current_thread")]
/// # async fn main() -> Result<(), moogo_sim::Error> {
/// let sim = moogo_sim::spawn(moogo_sim::SimConfig::default()).await?;
/// assert!(sim.base_url().starts_with("http://127.0.0.1:"));
/// assert_eq!(sim.stats().requests, 0);
/// sim.shutdown().await;
/// # Ok(())
/// # }
/// ```
pub async fn spawn(config: SimConfig) -> Result<SimHandle> {
    config.validate()?;
    let addr = config.listen;
    let listener = TcpListener::bind(addr)
        .await
        .map_err(|source| Error::Bind { addr, source })?;
    let local_addr = listener
        .local_addr()
        .map_err(|source| Error::Bind { addr, source })?;
    let simulation = Simulation::new(config);
    let app = crate::router(Arc::clone(&simulation))
        .into_make_service_with_connect_info::<ConnectionAbort>();
    let (stop, stopped) = oneshot::channel::<()>();
    let task = tokio::spawn(async move {
        let server =
            axum::serve(SimListener { inner: listener }, app).with_graceful_shutdown(async {
                // A dropped sender also ends the server.
                let _ = stopped.await;
            });
        if let Err(error) = server.await {
            tracing::warn!(%error, "simulator stopped with an error");
        }
    });
    tracing::debug!(%local_addr, "simulator listening");
    Ok(SimHandle {
        addr: local_addr,
        simulation,
        stop: Some(stop),
        task: Some(task),
    })
}

/// Starts a simulator on a thread of its own, with its own tokio runtime, and returns once
/// it accepts connections.
///
/// Unlike [`spawn`], the simulator outlives the runtime of the caller, so one simulator can
/// serve every test of a test binary (each `#[tokio::test]` has a runtime of its own), for
/// example from a `static` [`OnceLock`](std::sync::OnceLock). Its clock follows the operating
/// system's clock, not a paused tokio clock; move it with [`SimHandle::advance_clock`]. The
/// simulator stops when the handle is dropped or shut down.
///
/// # Errors
///
/// As for [`spawn`], plus [`Error::Thread`] when the thread or its runtime cannot start.
///
/// # Examples
///
/// ```
/// let sim = moogo_sim::spawn_on_thread(moogo_sim::SimConfig::default())?;
/// // Any runtime, or none, can talk to it now.
/// assert!(sim.base_url().starts_with("http://127.0.0.1:"));
/// # Ok::<(), moogo_sim::Error>(())
/// ```
pub fn spawn_on_thread(mut config: SimConfig) -> Result<SimHandle> {
    config.real_time = true;
    let (ready, started) = std::sync::mpsc::channel();
    std::thread::Builder::new()
        .name("moogo-sim".to_owned())
        .spawn(move || {
            let runtime = match tokio::runtime::Builder::new_current_thread()
                .enable_all()
                .build()
            {
                Ok(runtime) => runtime,
                Err(source) => {
                    let _ = ready.send(Err(Error::Thread { source }));
                    return;
                }
            };
            runtime.block_on(async move {
                match spawn(config).await {
                    Ok(mut handle) => {
                        let server = handle.task.take();
                        let _ = ready.send(Ok(handle));
                        if let Some(server) = server {
                            let _ = server.await;
                        }
                    }
                    Err(error) => {
                        let _ = ready.send(Err(error));
                    }
                }
            });
        })
        .map_err(|source| Error::Thread { source })?;
    started.recv().unwrap_or_else(|_| {
        Err(Error::Thread {
            source: io::Error::other("the simulator's thread ended before it started"),
        })
    })
}

/// A running simulator: its address, its clock, its counters and its fault controls.
///
/// Dropping the handle stops the simulator; [`SimHandle::shutdown`] also waits for it.
#[derive(Debug)]
pub struct SimHandle {
    addr: SocketAddr,
    simulation: Arc<Simulation>,
    stop: Option<oneshot::Sender<()>>,
    task: Option<JoinHandle<()>>,
}

impl SimHandle {
    /// The base URL of the simulated API, such as `http://127.0.0.1:40123` (no trailing slash).
    pub fn base_url(&self) -> String {
        format!("http://{}", self.addr)
    }

    /// The address the simulator listens on.
    pub fn addr(&self) -> SocketAddr {
        self.addr
    }

    /// The simulated wall time now.
    pub fn now(&self) -> Timestamp {
        self.simulation.now()
    }

    /// Moves the simulated clock forward, e.g. by 24 h to end a lockout; due transitions and
    /// schedule occurrences take effect on the next request that looks at a device.
    pub fn advance_clock(&self, by: Duration) {
        self.simulation.clock.advance(by);
    }

    /// The counters so far.
    pub fn stats(&self) -> Stats {
        self.simulation.counters.snapshot()
    }

    /// Adds a fault (the existing ones stay).
    pub fn set_fault(&self, fault: FaultSpec) {
        self.simulation.faults.add(fault);
    }

    /// The active faults, with their remaining `times`.
    pub fn faults(&self) -> Vec<FaultSpec> {
        self.simulation.faults.list()
    }

    /// Removes every fault.
    pub fn clear_faults(&self) {
        self.simulation.faults.replace(Vec::new());
    }

    /// Puts the world, the counters and the faults back as they were at start (tokens and
    /// lockouts are forgotten); the clock keeps its time.
    pub fn reset(&self) {
        self.simulation.reset();
    }

    /// Stops accepting connections, lets requests in flight finish and waits for the server.
    pub async fn shutdown(mut self) {
        if let Some(stop) = self.stop.take() {
            let _ = stop.send(());
        }
        if let Some(task) = self.task.take() {
            let _ = task.await;
        }
    }
}

impl Drop for SimHandle {
    fn drop(&mut self) {
        if let Some(stop) = self.stop.take() {
            let _ = stop.send(());
        }
    }
}

/// A TCP listener whose connections can be aborted from a request handler.
struct SimListener {
    inner: TcpListener,
}

impl Listener for SimListener {
    type Io = Connection;
    type Addr = SocketAddr;

    async fn accept(&mut self) -> (Self::Io, Self::Addr) {
        loop {
            match self.inner.accept().await {
                Ok((stream, remote)) => {
                    // Small answers must not wait for Nagle's algorithm.
                    let _ = stream.set_nodelay(true);
                    let connection = Connection {
                        stream,
                        abort: ConnectionAbort(Arc::new(AtomicBool::new(false))),
                    };
                    return (connection, remote);
                }
                Err(error) => {
                    // Out of file descriptors or similar: wait a little, as axum does.
                    tracing::warn!(%error, "accept failed");
                    tokio::time::sleep(Duration::from_millis(50)).await;
                }
            }
        }
    }

    fn local_addr(&self) -> io::Result<Self::Addr> {
        self.inner.local_addr()
    }
}

/// One accepted connection; once aborted it refuses all I/O and closes with a TCP reset.
pub(crate) struct Connection {
    stream: TcpStream,
    abort: ConnectionAbort,
}

/// The switch that aborts one connection; every request carries its connection's switch.
#[derive(Debug, Clone)]
pub(crate) struct ConnectionAbort(Arc<AtomicBool>);

impl ConnectionAbort {
    /// Aborts the connection: nothing more is written, and closing it sends a TCP reset.
    pub(crate) fn abort(&self) {
        self.0.store(true, Ordering::Release);
    }

    fn is_aborted(&self) -> bool {
        self.0.load(Ordering::Acquire)
    }
}

impl Connected<IncomingStream<'_, SimListener>> for ConnectionAbort {
    fn connect_info(stream: IncomingStream<'_, SimListener>) -> Self {
        stream.io().abort.clone()
    }
}

fn reset_error() -> io::Error {
    io::Error::new(
        io::ErrorKind::ConnectionReset,
        "connection reset by a simulated fault",
    )
}

impl AsyncRead for Connection {
    fn poll_read(
        mut self: Pin<&mut Self>,
        cx: &mut Context<'_>,
        buf: &mut ReadBuf<'_>,
    ) -> Poll<io::Result<()>> {
        if self.abort.is_aborted() {
            return Poll::Ready(Err(reset_error()));
        }
        Pin::new(&mut self.stream).poll_read(cx, buf)
    }
}

impl AsyncWrite for Connection {
    fn poll_write(
        mut self: Pin<&mut Self>,
        cx: &mut Context<'_>,
        buf: &[u8],
    ) -> Poll<io::Result<usize>> {
        if self.abort.is_aborted() {
            return Poll::Ready(Err(reset_error()));
        }
        Pin::new(&mut self.stream).poll_write(cx, buf)
    }

    fn poll_write_vectored(
        mut self: Pin<&mut Self>,
        cx: &mut Context<'_>,
        bufs: &[io::IoSlice<'_>],
    ) -> Poll<io::Result<usize>> {
        if self.abort.is_aborted() {
            return Poll::Ready(Err(reset_error()));
        }
        Pin::new(&mut self.stream).poll_write_vectored(cx, bufs)
    }

    fn is_write_vectored(&self) -> bool {
        self.stream.is_write_vectored()
    }

    fn poll_flush(mut self: Pin<&mut Self>, cx: &mut Context<'_>) -> Poll<io::Result<()>> {
        if self.abort.is_aborted() {
            return Poll::Ready(Err(reset_error()));
        }
        Pin::new(&mut self.stream).poll_flush(cx)
    }

    fn poll_shutdown(mut self: Pin<&mut Self>, cx: &mut Context<'_>) -> Poll<io::Result<()>> {
        if self.abort.is_aborted() {
            return Poll::Ready(Err(reset_error()));
        }
        Pin::new(&mut self.stream).poll_shutdown(cx)
    }
}

impl Drop for Connection {
    fn drop(&mut self) {
        if self.abort.is_aborted() {
            // Zero linger turns the close into a reset, which is the point of the fault.
            let _ = self.stream.set_zero_linger();
        }
    }
}
