//! Emit: the intermediate model into token streams, each output file in parts (see
//! [`FileEmit`]): a large file is emitted and formatted a few types or operations at a time.
//!
//! Nothing here reads the spec; everything comes from [`crate::resolve::model`]. The modules
//! depend one way: [`rust`] (names and Rust types), [`docs`], `files` (what goes in which
//! file), `literals` and `parts` use none of the others; the emitters of a file's items build on
//! them.

mod arguments;
mod client;
pub mod docs;
mod example;
pub mod features;
mod files;
mod literals;
mod long_running;
mod masked;
mod pagination;
mod parts;
pub mod rust;
mod serde_impls;
mod test_util;
mod types;
mod validation;

use proc_macro2::{TokenStream, TokenTree};
use quote::quote;

use crate::resolve::model::Api;

/// The name the generated crate is imported by, for its usage examples.
pub const CRATE_NAME: &str = "dbaas_clients";

pub use parts::{Emit, FileEmit, Head, Part, Used};

/// The files of one API, as paths relative to the crate root, each with what emits its code;
/// `crate_name` is the name the usage examples import the crate by.
pub fn api_files<'a>(api: &'a Api, crate_name: &'a str) -> Vec<(String, FileEmit<'a>)> {
    let tags = files::tag_files(api);
    let mut out = vec![(format!("src/{}/mod.rs", api.module), client::module_file(api, crate_name))];
    for (relative, emit) in types::types_files(api, &tags) {
        out.push((format!("src/{}/{relative}", api.module), emit));
    }
    out.push((format!("src/{}/test_util.rs", api.module), test_util::test_util_file(api, &tags)));
    for file in tags {
        let relative = format!("src/{}/{}.rs", api.module, file.module);
        let emit: Emit<'a> = Box::new(move |blocks| with_runtime(client::tag_file(api, &file, crate_name, blocks)));
        out.push((relative, FileEmit::whole(emit)));
    }
    out
}

/// `file` with the `use` of the runtime after its inner attributes, when it names the runtime.
pub fn with_runtime(file: TokenStream) -> TokenStream {
    let needed = rust::names_runtime(&file);
    with_runtime_if(file, needed)
}

/// `file` with the `use` of the runtime after its inner attributes, when `needed` or when it
/// names the runtime itself.
pub fn with_runtime_if(file: TokenStream, needed: bool) -> TokenStream {
    if !needed && !rust::names_runtime(&file) {
        return file;
    }
    let import = rust::runtime_use();
    let tokens: Vec<TokenTree> = file.into_iter().collect();
    // Inner attributes (`#![...]`) come first: `#`, `!`, then the bracketed group.
    let mut split = 0;
    while let [TokenTree::Punct(pound), TokenTree::Punct(bang), TokenTree::Group(_), ..] = &tokens[split..]
        && pound.as_char() == '#'
        && bang.as_char() == '!'
    {
        split += 3;
    }
    let (inner, rest) = tokens.split_at(split);
    let (inner, rest): (TokenStream, TokenStream) = (inner.iter().cloned().collect(), rest.iter().cloned().collect());
    quote! { #inner #import #rest }
}

/// The file the crate root includes: one module per API, each behind a Cargo feature of its
/// name (or of any of its tags, for an API with tag features).
pub fn apis_file(apis: &[Api]) -> TokenStream {
    let modules = apis.iter().map(|api| {
        let name = rust::ident(&api.module);
        let module_name = &api.module;
        let doc = format!(" {}", docs::markdown(&api.title).join(" "));
        let gate = match features::TagFeatures::of(api, &files::tag_files(api)) {
            Some(tag_features) => tag_features.module_attr(),
            None => quote! { #[cfg(feature = #module_name)] },
        };
        quote! {
            #[doc = #doc]
            #gate
            pub mod #name;
        }
    });
    quote! { #(#modules)* }
}
