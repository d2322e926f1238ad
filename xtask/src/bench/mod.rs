//! `cargo xtask bench`: the generator and the build, measured as a maintainer and an app meet
//! them, with figures printed. `--quick` runs each once at its smallest size, so CI keeps the
//! benchmarks working without spending minutes on them.

use std::fs;
use std::path::{Path, PathBuf};
use std::process::{Command, ExitCode, Stdio};
use std::time::{Duration, Instant};

use codegen::synth::Shape;

mod crates;

/// The synthetic specs the generator is measured on: a name, the operation count and the
/// shape. The untagged spec with one error response per operation is the one progenitor
/// generates too (it refuses two error bodies of one operation).
const GENERATOR_CASES: &[(&str, usize, Shape)] = &[
    ("tagged", 10, Shape { tagged: true, two_error_responses: true }),
    ("tagged", 100, Shape { tagged: true, two_error_responses: true }),
    ("tagged", 1_000, Shape { tagged: true, two_error_responses: true }),
    ("tagged", 5_000, Shape { tagged: true, two_error_responses: true }),
    ("untagged", 1_000, Shape { tagged: false, two_error_responses: true }),
    ("untagged", 5_000, Shape { tagged: false, two_error_responses: true }),
    ("untagged, one error", 1_000, Shape { tagged: false, two_error_responses: false }),
    ("untagged, one error", 5_000, Shape { tagged: false, two_error_responses: false }),
];

/// Runs of each size; the fastest is reported, the others warm caches.
const RUNS: usize = 3;

/// What went wrong in a benchmark.
#[derive(Debug)]
pub struct BenchError(String);

impl std::fmt::Display for BenchError {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(&self.0)
    }
}

fn io_error(what: &str, path: &Path) -> impl FnOnce(std::io::Error) -> BenchError {
    let what = format!("cannot {what} {}", path.display());
    move |error| BenchError(format!("{what}: {error}"))
}

/// One finished command: its wall time, the CPU time and peak memory of it and every process
/// it waited for, and its standard error.
#[derive(Debug)]
struct Measured {
    wall: Duration,
    cpu: Duration,
    peak_kib: u64,
    stderr: String,
}

/// Runs `program` with `args` in `dir` through `xtask probe`, a fresh process of this binary,
/// so the peak memory it reports is this command's alone.
fn measure(program: &str, args: &[&str], dir: &Path, env: &[(&str, &str)]) -> Result<Measured, BenchError> {
    let this = std::env::current_exe().map_err(|e| BenchError(format!("cannot find this program: {e}")))?;
    let output = Command::new(this)
        .arg("probe")
        .arg(program)
        .args(args)
        .current_dir(dir)
        .envs(env.iter().copied())
        .stdin(Stdio::null())
        .output()
        .map_err(|e| BenchError(format!("cannot start `{program}`: {e}")))?;
    let stderr = String::from_utf8_lossy(&output.stderr).into_owned();
    if !output.status.success() {
        return Err(BenchError(format!("`{program} {}` failed in {}:\n{stderr}", args.join(" "), dir.display())));
    }
    let report = String::from_utf8_lossy(&output.stdout);
    let figures: Vec<u64> = report.split_whitespace().filter_map(|word| word.parse().ok()).collect();
    let [wall_us, cpu_us, peak_kib] = figures[..] else {
        return Err(BenchError(format!("the probe reported `{report}`")));
    };
    Ok(Measured { wall: Duration::from_micros(wall_us), cpu: Duration::from_micros(cpu_us), peak_kib, stderr })
}

/// `cargo xtask probe PROGRAM ARGS...`: runs the program with standard output discarded and
/// standard error passed on, then prints its wall time and CPU time in microseconds and the
/// peak memory in KiB of it and its children; fails as it fails.
pub fn probe(program: &str, args: &[&str]) -> ExitCode {
    let started = Instant::now();
    let status = Command::new(program).args(args).stdout(Stdio::null()).status();
    let wall = started.elapsed();
    match status {
        Ok(status) if status.success() => {}
        Ok(_) => return ExitCode::FAILURE,
        Err(error) => {
            eprintln!("error: cannot start `{program}`: {error}");
            return ExitCode::FAILURE;
        }
    }
    let Ok(usage) = nix::sys::resource::getrusage(nix::sys::resource::UsageWho::RUSAGE_CHILDREN) else {
        eprintln!("error: getrusage failed");
        return ExitCode::FAILURE;
    };
    let micros = |time: nix::sys::time::TimeVal| time.tv_sec() * 1_000_000 + time.tv_usec();
    println!("{} {} {}", wall.as_micros(), micros(usage.user_time()) + micros(usage.system_time()), usage.max_rss());
    ExitCode::SUCCESS
}

