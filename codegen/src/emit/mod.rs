//! Emit: the intermediate model into token streams, one per output file.
//!
//! Nothing here reads the spec; everything comes from [`crate::resolve::model`].

mod client;
pub mod docs;
mod example;
mod long_running;
mod masked;
mod type_files;
mod types;
mod validation;

use proc_macro2::TokenStream;
use quote::quote;

use crate::resolve::model::Api;

/// The name the generated crate is imported by, for its usage examples.
pub const CRATE_NAME: &str = "dbaas_clients";

/// Emits one file's code when called. The files of an API are independent of each other, so
/// they can be emitted (and formatted) on several threads.
pub type Emit<'a> = Box<dyn Fn() -> TokenStream + Send + Sync + 'a>;

/// The files of one API, as paths relative to the crate root, each with what emits its code;
/// `crate_name` is the name the usage examples import the crate by.
pub fn api_files<'a>(api: &'a Api, crate_name: &'a str) -> Vec<(String, Emit<'a>)> {
    let tags = client::tag_files(api);
    let module: Emit<'a> = Box::new(move || client::module_file(api, crate_name));
    let mut files = vec![(format!("src/{}/mod.rs", api.module), module)];
    for (relative, emit) in types::types_files(api, &tags) {
        files.push((format!("src/{}/{relative}", api.module), emit));
    }
    for file in tags {
        let relative = format!("src/{}/{}.rs", api.module, file.module);
        let emit: Emit<'a> = Box::new(move || client::tag_file(api, &file, crate_name));
        files.push((relative, emit));
    }
    files
}

/// The file the crate root includes: one module per API, each behind a Cargo feature of its
/// name.
pub fn apis_file(apis: &[Api]) -> TokenStream {
    let modules = apis.iter().map(|api| {
        let name = types::ident(&api.module);
        let module_name = &api.module;
        let doc = format!(" {}", docs::markdown(&api.title).join(" "));
        quote! {
            #[doc = #doc]
            #[cfg(feature = #module_name)]
            pub mod #name;
        }
    });
    quote! { #(#modules)* }
}
