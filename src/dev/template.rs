//! The files `dev new` and `dev add` write. Kept apart so the commands read as what they do.

/// Used when the binary carries no course manifest to take the profile from.
const FALLBACK_PROFILE: &str = "\
# Line tables only: much faster builds, and panics still name the line.
[profile.dev]
debug = \"line-tables-only\"
";

/// The workspace manifest of a new course: exercises and solutions are both members, so
/// `dev check` builds the solutions with the exercises' lock file and target directory.
pub fn workspace_manifest(profile: &str) -> String {
    format!(
        r#"# The course workspace. Every day (exercise and solution) is a member, so the whole course
# shares one Cargo.lock and one target directory: dependencies build once for every day.
[workspace]
resolver = "3"
members = ["exercises/*", "solutions/*"]

# Days take their dependencies only from this list, as `serde = {{ workspace = true }}`;
# `backlings dev check` flags any other. Add one line per dependency, sorted.
[workspace.dependencies]
anyhow = "1"
serde = {{ version = "1", features = ["derive"] }}
serde_json = "1"
tokio = {{ version = "1", features = ["full"] }}

{profile}"#
    )
}

/// The `[profile...]` sections of a manifest, each with the comment block right above it, or a
/// fallback when there are none.
pub fn profile_sections(manifest: &str) -> String {
    let mut kept = String::new();
    let mut comments = String::new();
    let mut in_profile = false;
    for line in manifest.lines() {
        let trimmed = line.trim_start();
        if trimmed.is_empty() {
            comments.clear();
        } else if trimmed.starts_with('#') {
            comments.push_str(line);
            comments.push('\n');
        } else {
            if trimmed.starts_with('[') {
                in_profile = trimmed.starts_with("[profile");
                if in_profile && !kept.is_empty() {
                    kept.push('\n');
                }
            }
            if in_profile {
                kept.push_str(&comments);
                kept.push_str(line);
                kept.push('\n');
            }
            comments.clear();
        }
    }
    if kept.is_empty() {
        return FALLBACK_PROFILE.to_string();
    }
    kept
}

pub fn info_toml(title: &str) -> String {
    let title = quoted(title);
    format!(
        r#"# The course file backlings reads. Each field is described above it.

# The version of this file's format. This backlings reads version 1.
format_version = 1
# The course's title, shown at the top of `backlings list` and in reports.
title = {title}
# Shown once, the first time a learner starts the course.
welcome = """
Welcome! Each day is a small project: read its README.md, make its tests pass.
Run `backlings` to start; it reruns the tests every time you save."""
# Shown when every exercise passes.
final_message = "You finished the course. Well done!"

# One `[[exercises]]` entry per day, in the order learners take them.
[[exercises]]
# The directory under exercises/ and solutions/, which is also the cargo package name:
# lowercase ASCII letters, digits and `_`, starting with a letter.
name = "day01_hello"
# The day of the plan: days run 1, 2, 3... in list order.
day = 1
# A short human title.
title = "Hello: functions, strings and your first tests"
# Keywords for the list view and reports.
topics = ["functions", "String", "format!"]
# Progressive hints, from a nudge to a near-answer; `backlings hint` reveals one at a time.
hints = [
    "`format!` builds a `String` from a template: `format!(\"Hello, {{name}}!\")`.",
    "Check for the empty name first, with `name.is_empty()`, and return early.",
    "`greet_all` can map every name through `greeting` and `join(\"\\n\")` the results.",
]
# Optional: the per-test time limit in seconds, 1 to 600. 10 when left out.
# timeout_secs = 10
# Optional, with a reason: this day's starter code may pass some tests (an introductory day),
# so `backlings dev check` skips its "every test fails as shipped" rule.
# starter_may_pass = "the first day shows what a passing test looks like"
# For a day that builds a server (its crate has src/main.rs): how `backlings serve` runs it. Its
# port, requests to try with {{port}} where the port goes, and environment variables the service
# gets unless they are set ({{data}} is the day's data folder under .backlings/data/).
# serve = {{ port = 3001, try = ["curl -i http://127.0.0.1:{{port}}/"], env = {{ DB = "{{data}}/app.db" }} }}
"#
    )
}

