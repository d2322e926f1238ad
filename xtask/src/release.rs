//! What a release of the published crates needs checked: that they package and the packaged
//! clients crate builds and passes its tests from its `.crate` file, that an app builds with
//! the Rust they declare, and that their public API changed only as their versions say.

use std::fmt;
use std::fs;
use std::path::{Path, PathBuf};
use std::process::Command;

/// The published crates: their package names and folders, the runtime first (the clients
/// crate depends on it).
pub const PUBLISHED: [(&str, &str); 2] = [("dbaas-runtime", "runtime"), ("dbaas-clients", "generated")];

/// Why a release check failed.
#[derive(Debug)]
pub struct ReleaseError(pub(crate) String);

impl fmt::Display for ReleaseError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.0)
    }
}

pub(crate) fn io_error(what: &str, path: &Path) -> impl FnOnce(std::io::Error) -> ReleaseError {
    let what = format!("cannot {what} {}", path.display());
    move |error| ReleaseError(format!("{what}: {error}"))
}

/// Runs `command` with its output shown, failing with `what` when it fails.
pub(crate) fn run(command: &mut Command, what: &str) -> Result<(), ReleaseError> {
    let status = command.status().map_err(|error| ReleaseError(format!("cannot start {what}: {error}")))?;
    if status.success() { Ok(()) } else { Err(ReleaseError(format!("{what} failed ({status})"))) }
}

/// The text `command` prints, or why it could not run.
fn output(command: &mut Command, what: &str) -> Result<String, ReleaseError> {
    let output = command.output().map_err(|error| ReleaseError(format!("cannot start {what}: {error}")))?;
    if !output.status.success() {
        return Err(ReleaseError(format!("{what} failed: {}", String::from_utf8_lossy(&output.stderr).trim())));
    }
    Ok(String::from_utf8_lossy(&output.stdout).trim().to_owned())
}

pub(crate) fn cargo() -> Command {
    Command::new(std::env::var("CARGO").unwrap_or_else(|_| "cargo".to_owned()))
}

/// Makes `to` a copy of the folder `from`.
pub(crate) fn copy_dir(from: &Path, to: &Path) -> Result<(), ReleaseError> {
    fs::create_dir_all(to).map_err(io_error("create", to))?;
    for entry in fs::read_dir(from).map_err(io_error("read", from))? {
        let path = entry.map_err(io_error("read", from))?.path();
        let target = to.join(path.file_name().unwrap_or_default());
        if path.is_dir() {
            copy_dir(&path, &target)?;
        } else {
            fs::copy(&path, &target).map_err(io_error("copy", &path))?;
        }
    }
    Ok(())
}

/// The version a crate's manifest declares.
fn version_of(manifest: &Path) -> Result<String, ReleaseError> {
    let text = fs::read_to_string(manifest).map_err(io_error("read", manifest))?;
    let line = text
        .lines()
        .find_map(|line| line.strip_prefix("version = \""))
        .ok_or_else(|| ReleaseError(format!("{} declares no `version = \"...\"` line", manifest.display())))?;
    Ok(line.trim_end_matches('"').to_owned())
}

/// Packages the published crates as `cargo publish` would (without checking them against the
/// registry, which does not hold the runtime), in `work/target`, and unpacks them into a
/// workspace of their own, `work/packaged`, where the clients crate depends on the packaged
/// runtime: what a user of the registry would get. Gives that workspace's folder. Each task
/// packages in a folder of its own, so tasks may run side by side.
pub fn unpack(root: &Path, work: &Path) -> Result<PathBuf, ReleaseError> {
    let mut package = cargo();
    package.current_dir(root).args(["package", "--no-verify", "--allow-dirty", "--locked", "--target-dir"]).arg(work.join("target"));
    for (name, _) in PUBLISHED {
        package.args(["-p", name]);
    }
    run(&mut package, "cargo package")?;
    let unpacked = work.join("packaged");
    let _ = fs::remove_dir_all(&unpacked);
    fs::create_dir_all(&unpacked).map_err(io_error("create", &unpacked))?;
    let mut members = Vec::new();
    let mut patches = String::new();
    for (name, folder) in PUBLISHED {
        let version = version_of(&root.join(folder).join("Cargo.toml"))?;
        let crate_file = work.join(format!("target/package/{name}-{version}.crate"));
        run(Command::new("tar").arg("-xzf").arg(&crate_file).arg("-C").arg(&unpacked), "unpacking the package")?;
        members.push(format!("\"{name}-{version}\""));
        patches.push_str(&format!("{name} = {{ path = \"{name}-{version}\" }}\n"));
    }
    let manifest = format!(
        "# The published crates as the registry would give them.\n[workspace]\nresolver = \"3\"\nmembers = [{}]\n\n[patch.crates-io]\n{patches}",
        members.join(", ")
    );
    let path = unpacked.join("Cargo.toml");
    fs::write(&path, manifest).map_err(io_error("write", &path))?;
    // The same versions of every dependency as the project's own build.
    let lock = unpacked.join("Cargo.lock");
    fs::copy(root.join("Cargo.lock"), &lock).map_err(io_error("copy the lock file to", &lock))?;
    Ok(unpacked)
}

