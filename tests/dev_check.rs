//! `backlings dev check`, `dev new` and `dev add` on small courses in temp directories: a good
//! course from `dev new`, then one broken copy per rule, each naming the file to fix.
#![allow(
    clippy::unwrap_used,
    clippy::expect_used,
    reason = "helpers of a test crate: a panic is a failing test"
)]

mod common;

use common::{Course, Run};
use serde::Deserialize;

const DAY: &str = "day01_hello";
const EXERCISE_LIB: &str = "exercises/day01_hello/src/lib.rs";
const SOLUTION_LIB: &str = "solutions/day01_hello/src/lib.rs";
const EXERCISE_TEST: &str = "exercises/day01_hello/tests/greeting.rs";
const SOLUTION_TEST: &str = "solutions/day01_hello/tests/greeting.rs";
const SOLUTION_MANIFEST: &str = "solutions/day01_hello/Cargo.toml";
const EXERCISE_MANIFEST: &str = "exercises/day01_hello/Cargo.toml";

/// A fresh course from `dev new`: one day that passes every rule.
fn new_course() -> Course {
    let course = Course {
        dir: tempfile::tempdir().unwrap(),
    };
    course.run(&["dev", "new", "."]).expect_code(0);
    course
}

fn check(course: &Course) -> Run {
    course.run(&["dev", "check"])
}

fn check_files(course: &Course) -> Run {
    course.run(&["dev", "check", "--no-build"])
}

fn edit(course: &Course, file: &str, from: &str, to: &str) {
    let text = course.read(file);
    assert!(text.contains(from), "`{from}` is not in {file}:\n{text}");
    course.write(file, &text.replacen(from, to, 1));
}

/// Edits the exercise's and the solution's copy alike.
fn edit_both(course: &Course, kind_relative: &str, from: &str, to: &str) {
    for kind in ["exercises", "solutions"] {
        edit(course, &format!("{kind}/{DAY}/{kind_relative}"), from, to);
    }
}

/// The `error:` lines of a run that found problems (exit 1), after checking the count line.
fn errors(run: &Run) -> Vec<String> {
    run.expect_code(1);
    let stdout = run.stdout();
    let errors: Vec<String> = stdout
        .lines()
        .filter(|l| l.starts_with("error: "))
        .map(String::from)
        .collect();
    let count = if errors.len() == 1 {
        "1 problem".to_string()
    } else {
        format!("{} problems", errors.len())
    };
    let last = stdout.lines().last().unwrap_or_default();
    assert!(
        last.starts_with(&format!("dev check: {count} in ")),
        "{stdout}"
    );
    errors
}

/// Asserts exactly one problem, in `file` (`file:` or `file:line:col:`), whose text has `needle`.
fn only_problem(run: &Run, file: &str, needle: &str) -> String {
    let errors = errors(run);
    assert_eq!(errors.len(), 1, "{errors:#?}");
    let error = &errors[0];
    let located = error.starts_with(&format!("error: {file}:"));
    assert!(
        located && error.contains(needle),
        "expected `{file}` and `{needle}` in\n{error}"
    );
    error.clone()
}

#[test]
fn dev_new_writes_a_course_that_passes_dev_check() {
    let course = new_course();
    let run = check(&course);
    run.expect_code(0);
    assert_eq!(
        run.stdout(),
        "dev check: 1 day checked, no problems (every exercise fails as shipped, every solution \
         passes and is clean)\n"
    );
    let info = course.read("info.toml");
    for field in [
        "format_version",
        "title",
        "welcome",
        "final_message",
        "[[exercises]]",
        "name",
        "day",
        "topics",
        "hints",
        "timeout_secs",
        "starter_may_pass",
    ] {
        let commented = info.lines().zip(info.lines().skip(1)).any(|(above, line)| {
            above.starts_with('#') && line.trim_start_matches("# ").starts_with(field)
        });
        assert!(commented, "`{field}` has no comment above it:\n{info}");
    }
    let manifest = course.read("Cargo.toml");
    assert!(manifest.contains("members = [\"exercises/*\", \"solutions/*\"]"));
    assert!(manifest.contains("[profile.dev]\ndebug = \"line-tables-only\""));
    assert!(course.read(".gitignore").contains("/target"));
    assert!(course.read("README.md").contains("backlings dev check"));
}

#[test]
fn dev_new_refuses_a_directory_with_files_in_it() {
    let course = new_course();
    let run = course.run(&["dev", "new", "."]);
    run.expect_code(2);
    assert!(
        run.stderr().contains("already exists and is not empty"),
        "{}",
        run.stderr()
    );
}