pub fn readme(title: &str) -> String {
    format!(
        r#"# {title}

A course for [backlings](https://github.com/backlings/backlings): one small Rust project a day.

## Taking the course

```sh
backlings          # watch mode: save a file, see which tests pass
backlings list     # every day, and where you stand
backlings hint     # the next hint for the current day
```

Each day lives in `exercises/<day>/`: read its `README.md`, then make its tests pass.

## Writing the course

`solutions/<day>/` holds each day's solution, with a byte-for-byte copy of its tests.

```sh
backlings dev add day02_something --title "A title"   # a new day: exercise, solution, entry
backlings dev check                                   # every rule, every day
backlings dev check --no-build                        # the quick file checks only
```

`dev check` proves every exercise compiles and fails as shipped, every solution passes and is
clean under `cargo fmt` and `cargo clippy`, and the files and `info.toml` agree.
"#
    )
}

/// An exercise's or a solution's manifest; only the package name differs between the two.
pub fn day_manifest(name: &str, solution: bool) -> String {
    let package = if solution {
        format!("{name}_solution")
    } else {
        name.to_string()
    };
    format!(
        r#"[package]
name = "{package}"
version = "0.1.0"
edition = "2024"
publish = false

[lib]
name = "{name}"
doctest = false

[dependencies]

[dev-dependencies]
"#
    )
}

/// The files of a day: (path under the day's directory, contents) for exercise and solution.
pub struct DayFiles {
    pub exercise: Vec<(String, String)>,
    pub solution: Vec<(String, String)>,
}

impl DayFiles {
    fn new(name: &str, readme: String, starter: &str, solved: &str, test: (&str, String)) -> Self {
        let (test_file, test_text) = test;
        let test_path = format!("tests/{test_file}");
        DayFiles {
            exercise: vec![
                ("Cargo.toml".into(), day_manifest(name, false)),
                ("README.md".into(), readme),
                ("src/lib.rs".into(), starter.into()),
                (test_path.clone(), test_text.clone()),
            ],
            solution: vec![
                ("Cargo.toml".into(), day_manifest(name, true)),
                ("src/lib.rs".into(), solved.into()),
                (test_path, test_text),
            ],
        }
    }
}

/// The example day of a new course: it fails as shipped and its solution passes.
pub fn example_day() -> DayFiles {
    let name = "day01_hello";
    let readme = "# Day 1: Hello\n\n\
        Functions, `String` and `format!`, and how a day works: the tests in `tests/` describe\n\
        what to build, `src/lib.rs` is where you build it.\n\n\
        ## Your task\n\n\
        1. `greeting(name)` returns `Hello, <name>!`, or `Hello, stranger!` for an empty name.\n\
        2. `greet_all(names)` greets each name on its own line.\n\n\
        Read: [`format!`](https://doc.rust-lang.org/std/macro.format.html),\n\
        [`str::is_empty`](https://doc.rust-lang.org/std/primitive.str.html#method.is_empty).\n";
    let starter = r#"//! Day 1: greetings. The tests in `tests/greeting.rs` say what to build.

/// `Hello, <name>!`, or `Hello, stranger!` when `name` is empty.
pub fn greeting(name: &str) -> String {
    todo!("greet {name}")
}

/// One greeting per name, each on its own line; empty for no names.
pub fn greet_all(names: &[&str]) -> String {
    todo!("greet {} people", names.len())
}
"#;
    let solved = r#"//! Day 1: greetings. The tests in `tests/greeting.rs` say what to build.

/// `Hello, <name>!`, or `Hello, stranger!` when `name` is empty.
pub fn greeting(name: &str) -> String {
    if name.is_empty() {
        return "Hello, stranger!".to_string();
    }
    format!("Hello, {name}!")
}

/// One greeting per name, each on its own line; empty for no names.
pub fn greet_all(names: &[&str]) -> String {
    let greetings: Vec<String> = names.iter().copied().map(greeting).collect();
    greetings.join("\n")
}
"#;
    let test = r#"use day01_hello::{greet_all, greeting};

#[test]
fn greets_by_name() {
    assert_eq!(greeting("Ada"), "Hello, Ada!");
}

#[test]
fn greets_an_empty_name_as_a_stranger() {
    assert_eq!(greeting(""), "Hello, stranger!");
}

#[test]
fn greets_everyone_on_their_own_line() {
    assert_eq!(greet_all(&["Ada", "Linus"]), "Hello, Ada!\nHello, Linus!");
}

#[test]
fn greets_nobody_with_nothing() {
    assert_eq!(greet_all(&[]), "");
}

#[test]
fn keeps_strangers_among_friends() {
    assert_eq!(greet_all(&["", "Grace"]), "Hello, stranger!\nHello, Grace!");
}
"#;
    DayFiles::new(
        name,
        readme.into(),
        starter,
        solved,
        ("greeting.rs", test.into()),
    )
}

/// A new day's skeletons: compiling starter code with `todo!()`, one test the solution passes,
/// and `TODO` placeholders that `dev check` reports until they are written.
pub fn new_day(name: &str, day: usize, title: &str) -> DayFiles {
    let readme = format!(
        "# Day {day}: {title}\n\n\
         TODO: the lesson: what the learner builds today, the new ideas, links to the docs.\n\n\
         ## Your task\n\n\
         TODO: what to implement, in the order the tests check it.\n\n\
         ## Sources\n\n\
         - [The Rust standard library](https://doc.rust-lang.org/std/)\n"
    );
    let starter = "//! The learner's starting point: it compiles, and leaves the work to `todo!()`.\n\n\
        /// Replace with the day's public surface, documented for the learner.\n\
        pub fn answer() -> u32 {\n    todo!(\"the learner writes this\")\n}\n";
    let solved = "//! The solution: it passes every test in `tests/`.\n\n\
        /// Replace with the day's public surface, documented for the learner.\n\
        pub fn answer() -> u32 {\n    42\n}\n";
    let test = format!(
        "//! 5 to 12 tests over the public surface, each named for what it proves. The solution\n\
         //! has a byte-for-byte copy of this file.\n\n\
         use {name}::answer;\n\n\
         #[test]\n\
         fn answers_42() {{\n    assert_eq!(answer(), 42);\n}}\n"
    );
    DayFiles::new(name, readme, starter, solved, ("check.rs", test))
}

/// The `[[exercises]]` entry `dev add` appends, with `TODO` hints for `dev check` to flag.
pub fn info_entry(name: &str, day: usize, title: &str) -> String {
    let title = quoted(title);
    format!(
        r#"
[[exercises]]
name = "{name}"
day = {day}
title = {title}
topics = []
hints = [
    "TODO: a nudge: which function, type or idea to look at first.",
    "TODO: a closer hint: the shape of the solution.",
    "TODO: a near-answer: the key line or API call.",
]
"#
    )
}

/// `text` as a TOML string, quotes and escapes included.
fn quoted(text: &str) -> String {
    toml::Value::String(text.to_string()).to_string()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn keeps_the_profile_sections_and_their_comments_only() {
        let manifest = "[package]\nname = \"x\"\n\n# shared\n[workspace.dependencies]\na = \"1\"\n# (above)\n\n\
                        # Measured: faster.\n[profile.dev]\ndebug = \"line-tables-only\"\n\n\
                        # Hashing.\n[profile.dev.package.argon2]\nopt-level = 3\n\n[lints.rust]\nx = 1\n";
        assert_eq!(
            profile_sections(manifest),
            "# Measured: faster.\n[profile.dev]\ndebug = \"line-tables-only\"\n\n\
             # Hashing.\n[profile.dev.package.argon2]\nopt-level = 3\n"
        );
        assert_eq!(
            profile_sections("[package]\nname = \"x\"\n"),
            FALLBACK_PROFILE
        );
    }

    #[test]
    fn the_generated_manifests_and_info_parse() {
        let profile = profile_sections("");
        for text in [workspace_manifest(&profile), day_manifest("day01_a", true)] {
            text.parse::<toml::Table>().unwrap();
        }
        let info = format!("{}{}", info_toml("T"), info_entry("day02_b", 2, "B"));
        crate::course::validate::parse(&info).unwrap();
    }
}
