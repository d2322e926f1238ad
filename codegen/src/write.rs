//! The one place that turns specs into files: renders the whole output in memory, then writes
//! it only when every spec succeeded, each file atomically.

use std::collections::{BTreeMap, HashMap};
use std::fs;
use std::path::{Path, PathBuf};
use std::time::Instant;

use crate::error::{Error, Problem, SpecError, SpecErrors};
use crate::resolve::model::Api;
use crate::{emit, load, names, resolve};

/// The first line of every generated file; files that start with it are the generator's own.
pub const HEADER_MARK: &str = "// @generated";

/// The file that declares the API modules, which the crate's hand-written `src/lib.rs`
/// includes.
pub const APIS_FILE: &str = "src/apis.rs";

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
    /// The API modules, each a Cargo feature of the crate.
    pub modules: Vec<String>,
}

/// What a write did.
#[derive(Debug, Clone, PartialEq)]
pub struct Summary {
    /// Files created or changed.
    pub written: usize,
    /// Files already up to date.
    pub unchanged: usize,
    /// Generated files removed because their spec is gone.
    pub removed: usize,
    /// Named types generated.
    pub types: usize,
    /// Operations generated.
    pub operations: usize,
    /// Time the whole run took, in milliseconds.
    pub elapsed_ms: u128,
    /// Harmless oddities of the specs, read anyway, each at its place.
    pub warnings: Vec<SpecError>,
}

/// How the files on disk differ from what the specs generate.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct CheckReport {
    /// One unified diff per file that differs, missing or stale ones included.
    pub diffs: Vec<String>,
    /// Harmless oddities of the specs, read anyway, each at its place.
    pub warnings: Vec<SpecError>,
}

impl CheckReport {
    /// Whether the tree on disk is exactly what the specs generate.
    pub fn is_fresh(&self) -> bool {
        self.diffs.is_empty()
    }
}

/// The generated files that differ from the specs' output.
struct Plan {
    /// Everything the specs generate.
    tree: RenderedTree,
    /// Files to create or change: relative path, content on disk (empty when missing), new
    /// content.
    changed: Vec<(String, String, String)>,
    /// Generated files whose spec is gone: relative path and content on disk.
    stale: Vec<(String, String)>,
}

/// Renders `specs` into the generated crate at `out_dir`.
#[derive(Debug, Clone)]
pub struct Generator {
    /// The folder of `*.yaml` specs.
    pub specs_dir: PathBuf,
    /// The generated crate's root folder.
    pub out_dir: PathBuf,
    /// Whether a warning fails the run as an error does, with nothing written.
    pub deny_warnings: bool,
}

/// The workspace that holds `start`: the nearest folder, `start` itself or one above it, with a
/// `Cargo.toml` and a `specs/` folder. Found at run time, never from where a binary was built,
/// so two checkouts sharing one target folder each work on their own files.
pub fn find_workspace_root(start: &Path) -> Option<PathBuf> {
    start.ancestors().find(|dir| dir.join("Cargo.toml").is_file() && dir.join("specs").is_dir()).map(Path::to_owned)
}

impl Generator {
    /// The generator of a workspace laid out as this project is: `specs/` and `generated/`.
    pub fn for_workspace(root: &Path) -> Self {
        Self { specs_dir: root.join("specs"), out_dir: root.join("generated"), deny_warnings: false }
    }

    /// Reads every `*.yaml` of the specs folder, sorted by name.
    pub fn read_specs(&self) -> Result<Vec<SpecSource>, Error> {
        let entries = fs::read_dir(&self.specs_dir).map_err(Error::io("read the folder", &self.specs_dir))?;
        let mut paths = Vec::new();
        for entry in entries {
            let path = entry.map_err(Error::io("read the folder", &self.specs_dir))?.path();
            if path.extension().is_some_and(|ext| ext == "yaml") && path.is_file() {
                paths.push(path);
            }
        }
        paths.sort();
        let folder = self.specs_dir.file_name().map_or_else(|| "specs".into(), |name| name.to_string_lossy());
        paths
            .into_iter()
            .map(|path| {
                let text = fs::read_to_string(&path).map_err(Error::io("read", &path))?;
                let file = path.file_name().map(|name| name.to_string_lossy()).unwrap_or_default();
                Ok(SpecSource { label: format!("{folder}/{file}"), text, path: Some(path) })
            })
            .collect()
    }