#[test]
fn a_directory_without_info_toml_cannot_be_checked() {
    let dir = tempfile::tempdir().unwrap();
    let run = common::run_in(dir.path(), &["dev", "check", "."]);
    run.expect_code(2);
    assert!(
        run.stderr()
            .contains("has no `info.toml`, so it is not a course"),
        "{}",
        run.stderr()
    );
}

#[test]
fn info_toml_problems_keep_their_position() {
    let course = new_course();
    edit(&course, "info.toml", "day = 1", "day = 2");
    only_problem(
        &check_files(&course),
        "info.toml:20:7",
        "`day = 2` but is entry 1 of the list (days run 1..N in list order, so make it `day = 1`)",
    );
}

#[test]
fn info_toml_that_is_not_toml_is_the_only_problem_reported() {
    let course = new_course();
    edit(&course, "info.toml", "day = 1", "day = ");
    only_problem(
        &check(&course),
        "info.toml:20:7",
        "string values must be quoted",
    );
}

#[test]
fn every_unknown_or_mistyped_field_is_reported_in_one_check() {
    let course = new_course();
    edit(&course, "info.toml", "hints = [", "hint = [");
    edit(&course, "info.toml", "topics = [", "topic = [");
    edit(&course, "info.toml", "day = 1", "day = \"1\"");
    let errors = errors(&check_files(&course));
    assert!(errors.len() >= 3, "{errors:#?}");
    assert_eq!(
        errors[..3],
        [
            "error: info.toml:20:7: invalid type: string \"1\", expected u32 (CONTRIBUTING.md \
             documents every `info.toml` field)",
            "error: info.toml:24:1: unknown field `topic` (did you mean `topics`?)",
            "error: info.toml:26:1: unknown field `hint` (did you mean `hints`?)",
        ],
        "{errors:#?}"
    );
}

#[test]
fn a_day_without_hints() {
    let course = new_course();
    let info = course.read("info.toml");
    let start = info.find("hints = [").unwrap();
    let end = start + info[start..].find("]\n").unwrap() + 2;
    course.write("info.toml", &format!("{}{}", &info[..start], &info[end..]));
    only_problem(
        &check_files(&course),
        "info.toml:18:8",
        "`day01_hello` has no hints",
    );
}

#[test]
fn a_listed_day_without_its_solution() {
    let course = new_course();
    std::fs::remove_dir_all(course.file("solutions/day01_hello")).unwrap();
    only_problem(
        &check_files(&course),
        "solutions/day01_hello",
        "`solutions/day01_hello` does not exist",
    );
}

#[test]
fn an_unlisted_day() {
    let course = new_course();
    course.write("solutions/day09_stray/Cargo.toml", "");
    only_problem(
        &check_files(&course),
        "solutions/day09_stray",
        "`day09_stray` is not listed in `info.toml`",
    );
}

#[test]
fn an_exercise_without_a_lesson() {
    let course = new_course();
    std::fs::remove_file(course.file("exercises/day01_hello/README.md")).unwrap();
    only_problem(
        &check_files(&course),
        "exercises/day01_hello/README.md",
        "no lesson",
    );
}

#[test]
fn an_exercise_without_tests() {
    let course = new_course();
    let text = course.read(EXERCISE_TEST).replace("#[test]", "");
    for file in [EXERCISE_TEST, SOLUTION_TEST] {
        course.write(file, &text);
    }
    only_problem(
        &check_files(&course),
        "exercises/day01_hello/tests",
        "the day has no test",
    );
}

#[test]
fn a_solution_with_changed_tests() {
    let course = new_course();
    edit(&course, SOLUTION_TEST, "\"Hello, Ada!\"", "\"Hello, Ada\"");
    only_problem(
        &check_files(&course),
        SOLUTION_TEST,
        "differs from `exercises/day01_hello/tests/greeting.rs`",
    );
}

#[test]
fn a_solution_manifest_that_differs_beyond_its_name() {
    let course = new_course();
    edit(
        &course,
        SOLUTION_MANIFEST,
        "doctest = false",
        "doctest = true",
    );
    only_problem(
        &check_files(&course),
        &format!("{SOLUTION_MANIFEST}:9:1"),
        "at `lib.doctest`",
    );
    let course = new_course();
    edit(
        &course,
        SOLUTION_MANIFEST,
        "name = \"day01_hello_solution\"",
        "name = \"day01_hello_solved\"",
    );
    only_problem(
        &check_files(&course),
        &format!("{SOLUTION_MANIFEST}:2:1"),
        "named `day01_hello_solved`, not `day01_hello_solution`",
    );
}

