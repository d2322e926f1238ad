//! Specs into the text of the generated files: every spec read and resolved first, so that a
//! problem anywhere stops the run before any file exists, then each file emitted, formatted on
//! every core and handed over as soon as it is whole, so that only the file being joined and a
//! bounded number of printed parts are in memory, never the whole output.

use std::collections::{BTreeMap, HashMap};
use std::path::PathBuf;

use crate::emit::features::ModuleFeatures;
use crate::emit::{self, FileEmit, Part};
use crate::error::{Error, Problem, SpecError, SpecErrors};
pub use crate::format::FileText;
use crate::format::{self, Joining, Printed};
use crate::resolve::model::Api;
use crate::{load, names, parallel, resolve};

/// The first line of every generated file; files that start with it are the generator's own.
pub const HEADER_MARK: &str = "// @generated";

/// The file that declares the API modules, which the crate's hand-written `src/lib.rs`
/// includes.
pub const APIS_FILE: &str = "src/apis.rs";

/// How many printed parts may wait, done, for the parts before them: the bound on the output
/// held in memory besides the file being joined.
const PARTS_IN_FLIGHT: usize = 16;

/// One spec to generate from: the name used in messages, and its text.
#[derive(Debug, Clone)]
pub struct SpecSource {
    /// The spec's path as shown to people, e.g. `specs/digitalocean.yaml`.
    pub label: String,
    /// The YAML text.
    pub text: String,
    /// Where the text was read from, so that the files its `$ref`s name can be read beside
    /// it; `None` for a spec given as text alone, which can refer to no other file.
    pub path: Option<PathBuf>,
}

/// The complete output of a run, in memory.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct RenderedTree {
    /// Every generated file, by path relative to the generated crate's root.
    pub files: BTreeMap<String, String>,
    /// How many named types were generated.
    pub types: usize,
    /// How many operations were generated.
    pub operations: usize,
    /// Harmless oddities of the specs, read anyway, each at its place.
    pub warnings: Vec<SpecError>,
    /// The API modules, each a Cargo feature of the crate, with their tags' features.
    pub modules: Vec<ModuleFeatures>,
}

/// Every spec read and resolved, ready to be emitted.
#[derive(Debug)]
pub struct Resolved {
    /// One model per spec, in the order of the specs.
    apis: Vec<Api>,
    /// Harmless oddities of the specs, read anyway, in document order, file by file.
    pub warnings: Vec<SpecError>,
}

impl Resolved {
    /// The API modules, each a Cargo feature of the crate, with their tags' features.
    pub fn modules(&self) -> Vec<ModuleFeatures> {
        self.apis.iter().map(emit::features::module_features).collect()
    }

    /// How many named types the files declare.
    pub fn types(&self) -> usize {
        self.apis.iter().map(|api| api.types.len()).sum()
    }

    /// How many operations the clients have.
    pub fn operations(&self) -> usize {
        self.apis.iter().map(|api| api.operations.len()).sum()
    }

    /// Emits every file for a crate imported as `crate_name` (the name its usage examples
    /// use), giving each to `deliver` with its path relative to the crate's root as soon as it
    /// is whole, in the order the files are emitted. The parts of all files are formatted on
    /// every core, a bounded number ahead of the file being delivered.
    ///
    /// # Errors
    ///
    /// The first error `deliver` gives, which stops the run; or an internal error when the
    /// emitted code is not Rust.
    pub fn emit_each(&self, crate_name: &str, mut deliver: impl FnMut(String, FileText) -> Result<(), Error>) -> Result<(), Error> {
        let mut files: Vec<(String, String, FileEmit<'_>)> = Vec::new();
        for api in &self.apis {
            let source = format!("from {}", api.spec_file);
            files.extend(emit::api_files(api, crate_name).into_iter().map(|(relative, emit)| (relative, source.clone(), emit)));
        }
        let apis: emit::Emit<'_> = Box::new(|_| emit::apis_file(&self.apis));
        files.push((APIS_FILE.to_owned(), "from specs/*.yaml".to_owned(), FileEmit::whole(apis)));

        let parts: Vec<&Part<'_>> = files.iter().flat_map(|(_, _, file)| &file.parts).collect();
        let mut joiner = Joiner { pending: files.iter(), current: None, deliver: &mut deliver };
        joiner.next_file()?;
        parallel::for_each_in_order(&parts, PARTS_IN_FLIGHT, |part| format::print_part(part), |part| joiner.push(part))
    }
}

/// A file to emit: its path relative to the crate's root, where it comes from (for its
/// header), and what emits it.
type FileToEmit<'e> = (String, String, FileEmit<'e>);

/// Joins the printed parts of the files, in order, into whole files and delivers each.
struct Joiner<'f, 'e, D> {
    /// The files after the current one.
    pending: std::slice::Iter<'f, FileToEmit<'e>>,
    /// The file whose parts are being printed, and its text so far; `None` once every file is
    /// delivered.
    current: Option<(&'f FileToEmit<'e>, Joining<'f, 'e>)>,
    /// Where whole files go.
    deliver: D,
}

