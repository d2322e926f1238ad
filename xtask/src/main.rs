//! `cargo xtask`: the project's tasks. This file only reads arguments and calls the library
//! (and `bench`, which measures it).

mod bench;
mod calls;
mod prism;
mod release;

use std::path::Path;
use std::process::ExitCode;

use codegen::{Error, Generator};

/// The allocator: the generator makes and drops many small values (YAML nodes, tokens,
/// strings), which mimalloc serves markedly faster than the system allocator.
#[global_allocator]
static ALLOCATOR: mimalloc::MiMalloc = mimalloc::MiMalloc;

/// Exit code: `--check` found `generated/` out of date.
const EXIT_STALE: u8 = 1;
/// Exit code: a spec is broken.
const EXIT_SPEC: u8 = 2;
/// Exit code: a file could not be read or written.
const EXIT_IO: u8 = 3;
/// Exit code: the generator itself failed.
const EXIT_INTERNAL: u8 = 4;
/// Exit code: the command line is wrong.
const EXIT_USAGE: u8 = 64;

const USAGE: &str = "usage: cargo xtask codegen [--check] [--deny-warnings] [--root DIR]
       cargo xtask synth --operations N [--tags 0] [--error-responses 1] [--out FILE]
       cargo xtask fuzz [--cases N] [--first N]
       cargo xtask bench (generator | build) [--quick]
       cargo xtask compare SPEC VENDOR_SPEC [--allow FILE]
       cargo xtask package
       cargo xtask msrv CARGO
       cargo xtask semver [--baseline REV] [--only CRATE] [--root DIR]
       cargo xtask prism PRISM [--rounds N]

  codegen          regenerate generated/ from every specs/*.yaml
  codegen --check  write nothing; fail with a diff when generated/ is out of date
  --deny-warnings  fail on any warning as on an error, writing nothing
  --root DIR       work on the specs/ and generated/ of DIR instead of the workspace
                   around the current folder
  synth            write a synthetic spec of N operations (seven types each, the shape of
                   the specs in specs/) to FILE, or to standard output; --tags 0 leaves
                   every operation untagged (one module file), --error-responses 1 keeps
                   one error response per operation instead of two
  bench generator  time and peak memory of `cargo xtask codegen` on synthetic specs of 10,
                   100, 1000 and 5000 operations (--quick: 10, once)
  bench build      clean and incremental build of a small app, depending on the crate
                   as it comes and with only one API and the pure-Rust TLS provider;
                   then the crate generated from 1000 synthetic operations built alone
                   and checked, against progenitor's when `cargo progenitor` is installed
                   (--quick: the incremental builds only)
  probe PROG ARGS  run PROG, then print its wall and CPU microseconds and peak KiB (what
                   the benchmarks measure each command with)
  compare          list, per operation both OpenAPI files have, what differs: parameters,
                   request and answer fields, types, formats, required, enum values,
                   limits, statuses, with their places in both files; --allow FILE
                   names the differences that are meant (`operation at what: reason`)
                   and fails only on the others
  package          package the published crates (dbaas-runtime, dbaas-clients) and run the
                   packaged clients crate's tests from its .crate file
  msrv CARGO       build, with that cargo and the rustc beside it, an app of the README's
                   `Using the crate` manifest and code against the packaged crates, its
                   dependencies resolved for the declared rust-version
  semver           compare each published crate's public API with its baseline (the last
                   commit that changed its version, or REV) with cargo-semver-checks, and
                   fail when a change needs a version bump it lacks; --only checks one
  prism PRISM      send each managed-database cloud's database-user operations, generated
                   from its spec, to Stoplight Prism (the `prism` program given) mocking
                   that spec: every request accepted, every answer decoded, Prism's
                   examples and N rounds (20 unless --rounds says) of dynamic answers
  fuzz             feed the generator mutated specs (100000 unless --cases says) and fail
                   on any panic or hang; --first starts at another case number

exit codes: 0 done, 1 out of date (--check) or a difference not allowed (compare), 2 spec error, 3 I/O error, 4 internal error, 64 usage";

fn main() -> ExitCode {
    let args: Vec<String> = std::env::args().skip(1).collect();
    let args: Vec<&str> = args.iter().map(String::as_str).collect();
    match args.as_slice() {
        ["codegen", options @ ..] => match CodegenOptions::parse(options) {
            Some(CodegenOptions { root: Some(root), check, deny_warnings }) => codegen(check, deny_warnings, Path::new(root)),
            Some(CodegenOptions { root: None, check, deny_warnings }) => with_workspace(|root| codegen(check, deny_warnings, root)),
            None => {
                eprintln!("{USAGE}");
                ExitCode::from(EXIT_USAGE)
            }
        },
        ["synth", options @ ..] => synth(options),
        ["fuzz", options @ ..] => fuzz(options),
        ["bench", which @ ("generator" | "build"), rest @ ..] if rest.is_empty() || rest == ["--quick"] => {
            let quick = !rest.is_empty();
            with_workspace(|root| {
                let result = match *which {
                    "generator" => bench::generator(root, quick),
                    _ => bench::build(root, quick),
                };
                result.map_or_else(
                    |error| {
                        eprintln!("error: {error}");
                        ExitCode::from(EXIT_IO)
                    },
                    |()| ExitCode::SUCCESS,
                )
            })
        }
        ["probe", program, args @ ..] => bench::probe(program, args),
        ["package"] => with_workspace(|root| finish(release::package(root))),
        ["prism", prism, rest @ ..] => {
            let rounds = match rest {
                [] => Some(20),
                ["--rounds", rounds] => rounds.parse().ok(),
                _ => None,
            };
            match rounds {
                Some(rounds) => with_workspace(|root| finish(prism::prism(root, Path::new(prism), rounds))),
                None => {
                    eprintln!("{USAGE}");
                    ExitCode::from(EXIT_USAGE)
                }
            }
        }
        ["msrv", cargo] => with_workspace(|root| finish(release::msrv(root, Path::new(cargo)))),
        ["semver", options @ ..] => match SemverOptions::parse(options) {
            Some(SemverOptions { root: Some(root), baseline, only }) => finish(release::semver(Path::new(root), baseline, only)),
            Some(SemverOptions { root: None, baseline, only }) => with_workspace(|root| finish(release::semver(root, baseline, only))),
            None => {
                eprintln!("{USAGE}");
                ExitCode::from(EXIT_USAGE)
            }
        },
        ["compare", ours, theirs] => compare(Path::new(ours), Path::new(theirs), None),
        ["compare", ours, theirs, "--allow", allow] => compare(Path::new(ours), Path::new(theirs), Some(Path::new(allow))),
        ["help" | "--help" | "-h"] => {
            println!("{USAGE}");
            ExitCode::SUCCESS
        }
        _ => {
            eprintln!("{USAGE}");
            ExitCode::from(EXIT_USAGE)
        }
    }
}

/// Ends a release task: its error, if any, on standard error.
fn finish(result: Result<(), release::ReleaseError>) -> ExitCode {
    match result {
        Ok(()) => ExitCode::SUCCESS,
        Err(error) => {
            eprintln!("error: {error}");
            ExitCode::FAILURE
        }
    }
}

/// The options of `cargo xtask semver`, in any order.
struct SemverOptions<'a> {
    baseline: Option<&'a str>,
    only: Option<&'a str>,
    root: Option<&'a str>,
}

impl<'a> SemverOptions<'a> {
    fn parse(args: &[&'a str]) -> Option<Self> {
        let mut options = Self { baseline: None, only: None, root: None };
        let mut rest = args;
        while let [flag, value, tail @ ..] = rest {
            match *flag {
                "--baseline" => options.baseline = Some(value),
                "--only" => options.only = Some(value),
                "--root" => options.root = Some(value),
                _ => return None,
            }
            rest = tail;
        }
        rest.is_empty().then_some(options)
    }
}

/// The options of `cargo xtask codegen`, in any order.
struct CodegenOptions<'a> {
    check: bool,
    deny_warnings: bool,
    root: Option<&'a str>,
}

impl<'a> CodegenOptions<'a> {
    /// The options, or `None` for an unknown or repeated one.
    fn parse(args: &[&'a str]) -> Option<Self> {
        let mut options = Self { check: false, deny_warnings: false, root: None };
        let mut args = args.iter();
        while let Some(arg) = args.next() {
            match *arg {
                "--check" if !options.check => options.check = true,
                "--deny-warnings" if !options.deny_warnings => options.deny_warnings = true,
                "--root" if options.root.is_none() => options.root = Some(args.next()?),
                _ => return None,
            }
        }
        Some(options)
    }
}

fn codegen(check: bool, deny_warnings: bool, root: &Path) -> ExitCode {
    let generator = Generator { deny_warnings, ..Generator::for_workspace(root) };
    let result = if check {
        generator.check().map(|report| {
            print_warnings(&report.warnings);
            if report.is_fresh() {
                println!("codegen --check: generated/ is up to date");
                ExitCode::SUCCESS
            } else {
                for diff in &report.diffs {
                    print!("{diff}");
                }
                eprintln!("error: generated/ is out of date in {} file(s): run `cargo xtask codegen`", report.diffs.len());
                ExitCode::from(EXIT_STALE)
            }
        })
    } else {
        generator.run().map(|s| {
            print_warnings(&s.warnings);
            println!(
                "codegen: {} written, {} unchanged, {} removed; {}, {} in {} ms",
                counted(s.written, "file"),
                s.unchanged,
                s.removed,
                counted(s.types, "type"),
                counted(s.operations, "operation"),
                s.elapsed_ms
            );
            ExitCode::SUCCESS
        })
    };
    result.unwrap_or_else(|error| {
        eprintln!("{}", error_text(&error));
        ExitCode::from(match error {
            Error::Spec(_) => EXIT_SPEC,
            Error::Io { .. } => EXIT_IO,
            Error::Internal { .. } => EXIT_INTERNAL,
        })
    })
}

/// Prints what differs between two OpenAPI files; fails on any difference `allow` does not
/// name.
/// `count` followed by `noun`, in the plural unless it is one.
fn counted(count: usize, noun: &str) -> String {
    if count == 1 { format!("1 {noun}") } else { format!("{count} {noun}s") }
}

fn compare(ours: &Path, theirs: &Path, allow: Option<&Path>) -> ExitCode {
    let allowed = match allow.map(std::fs::read_to_string).transpose() {
        Ok(text) => text.map(|text| codegen::compare::allow_list(&text)).unwrap_or_default(),
        Err(error) => {
            eprintln!("error: cannot read {}: {error}", allow.map(Path::display).map(|path| path.to_string()).unwrap_or_default());
            return ExitCode::from(EXIT_IO);
        }
    };
    let comparison = match codegen::compare::files(ours, theirs) {
        Ok(comparison) => comparison,
        Err(Error::Spec(errors)) => {
            eprintln!("{errors}");
            return ExitCode::from(EXIT_SPEC);
        }
        Err(error) => {
            eprintln!("error: {error}");
            return ExitCode::from(EXIT_IO);
        }
    };
    let report = codegen::compare::Report::new(&comparison, &allowed);
    print!("{report}");
    if report.is_clean() { ExitCode::SUCCESS } else { ExitCode::from(EXIT_STALE) }
}

/// `cargo xtask synth`: writes the synthetic spec its options describe to `--out`, or to
/// standard output.
fn synth(options: &[&str]) -> ExitCode {
    let usage = |message: String| {
        eprintln!("error: {message}\n\n{USAGE}");
        ExitCode::from(EXIT_USAGE)
    };
    let mut operations = None;
    let mut shape = codegen::synth::Shape::default();
    let mut out = None;
    let mut args = options.iter();
    while let Some(option) = args.next() {
        let Some(value) = args.next() else { return usage(format!("{option} needs a value")) };
        match (*option, *value) {
            ("--operations", count) => match count.parse::<usize>() {
                Ok(count) => operations = Some(count),
                Err(_) => return usage(format!("--operations takes a whole number, not `{count}`")),
            },
            ("--tags", "0") => shape.tagged = false,
            ("--error-responses", "1") => shape.two_error_responses = false,
            ("--out", file) => out = Some(Path::new(file)),
            (option, value) => return usage(format!("`{option} {value}` is not an option of synth")),
        }
    }
    let Some(operations) = operations else { return usage("synth needs --operations N".to_owned()) };
    let spec = codegen::synth::spec_shaped(operations, shape);
    let Some(out) = out else {
        print!("{spec}");
        return ExitCode::SUCCESS;
    };
    match std::fs::write(out, spec) {
        Ok(()) => {
            println!("synth: {operations} operations written to {}", out.display());
            ExitCode::SUCCESS
        }
        Err(error) => {
            eprintln!("error: cannot write {}: {error}", out.display());
            ExitCode::from(EXIT_IO)
        }
    }
}

/// Cases in a `cargo xtask fuzz` run unless `--cases` says otherwise.
const FUZZ_CASES: &str = "100000";

/// Runs the never-panics test as a long campaign, optimized.
fn fuzz(options: &[&str]) -> ExitCode {
    let mut cases = FUZZ_CASES;
    let mut first = "0";
    let mut rest = options;
    while let [flag, value, tail @ ..] = rest {
        let valid = value.parse::<u64>().is_ok();
        match *flag {
            "--cases" if valid => cases = value,
            "--first" if valid => first = value,
            _ => {
                eprintln!("{USAGE}");
                return ExitCode::from(EXIT_USAGE);
            }
        }
        rest = tail;
    }
    if !rest.is_empty() {
        eprintln!("{USAGE}");
        return ExitCode::from(EXIT_USAGE);
    }
    let cargo = std::env::var("CARGO").unwrap_or_else(|_| "cargo".to_owned());
    let status = std::process::Command::new(cargo)
        .args(["test", "--release", "--package", "codegen", "--test", "never_panics", "--", "--nocapture"])
        .env("CODEGEN_FUZZ_CASES", cases)
        .env("CODEGEN_FUZZ_FIRST", first)
        .status();
    match status {
        Ok(status) if status.success() => ExitCode::SUCCESS,
        Ok(_) => ExitCode::FAILURE,
        Err(error) => {
            eprintln!("error: cannot run cargo: {error}");
            ExitCode::from(EXIT_IO)
        }
    }
}

fn print_warnings(warnings: &[codegen::SpecError]) {
    for warning in warnings {
        eprintln!("warning: {warning}");
    }
}

fn error_text(error: &Error) -> String {
    match error {
        Error::Spec(errors) => format!("{errors}\n\ncodegen: {} problem(s) found; generated/ was left as it was", errors.0.len()),
        other => format!("error: {other}"),
    }
}

/// Runs `task` on the workspace around the current folder.
fn with_workspace(task: impl FnOnce(&Path) -> ExitCode) -> ExitCode {
    let here = std::env::current_dir().unwrap_or_default();
    match codegen::find_workspace_root(&here) {
        Some(root) => task(&root),
        None => {
            eprintln!(
                "error: `{}` is not inside a workspace with a `Cargo.toml` and a `specs/` folder: run from one, or pass --root DIR",
                here.display()
            );
            ExitCode::from(EXIT_USAGE)
        }
    }
}
