//! The README's "Testing your app" section opens with `tests/testing_your_app.rs`, as it is.

#[test]
fn the_readme_shows_the_test_file_as_it_is() {
    let readme = include_str!("../../README.md");
    let file = include_str!("testing_your_app.rs");
    let section = readme.split("## Testing your app").nth(1).expect("a `Testing your app` section");
    let shown = section.split("```rust,ignore\n").nth(1).and_then(|block| block.split("```").next()).expect("a Rust block in it");
    assert_eq!(shown, file, "copy tests/testing_your_app.rs into the README");
    assert!(file.lines().count() < 20, "the example stays under 20 lines");
}
