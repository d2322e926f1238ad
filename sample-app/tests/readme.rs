//! The README shows the files it says it shows, as they are: the test file that opens
//! "Testing your app", and the user's life of `generated/examples/user_life/life.rs`.

/// The first `rust,ignore` block after `heading` in the README.
fn block_after(heading: &str) -> &'static str {
    let readme = include_str!("../../README.md");
    let section = readme.split(heading).nth(1).unwrap_or_else(|| panic!("a `{heading}` section"));
    section
        .split("```rust,ignore\n")
        .nth(1)
        .and_then(|block| block.split("```").next())
        .unwrap_or_else(|| panic!("a Rust block under `{heading}`"))
}

#[test]
fn the_readme_shows_the_test_file_as_it_is() {
    let file = include_str!("testing_your_app.rs");
    assert_eq!(block_after("## Testing your app"), file, "copy tests/testing_your_app.rs into the README");
    assert!(file.lines().count() < 20, "the example stays under 20 lines");
}

#[test]
fn the_readme_shows_a_user_s_life_as_the_example_runs_it() {
    let file = include_str!("../../generated/examples/user_life/life.rs");
    assert_eq!(block_after("### One user's life on each cloud"), file, "copy generated/examples/user_life/life.rs into the README");
}
