//! The layering of `cpguard-core`: a module imports only modules of lower layers, so the crate
//! has a bottom and no import cycle. The layers are the block under "## Layers" in
//! ARCHITECTURE.md (top first); this test reads them from there, so the document cannot drift.
//!
//! `cargo test -p cpguard-core --test layering -- --nocapture` prints the module graph.
#![allow(
    clippy::unwrap_used,
    clippy::expect_used,
    clippy::panic,
    clippy::indexing_slicing
)]

use std::collections::{BTreeMap, BTreeSet};
use std::fs;
use std::path::{Path, PathBuf};

/// The layers, top first, from ARCHITECTURE.md's fenced block after "## Layers".
fn layers() -> Vec<Vec<String>> {
    let doc = fs::read_to_string(Path::new(env!("CARGO_MANIFEST_DIR")).join("../ARCHITECTURE.md"))
        .expect("ARCHITECTURE.md");
    let section = doc
        .split_once("## Layers")
        .expect("ARCHITECTURE.md has a \"## Layers\" section")
        .1;
    let block = section
        .split("```")
        .nth(1)
        .expect("a fenced block under \"## Layers\"");
    block
        .lines()
        .map(|line| line.split("  ").next().unwrap_or_default().trim())
        .filter(|line| !line.is_empty())
        .map(|line| line.split(" · ").map(str::to_owned).collect())
        .collect()
}

fn rust_files(dir: &Path, out: &mut Vec<PathBuf>) {
    for entry in fs::read_dir(dir).unwrap() {
        let path = entry.unwrap().path();
        if path.is_dir() {
            rust_files(&path, out);
        } else if path.extension().is_some_and(|e| e == "rs") {
            out.push(path);
        }
    }
}

/// The source without comments and without `#[cfg(test)]` items (tests may reach anywhere).
fn production_code(source: &str) -> String {
    let mut out = String::new();
    let mut rest = source;
    while let Some(at) = rest.find("#[cfg(test)]") {
        out.push_str(&rest[..at]);
        let item = &rest[at..];
        // Skip the item: up to its matching closing brace, or its `;`.
        let mut depth = 0usize;
        let mut end = item.len();
        for (i, c) in item.char_indices() {
            match c {
                '{' => depth += 1,
                '}' => {
                    depth -= 1;
                    if depth == 0 {
                        end = i + 1;
                        break;
                    }
                }
                ';' if depth == 0 => {
                    end = i + 1;
                    break;
                }
                _ => {}
            }
        }
        rest = &item[end..];
    }
    out.push_str(rest);
    out.lines()
        .map(|line| match line.find("//") {
            // A `//` inside a string (a URL) is not a comment; those lines name no module path.
            Some(i) if !line[..i].contains('"') => &line[..i],
            _ => line,
        })
        .collect::<Vec<_>>()
        .join("\n")
}

/// The top-level modules a source refers to through `crate::`.
fn imports(source: &str) -> BTreeSet<String> {
    let mut out = BTreeSet::new();
    let mut rest = source;
    while let Some(at) = rest.find("crate::") {
        rest = &rest[at + "crate::".len()..];
        if let Some(group) = rest.strip_prefix('{') {
            let inner = &group[..group.find('}').unwrap_or(group.len())];
            for part in inner.split(',') {
                let name = part.trim().split("::").next().unwrap_or_default().trim();
                if !name.is_empty() && name != "self" {
                    out.insert(name.to_owned());
                }
            }
        } else {
            let name: String = rest
                .chars()
                .take_while(|c| c.is_alphanumeric() || *c == '_')
                .collect();
            if !name.is_empty() {
                out.insert(name);
            }
        }
    }
    out
}

/// Each top-level module of `src/` and the top-level modules it imports.
fn graph() -> BTreeMap<String, BTreeSet<String>> {
    let src = Path::new(env!("CARGO_MANIFEST_DIR")).join("src");
    let mut files = Vec::new();
    rust_files(&src, &mut files);
    let mut graph: BTreeMap<String, BTreeSet<String>> = BTreeMap::new();
    for file in files {
        let relative = file.strip_prefix(&src).unwrap();
        let top = relative
            .components()
            .next()
            .unwrap()
            .as_os_str()
            .to_string_lossy()
            .trim_end_matches(".rs")
            .to_owned();
        if top == "lib" {
            continue;
        }
        let code = production_code(&fs::read_to_string(&file).unwrap());
        let mut uses = imports(&code);
        uses.remove(&top);
        graph.entry(top).or_default().extend(uses);
    }
    graph
}

#[test]
fn every_module_imports_only_lower_layers() {
    let layers = layers();
    let count = layers.len();
    // Layer 1 is the bottom.
    let rank: BTreeMap<&str, usize> = layers
        .iter()
        .enumerate()
        .flat_map(|(i, layer)| layer.iter().map(move |m| (m.as_str(), count - i)))
        .collect();
    let graph = graph();
    println!("cpguard-core's module graph (layer: module -> imports):");
    for (module, uses) in &graph {
        let list: Vec<&str> = uses.iter().map(String::as_str).collect();
        println!(
            "  {}: {module} -> {}",
            rank.get(module.as_str()).copied().unwrap_or(0),
            list.join(", ")
        );
    }
    let modules: BTreeSet<&str> = graph.keys().map(String::as_str).collect();
    let listed: BTreeSet<&str> = rank.keys().copied().collect();
    assert_eq!(
        modules, listed,
        "ARCHITECTURE.md's layers must name every module of shared/src exactly once"
    );
    let mut upward = Vec::new();
    for (module, uses) in &graph {
        for used in uses {
            let (Some(from), Some(to)) = (rank.get(module.as_str()), rank.get(used.as_str()))
            else {
                upward.push(format!("{module} -> {used} (not a module of the layers)"));
                continue;
            };
            if to >= from {
                upward.push(format!("{module} (layer {from}) -> {used} (layer {to})"));
            }
        }
    }
    assert!(
        upward.is_empty(),
        "imports that do not go down a layer:\n  {}",
        upward.join("\n  ")
    );
}

/// The parser of this test, on the forms the crate uses.
#[test]
fn imports_are_read_from_every_form() {
    let code = production_code(
        "use crate::a::X;\nuse crate::{b, c::Y, self};\nfn f() { crate::d::g(); } // crate::e\n#[cfg(test)]\nmod tests { use crate::f; }\nconst U: &str = \"https://x\"; crate::h::i();",
    );
    let found: Vec<String> = imports(&code).into_iter().collect();
    assert_eq!(found, ["a", "b", "c", "d", "h"]);
}
