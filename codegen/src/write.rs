//! The one place that turns specs into files: every spec read and resolved first, then each
//! file, as soon as it is rendered, compared with the one on disk and, when it differs, written
//! beside it; the files replace their targets only when every file was written.

use std::collections::BTreeMap;
use std::fs;
use std::io::{Read, Write};
use std::path::{Path, PathBuf};
use std::time::Instant;

use crate::emit;
use crate::emit::features::ModuleFeatures;
use crate::error::{Error, SpecError, SpecErrors};
use crate::render::{FileText, Resolved};

pub use crate::render::{APIS_FILE, HEADER_MARK, RenderedTree, SpecSource, render, render_for};

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

/// How the generated files on disk compare with what the specs generate.
struct Plan {
    /// Files that differ, or are missing, by relative path: each staged beside its target
    /// (a write) or described by a diff (a check).
    changed: Vec<(String, Change)>,
    /// How many files are already what the specs generate.
    unchanged: usize,
    /// Generated files whose spec is gone, by relative path.
    stale: Vec<(String, PathBuf)>,
    /// Named types generated.
    types: usize,
    /// Operations generated.
    operations: usize,
    /// Harmless oddities of the specs, read anyway, each at its place.
    warnings: Vec<SpecError>,
}

/// What is done with a file that differs from the specs' output.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Mode {
    /// Written to a temporary file beside its target, which it replaces once every file is.
    Stage,
    /// Described by a unified diff; nothing is written.
    Diff,
}

impl Mode {
    /// What becomes of the file `relative`, at `path`, whose new text `new` differs from the
    /// one on disk, which `old` reads (for a diff only).
    fn change(self, relative: &str, path: &Path, old: impl FnOnce() -> Result<String, Error>, new: FileText) -> Result<Change, Error> {
        Ok(match self {
            Mode::Stage => Change::Staged(stage(path, &new)?),
            Mode::Diff => Change::Diff(unified_diff(relative, &old()?, &new.into_string())),
        })
    }
}

/// A file that differs from the specs' output, as its [`Mode`] handles it.
enum Change {
    /// The temporary file that replaces the target.
    Staged(PathBuf),
    /// The unified diff from the file on disk to the new one.
    Diff(String),
}

impl Plan {
    /// Removes the temporary files staged, after a failure.
    fn discard(&self) {
        for (_, change) in &self.changed {
            if let Change::Staged(temporary) = change {
                let _ = fs::remove_file(temporary);
            }
        }
    }
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

    /// Renders the specs on disk, whole, in memory.
    pub fn render(&self) -> Result<RenderedTree, Error> {
        render(&self.read_specs()?)
    }

    /// Renders the specs and writes the tree: changed files atomically, stale generated files
    /// removed. Nothing is written unless every spec renders, and every new file is written
    /// beside its target before any target is replaced, so a failed write changes nothing.
    pub fn run(&self) -> Result<Summary, Error> {
        let started = Instant::now();
        let plan = self.plan(Mode::Stage)?;
        for (relative, change) in &plan.changed {
            if let Change::Staged(temporary) = change {
                let path = self.out_dir.join(relative);
                if let Err(error) = fs::rename(temporary, &path) {
                    plan.discard();
                    return Err(Error::io("replace", &path)(error));
                }
            }
        }
        for (_, path) in &plan.stale {
            fs::remove_file(path).map_err(Error::io("remove", path))?;
            remove_empty_parents(path, &self.out_dir);
        }
        Ok(Summary {
            written: plan.changed.len(),
            unchanged: plan.unchanged,
            removed: plan.stale.len(),
            types: plan.types,
            operations: plan.operations,
            elapsed_ms: started.elapsed().as_millis(),
            warnings: plan.warnings,
        })
    }

    /// Compares the tree on disk with what the specs generate; writes nothing.
    pub fn check(&self) -> Result<CheckReport, Error> {
        let plan = self.plan(Mode::Diff)?;
        let mut diffs: Vec<(String, String)> = Vec::new();
        for (relative, change) in plan.changed {
            if let Change::Diff(diff) = change {
                diffs.push((relative, diff));
            }
        }
        for (relative, path) in &plan.stale {
            let old = fs::read_to_string(path).map_err(Error::io("read", path))?;
            diffs.push((relative.clone(), unified_diff(relative, &old, "")));
        }
        // In the order of the paths, whatever order the files were rendered in.
        diffs.sort();
        Ok(CheckReport { diffs: diffs.into_iter().map(|(_, diff)| diff).collect(), warnings: plan.warnings })
    }

