use super::*;

fn table(text: &str) -> Table {
    text.parse().unwrap()
}

const EXERCISE: &str = r#"
[package]
name = "day01_a"
edition = "2024"
[lib]
name = "day01_a"
doctest = false
[dependencies]
serde = { workspace = true }
"#;

#[test]
fn only_the_package_and_lib_names_may_differ() {
    let cases = [
        (
            EXERCISE.replace("name = \"day01_a\"\ned", "name = \"day01_a_solution\"\ned"),
            vec![],
        ),
        (
            EXERCISE.replace("doctest = false", "doctest = true"),
            vec!["lib.doctest"],
        ),
        (
            EXERCISE.replace("serde = { workspace = true }", ""),
            vec!["dependencies.serde"],
        ),
        (
            format!("{EXERCISE}[dev-dependencies]\nx = \"1\"\n"),
            vec!["dev-dependencies"],
        ),
        (
            EXERCISE.replace("[lib]\nname = \"day01_a\"\n", "[lib]\n"),
            vec![],
        ),
    ];
    for (solution, expected) in cases {
        let found = differences(&table(EXERCISE), &table(&solution));
        assert_eq!(found, expected, "{solution}");
    }
}

#[test]
fn finds_dependencies_in_every_table() {
    let manifest = table(
        "[dependencies]\na = { workspace = true }\n[dev-dependencies]\nb = \"1\"\n\
         [target.'cfg(unix)'.dependencies]\nc.workspace = true\n",
    );
    let found: Vec<(String, &str, bool)> = dependencies(&manifest)
        .iter()
        .map(|d| (d.table.clone(), d.name, d.is_inherited()))
        .collect();
    assert_eq!(
        found,
        [
            ("dependencies".to_string(), "a", true),
            ("dev-dependencies".to_string(), "b", false),
            ("target.'cfg(unix)'.dependencies".to_string(), "c", true),
        ]
    );
}

#[test]
fn membership_follows_members_and_exclude() {
    let cases = [
        (
            r#"members = ["exercises/*", "solutions/*"]"#,
            "solutions/day01_a",
            true,
        ),
        (r#"members = ["exercises/*"]"#, "solutions/day01_a", false),
        (
            r#"members = ["exercises/*", "solutions/*"]
exclude = ["solutions"]"#,
            "solutions/day01_a",
            false,
        ),
        (
            r#"members = ["solutions/day01_a"]"#,
            "solutions/day01_a",
            true,
        ),
        (
            r#"members = ["solutions/*"]"#,
            "solutions/day01_a/nested",
            false,
        ),
    ];
    for (workspace, path, expected) in cases {
        let root = table(&format!("[workspace]\n{workspace}\n"));
        assert_eq!(is_member(&root, path), expected, "{workspace} / {path}");
    }
}

#[test]
fn finds_the_line_of_a_key() {
    let text =
        "[package]\nname = \"x\"\n\n[dependencies]\n  serde.workspace = true\nserde_json = \"1\"\n";
    assert_eq!(line_of(text, "serde"), Some((5, 3)));
    assert_eq!(line_of(text, "serde_json"), Some((6, 1)));
    assert_eq!(line_of(text, "dependencies"), Some((4, 1)));
    assert_eq!(line_of(text, "tokio"), None);
}