/// `cargo xtask package`: packages the published crates, then builds the packaged clients
/// crate and runs its tests from the unpacked `.crate` file, with the project's target folder
/// (so dependencies built already are not built again).
pub fn package(root: &Path) -> Result<(), ReleaseError> {
    let unpacked = unpack(root, &root.join("target/package-check"))?;
    let (name, folder) = PUBLISHED[1];
    let version = version_of(&root.join(folder).join("Cargo.toml"))?;
    let mut test = cargo();
    test.current_dir(unpacked.join(format!("{name}-{version}")))
        .args(["test", "--package", name])
        .env("CARGO_TARGET_DIR", root.join("target"));
    run(&mut test, "the packaged crate's tests")?;
    println!("package: {name} {version} builds and passes its tests from its .crate file");
    Ok(())
}

/// `cargo xtask msrv CARGO`: builds, with the cargo (and the rustc beside it) at `cargo_path`,
/// an app made of the README's "Using the crate" manifest and code, depending on the packaged
/// crates, with dependencies resolved for the Rust it declares.
pub fn msrv(root: &Path, cargo_path: &Path) -> Result<(), ReleaseError> {
    let unpacked = unpack(root, &root.join("target/msrv-app"))?;
    let rust_version = workspace_rust_version(root)?;
    let readme = fs::read_to_string(root.join("README.md")).map_err(io_error("read", &root.join("README.md")))?;
    let (dependencies, code) = readme_app(&readme)?;
    let app = root.join("target/msrv-app/app");
    let src = app.join("src");
    fs::create_dir_all(&src).map_err(io_error("create", &src))?;
    let mut patches = String::new();
    for (name, folder) in PUBLISHED {
        let version = version_of(&root.join(folder).join("Cargo.toml"))?;
        patches.push_str(&format!("{name} = {{ path = {:?} }}\n", unpacked.join(format!("{name}-{version}")).to_string_lossy()));
    }
    let clients_version = version_of(&root.join(PUBLISHED[1].1).join("Cargo.toml"))?;
    // The README's manifest names the crate by its path in this repository; an app names it by
    // its version, and gets it from the registry (here, from its package).
    let dependencies = dependencies.replace("{ path = \"generated\" }", &format!("\"{clients_version}\""));
    let manifest = format!(
        "[package]\nname = \"msrv-app\"\nversion = \"0.1.0\"\nedition = \"2024\"\nrust-version = \"{rust_version}\"\npublish = false\n\n\
         [workspace]\n\n{dependencies}\n[patch.crates-io]\n{patches}"
    );
    let write = |path: PathBuf, text: &str| fs::write(&path, text).map_err(io_error("write", &path));
    write(app.join("Cargo.toml"), &manifest)?;
    write(src.join("main.rs"), &format!("{code}\nfn main() {{\n    let _ = demo;\n}}\n"))?;
    let _ = fs::remove_file(app.join("Cargo.lock"));
    let rustc = cargo_path.with_file_name("rustc");
    let mut build = Command::new(cargo_path);
    build
        .current_dir(&app)
        .arg("build")
        .env("RUSTC", &rustc)
        .env("RUSTDOC", cargo_path.with_file_name("rustdoc"))
        .env("CARGO_RESOLVER_INCOMPATIBLE_RUST_VERSIONS", "fallback")
        .env("CARGO_TARGET_DIR", app.join("target"))
        .env_remove("RUSTUP_TOOLCHAIN")
        .env_remove("CARGO");
    let compiler = output(Command::new(&rustc).arg("--version"), "rustc --version")?;
    println!("msrv: building the README's app with {compiler}");
    run(&mut build, "the app's build")?;
    println!("msrv: the README's app builds with {compiler} against the packaged crates");
    Ok(())
}

/// The `rust-version` the workspace declares for the published crates.
fn workspace_rust_version(root: &Path) -> Result<String, ReleaseError> {
    let manifest = root.join("Cargo.toml");
    let text = fs::read_to_string(&manifest).map_err(io_error("read", &manifest))?;
    let version = text.lines().find_map(|line| line.strip_prefix("rust-version = \""));
    version
        .map(|version| version.trim_end_matches('"').to_owned())
        .ok_or_else(|| ReleaseError(format!("{} declares no rust-version", manifest.display())))
}