#[test]
fn a_program_only_day_needs_no_library_name() {
    // A capstone is a program graded from outside: no `src/lib.rs`, no `[lib]`.
    let course = new_course();
    for kind in ["exercises", "solutions"] {
        let manifest = format!("{kind}/{DAY}/Cargo.toml");
        let text = course.read(&manifest);
        let without_lib = text.replace("[lib]\nname = \"day01_hello\"\ndoctest = false\n\n", "");
        assert_ne!(text, without_lib);
        course.write(&manifest, &without_lib);
        std::fs::remove_file(course.file(&format!("{kind}/{DAY}/src/lib.rs"))).unwrap();
        course.write(&format!("{kind}/{DAY}/src/main.rs"), "fn main() {}\n");
    }
    let run = check_files(&course);
    assert!(
        !run.stdout().contains("the library is not named"),
        "{}",
        run.stdout()
    );
    // With a library, the name still matters.
    let course = new_course();
    edit(&course, SOLUTION_MANIFEST, "name = \"day01_hello\"\n", "");
    only_problem(
        &check_files(&course),
        SOLUTION_MANIFEST,
        "the library is not named `day01_hello`",
    );
}

#[test]
fn dependencies_not_from_the_workspace() {
    let course = new_course();
    edit_both(
        &course,
        "Cargo.toml",
        "[dependencies]\n",
        "[dependencies]\nrand = \"0.8\"\nhex = { workspace = true }\n",
    );
    let errors = errors(&check_files(&course));
    let at = |line| format!("error: {EXERCISE_MANIFEST}:{line}:1: ");
    assert_eq!(errors.len(), 2, "{errors:#?}");
    assert!(
        errors[0].starts_with(&at(12))
            && errors[0].contains("`rand` does not come from the workspace"),
        "{errors:#?}"
    );
    assert!(
        errors[1].starts_with(&at(13))
            && errors[1].contains("`hex` is not in the root `[workspace.dependencies]`"),
        "{errors:#?}"
    );
}

#[test]
fn solutions_outside_the_workspace() {
    let course = new_course();
    edit(
        &course,
        "Cargo.toml",
        "members = [\"exercises/*\", \"solutions/*\"]",
        "members = [\"exercises/*\"]",
    );
    only_problem(
        &check_files(&course),
        "Cargo.toml:5:1",
        "1 `solutions/` day is not a workspace member: `day01_hello`",
    );
}

#[test]
fn an_exercise_that_passes_as_shipped_unless_the_day_opts_out() {
    let course = new_course();
    course.write(EXERCISE_LIB, &course.read(SOLUTION_LIB));
    only_problem(
        &check(&course),
        "exercises/day01_hello",
        "all 5 tests pass as shipped: `greets_an_empty_name_as_a_stranger`",
    );
    edit(
        &course,
        "info.toml",
        "# starter_may_pass = ",
        "starter_may_pass = ",
    );
    check(&course).expect_code(0);
}

#[test]
fn a_support_crate_whose_own_tests_fail() {
    let course = new_course();
    edit(
        &course,
        "Cargo.toml",
        "members = [\"exercises/*\", \"solutions/*\"]",
        "members = [\"exercises/*\", \"solutions/*\", \"support\"]",
    );
    course.write(
        "support/Cargo.toml",
        "[package]\nname = \"backlings_support\"\nversion = \"0.1.0\"\nedition = \"2024\"\n\n\
         [features]\npostgres = []\n",
    );
    course.write(
        "support/src/lib.rs",
        "//! Test helpers.\n\n#[cfg(test)]\nmod tests {\n    #[test]\n    fn holds() {}\n\n    \
         #[cfg(feature = \"postgres\")]\n    #[test]\n    fn with_every_feature() {\n        \
         panic!(\"broken\");\n    }\n}\n",
    );
    only_problem(
        &check(&course),
        "support/Cargo.toml",
        "the support crate's tests fail (failing: tests::with_every_feature)",
    );
    let lib = course.read("support/src/lib.rs");
    course.write(
        "support/src/lib.rs",
        &lib.replace("panic!(\"broken\");", ""),
    );
    check(&course).expect_code(0);
}

#[test]
fn an_exercise_that_does_not_compile() {
    let course = new_course();
    edit(
        &course,
        EXERCISE_LIB,
        "todo!(\"greet {name}\")",
        "name.len()",
    );
    let error = only_problem(
        &check(&course),
        &format!("{EXERCISE_LIB}:5:5"),
        "`exercises/day01_hello` does not compile as shipped",
    );
    assert!(error.contains("(starter code must compile"), "{error}");
}

