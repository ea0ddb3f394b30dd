//! The README's marked examples, read by the tests that run them (and by
//! `benches/serve`, which runs the nginx one): one reader, so a test and a
//! bench can never run different blocks.

/// The fenced `lang` block that follows the README's `<!-- The block
/// below is run by tests/e2e/TEST. -->` marker: the examples a test runs
/// as written.
pub fn readme_block(test: &str, lang: &str) -> String {
    let readme =
        std::fs::read_to_string(std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("README.md"))
            .unwrap();
    let marker = format!("<!-- The block below is run by tests/e2e/{test}. -->");
    let after = &readme[readme.find(&marker).expect("the marker in README.md") + marker.len()..];
    let fence = format!("```{lang}\n");
    let start = after.find(&fence).expect("a fenced block after the marker") + fence.len();
    let block = &after[start..];
    block[..block.find("```").unwrap()].to_owned()
}
