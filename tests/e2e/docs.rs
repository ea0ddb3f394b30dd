//! `docs/cli.md` is the users' contract: every command and every flag in
//! the clap tree has its entry there, and every entry there exists in the
//! clap tree. A command or flag added, renamed or removed without the
//! documentation fails here.

use std::collections::{BTreeMap, BTreeSet};
use std::path::Path;

const ROOT: &str = env!("CARGO_MANIFEST_DIR");

/// The first cell of each table row (`| `--name NAME` | …`) under each
/// `### ` heading, as the argument it names: `--name`, `KEY`, `N|off`.
fn documented() -> BTreeMap<String, (BTreeSet<String>, bool)> {
    let text = std::fs::read_to_string(Path::new(ROOT).join("docs/cli.md")).unwrap();
    let mut sections: BTreeMap<String, (BTreeSet<String>, bool)> = BTreeMap::new();
    let mut current: Option<String> = None;
    for line in text.lines() {
        if let Some(heading) = line.strip_prefix("### ") {
            current = Some(heading.trim_matches('`').to_owned());
            sections
                .entry(heading.trim_matches('`').to_owned())
                .or_default();
        } else if line.starts_with("## ") {
            current = line.strip_prefix("## ").map(str::to_owned);
            sections.entry(current.clone().unwrap()).or_default();
        } else if let Some(section) = &current {
            let entry = sections.get_mut(section).unwrap();
            if line.contains("[security flags](#security-flags)") {
                entry.1 = true;
            }
            let Some(cell) = line.strip_prefix("| `") else {
                continue;
            };
            let cell = cell.split('`').next().unwrap().replace('\\', "");
            let name = cell
                .split([',', ' '])
                .filter(|w| !w.is_empty())
                .find(|w| w.starts_with("--"))
                .or_else(|| cell.split(' ').next())
                .unwrap()
                .to_owned();
            entry.0.insert(name);
        }
    }
    sections
}

/// What the clap tree has: each leaf command's path and its arguments
/// (`--long` for options, the value name for positionals), and the
/// global options.
fn clap_tree() -> (BTreeMap<String, BTreeSet<String>>, BTreeSet<String>) {
    fn arg_name(arg: &clap::Arg) -> String {
        match arg.get_long() {
            Some(long) => format!("--{long}"),
            None => arg.get_value_names().map_or_else(
                || arg.get_id().to_string(),
                |n| {
                    n.iter()
                        .map(ToString::to_string)
                        .collect::<Vec<_>>()
                        .join(" ")
                },
            ),
        }
    }
    fn walk(cmd: &clap::Command, path: &str, out: &mut BTreeMap<String, BTreeSet<String>>) {
        let path = format!("{path} {}", cmd.get_name());
        if cmd.has_subcommands() {
            for sub in cmd.get_subcommands().filter(|s| s.get_name() != "help") {
                walk(sub, path.trim(), out);
            }
            return;
        }
        let args = cmd
            .get_arguments()
            .filter(|a| !a.is_global_set() && !matches!(a.get_id().as_str(), "help" | "version"))
            .map(arg_name)
            .collect();
        out.insert(path.trim().to_owned(), args);
    }
    let mut root = apikey::cli_seam::command();
    root.build();
    let globals = root
        .get_arguments()
        .filter(|a| a.is_global_set())
        .map(arg_name)
        .collect();
    let mut commands = BTreeMap::new();
    for sub in root.get_subcommands().filter(|s| s.get_name() != "help") {
        walk(sub, "apikey", &mut commands);
    }
    (commands, globals)
}

#[test]
fn every_command_and_flag_is_documented_and_nothing_more() {
    let docs = documented();
    let (commands, globals) = clap_tree();
    assert!(commands.len() > 20, "{commands:?}");
    let security = docs["Security flags"].0.clone();
    for (path, args) in &commands {
        let Some((rows, takes_security)) = docs.get(path) else {
            panic!("docs/cli.md has no `### `{path}`` section");
        };
        let mut documented = rows.clone();
        if *takes_security {
            documented.extend(security.iter().cloned());
        }
        assert_eq!(
            &documented, args,
            "docs/cli.md's table for `{path}` (left) against its arguments in the clap tree (right)"
        );
    }
    for heading in docs.keys().filter(|h| h.starts_with("apikey ")) {
        assert!(
            commands.contains_key(heading),
            "docs/cli.md documents `{heading}`, which does not exist"
        );
    }
    let documented_globals = &docs["Global options"].0;
    assert_eq!(documented_globals, &globals, "docs/cli.md's global options");
}

#[test]
fn the_readme_links_only_inside_the_repository() {
    let readme = std::fs::read_to_string(Path::new(ROOT).join("README.md")).unwrap();
    for (at, _) in readme.match_indices("](") {
        let target = &readme[at + 2..];
        let target = &target[..target.find(')').unwrap()];
        if target.starts_with("http") || target.starts_with('#') {
            continue;
        }
        let path = Path::new(ROOT).join(target.split('#').next().unwrap());
        assert!(
            path.exists(),
            "README links to {target}, which the repository does not have"
        );
        assert!(
            !target.contains(".."),
            "README links outside the repository: {target}"
        );
    }
}