impl<'f, 'e, D: FnMut(String, FileText) -> Result<(), Error>> Joiner<'f, 'e, D> {
    /// Takes the next part printed, in order, and delivers the files it makes whole.
    fn push(&mut self, part: Result<Printed, syn::Error>) -> Result<(), Error> {
        let Some(((relative, _, _), joining)) = &mut self.current else { return Ok(()) };
        joining.push(part.map_err(|e| Error::Internal { file: relative.clone(), message: e.to_string() })?);
        if joining.is_whole() {
            self.next_file()?;
        }
        Ok(())
    }

    /// Delivers the current file, whole, and moves on to the next one that is not whole yet
    /// (a file of no parts is whole at once, and delivered too).
    fn next_file(&mut self) -> Result<(), Error> {
        loop {
            if let Some(((relative, source, _), joining)) = self.current.take() {
                let header = format!("{HEADER_MARK} by cargo xtask codegen {source}\n// Do not edit by hand.\n\n");
                let code = joining.finish(&header).map_err(|e| Error::Internal { file: relative.clone(), message: e.to_string() })?;
                (self.deliver)(relative.clone(), code)?;
            }
            let Some(next) = self.pending.next() else { return Ok(()) };
            let joining = Joining::new(&next.2);
            let whole = joining.is_whole();
            self.current = Some((next, joining));
            if !whole {
                return Ok(());
            }
        }
    }
}

/// Reads and resolves every spec, or gives every problem found in them. Each spec's text is
/// handed over to its loading, which keeps it for the places of problems, rather than copied.
///
/// # Errors
///
/// [`Error::Spec`] with every problem of every spec, and the warnings.
pub fn resolve_all(specs: Vec<SpecSource>) -> Result<Resolved, Error> {
    let mut errors = Vec::new();
    let mut warnings = Vec::new();
    let mut apis: Vec<Api> = Vec::new();
    let mut modules: HashMap<String, String> = HashMap::new();
    for mut spec in specs {
        let Some(module) = module_name(&spec, &mut modules, &mut errors) else { continue };
        let mut loaded = load::load_from(&spec.label, std::mem::take(&mut spec.text), spec.path.as_deref());
        let mut found = std::mem::take(&mut loaded.problems);
        warnings.append(&mut loaded.warnings);
        if let Some(document) = loaded.document.take() {
            let (resolved, resolve_warnings) = resolve::resolve(&spec.label, &module, document, &loaded.positions);
            warnings.extend(resolve_warnings);
            match resolved {
                Ok(api) if found.is_empty() => apis.push(api),
                Ok(_) => {}
                Err(problems) => found.extend(problems),
            }
        }
        warnings.extend(loaded.late_warnings(&spec.label));
        // Document order reads best; the sort is stable for problems at one place.
        found.sort_by_key(|error| error.position);
        errors.extend(found);
    }
    // Document order, file by file, reads best.
    warnings.sort_by(|a, b| (&a.file, a.position).cmp(&(&b.file, b.position)));
    if !errors.is_empty() {
        return Err(Error::Spec(SpecErrors(errors, warnings)));
    }
    Ok(Resolved { apis, warnings })
}

/// Renders the complete output of `specs` for the `dbaas-clients` crate, or every problem
/// found in them.
///
/// # Errors
///
/// As [`render_for`].
pub fn render(specs: &[SpecSource]) -> Result<RenderedTree, Error> {
    render_for(specs, emit::CRATE_NAME)
}

/// Renders the complete output of `specs` for a crate imported as `crate_name` (the name its
/// usage examples use), in memory, or every problem found in them.
///
/// # Errors
///
/// [`Error::Spec`] with every problem of every spec; an internal error when the emitted code
/// is not Rust.
pub fn render_for(specs: &[SpecSource], crate_name: &str) -> Result<RenderedTree, Error> {
    let resolved = resolve_all(specs.to_vec())?;
    let mut files = BTreeMap::new();
    resolved.emit_each(crate_name, |relative, content| {
        files.insert(relative, content.into_string());
        Ok(())
    })?;
    let (types, operations, modules) = (resolved.types(), resolved.operations(), resolved.modules());
    Ok(RenderedTree { files, types, operations, warnings: resolved.warnings, modules })
}

/// The module of `spec`, unless the crate keeps its name or another spec has it.
fn module_name(spec: &SpecSource, modules: &mut HashMap<String, String>, errors: &mut Vec<SpecError>) -> Option<String> {
    let error = |problem| SpecError { file: spec.label.clone(), place: String::new(), position: None, problem };
    let module = names::module(&spec.label);
    if names::RESERVED_MODULES.contains(&module.as_str()) {
        let message = format!("the file name makes the module `{module}`, which the crate uses for itself: rename the file");
        errors.push(error(Problem::Invalid { message }));
        return None;
    }
    if let Some(first) = modules.get(&module) {
        let problem = Problem::NameCollision { what: "module", first: first.clone(), second: spec.label.clone(), rust: module };
        errors.push(error(problem));
        return None;
    }
    modules.insert(module.clone(), spec.label.clone());
    Some(module)
}