    /// Every spec rendered, each file compared with the one on disk as soon as it is whole and,
    /// when it differs, handled as `mode` says; only the files in flight are held in memory.
    /// On any failure, whatever was staged is removed again.
    fn plan(&self, mode: Mode) -> Result<Plan, Error> {
        let resolved = crate::render::resolve_all(self.read_specs()?)?;
        if self.deny_warnings && !resolved.warnings.is_empty() {
            return Err(Error::Spec(SpecErrors(resolved.warnings, Vec::new())));
        }
        let mut existing = self.generated_files_on_disk()?;
        let mut plan = Plan {
            changed: Vec::new(),
            unchanged: 0,
            stale: Vec::new(),
            types: resolved.types(),
            operations: resolved.operations(),
            warnings: Vec::new(),
        };
        let compared = self.compare_each(&resolved, mode, &mut existing, &mut plan);
        if let Err(error) = compared {
            plan.discard();
            return Err(error);
        }
        plan.stale = existing.into_iter().collect();
        plan.warnings = resolved.warnings;
        Ok(plan)
    }

    /// Renders every file of `resolved` and compares it with the one on disk, taking it out of
    /// `existing`, then the crate's manifest, whose features follow the API modules.
    fn compare_each(
        &self,
        resolved: &Resolved,
        mode: Mode,
        existing: &mut BTreeMap<String, PathBuf>,
        plan: &mut Plan,
    ) -> Result<(), Error> {
        let mut compare = |relative: String, new: FileText| -> Result<(), Error> {
            let path = self.out_dir.join(&relative);
            let old = existing.remove(&relative);
            if let Some(old) = &old
                && holds(old, &new)?
            {
                plan.unchanged += 1;
                return Ok(());
            }
            let read_old = || match &old {
                Some(old) => fs::read_to_string(old).map_err(Error::io("read", old)),
                None => Ok(String::new()),
            };
            let change = mode.change(&relative, &path, read_old, new)?;
            plan.changed.push((relative, change));
            Ok(())
        };
        resolved.emit_each(emit::CRATE_NAME, &mut compare)?;
        // The crate's manifest is hand-written but for its features, one per API module.
        let manifest = self.out_dir.join("Cargo.toml");
        if manifest.is_file() {
            let old = fs::read_to_string(&manifest).map_err(Error::io("read", &manifest))?;
            let new = with_features(&old, &resolved.modules());
            if new != old {
                let change = mode.change("Cargo.toml", &manifest, || Ok(old), FileText::from(new))?;
                plan.changed.push(("Cargo.toml".to_owned(), change));
            }
        }
        Ok(())
    }

    /// Every file under the crate's `src/` that the generator wrote: its path, by relative path.
    fn generated_files_on_disk(&self) -> Result<BTreeMap<String, PathBuf>, Error> {
        let mut files = BTreeMap::new();
        let src = self.out_dir.join("src");
        if src.is_dir() {
            collect_generated(&src, &self.out_dir, &mut files)?;
        }
        Ok(files)
    }
}

fn collect_generated(dir: &Path, root: &Path, files: &mut BTreeMap<String, PathBuf>) -> Result<(), Error> {
    let entries = fs::read_dir(dir).map_err(Error::io("read the folder", dir))?;
    let mut paths: Vec<PathBuf> = Vec::new();
    for entry in entries {
        paths.push(entry.map_err(Error::io("read the folder", dir))?.path());
    }
    paths.sort();
    for path in paths {
        if path.is_dir() {
            collect_generated(&path, root, files)?;
        } else if path.extension().is_some_and(|ext| ext == "rs") && starts_with_mark(&path)? {
            let relative = path.strip_prefix(root).unwrap_or(&path);
            let relative = relative.components().map(|c| c.as_os_str().to_string_lossy()).collect::<Vec<_>>().join("/");
            files.insert(relative, path);
        }
    }
    Ok(())
}

/// Whether the file at `path` starts with [`HEADER_MARK`], reading no more of it.
fn starts_with_mark(path: &Path) -> Result<bool, Error> {
    let mut start = Vec::with_capacity(HEADER_MARK.len());
    let file = fs::File::open(path).map_err(Error::io("read", path))?;
    file.take(HEADER_MARK.len() as u64).read_to_end(&mut start).map_err(Error::io("read", path))?;
    Ok(start == HEADER_MARK.as_bytes())
}

/// Writes `content` to a temporary file beside `path`, to be renamed over it: a rename
/// replaces a file at once, so a reader never sees half of one.
fn stage(path: &Path, content: &FileText) -> Result<PathBuf, Error> {
    let parent = path.parent().unwrap_or_else(|| Path::new("."));
    fs::create_dir_all(parent).map_err(Error::io("create the folder", parent))?;
    let file_name = path.file_name().map(|name| name.to_string_lossy()).unwrap_or_default();
    let temporary = parent.join(format!(".{file_name}.codegen-tmp"));
    let written = fs::File::create(&temporary).and_then(|mut file| {
        for piece in content.pieces() {
            file.write_all(piece.as_bytes())?;
        }
        file.flush()
    });
    written.map_err(|source| {
        let _ = fs::remove_file(&temporary);
        Error::Io { action: "write", path: temporary.clone(), source }
    })?;
    Ok(temporary)
}

