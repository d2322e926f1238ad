//! What the generator's tests share: copying folders of specs into scratch workspaces.

#![allow(clippy::expect_used, dead_code)] // a failed step of a test is a failed test; each test uses a part

use std::fs;
use std::path::Path;

pub mod scratch;

/// Copies `from` to `to` unless `to` has that content already, so its time stays and cargo
/// finds nothing to recheck.
pub fn copy_if_changed(from: &Path, to: &Path) {
    let content = fs::read(from).expect("a readable file");
    if fs::read(to).ok().as_ref() != Some(&content) {
        fs::write(to, content).expect("a copy");
    }
}

/// Makes `to` a copy of the folder `from`: every file copied unless it is there already, and
/// whatever `from` no longer holds removed (a file that became a folder, say).
pub fn copy_dir(from: &Path, to: &Path) {
    fs::create_dir_all(to).expect("a folder");
    for entry in fs::read_dir(to).expect("a readable folder") {
        let path = entry.expect("an entry").path();
        let source = from.join(path.file_name().expect("a name"));
        match (path.is_dir(), source.is_dir()) {
            (true, false) => fs::remove_dir_all(&path).expect("a removed folder"),
            (false, _) if !source.is_file() => fs::remove_file(&path).expect("a removed file"),
            _ => {}
        }
    }
    for entry in fs::read_dir(from).expect("a readable folder") {
        let path = entry.expect("an entry").path();
        let target = to.join(path.file_name().expect("a name"));
        if path.is_dir() {
            copy_dir(&path, &target);
        } else {
            copy_if_changed(&path, &target);
        }
    }
}
