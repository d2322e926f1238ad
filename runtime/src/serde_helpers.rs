//! Serde helpers the generated models name in their attributes.
//!
//! A property the spec marks `readOnly` is set by the server, and one marked `writeOnly` is
//! never returned: in a type that travels both ways, the client never sends the first and never
//! reads the second. A test double is the server's side of the wire, so while it writes an
//! answer or reads a request back (and only then, on its own thread, within one runtime
//! function), both travel as the server would see them.

use serde::de::IgnoredAny;
use serde::{Deserialize, Deserializer};

/// Deserializes a field that may be absent or `null` into `Option<Option<T>>`: absent is
/// `None` (through `#[serde(default)]`), `null` is `Some(None)`, a value is `Some(Some(v))`.
pub fn deserialize_some<'de, T, D>(deserializer: D) -> Result<Option<Option<T>>, D::Error>
where
    T: Deserialize<'de>,
    D: Deserializer<'de>,
{
    Option::<T>::deserialize(deserializer).map(Some)
}

/// Whether a read-only property is left out of what is serialized: always on the client's
/// side; on the server's side (a test double's answer) only when it has no value.
pub fn skip_read_only<T>(value: &Option<T>) -> bool {
    value.is_none() || !server_side::active()
}

/// Deserializes a write-only property: on the client's side whatever an answer holds there is
/// passed over and the field keeps its default; on the server's side (a test double reading a
/// request back) it is read.
pub fn write_only<'de, F, D>(deserializer: D) -> Result<F, D::Error>
where
    F: Deserialize<'de> + Default,
    D: Deserializer<'de>,
{
    if server_side::active() {
        return F::deserialize(deserializer);
    }
    IgnoredAny::deserialize(deserializer)?;
    Ok(F::default())
}

/// Whether this thread is writing or reading as the server's side of the wire.
#[cfg(feature = "test-util")]
pub(crate) mod server_side {
    use std::cell::Cell;

    thread_local! {
        static ACTIVE: Cell<bool> = const { Cell::new(false) };
    }

    /// Whether the server's side is at work on this thread.
    pub fn active() -> bool {
        ACTIVE.with(Cell::get)
    }

    /// Runs `work` (a double's serializing or deserializing) as the server's side.
    pub fn run<R>(work: impl FnOnce() -> R) -> R {
        /// Restores the side that was active, even when `work` panics.
        struct Restore(bool);
        impl Drop for Restore {
            fn drop(&mut self) {
                ACTIVE.with(|active| active.set(self.0));
            }
        }
        let _restore = Restore(ACTIVE.with(|active| active.replace(true)));
        work()
    }
}

/// Without test doubles, every value is serialized on the client's side.
#[cfg(not(feature = "test-util"))]
mod server_side {
    /// Never.
    pub fn active() -> bool {
        false
    }
}