/// `cargo xtask bench generator`: `cargo xtask codegen` on a synthetic spec of each size and
/// shape, as a maintainer runs it (through cargo, the build warm), rerun on an up-to-date
/// tree; and `cargo progenitor` on the same files when it is installed.
pub fn generator(root: &Path, quick: bool) -> Result<(), BenchError> {
    let cargo = std::env::var("CARGO").unwrap_or_else(|_| "cargo".to_owned());
    let cases: &[(&str, usize, Shape)] = if quick { &GENERATOR_CASES[..1] } else { GENERATOR_CASES };
    let runs = if quick { 1 } else { RUNS };
    let progenitor = !quick && progenitor_installed(&cargo, root);
    println!("generator: `cargo xtask codegen` on `cargo xtask synth --operations N`, best of {runs}, build warm");
    println!("(`alone`: the generator's own process, without cargo in front of it)");
    if !progenitor && !quick {
        println!("(progenitor is not installed, so it is not measured: `cargo install cargo-progenitor --locked`)");
    }
    println!(
        "{:<20} {:>6} {:>6} {:>9} {:>9} {:>10} {:>12} {:>12} {:>14} {:>15} {:>16} {:>17} {:>8}",
        "shape",
        "N",
        "types",
        "wall ms",
        "cpu ms",
        "peak MiB",
        "wall us/op",
        "peak KiB/op",
        "alone wall ms",
        "alone peak MiB",
        "progenitor ms",
        "progenitor MiB",
        "ratio"
    );
    let this = std::env::current_exe().map_err(|e| BenchError(format!("cannot find this program: {e}")))?;
    let this = this.to_string_lossy().into_owned();
    for &(name, operations, shape) in cases {
        let workspace = synthetic_workspace(root, name, operations, shape)?;
        let root_arg = workspace.to_string_lossy().into_owned();
        let args = ["xtask", "codegen", "--root", root_arg.as_str()];
        // A first run writes the tree; the measured ones find it up to date, as reruns do.
        measure(&cargo, &args, root, &[])?;
        let (Some(best), Some(alone)) =
            (fastest(runs, || measure(&cargo, &args, root, &[]))?, fastest(runs, || measure(&this, &args[1..], root, &[]))?)
        else {
            continue;
        };
        let theirs = match progenitor && !shape.two_error_responses {
            true => fastest(runs, || run_progenitor(&cargo, &workspace))?,
            false => None,
        };
        let (their_wall, their_peak, ratio) = match &theirs {
            Some(theirs) => (
                format!("{:.0}", theirs.wall.as_secs_f64() * 1e3),
                format!("{:.1}", theirs.peak_kib as f64 / 1024.0),
                format!("{:.2}", best.wall.as_secs_f64() / theirs.wall.as_secs_f64()),
            ),
            None => ("-".to_owned(), "-".to_owned(), "-".to_owned()),
        };
        let types = operations * codegen::synth::TYPES_PER_OPERATION + 1;
        println!(
            "{:<20} {:>6} {:>6} {:>9.0} {:>9.0} {:>10.1} {:>12.0} {:>12.0} {:>14.0} {:>15.1} {:>16} {:>17} {:>8}",
            name,
            operations,
            types,
            best.wall.as_secs_f64() * 1e3,
            best.cpu.as_secs_f64() * 1e3,
            best.peak_kib as f64 / 1024.0,
            best.wall.as_secs_f64() * 1e6 / operations as f64,
            best.peak_kib as f64 / operations as f64,
            alone.wall.as_secs_f64() * 1e3,
            alone.peak_kib as f64 / 1024.0,
            their_wall,
            their_peak,
            ratio,
        );
    }
    if !quick {
        println!("(ratio: our wall time through cargo over progenitor's, on the same file)");
    }
    Ok(())
}

