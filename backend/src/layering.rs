//! A test of the code's shape: no two modules of `backend/src` use each other
//! in a loop, neither file by file nor between the top-level modules, so data
//! flows one way (routes and sockets → domain → store and event log → bus →
//! sockets) and each part can change without the others. It reads the sources:
//! every `crate::…` and `super::…` path outside comments and test modules.

use std::collections::{BTreeMap, BTreeSet};
use std::path::Path;

type Graph = BTreeMap<String, BTreeSet<String>>;

/// Every module of `src`, by path (`domain/messages`), with its source.
fn modules(src: &Path) -> BTreeMap<String, String> {
    let mut found = BTreeMap::new();
    let mut dirs = vec![src.to_path_buf()];
    while let Some(dir) = dirs.pop() {
        for entry in std::fs::read_dir(&dir).expect("read src").flatten() {
            let path = entry.path();
            if path.is_dir() {
                dirs.push(path);
            } else if path.extension().is_some_and(|e| e == "rs") {
                let relative = path.strip_prefix(src).expect("under src").with_extension("");
                let mut name = relative.to_string_lossy().replace('\\', "/");
                if let Some(parent) = name.strip_suffix("/mod") {
                    name = parent.to_owned();
                }
                if name != "lib" && name != "main" {
                    found.insert(name, std::fs::read_to_string(&path).expect("read file"));
                }
            }
        }
    }
    found
}

/// The source without comments and without its `#[cfg(test)] mod tests`.
fn code(source: &str) -> String {
    let without_tests = source.split("#[cfg(test)]\nmod tests").next().unwrap_or_default();
    without_tests.lines().map(|line| line.split("//").next().unwrap_or_default()).collect::<Vec<_>>().join("\n")
}

/// The paths named after each `prefix` (`crate::` or `super::`), groups expanded:
/// `crate::{a, b::c}` gives `a` and `b::c`.
fn paths_after(code: &str, prefix: &str) -> Vec<String> {
    let mut out = Vec::new();
    for (at, _) in code.match_indices(prefix) {
        if code[..at].ends_with(|c: char| c.is_alphanumeric() || c == '_' || c == ':') {
            continue;
        }
        expand(&code[at + prefix.len()..], String::new(), &mut out);
    }
    out
}

fn expand(rest: &str, base: String, out: &mut Vec<String>) {
    let ident: String = rest.chars().take_while(|c| c.is_alphanumeric() || *c == '_' || *c == ':').collect();
    let path = format!("{base}{ident}");
    let after = &rest[ident.len()..];
    if (path.is_empty() || path.ends_with("::")) && after.starts_with('{') {
        let mut depth = 0;
        let mut item = String::new();
        for c in after.chars() {
            match c {
                '{' => depth += 1,
                '}' => depth -= 1,
                _ => {}
            }
            if (c == ',' && depth == 1) || depth == 0 {
                let trimmed = item.trim_start_matches('{').trim();
                if !trimmed.is_empty() {
                    expand(trimmed, path.clone(), out);
                }
                item.clear();
                if depth == 0 {
                    break;
                }
                continue;
            }
            item.push(c);
        }
    } else {
        out.push(path.trim_end_matches("::").to_owned());
    }
}

/// The longest module that `path` (`a::b::item`) names.
fn resolve(path: &str, modules: &BTreeMap<String, String>) -> Option<String> {
    let parts: Vec<&str> = path.split("::").filter(|p| !p.is_empty()).collect();
    (1..=parts.len()).rev().map(|n| parts[..n].join("/")).find(|m| modules.contains_key(m))
}

/// Module → the modules it uses (not itself, not its own ancestors).
fn file_graph(modules: &BTreeMap<String, String>) -> Graph {
    let mut graph = Graph::new();
    for (name, source) in modules {
        let code = code(source);
        let parent = name.rsplit_once('/').map(|(p, _)| p.replace('/', "::")).unwrap_or_default();
        let mut named = paths_after(&code, "crate::");
        named.extend(paths_after(&code, "super::").into_iter().map(|p| format!("{parent}::{p}")));
        let uses = graph.entry(name.clone()).or_default();
        for path in named {
            if let Some(target) = resolve(&path, modules)
                && target != *name
                && !name.starts_with(&format!("{target}/"))
            {
                uses.insert(target);
            }
        }
    }
    graph
}

/// The same graph between top-level modules.
fn top_graph(files: &Graph) -> Graph {
    let top = |m: &str| m.split('/').next().unwrap_or_default().to_owned();
    let mut graph = Graph::new();
    for (from, targets) in files {
        let uses = graph.entry(top(from)).or_default();
        uses.extend(targets.iter().map(|t| top(t)).filter(|t| *t != top(from)));
    }
    graph
}

/// A loop in `graph`, as the modules along it, if there is one.
fn find_loop(graph: &Graph) -> Option<Vec<String>> {
    fn visit(node: &str, graph: &Graph, path: &mut Vec<String>, done: &mut BTreeSet<String>) -> Option<Vec<String>> {
        if let Some(start) = path.iter().position(|p| p == node) {
            let mut found = path[start..].to_vec();
            found.push(node.to_owned());
            return Some(found);
        }
        if done.contains(node) {
            return None;
        }
        path.push(node.to_owned());
        for next in graph.get(node).into_iter().flatten() {
            if let Some(found) = visit(next, graph, path, done) {
                return Some(found);
            }
        }
        path.pop();
        done.insert(node.to_owned());
        None
    }
    let mut done = BTreeSet::new();
    graph.keys().find_map(|node| visit(node, graph, &mut Vec::new(), &mut done))
}

#[test]
fn no_modules_use_each_other_in_a_loop() {
    let modules = modules(&Path::new(env!("CARGO_MANIFEST_DIR")).join("src"));
    let files = file_graph(&modules);
    assert!(files.get("domain/messages").is_some_and(|uses| uses.contains("db")), "the reader sees uses");
    assert_eq!(find_loop(&files), None, "files that use each other in a loop");
    assert_eq!(find_loop(&top_graph(&files)), None, "top-level modules that use each other in a loop");
}

#[test]
fn a_loop_is_found() {
    let modules: BTreeMap<String, String> = [
        ("a".to_owned(), "use crate::{b::{self, Thing}, c};".to_owned()),
        ("b".to_owned(), "fn f() { super::d::g(); }".to_owned()),
        ("c".to_owned(), "// crate::a::x in a comment\n".to_owned()),
        ("d".to_owned(), "pub fn g() { crate::a::h() }".to_owned()),
    ]
    .into();
    let files = file_graph(&modules);
    assert_eq!(files["a"], ["b".to_owned(), "c".to_owned()].into());
    assert!(files["c"].is_empty());
    assert_eq!(find_loop(&files), Some(vec!["a".into(), "b".into(), "d".into(), "a".into()]));
}