    /// Renders the specs on disk.
    pub fn render(&self) -> Result<RenderedTree, Error> {
        render(&self.read_specs()?)
    }

    /// Renders the specs and writes the tree: changed files atomically, stale generated files
    /// removed. Nothing is written unless every spec renders, and every new file is written
    /// beside its target before any target is replaced, so a failed write changes nothing.
    pub fn run(&self) -> Result<Summary, Error> {
        let started = Instant::now();
        let plan = self.plan()?;
        let mut staged: Vec<(PathBuf, PathBuf)> = Vec::new();
        for (relative, _, content) in &plan.changed {
            let path = self.out_dir.join(relative);
            match stage(&path, content) {
                Ok(temporary) => staged.push((temporary, path)),
                Err(error) => {
                    for (temporary, _) in &staged {
                        let _ = fs::remove_file(temporary);
                    }
                    return Err(error);
                }
            }
        }
        for (temporary, path) in &staged {
            fs::rename(temporary, path).map_err(Error::io("replace", path))?;
        }
        for (relative, _) in &plan.stale {
            let path = self.out_dir.join(relative);
            fs::remove_file(&path).map_err(Error::io("remove", &path))?;
            remove_empty_parents(&path, &self.out_dir);
        }
        // The manifest's features may change too, and it is not one of the rendered files.
        let unchanged = plan.tree.files.keys().filter(|relative| !plan.changed.iter().any(|(changed, _, _)| changed == *relative)).count();
        Ok(Summary {
            written: plan.changed.len(),
            unchanged,
            removed: plan.stale.len(),
            types: plan.tree.types,
            operations: plan.tree.operations,
            elapsed_ms: started.elapsed().as_millis(),
            warnings: plan.tree.warnings,
        })
    }

    /// Compares the tree on disk with what the specs generate; writes nothing.
    pub fn check(&self) -> Result<CheckReport, Error> {
        let plan = self.plan()?;
        let changed = plan.changed.iter().map(|(relative, old, new)| unified_diff(relative, old, new));
        let stale = plan.stale.iter().map(|(relative, old)| unified_diff(relative, old, ""));
        Ok(CheckReport { diffs: changed.chain(stale).collect(), warnings: plan.tree.warnings.clone() })
    }

    /// What the specs generate, and how it differs from the generated files on disk.
    fn plan(&self) -> Result<Plan, Error> {
        let tree = self.render()?;
        if self.deny_warnings && !tree.warnings.is_empty() {
            return Err(Error::Spec(SpecErrors(tree.warnings, Vec::new())));
        }
        let mut existing = self.generated_files_on_disk()?;
        let mut changed = Vec::new();
        for (relative, content) in &tree.files {
            let old = existing.remove(relative).unwrap_or_default();
            if old != *content {
                changed.push((relative.clone(), old, content.clone()));
            }
        }
        // The crate's manifest is hand-written but for its features, one per API module.
        let manifest = self.out_dir.join("Cargo.toml");
        if manifest.is_file() {
            let old = fs::read_to_string(&manifest).map_err(Error::io("read", &manifest))?;
            let new = with_features(&old, &tree.modules);
            if new != old {
                changed.push(("Cargo.toml".to_owned(), old, new));
            }
        }
        Ok(Plan { tree, changed, stale: existing.into_iter().collect() })
    }

    /// Every file under the crate's `src/` that the generator wrote, by relative path.
    fn generated_files_on_disk(&self) -> Result<BTreeMap<String, String>, Error> {
        let mut files = BTreeMap::new();
        let src = self.out_dir.join("src");
        if src.is_dir() {
            collect_generated(&src, &self.out_dir, &mut files)?;
        }
        Ok(files)
    }
}

fn collect_generated(dir: &Path, root: &Path, files: &mut BTreeMap<String, String>) -> Result<(), Error> {
    let entries = fs::read_dir(dir).map_err(Error::io("read the folder", dir))?;
    let mut paths: Vec<PathBuf> = Vec::new();
    for entry in entries {
        paths.push(entry.map_err(Error::io("read the folder", dir))?.path());
    }
    paths.sort();
    for path in paths {
        if path.is_dir() {
            collect_generated(&path, root, files)?;
        } else if path.extension().is_some_and(|ext| ext == "rs") {
            let content = fs::read_to_string(&path).map_err(Error::io("read", &path))?;
            if content.starts_with(HEADER_MARK) {
                let relative = path.strip_prefix(root).unwrap_or(&path);
                let relative = relative.components().map(|c| c.as_os_str().to_string_lossy()).collect::<Vec<_>>().join("/");
                files.insert(relative, content);
            }
        }
    }
    Ok(())
}

