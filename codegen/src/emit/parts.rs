//! A file's code in parts: each part is emitted and formatted on its own, on any thread, so a
//! large file is formatted on every core and only the parts in flight are held as tokens. The
//! head of a file (its docs and imports) is emitted last, knowing which names its parts use.

use proc_macro2::TokenStream;

use super::docs::DocBlocks;
use super::rust;

/// Emits one part's code when called, its doc blocks into the [`DocBlocks`] given.
pub type Emit<'a> = Box<dyn Fn(&DocBlocks) -> TokenStream + Send + Sync + 'a>;

/// Emits a file's head (its docs and imports) when called, given the names its parts use.
pub type Head<'a> = Box<dyn Fn(&DocBlocks, Used) -> TokenStream + Send + Sync + 'a>;

/// Which of the names a head may import the parts of a file use.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct Used {
    /// The runtime, as `rt` (in code, or in a serde attribute's path).
    pub runtime: bool,
    /// The `types` module.
    pub types: bool,
    /// The API's `Error`.
    pub error: bool,
}

impl Used {
    /// The names `tokens` use.
    pub fn of(tokens: &TokenStream) -> Self {
        Self { runtime: rust::names_runtime(tokens), types: rust::mentions(tokens, "types"), error: rust::mentions(tokens, "Error") }
    }

    /// The names either uses.
    #[must_use]
    pub fn and(self, other: Self) -> Self {
        Self { runtime: self.runtime || other.runtime, types: self.types || other.types, error: self.error || other.error }
    }
}

/// One part of a file.
pub enum Part<'a> {
    /// Items of the file.
    Items(Emit<'a>),
    /// Items of the file's `impl Client` block: consecutive parts of this kind make one block.
    ClientItems(Emit<'a>),
}

/// What emits one file: its head, when it has one, then its parts in order.
pub struct FileEmit<'a> {
    /// The file's docs and imports, emitted after its parts; without one, the parts are the
    /// whole file.
    pub head: Option<Head<'a>>,
    /// The file's items, in order.
    pub parts: Vec<Part<'a>>,
}

impl<'a> FileEmit<'a> {
    /// A file emitted in one part.
    pub fn whole(emit: Emit<'a>) -> Self {
        Self { head: None, parts: vec![Part::Items(emit)] }
    }
}
