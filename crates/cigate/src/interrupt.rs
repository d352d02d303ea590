//! Stop requests: SIGINT (Ctrl-C) and SIGTERM (a cancelled CI job).
//!
//! Checks run in process groups of their own, which do not get the terminal's Ctrl-C, so
//! cigate must end them itself. Once cigate listens, the signals no longer end the process:
//! every place that waits (an attempt, the backoff, the next check) asks [`Interrupt`].

use tokio::sync::watch;

/// Whether cigate has been asked to stop. Cheap to clone; clones share the state.
#[derive(Debug, Clone)]
pub struct Interrupt {
    requested: watch::Receiver<bool>,
}

impl Interrupt {
    /// Listens for SIGINT and SIGTERM from now on.
    ///
    /// # Panics
    ///
    /// Outside a tokio runtime.
    pub fn listen() -> Self {
        use tokio::signal::unix::{SignalKind, signal};
        let (sender, requested) = watch::channel(false);
        let interrupt = signal(SignalKind::interrupt());
        let terminate = signal(SignalKind::terminate());
        if let (Ok(mut interrupt), Ok(mut terminate)) = (interrupt, terminate) {
            tokio::spawn(async move {
                tokio::select! {
                    _ = interrupt.recv() => {}
                    _ = terminate.recv() => {}
                }
                let _ = sender.send(true);
                // Keep the sender, so that waiters see the request rather than a closed channel.
                std::future::pending::<()>().await;
            });
        }
        Self { requested }
    }

    /// An interrupt that never fires (library use and tests).
    pub fn never() -> Self {
        Self {
            requested: watch::channel(false).1,
        }
    }

    /// Whether a stop was requested.
    pub fn is_requested(&self) -> bool {
        *self.requested.borrow()
    }

    /// Resolves when a stop is requested (never, if nobody listens).
    pub async fn requested(&mut self) {
        if self
            .requested
            .wait_for(|requested| *requested)
            .await
            .is_err()
        {
            std::future::pending::<()>().await;
        }
    }
}

impl Default for Interrupt {
    fn default() -> Self {
        Self::never()
    }
}