/// Whether `cargo progenitor` runs.
fn progenitor_installed(cargo: &str, root: &Path) -> bool {
    Command::new(cargo)
        .args(["progenitor", "--help"])
        .current_dir(root)
        .stdout(Stdio::null())
        .stderr(Stdio::null())
        .status()
        .is_ok_and(|status| status.success())
}

/// `cargo progenitor` on the workspace's spec, writing its crate beside it, as a maintainer
/// runs it.
fn run_progenitor(cargo: &str, workspace: &Path) -> Result<Measured, BenchError> {
    let out = workspace.join("progenitor");
    let _ = fs::remove_dir_all(&out);
    let args = ["progenitor", "-i", "specs/synthetic.yaml", "-o", "progenitor", "-n", "synthetic", "-v", "1.0.0"];
    let measured = measure(cargo, &args, workspace, &[]);
    // Its crate is large (80 MB at 5,000 operations) and nothing reads it.
    let _ = fs::remove_dir_all(&out);
    measured
}

/// The fastest of `runs` runs of `run`.
fn fastest(runs: usize, mut run: impl FnMut() -> Result<Measured, BenchError>) -> Result<Option<Measured>, BenchError> {
    let mut best: Option<Measured> = None;
    for _ in 0..runs {
        let measured = run()?;
        if best.as_ref().is_none_or(|best| measured.wall < best.wall) {
            best = Some(measured);
        }
    }
    Ok(best)
}

/// A folder under `target/bench/` with `specs/synthetic.yaml` of `operations` operations in
/// `shape`, and the generated crate's manifest.
fn synthetic_workspace(root: &Path, name: &str, operations: usize, shape: Shape) -> Result<PathBuf, BenchError> {
    let folder = format!("synthetic-{}-{operations}", name.replace([' ', ','], ""));
    spec_workspace(root, &folder, "synthetic", &codegen::synth::spec_shaped(operations, shape))
}

/// A folder `target/bench/FOLDER` with `specs/STEM.yaml` holding `spec`, and the generated
/// crate's manifest.
fn spec_workspace(root: &Path, folder: &str, stem: &str, spec: &str) -> Result<PathBuf, BenchError> {
    let workspace = root.join("target/bench").join(folder);
    for dir in [workspace.join("specs"), workspace.join("generated")] {
        fs::create_dir_all(&dir).map_err(io_error("create", &dir))?;
    }
    let path = workspace.join("specs").join(format!("{stem}.yaml"));
    fs::write(&path, spec).map_err(io_error("write", &path))?;
    let manifest = workspace.join("generated/Cargo.toml");
    fs::copy(root.join("generated/Cargo.toml"), &manifest).map_err(io_error("write", &manifest))?;
    Ok(workspace)
}

/// The builds compared: the crate as it comes (every API, AWS-LC, HTTP/2), and an app that
/// takes only what it uses (one API, the pure-Rust TLS provider, HTTP/1.1).
const BUILDS: &[Build] = &[
    Build { name: "defaults", features: None, needs_c: true },
    Build { name: "one API, graviola", features: Some(&["digitalocean", "tls-graviola"]), needs_c: false },
];

/// One way an app can depend on the crate.
struct Build {
    /// What the table calls it, and the folder it is built in.
    name: &'static str,
    /// The features it picks, with the defaults off; `None` takes the defaults.
    features: Option<&'static [&'static str]>,
    /// Whether it needs a C compiler: a build that does not runs with none.
    needs_c: bool,
}

impl Build {
    /// The folder its app and its target are in, under `target/bench/`.
    fn folder(&self) -> String {
        self.name.replace([' ', ','], "-")
    }
}

