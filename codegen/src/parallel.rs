//! Work spread over every core, with results in the order of the work.

use std::collections::BTreeMap;
use std::panic::{self, AssertUnwindSafe};
use std::sync::atomic::{AtomicUsize, Ordering};
use std::sync::{Condvar, Mutex, PoisonError};
use std::thread;

/// What the workers of [`for_each_in_order`] and the thread that consumes their results share.
struct Shared<R> {
    /// Results done and not yet consumed, by index; a panic in the work travels as its payload.
    done: BTreeMap<usize, thread::Result<R>>,
    /// How many results were consumed.
    consumed: usize,
    /// Whether the consumer stopped, so the workers stop too.
    stopped: bool,
}

/// `work` applied to each of `items` on as many threads as there are cores, the calling
/// thread among them, each result given to `consume` on the calling thread in the order of
/// `items` as soon as it and every result before it are done. No item is started more than
/// `ahead` items past the consumer, so at most `ahead` results are held at once. The calling
/// thread works too, rather than only wait, so the memory it freed before serves the work. The
/// first error of `consume` stops the work and is returned; a panic in `work` is a panic here.
///
/// # Errors
///
/// The first error `consume` gives.
pub fn for_each_in_order<T: Sync, R: Send, E>(
    items: &[T],
    ahead: usize,
    work: impl Fn(&T) -> R + Sync,
    mut consume: impl FnMut(R) -> Result<(), E>,
) -> Result<(), E> {
    let threads = thread::available_parallelism().map_or(1, usize::from).min(items.len());
    if threads <= 1 {
        return items.iter().try_for_each(|item| consume(work(item)));
    }
    let ahead = ahead.max(threads);
    let next = AtomicUsize::new(0);
    let shared = Mutex::new(Shared { done: BTreeMap::new(), consumed: 0, stopped: false });
    let (ready, room) = (Condvar::new(), Condvar::new());
    let lock = || shared.lock().unwrap_or_else(PoisonError::into_inner);
    let run = |index: usize, item: &T| {
        let result = panic::catch_unwind(AssertUnwindSafe(|| work(item)));
        lock().done.insert(index, result);
        ready.notify_one();
    };
    // However the consumer ends, even by a panic, the workers stop rather than wait for room.
    let stop = Stop(|| {
        lock().stopped = true;
        room.notify_all();
    });
    thread::scope(|scope| {
        for _ in 1..threads {
            scope.spawn(|| {
                loop {
                    let index = next.fetch_add(1, Ordering::Relaxed);
                    let Some(item) = items.get(index) else { return };
                    let mut state = lock();
                    while index >= state.consumed + ahead && !state.stopped {
                        state = room.wait(state).unwrap_or_else(PoisonError::into_inner);
                    }
                    if state.stopped {
                        return;
                    }
                    drop(state);
                    run(index, item);
                }
            });
        }
        let mut outcome = Ok(());
        for index in 0..items.len() {
            let result = loop {
                let mut state = lock();
                if let Some(result) = state.done.remove(&index) {
                    state.consumed = index + 1;
                    break result;
                }
                // The next item not yet started, unless it is too far ahead, is started here;
                // otherwise the result awaited is being worked on, and is waited for.
                let start = next.load(Ordering::Relaxed);
                let own = start < items.len()
                    && start < index + ahead
                    && next.compare_exchange(start, start + 1, Ordering::Relaxed, Ordering::Relaxed).is_ok();
                if own {
                    drop(state);
                    run(start, &items[start]);
                } else if next.load(Ordering::Relaxed) > index {
                    drop(ready.wait(state).unwrap_or_else(PoisonError::into_inner));
                }
            };
            room.notify_all();
            outcome = consume(result.unwrap_or_else(|payload| panic::resume_unwind(payload)));
            if outcome.is_err() {
                break;
            }
        }
        drop(stop);
        outcome
    })
}

/// Calls its function when dropped.
struct Stop<F: FnMut()>(F);

impl<F: FnMut()> Drop for Stop<F> {
    fn drop(&mut self) {
        (self.0)();
    }
}

#[cfg(test)]
mod tests {
    #[test]
    fn results_are_consumed_in_order_and_an_error_stops_the_work() {
        let items: Vec<u64> = (0..1000).collect();
        let mut seen = Vec::new();
        let outcome: Result<(), ()> = super::for_each_in_order(
            &items,
            4,
            |n| n * 2,
            |n| {
                seen.push(n);
                Ok(())
            },
        );
        assert_eq!((outcome, seen), (Ok(()), items.iter().map(|n| n * 2).collect::<Vec<_>>()));

        let done = std::sync::atomic::AtomicUsize::new(0);
        let work = |n: &u64| {
            done.fetch_add(1, std::sync::atomic::Ordering::Relaxed);
            *n
        };
        let outcome = super::for_each_in_order(&items, 4, work, |n| if n == 10 { Err(n) } else { Ok(()) });
        assert_eq!(outcome, Err(10));
        assert!(done.into_inner() < 100, "the work stops soon after the error");
    }

    #[test]
    #[should_panic(expected = "item 7")]
    fn a_panic_in_the_work_is_a_panic_of_the_caller() {
        let items: Vec<u64> = (0..100).collect();
        let _ = super::for_each_in_order(&items, 4, |n| assert!(*n != 7, "item 7"), |()| Ok::<(), ()>(()));
    }
}