/// Writes `content` to a temporary file beside `path`, to be renamed over it: a rename
/// replaces a file at once, so a reader never sees half of one.
fn stage(path: &Path, content: &str) -> Result<PathBuf, Error> {
    let parent = path.parent().unwrap_or_else(|| Path::new("."));
    fs::create_dir_all(parent).map_err(Error::io("create the folder", parent))?;
    let file_name = path.file_name().map(|name| name.to_string_lossy()).unwrap_or_default();
    let temporary = parent.join(format!(".{file_name}.codegen-tmp"));
    fs::write(&temporary, content).map_err(|source| {
        let _ = fs::remove_file(&temporary);
        Error::Io { action: "write", path: temporary.clone(), source }
    })?;
    Ok(temporary)
}

/// Removes the folders above `path` that became empty, up to `root`'s `src/`.
fn remove_empty_parents(path: &Path, root: &Path) {
    let stop = root.join("src");
    let mut current = path.parent();
    while let Some(dir) = current {
        if dir == stop || !dir.starts_with(&stop) || fs::remove_dir(dir).is_err() {
            break;
        }
        current = dir.parent();
    }
}

fn unified_diff(relative: &str, old: &str, new: &str) -> String {
    let (from, to) = match (old.is_empty(), new.is_empty()) {
        (true, _) => ("/dev/null".to_owned(), format!("b/{relative} (missing: would be created)")),
        (_, true) => (format!("a/{relative} (stale: its spec is gone)"), "/dev/null".to_owned()),
        _ => (format!("a/{relative}"), format!("b/{relative}")),
    };
    similar::TextDiff::from_lines(old, new).unified_diff().context_radius(3).header(&from, &to).to_string()
}

/// The first line of the `[features]` section the generator keeps in the crate's manifest.
const FEATURES_MARK: &str = "# @generated by cargo xtask codegen: one feature per API module, each on by default, then the runtime's.";

