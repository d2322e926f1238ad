//! The double's clock: the waits of a client whose calls go to a double (retries, `Retry-After`,
//! the polls of long-running operations and their deadlines) move it forward instead of taking
//! real time, so a test of a timeout ends at once, with no spinning. Under
//! `tokio::time::pause` the waits are tokio's sleeps instead, and tokio's clock shows them.

use std::future::Future;
use std::pin::Pin;
use std::sync::Mutex;
use std::time::{Duration, Instant};

use super::lock;

/// How far the double's clock is ahead of tokio's.
#[derive(Default)]
pub(super) struct Clock {
    ahead: Mutex<Duration>,
}

impl Clock {
    /// The time on the double's clock.
    pub fn now(&self) -> Instant {
        tokio::time::Instant::now().into_std() + *lock(&self.ahead)
    }

    /// Waits `duration` on the double's clock: at once, the clock moved forward; or, when the
    /// test paused tokio's clock, as a tokio sleep, which its auto-advance ends at once.
    pub fn pause(&self, duration: Duration) -> Pin<Box<dyn Future<Output = ()> + Send + '_>> {
        if tokio_clock_is_paused() {
            return Box::pin(tokio::time::sleep(duration));
        }
        let mut ahead = lock(&self.ahead);
        *ahead = ahead.saturating_add(duration);
        Box::pin(tokio::task::yield_now())
    }
}

/// Whether the test paused tokio's clock (`tokio::time::pause`, or `start_paused`): its time
/// then stands still while the real clock moves on. A paused clock is only allowed on a
/// current-thread runtime, so nothing moves it while this looks.
fn tokio_clock_is_paused() -> bool {
    let tokio_before = tokio::time::Instant::now();
    let real_before = Instant::now();
    while Instant::now() == real_before {
        std::hint::spin_loop();
    }
    tokio::time::Instant::now() == tokio_before
}

#[cfg(test)]
mod tests {
    use super::*;

    #[tokio::test]
    async fn a_pause_moves_the_clock_and_takes_no_real_time() {
        let clock = Clock::default();
        let (real, on_clock) = (Instant::now(), clock.now());
        clock.pause(Duration::from_secs(600)).await;
        assert!(clock.now() - on_clock >= Duration::from_secs(600));
        assert!(real.elapsed() < Duration::from_secs(5), "{:?}", real.elapsed());
    }

    #[tokio::test(start_paused = true)]
    async fn under_a_paused_tokio_clock_a_pause_is_a_sleep_on_it() {
        let clock = Clock::default();
        let (real, on_tokio) = (Instant::now(), tokio::time::Instant::now());
        clock.pause(Duration::from_secs(600)).await;
        assert!(tokio::time::Instant::now() - on_tokio >= Duration::from_secs(600), "tokio's clock shows the wait");
        assert!(real.elapsed() < Duration::from_secs(5), "{:?}", real.elapsed());
    }
}
