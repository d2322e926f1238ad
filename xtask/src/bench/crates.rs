//! The build of a generated crate against progenitor's, from one synthetic spec: each crate
//! built alone in debug, its dependencies already built, and `cargo check` of it beside.

use std::fs;
use std::path::{Path, PathBuf};

use codegen::synth::Shape;

use super::{BenchError, Measured, fastest, io_error, measure, progenitor_installed, spec_workspace, synthetic_workspace};

/// The spec both generators read: untagged, one error response per operation, the shape
/// progenitor generates.
const SHAPE: Shape = Shape { tagged: false, two_error_responses: false };

/// Operations in the spec.
const OPERATIONS: usize = 1_000;

/// Runs of each build; the fastest is reported.
const RUNS: usize = 2;

/// One generated crate, ready to build: its folder, and the target folder it shares.
struct GeneratedCrate {
    name: &'static str,
    dir: PathBuf,
}

/// The figures of one crate.
struct CrateFigures {
    lines: usize,
    build_s: f64,
    check_s: f64,
}

/// `cargo xtask bench build`'s comparison: ours and progenitor's crate (when `cargo
/// progenitor` is installed) from one synthetic spec, each built alone in debug with its
/// dependencies built, best of 2, and `cargo check` of each.
pub fn compare(root: &Path) -> Result<(), BenchError> {
    let cargo = std::env::var("CARGO").unwrap_or_else(|_| "cargo".to_owned());
    let (operations, runs) = (OPERATIONS, RUNS);
    let workspace = synthetic_workspace(root, "crate build", operations, SHAPE)?;
    let mut crates = vec![ours(root, &workspace)?];
    if progenitor_installed(&cargo, root) {
        crates.push(progenitor(&cargo, &workspace)?);
    } else {
        println!("(progenitor is not installed, so its crate is not built: `cargo install cargo-progenitor --locked`)");
    }
    println!();
    println!(
        "generated crates: {operations} untagged operations, one error response; each crate alone, debug, dependencies built, best of {runs}"
    );
    println!("{:<12} {:>10} {:>9} {:>9} {:>10} {:>10}", "generator", "lines", "build s", "check s", "build ×", "check ×");
    let target = workspace.join("target");
    let mut first: Option<CrateFigures> = None;
    for generated in &crates {
        let figures = crate_figures(&cargo, generated, &target, runs, &[])?;
        let ratio = |ours: f64, theirs: f64| format!("{:.2}", ours / theirs);
        let (build_ratio, check_ratio) = match &first {
            Some(ours) => (ratio(ours.build_s, figures.build_s), ratio(ours.check_s, figures.check_s)),
            None => ("-".to_owned(), "-".to_owned()),
        };
        println!(
            "{:<12} {:>10} {:>9.1} {:>9.1} {:>10} {:>10}",
            generated.name, figures.lines, figures.build_s, figures.check_s, build_ratio, check_ratio
        );
        first.get_or_insert(figures);
    }
    if crates.len() > 1 {
        println!("(×: ours over progenitor's)");
    }
    // The target folder holds every dependency of both crates built twice over (build and
    // check): gigabytes nobody reads again.
    fs::remove_dir_all(&target).map_err(io_error("remove", &target))?;
    Ok(())
}

/// A large vendor spec, as published, beside the checkout.
const LARGE_SPEC: &str = "../shared/vendor-specs/digitalocean-public.yaml";

/// The tag an app of [`LARGE_SPEC`] uses, as its feature names it (after the module's).
const ONE_TAG: &str = "databases";

/// `cargo xtask bench build`'s tag features: the crate generated from DigitalOcean's published
/// spec, built whole (every tag) and with the `Databases` tag's feature alone, each crate
/// alone, debug, dependencies built, best of 2, and `cargo check` of each.
pub fn one_tag(root: &Path) -> Result<(), BenchError> {
    let cargo = std::env::var("CARGO").unwrap_or_else(|_| "cargo".to_owned());
    let path = root.join(LARGE_SPEC);
    let Ok(spec) = fs::read_to_string(&path) else {
        println!("({} is not here, so the tag features are not measured)", path.display());
        return Ok(());
    };
    let workspace = spec_workspace(root, "tag-features", "digitalocean", &spec)?;
    let generated = ours(root, &workspace)?;
    let runtime = ["tls-aws-lc-rs", "http2"];
    let whole: Vec<String> = runtime.iter().map(|feature| (*feature).to_owned()).chain(["digitalocean".to_owned()]).collect();
    let one: Vec<String> = runtime.iter().map(|feature| (*feature).to_owned()).chain([format!("digitalocean-{ONE_TAG}")]).collect();
    println!();
    println!(
        "tag features: the crate of {LARGE_SPEC}, whole and with `{ONE_TAG}` alone; the crate alone, debug, dependencies built, best of {RUNS}"
    );
    println!("{:<12} {:>9} {:>9} {:>10} {:>10}", "features", "build s", "check s", "build ×", "check ×");
    let target = workspace.join("target");
    let mut first: Option<CrateFigures> = None;
    for (name, features) in [("every tag", whole), (ONE_TAG, one)] {
        let features = ["--no-default-features".to_owned(), "--features".to_owned(), features.join(",")];
        let figures = crate_figures(&cargo, &generated, &target, RUNS, &features)?;
        let (build_ratio, check_ratio) = match &first {
            Some(whole) => (format!("{:.2}", figures.build_s / whole.build_s), format!("{:.2}", figures.check_s / whole.check_s)),
            None => ("-".to_owned(), "-".to_owned()),
        };
        println!("{name:<12} {:>9.1} {:>9.1} {build_ratio:>10} {check_ratio:>10}", figures.build_s, figures.check_s);
        first.get_or_insert(figures);
    }
    println!("(×: over the whole crate's)");
    fs::remove_dir_all(&target).map_err(io_error("remove", &target))?;
    Ok(())
}