/// The `[dependencies]` and the first Rust block of the README's "Using the crate" section.
fn readme_app(readme: &str) -> Result<(String, String), ReleaseError> {
    let section = readme
        .split("\n## Using the crate\n")
        .nth(1)
        .ok_or_else(|| ReleaseError("the README has no \"Using the crate\" section".into()))?;
    let block = |fence: &str| {
        section
            .split(fence)
            .nth(1)
            .and_then(|rest| rest.split("\n```").next())
            .map(str::to_owned)
            .ok_or_else(|| ReleaseError(format!("\"Using the crate\" has no `{}` block", fence.trim())))
    };
    Ok((block("```toml\n")?, block("```rust,no_run\n")?))
}

/// `cargo xtask semver`: compares the public API of each published crate with its baseline (by
/// default, the last commit that changed the crate's version) using `cargo-semver-checks`, and
/// fails when a change needs a version the crate does not declare. Both sides are documented
/// as rustdoc JSON in one target folder, `semver/target` in the target folder
/// (`CARGO_TARGET_DIR`, or `target/`), so the dependencies are checked once for both and for
/// every later run.
pub fn semver(root: &Path, baseline: Option<&str>, only: Option<&str>) -> Result<(), ReleaseError> {
    let mut failed = Vec::new();
    let target = std::env::var_os("CARGO_TARGET_DIR").map_or_else(|| root.join("target"), PathBuf::from).join("semver/target");
    for (name, folder) in PUBLISHED.into_iter().filter(|(name, _)| only.is_none_or(|only| only == *name)) {
        let manifest = root.join(folder).join("Cargo.toml");
        let rev = match baseline {
            Some(rev) => output(Command::new("git").current_dir(root).args(["rev-parse", rev]), "git rev-parse")?,
            None => {
                let mut log = Command::new("git");
                log.current_dir(root).args(["log", "-n1", "--format=%H", "-G^version = ", "--"]).arg(&manifest);
                output(&mut log, "git log")?
            }
        };
        if rev.is_empty() {
            println!("semver: {name}: no commit has set its version yet: nothing to compare with");
            continue;
        }
        let tree = baseline_tree(root, &rev)?;
        println!("semver: {name} {} against {rev} ({})", version_of(&manifest)?, version_of(&tree.join(folder).join("Cargo.toml"))?);
        let current = rustdoc_json(root, name, &target, "current")?;
        let baseline = rustdoc_json(&tree, name, &target, "baseline")?;
        let mut check = cargo();
        check
            .current_dir(root)
            .args(["semver-checks", "check-release", "--current-rustdoc"])
            .arg(&current)
            .arg("--baseline-rustdoc")
            .arg(&baseline);
        if run(&mut check, "cargo semver-checks").is_err() {
            failed.push(name);
        }
    }
    if failed.is_empty() {
        return Ok(());
    }
    Err(ReleaseError(format!(
        "the public API of {} changed in a way its version does not allow: bump the version as cargo-semver-checks says above (README: \"Versioning and releases\")",
        failed.join(" and ")
    )))
}

/// The source tree of `rev`, unpacked once under `target/semver/baselines/`.
fn baseline_tree(root: &Path, rev: &str) -> Result<PathBuf, ReleaseError> {
    let tree = root.join("target/semver/baselines").join(rev);
    if !tree.join("Cargo.toml").is_file() {
        fs::create_dir_all(&tree).map_err(io_error("create", &tree))?;
        let archive = root.join("target/semver/baseline.tar");
        let mut export = Command::new("git");
        export.current_dir(root).args(["archive", "--format=tar", "-o"]).arg(&archive).arg(rev);
        run(&mut export, "git archive")?;
        run(Command::new("tar").arg("-xf").arg(&archive).arg("-C").arg(&tree), "unpacking the baseline")?;
    }
    Ok(tree)
}

/// The rustdoc JSON of the package `name` of the workspace at `workspace`, every feature on,
/// built in `target` and kept as `target/<side>-<name>.json`.
fn rustdoc_json(workspace: &Path, name: &str, target: &Path, side: &str) -> Result<PathBuf, ReleaseError> {
    let mut rustdoc = cargo();
    rustdoc
        .current_dir(workspace)
        .args(["rustdoc", "--quiet", "--lib", "--all-features", "--package", name, "--", "-Zunstable-options", "--output-format", "json"])
        // The JSON output is unstable, and cargo-semver-checks reads it from a stable rustdoc so.
        .env("RUSTC_BOOTSTRAP", "1")
        .env("CARGO_TARGET_DIR", target);
    run(&mut rustdoc, &format!("rustdoc of {name} ({side})"))?;
    let json = target.join("doc").join(format!("{}.json", name.replace('-', "_")));
    let kept = target.join(format!("{side}-{name}.json"));
    fs::rename(&json, &kept).map_err(io_error("keep", &json))?;
    Ok(kept)
}