#[test]
fn a_solution_that_fails_a_test() {
    let course = new_course();
    edit(
        &course,
        SOLUTION_LIB,
        "\"Hello, stranger!\"",
        "\"Hi, stranger!\"",
    );
    let errors = errors(&check(&course));
    assert_eq!(errors.len(), 2, "{errors:#?}");
    for (error, test) in errors.iter().zip([
        "greets_an_empty_name_as_a_stranger",
        "keeps_strangers_among_friends",
    ]) {
        assert!(
            error.starts_with(&format!("error: {SOLUTION_TEST}:")),
            "{error}"
        );
        assert!(
            error.contains(&format!(
                "test `{test}` fails with the solution of `day01_hello`"
            )),
            "{error}"
        );
    }
}

#[test]
fn an_unformatted_solution() {
    let course = new_course();
    edit(
        &course,
        SOLUTION_LIB,
        "    format!(\"Hello, {name}!\")",
        "    format!(  \"Hello, {name}!\"  )",
    );
    only_problem(
        &check(&course),
        SOLUTION_LIB,
        "is not formatted as `cargo fmt` would (run `cargo fmt -p day01_hello_solution`)",
    );
}

#[test]
fn a_solution_with_a_clippy_warning() {
    let course = new_course();
    edit(
        &course,
        SOLUTION_LIB,
        "    format!(\"Hello, {name}!\")\n",
        "    return format!(\"Hello, {name}!\");\n",
    );
    only_problem(
        &check(&course),
        &format!("{SOLUTION_LIB}:8:5"),
        "[clippy::needless_return]",
    );
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct Report {
    course: String,
    days: usize,
    built: bool,
    problems: Vec<Problem>,
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct Problem {
    file: String,
    line: Option<usize>,
    column: Option<usize>,
    message: String,
    fix: String,
}

#[test]
fn several_problems_are_all_reported_at_once() {
    let course = new_course();
    course.write("exercises/notes.txt", "stray");
    std::fs::remove_file(course.file("exercises/day01_hello/README.md")).unwrap();
    edit(
        &course,
        "info.toml",
        "title = \"Hello:",
        "title = \"TODO Hello:",
    );
    course.write(EXERCISE_LIB, &course.read(SOLUTION_LIB));
    edit(
        &course,
        SOLUTION_LIB,
        "    format!(\"Hello, {name}!\")\n",
        "    return format!(\"Hello, {name}!\");\n",
    );
    let run = check(&course);
    let errors = errors(&run);
    let files: Vec<&str> = errors
        .iter()
        .map(|e| e["error: ".len()..].split(':').next().unwrap())
        .collect();
    assert_eq!(
        files,
        [
            "info.toml",
            "exercises/notes.txt",
            "exercises/day01_hello/README.md",
            "exercises/day01_hello",
            SOLUTION_LIB
        ],
        "{errors:#?}"
    );
    assert!(
        run.stdout().ends_with("dev check: 5 problems in 1 day\n"),
        "{}",
        run.stdout()
    );

    let run = course.run(&["dev", "check", "--json", "--no-build"]);
    run.expect_code(1);
    let report: Report = serde_json::from_str(&run.stdout()).unwrap();
    assert!(!report.built && report.days == 1 && !report.course.is_empty());
    let found: Vec<(&str, Option<usize>, Option<usize>)> = report
        .problems
        .iter()
        .map(|p| (p.file.as_str(), p.line, p.column))
        .collect();
    assert_eq!(
        found,
        [
            ("info.toml", Some(22), Some(9)),
            ("exercises/notes.txt", None, None),
            ("exercises/day01_hello/README.md", None, None)
        ]
    );
    assert!(
        report
            .problems
            .iter()
            .all(|p| !p.message.is_empty() && !p.fix.is_empty())
    );
}

#[test]
fn dev_add_flags_its_placeholders_and_its_day_fails_as_shipped() {
    let course = new_course();
    let run = course.run(&["dev", "add", "day02_next"]);
    run.expect_code(0);
    assert!(
        run.stdout().contains("Added day 2 `day02_next`"),
        "{}",
        run.stdout()
    );
    let errors = errors(&check(&course));
    let info = |line: usize, what: &str| {
        format!(
            "error: info.toml:{line}:{}: exercise `day02_next` still has a placeholder {what} (replace the `TODO` {what} with a real one)",
            if what == "title" { 9 } else { 5 }
        )
    };
    assert_eq!(
        errors,
        [
            info(44, "title"),
            info(47, "hint"),
            info(48, "hint"),
            info(49, "hint"),
            "error: exercises/day02_next/README.md:3:1: the lesson still has a `TODO` placeholder (write that part)".to_string(),
        ]
    );
    // Written, the day passes every rule: its skeleton fails as shipped and its solution passes.
    let info = course.read("info.toml").replace("TODO: ", "");
    course.write("info.toml", &info);
    let readme = course
        .read("exercises/day02_next/README.md")
        .replace("TODO: ", "");
    course.write("exercises/day02_next/README.md", &readme);
    check(&course).expect_code(0);
}

#[test]
fn dev_add_refuses_a_name_in_use_or_malformed() {
    let course = new_course();
    for (name, message) in [
        (
            "day01_hello",
            "`day01_hello` is already a day of this course",
        ),
        ("Day-2", "`Day-2` is not a valid day name"),
    ] {
        let run = course.run(&["dev", "add", name]);
        run.expect_code(2);
        assert!(run.stderr().contains(message), "{}", run.stderr());
    }
    check_files(&course).expect_code(0);
}

#[test]
fn a_lesson_without_a_link_to_its_sources() {
    let course = new_course();
    course.write(
        "exercises/day01_hello/README.md",
        "# Day 1: Hello\n\nRead the docs of `format!`.\n",
    );
    only_problem(
        &check_files(&course),
        "exercises/day01_hello/README.md",
        "the lesson links to no source",
    );
}

#[test]
fn a_lesson_with_a_relative_or_broken_link_names_its_place() {
    let course = new_course();
    let readme = course.read("exercises/day01_hello/README.md");
    course.write(
        "exercises/day01_hello/README.md",
        &format!("{readme}\nSee [the tests](tests/greeting.rs) and [this](http://example.com/).\n"),
    );
    let errors = errors(&check_files(&course));
    let line = readme.lines().count() + 2;
    assert_eq!(
        errors,
        [
            format!(
                "error: exercises/day01_hello/README.md:{line}:17: the link `tests/greeting.rs` is relative (use an absolute https:// link: a lesson is read in editors, on GitHub and in the terminal, where relative paths differ)"
            ),
            format!(
                "error: exercises/day01_hello/README.md:{line}:47: the link `http://example.com/` is not https (link the https:// address of the page)"
            ),
        ]
    );
}

/// A `main.rs`, formatted as rustfmt would, that serves `PORT` (or, with `listen` false,
/// never listens).
fn program(listen: bool) -> String {
    let serve = if listen {
        "    let listener = std::net::TcpListener::bind((\"127.0.0.1\", port)).unwrap();\n    \
         for stream in listener.incoming() {\n        drop(stream);\n    }\n"
    } else {
        "    println!(\"not listening on {port}\");\n    \
         std::thread::sleep(std::time::Duration::from_secs(600));\n"
    };
    format!(
        "fn main() {{\n    let port: u16 = std::env::var(\"PORT\").unwrap().parse().unwrap();\n{serve}}}\n"
    )
}

fn declare_serve(course: &Course) {
    edit(
        course,
        "info.toml",
        "# timeout_secs = 10",
        "serve = { port = 3001, try = [\"curl -i http://127.0.0.1:{port}/\"] }",
    );
}

#[test]
fn a_program_without_a_serve_entry_and_a_serve_entry_without_a_program() {
    let course = new_course();
    course.write("exercises/day01_hello/src/main.rs", &program(true));
    only_problem(
        &check_files(&course),
        "info.toml",
        "`day01_hello` has a program (src/main.rs) but no `serve` entry",
    );
    std::fs::remove_file(course.file("exercises/day01_hello/src/main.rs")).unwrap();
    declare_serve(&course);
    let errors = errors(&check_files(&course));
    assert_eq!(errors.len(), 2, "{errors:#?}");
    for kind in ["exercises", "solutions"] {
        assert!(
            errors.iter().any(|e| e.starts_with(&format!(
                "error: {kind}/day01_hello/src/main.rs: `day01_hello` declares `serve` but has no program"
            ))),
            "{errors:#?}"
        );
    }
}

#[test]
fn a_solution_that_does_not_listen_is_reported_and_one_that_does_passes() {
    let course = new_course();
    declare_serve(&course);
    course.write("exercises/day01_hello/src/main.rs", &program(true));
    course.write("solutions/day01_hello/src/main.rs", &program(false));
    let run = check(&course);
    only_problem(
        &run,
        "solutions/day01_hello/src/main.rs",
        "does not listen on the port in `PORT`",
    );
    course.write("solutions/day01_hello/src/main.rs", &program(true));
    check(&course).expect_code(0);
}