/// Builds the crate's dependencies, then times the crate alone with `features` (Cargo's
/// arguments): its sources touched, then built and checked, each the fastest of `runs`.
fn crate_figures(
    cargo: &str,
    generated: &GeneratedCrate,
    target: &Path,
    runs: usize,
    features: &[String],
) -> Result<CrateFigures, BenchError> {
    let target_arg = target.to_string_lossy().into_owned();
    // Not incremental: each run compiles the whole crate, as a first build does, instead of
    // reusing what the last run of the same sources left.
    let env = [("CARGO_TARGET_DIR", target_arg.as_str()), ("CARGO_INCREMENTAL", "0")];
    let lib = generated.dir.join("src/lib.rs");
    let timed = |command: &str| -> Result<Measured, BenchError> {
        let args: Vec<&str> = std::iter::once(command).chain(features.iter().map(String::as_str)).collect();
        measure(cargo, &args, &generated.dir, &env)?;
        let best = fastest(runs, || {
            touch(&lib)?;
            measure(cargo, &args, &generated.dir, &env)
        })?;
        best.ok_or_else(|| BenchError(format!("`cargo {command}` of {} never ran", generated.name)))
    };
    let build_s = timed("build")?.wall.as_secs_f64();
    let check_s = timed("check")?.wall.as_secs_f64();
    Ok(CrateFigures { lines: rust_lines(&generated.dir.join("src"))?, build_s, check_s })
}

/// Our crate: the generator run on the workspace's spec, in a package of its own that
/// depends on this checkout's runtime.
fn ours(root: &Path, workspace: &Path) -> Result<GeneratedCrate, BenchError> {
    let this = std::env::current_exe().map_err(|e| BenchError(format!("cannot find this program: {e}")))?;
    let root_arg = workspace.to_string_lossy().into_owned();
    measure(&this.to_string_lossy(), &["codegen", "--root", &root_arg], root, &[])?;
    let generated = workspace.join("generated");
    let manifest = generated.join("Cargo.toml");
    let text = fs::read_to_string(&manifest).map_err(io_error("read", &manifest))?;
    // The features the generator wrote, with the dependencies they name.
    let features = text.find("\n[features]").map_or("", |at| &text[at..]);
    let runtime = root.join("runtime").to_string_lossy().into_owned();
    let package = format!(
        "[package]\nname = \"synthetic\"\nversion = \"0.0.0\"\nedition = \"2024\"\npublish = false\n\n[workspace]\n\n\
         [dependencies]\n\
         dbaas-runtime = {{ path = {runtime:?}, default-features = false }}\n\
         chrono = {{ version = \"0.4\", default-features = false, features = [\"serde\", \"std\"] }}\n\
         serde = {{ version = \"1\", features = [\"derive\"] }}\n\
         serde_json = \"1\"\n\
         uuid = {{ version = \"1\", features = [\"serde\", \"v4\"] }}\n\
         {features}"
    );
    fs::write(&manifest, package).map_err(io_error("write", &manifest))?;
    // The crate's root, as the clients crate's: the generated modules and the runtime.
    let lib = generated.join("src/lib.rs");
    fs::write(&lib, "//! The generated clients.\n\npub use dbaas_runtime as runtime;\n\ninclude!(\"apis.rs\");\n")
        .map_err(io_error("write", &lib))?;
    let lock = root.join("Cargo.lock");
    fs::copy(&lock, generated.join("Cargo.lock")).map_err(io_error("copy", &lock))?;
    Ok(GeneratedCrate { name: "ours", dir: generated })
}

/// Progenitor's crate, as `cargo progenitor` writes it, made a workspace of its own.
fn progenitor(cargo: &str, workspace: &Path) -> Result<GeneratedCrate, BenchError> {
    let out = workspace.join("progenitor");
    let _ = fs::remove_dir_all(&out);
    let args = ["progenitor", "-i", "specs/synthetic.yaml", "-o", "progenitor", "-n", "synthetic", "-v", "1.0.0"];
    measure(cargo, &args, workspace, &[])?;
    let manifest = out.join("Cargo.toml");
    let text = fs::read_to_string(&manifest).map_err(io_error("read", &manifest))?;
    fs::write(&manifest, format!("{text}\n[workspace]\n")).map_err(io_error("write", &manifest))?;
    Ok(GeneratedCrate { name: "progenitor", dir: out })
}

/// Sets the file's modified time to now, so cargo builds its crate again.
fn touch(path: &Path) -> Result<(), BenchError> {
    let file = fs::File::options().append(true).open(path).map_err(io_error("open", path))?;
    file.set_modified(std::time::SystemTime::now()).map_err(io_error("touch", path))
}

/// The lines of Rust under `dir`.
fn rust_lines(dir: &Path) -> Result<usize, BenchError> {
    let mut lines = 0;
    let mut folders = vec![dir.to_path_buf()];
    while let Some(folder) = folders.pop() {
        for entry in fs::read_dir(&folder).map_err(io_error("read", &folder))? {
            let path = entry.map_err(io_error("read", &folder))?.path();
            if path.is_dir() {
                folders.push(path);
            } else if path.extension().is_some_and(|ext| ext == "rs") {
                lines += fs::read_to_string(&path).map_err(io_error("read", &path))?.lines().count();
            }
        }
    }
    Ok(lines)
}