/// `cargo xtask bench build`: a small app that calls one DigitalOcean operation, built clean
/// in debug with each way of depending on the crate, then rebuilt after a change to the app.
/// With `--quick`, only the rebuild, in the workspace's own target folder.
pub fn build(root: &Path, quick: bool) -> Result<(), BenchError> {
    let cargo = std::env::var("CARGO").unwrap_or_else(|_| "cargo".to_owned());
    println!("build: an app calling one DigitalOcean operation, debug profile");
    println!("{:<18} {:<10} {:>9} {:>8} {:>18} {:>10}", "dependency", "build", "wall s", "crates", "needs a C compiler", "vs first");
    let mut first_clean: Option<f64> = None;
    for build in BUILDS {
        let app = sample_app(root, build)?;
        let target = if quick { root.join("target") } else { root.join("target/bench/app-target").join(build.folder()) };
        let target_arg = target.to_string_lossy().into_owned();
        let env = [("CARGO_TARGET_DIR", target_arg.as_str())];
        if !quick {
            let _ = fs::remove_dir_all(&target);
            // A build that needs no C compiler gets none, which proves it.
            let no_c: Vec<(&str, &str)> = env.iter().copied().chain([("CC", "/nonexistent/cc"), ("CXX", "/nonexistent/c++")]).collect();
            let clean = measure(&cargo, &["build", "--offline"], &app, if build.needs_c { &env } else { &no_c })?;
            let seconds = clean.wall.as_secs_f64();
            let share = first_clean.map_or_else(|| "100%".to_owned(), |first| format!("{:.0}%", 100.0 * seconds / first));
            first_clean.get_or_insert(seconds);
            print_build(build, "clean", &clean, &share);
        } else {
            measure(&cargo, &["build", "--offline"], &app, &env)?;
        }
        let main = app.join("src/main.rs");
        let source = fs::read_to_string(&main).map_err(io_error("read", &main))?;
        fs::write(&main, format!("{source}\n// changed\n")).map_err(io_error("write", &main))?;
        let incremental = measure(&cargo, &["build", "--offline"], &app, &env)?;
        print_build(build, "after edit", &incremental, "");
    }
    // The generated crates' comparison builds every dependency of both crates afresh: minutes,
    // so the quick run leaves it out.
    match quick {
        true => Ok(()),
        false => crates::compare(root).and_then(|()| crates::one_tag(root)),
    }
}

fn print_build(build: &Build, kind: &str, run: &Measured, share: &str) {
    let crates = run.stderr.lines().filter(|line| line.trim_start().starts_with("Compiling ")).count();
    let needs_c = if build.needs_c { "yes" } else { "no" };
    println!("{:<18} {kind:<10} {:>9.1} {crates:>8} {needs_c:>18} {share:>10}", build.name, run.wall.as_secs_f64());
}

/// A one-file app under `target/bench/` that calls one DigitalOcean operation, depending on
/// the generated crate as `build` says.
fn sample_app(root: &Path, build: &Build) -> Result<PathBuf, BenchError> {
    let app = root.join("target/bench/app").join(build.folder());
    let src = app.join("src");
    fs::create_dir_all(&src).map_err(io_error("create", &src))?;
    let generated = root.join("generated");
    let manifest = format!(
        "[package]\nname = \"bench-app\"\nversion = \"0.1.0\"\nedition = \"2024\"\npublish = false\n\n[workspace]\n\n\
         [dependencies]\ndbaas-clients = {{ path = {:?}{} }}\n\
         tokio = {{ version = \"1\", features = [\"macros\", \"rt\"] }}\n",
        generated.to_string_lossy(),
        build.features.map_or_else(String::new, |features| format!(", default-features = false, features = {features:?}"))
    );
    let main = "use dbaas_clients::digitalocean::{types, Client};\n\n\
        #[tokio::main(flavor = \"current_thread\")]\n\
        async fn main() -> Result<(), Box<dyn std::error::Error>> {\n    \
            let client = Client::builder().token(\"token\").build()?;\n    \
            let body = types::DatabasesUpdateUserRequest { settings: types::UserSettings::default() };\n    \
            let answer = client.databases_update_user(\"9cc10173-e9ea-4176-9dbc-a4cee4c4ff30\", \"app-01\", &body).await;\n    \
            println!(\"{}\", answer.is_ok());\n    \
            Ok(())\n\
        }\n";
    let write = |path: PathBuf, text: &str| fs::write(&path, text).map_err(io_error("write", &path));
    write(app.join("Cargo.toml"), &manifest)?;
    write(src.join("main.rs"), main)?;
    let lock = root.join("Cargo.lock");
    fs::copy(&lock, app.join("Cargo.lock")).map_err(io_error("copy", &lock))?;
    Ok(app)
}