/// The runtime's own features, which the section forwards after the modules: the TLS
/// provider, AWS-LC by default, and HTTP/2.
const RUNTIME_FEATURES: &str = "\
# The runtime's TLS provider: AWS-LC (needs a C compiler), or graviola (pure Rust, builds faster).
tls-aws-lc-rs = [\"dbaas-runtime/tls-aws-lc-rs\"]
tls-graviola = [\"dbaas-runtime/tls-graviola\"]
# HTTP/2 where the server offers it; without it, HTTP/1.1 only and a faster build.
http2 = [\"dbaas-runtime/http2\"]
# Test doubles of every API (`NAME::test_util`), for an app's dev-dependencies.
test-util = [\"dbaas-runtime/test-util\"]
";

/// The runtime features on by default.
const DEFAULT_RUNTIME_FEATURES: &[&str] = &["tls-aws-lc-rs", "http2"];

/// `manifest` with its `[features]` section made to list one feature per module, every one on
/// by default, and the runtime's own features; the rest of the manifest is left as it is.
pub fn with_features(manifest: &str, modules: &[String]) -> String {
    let quoted: Vec<String> = modules
        .iter()
        .map(String::as_str)
        .chain(DEFAULT_RUNTIME_FEATURES.iter().copied())
        .map(|feature| format!("\"{feature}\""))
        .collect();
    let mut section = format!("[features]\n{FEATURES_MARK}\ndefault = [{}]\n", quoted.join(", "));
    for module in modules {
        section.push_str(&format!("{module} = []\n"));
    }
    section.push_str(RUNTIME_FEATURES);
    let start = manifest.find("[features]\n");
    let Some(start) = start else {
        return format!("{}\n\n{section}", manifest.trim_end());
    };
    let after = &manifest[start + "[features]\n".len()..];
    let end = after.find("\n[").map_or(manifest.len(), |next| start + "[features]\n".len() + next + 1);
    let rest = &manifest[end..];
    let separator = if rest.is_empty() { "" } else { "\n" };
    format!("{}{section}{separator}{rest}", &manifest[..start])
}

/// Renders the complete output of `specs` for the `dbaas-clients` crate, or every problem
/// found in them.
pub fn render(specs: &[SpecSource]) -> Result<RenderedTree, Error> {
    render_for(specs, emit::CRATE_NAME)
}

/// Renders the complete output of `specs` for a crate imported as `crate_name` (the name its
/// usage examples use), or every problem found in them.
pub fn render_for(specs: &[SpecSource], crate_name: &str) -> Result<RenderedTree, Error> {
    let mut errors = Vec::new();
    let mut warnings = Vec::new();
    let mut apis: Vec<Api> = Vec::new();
    let mut modules: HashMap<String, String> = HashMap::new();
    for spec in specs {
        let Some(module) = module_name(spec, &mut modules, &mut errors) else { continue };
        let loaded = load::load_from(&spec.label, &spec.text, spec.path.as_deref());
        let mut found = loaded.problems;
        warnings.extend(loaded.warnings);
        if let Some(document) = &loaded.document {
            let (resolved, resolve_warnings) = resolve::resolve(&spec.label, &module, document, &loaded.positions);
            warnings.extend(resolve_warnings);
            match resolved {
                Ok(api) if found.is_empty() => apis.push(api),
                Ok(_) => {}
                Err(problems) => found.extend(problems),
            }
        }
        // Document order reads best; the sort is stable for problems at one place.
        found.sort_by_key(|error| error.position);
        errors.extend(found);
    }
    // Document order, file by file, reads best.
    warnings.sort_by(|a, b| (&a.file, a.position).cmp(&(&b.file, b.position)));
    if !errors.is_empty() {
        return Err(Error::Spec(SpecErrors(errors, warnings)));
    }
    let modules = apis.iter().map(|api| api.module.clone()).collect();
    let mut tree = RenderedTree { warnings, modules, ..RenderedTree::default() };
    let mut files: Vec<(String, String, emit::FileEmit<'_>)> = Vec::new();
    for api in &apis {
        tree.types += api.types.len();
        tree.operations += api.operations.len();
        let source = format!("from {}", api.spec_file);
        files.extend(emit::api_files(api, crate_name).into_iter().map(|(relative, emit)| (relative, source.clone(), emit)));
    }
    let root: emit::Emit<'_> = Box::new(|_| emit::apis_file(&apis));
    files.push((APIS_FILE.to_owned(), "from specs/*.yaml".to_owned(), emit::FileEmit::whole(root)));
    // Every part of every file is emitted and printed on its own, with its own doc blocks, on
    // every core; only the printed text is kept.
    let parts: Vec<(usize, &emit::Part<'_>)> =
        files.iter().enumerate().flat_map(|(index, (_, _, file))| file.parts.iter().map(move |part| (index, part))).collect();
    let mut printed = crate::parallel::map(&parts, |(_, part)| crate::format::print_part(part)).into_iter();
    for (relative, source, file) in &files {
        let internal = |e: syn::Error| Error::Internal { file: relative.clone(), message: e.to_string() };
        let file_parts: Vec<crate::format::Printed> =
            printed.by_ref().take(file.parts.len()).collect::<Result<_, _>>().map_err(internal)?;
        let code = crate::format::join(file, file_parts).map_err(internal)?;
        tree.files.insert(relative.clone(), format!("{HEADER_MARK} by cargo xtask codegen {source}\n// Do not edit by hand.\n\n{code}"));
    }
    Ok(tree)
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

#[cfg(test)]
mod tests {
    use super::with_features;

    #[test]
    fn the_features_section_lists_every_module_and_leaves_the_rest() {
        let modules = ["alpha".to_owned(), "beta".to_owned()];
        let expected = format!(
            "[features]\n# @generated by cargo xtask codegen: one feature per API module, each on by default, then the runtime's.\ndefault = [\"alpha\", \"beta\", \"tls-aws-lc-rs\", \"http2\"]\nalpha = []\nbeta = []\n{}",
            super::RUNTIME_FEATURES
        );
        assert_eq!(with_features("[package]\nname = \"x\"\n", &modules), format!("[package]\nname = \"x\"\n\n{expected}"));
        let stale = "[package]\nname = \"x\"\n\n[features]\ndefault = [\"gone\"]\ngone = []\n\n[lints]\nworkspace = true\n";
        assert_eq!(with_features(stale, &modules), format!("[package]\nname = \"x\"\n\n{expected}\n[lints]\nworkspace = true\n"));
        let fresh = with_features("[package]\n", &modules);
        assert_eq!(with_features(&fresh, &modules), fresh, "stable");
    }
}