/// Whether the file at `path` holds exactly `text`, read a piece at a time rather than whole.
fn holds(path: &Path, text: &FileText) -> Result<bool, Error> {
    let mut file = fs::File::open(path).map_err(Error::io("read", path))?;
    let length = file.metadata().map_err(Error::io("read", path))?.len();
    if usize::try_from(length).ok() != Some(text.len()) {
        return Ok(false);
    }
    let mut buffer = Vec::new();
    for piece in text.pieces() {
        buffer.resize(piece.len(), 0);
        file.read_exact(&mut buffer).map_err(Error::io("read", path))?;
        if buffer != piece.as_bytes() {
            return Ok(false);
        }
    }
    Ok(true)
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
const FEATURES_MARK: &str = "# @generated by cargo xtask codegen: one feature per API module, each on by default (with one per tag for an API that has them), then the runtime's.";

/// The runtime's own features, which the section forwards after the modules: the TLS
/// provider, AWS-LC by default, and HTTP/2.
const RUNTIME_FEATURES: &str = "\
# The runtime's TLS provider: AWS-LC (needs a C compiler), or graviola (pure Rust, builds faster; needs Rust 1.89).
tls-aws-lc-rs = [\"dbaas-runtime/tls-aws-lc-rs\"]
tls-graviola = [\"dbaas-runtime/tls-graviola\"]
# HTTP/2 where the server offers it; without it, HTTP/1.1 only and a faster build.
http2 = [\"dbaas-runtime/http2\"]
# Test doubles of every API (`NAME::test_util`), for an app's dev-dependencies.
test-util = [\"dbaas-runtime/test-util\"]
";

/// The runtime features on by default.
const DEFAULT_RUNTIME_FEATURES: &[&str] = &["tls-aws-lc-rs", "http2"];

/// `names` as a TOML array of strings.
fn toml_list<'a>(names: impl IntoIterator<Item = &'a str>) -> String {
    let quoted: Vec<String> = names.into_iter().map(|name| format!("\"{name}\"")).collect();
    format!("[{}]", quoted.join(", "))
}

/// `manifest` with its `[features]` section made to list one feature per module, every one on
/// by default and turning on its tags' features where it has them, each tag's feature, and
/// the runtime's own features; the rest of the manifest is left as it is.
pub fn with_features(manifest: &str, modules: &[ModuleFeatures]) -> String {
    let defaults = toml_list(modules.iter().map(|features| features.module.as_str()).chain(DEFAULT_RUNTIME_FEATURES.iter().copied()));
    let mut section = format!("[features]\n{FEATURES_MARK}\ndefault = {defaults}\n");
    for features in modules {
        section.push_str(&format!("{} = {}\n", features.module, toml_list(features.tags.iter().map(String::as_str))));
        for tag in &features.tags {
            section.push_str(&format!("{tag} = []\n"));
        }
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

#[cfg(test)]
mod tests {
    use super::with_features;
    use crate::emit::features::ModuleFeatures;

    #[test]
    fn the_features_section_lists_every_module_and_leaves_the_rest() {
        let modules = [
            ModuleFeatures { module: "alpha".to_owned(), tags: Vec::new() },
            ModuleFeatures { module: "beta".to_owned(), tags: vec!["beta-one".to_owned(), "beta-two".to_owned()] },
        ];
        let expected = format!(
            "[features]\n{}\ndefault = [\"alpha\", \"beta\", \"tls-aws-lc-rs\", \"http2\"]\nalpha = []\nbeta = [\"beta-one\", \"beta-two\"]\nbeta-one = []\nbeta-two = []\n{}",
            super::FEATURES_MARK,
            super::RUNTIME_FEATURES
        );
        assert_eq!(with_features("[package]\nname = \"x\"\n", &modules), format!("[package]\nname = \"x\"\n\n{expected}"));
        let stale = "[package]\nname = \"x\"\n\n[features]\ndefault = [\"gone\"]\ngone = []\n\n[lints]\nworkspace = true\n";
        assert_eq!(with_features(stale, &modules), format!("[package]\nname = \"x\"\n\n{expected}\n[lints]\nworkspace = true\n"));
        let fresh = with_features("[package]\n", &modules);
        assert_eq!(with_features(&fresh, &modules), fresh, "stable");
    }
}
