//! Rules on the files of each day: they exist, nothing else does, each exercise has a lesson
//! and tests, and the solution's tests are the exercise's.

use std::path::{Path, PathBuf};

use super::info::is_placeholder;
use crate::course::INFO_FILE;
use crate::dev::Problem;
use crate::dev::listing::Day;
use crate::dev::subject::Subject;

pub fn listed_days_exist(subject: &Subject, problems: &mut Vec<Problem>) {
    for day in &subject.days {
        for dir in ["exercises", "solutions"] {
            let path = format!("{dir}/{}", day.name);
            if subject.root.join(&path).join("Cargo.toml").is_file() {
                continue;
            }
            let what = if subject.root.join(&path).is_dir() {
                "has no `Cargo.toml`"
            } else {
                "does not exist"
            };
            problems.push(Problem::new(
                &path,
                format!(
                    "`{}` is listed in `{INFO_FILE}` but `{path}` {what}",
                    day.name
                ),
                "create it (`backlings dev add` writes both skeletons) or remove the entry",
            ));
        }
    }
}

pub fn nothing_unlisted(subject: &Subject, problems: &mut Vec<Problem>) {
    for dir in ["exercises", "solutions"] {
        for name in entries(&subject.root.join(dir)) {
            if subject.days.iter().any(|d| d.name == name) {
                continue;
            }
            problems.push(Problem::new(
                format!("{dir}/{name}"),
                format!("`{name}` is not listed in `{INFO_FILE}`"),
                "add an `[[exercises]]` entry for it, or delete it",
            ));
        }
    }
}

/// Names in `dir`, leaving out hidden files; none when it does not exist.
fn entries(dir: &Path) -> Vec<String> {
    let Ok(read) = std::fs::read_dir(dir) else {
        return Vec::new();
    };
    let mut names: Vec<String> = read
        .flatten()
        .map(|e| e.file_name().to_string_lossy().into_owned())
        .filter(|name| !name.starts_with('.'))
        .collect();
    names.sort();
    names
}

pub fn exercise_has_a_lesson(subject: &Subject, day: &Day, problems: &mut Vec<Problem>) {
    let path = format!("exercises/{}/README.md", day.name);
    let Some(text) = subject.read(&path) else {
        if subject.root.join("exercises").join(&day.name).is_dir() {
            problems.push(Problem::new(
                &path,
                "the day has no lesson",
                "write a README.md: what the learner builds, the new ideas, links to the docs",
            ));
        }
        return;
    };
    if text.trim().is_empty() {
        problems.push(Problem::new(
            &path,
            "the lesson is empty",
            "write the lesson",
        ));
    }
    let placeholder = text
        .lines()
        .position(|line| is_placeholder(line.trim_start_matches(['#', '-', '*', ' '])));
    if let Some(index) = placeholder {
        problems.push(
            Problem::new(
                &path,
                "the lesson still has a `TODO` placeholder",
                "write that part",
            )
            .at(Some((index + 1, 1))),
        );
    }
}

pub fn exercise_has_tests(subject: &Subject, day: &Day, problems: &mut Vec<Problem>) {
    let dir = subject.root.join("exercises").join(&day.name);
    if !dir.is_dir() {
        return;
    }
    let has_test = rust_files(&dir.join("tests"))
        .iter()
        .filter_map(|file| std::fs::read_to_string(file).ok())
        .any(|text| has_test_attribute(&text));
    if !has_test {
        problems.push(Problem::new(
            format!("exercises/{}/tests", day.name),
            "the day has no test",
            "add a test file under `tests/` with 5 to 12 `#[test]`s over the public surface",
        ));
    }
}

fn has_test_attribute(text: &str) -> bool {
    text.lines().map(str::trim_start).any(|line| {
        line.starts_with("#[test]") || (line.starts_with("#[") && line.contains("::test"))
    })
}

/// The `.rs` files under `dir`, recursively, sorted.
fn rust_files(dir: &Path) -> Vec<PathBuf> {
    files(dir)
        .into_iter()
        .filter(|f| f.extension().is_some_and(|e| e == "rs"))
        .collect()
}

/// Every file under `dir`, recursively, sorted; hidden files left out.
fn files(dir: &Path) -> Vec<PathBuf> {
    let mut found = Vec::new();
    for name in entries(dir) {
        let path = dir.join(name);
        if path.is_dir() {
            found.extend(files(&path));
        } else {
            found.push(path);
        }
    }
    found
}

/// A solution may not pass by changing its tests: `solutions/<day>/tests` is a byte-for-byte copy.
pub fn solution_tests_are_identical(subject: &Subject, day: &Day, problems: &mut Vec<Problem>) {
    let exercise = subject.root.join("exercises").join(&day.name);
    let solution = subject.root.join("solutions").join(&day.name);
    if !exercise.is_dir() || !solution.is_dir() {
        return;
    }
    let relative = |base: &Path, files: Vec<PathBuf>| -> Vec<String> {
        let base = base.join("tests");
        let strip = |f: &PathBuf| {
            f.strip_prefix(&base)
                .map(|r| r.to_string_lossy().replace('\\', "/"))
        };
        files.iter().filter_map(|f| strip(f).ok()).collect()
    };
    let shipped = relative(&exercise, files(&exercise.join("tests")));
    let solved = relative(&solution, files(&solution.join("tests")));
    for file in &shipped {
        let theirs = format!("solutions/{}/tests/{file}", day.name);
        let ours = format!("exercises/{}/tests/{file}", day.name);
        let (a, b) = (subject.root.join(&ours), subject.root.join(&theirs));
        if !solved.contains(file) {
            problems.push(Problem::new(
                &theirs,
                "is missing",
                format!("copy `{ours}` there"),
            ));
        } else if std::fs::read(&a).ok() != std::fs::read(&b).ok() {
            problems.push(Problem::new(
                &theirs,
                format!("differs from `{ours}`: a solution must pass the tests as shipped"),
                format!("make them identical: `cp {ours} {theirs}`"),
            ));
        }
    }
    for file in solved.iter().filter(|f| !shipped.contains(f)) {
        problems.push(Problem::new(
            format!("solutions/{}/tests/{file}", day.name),
            "is not in the exercise: the learner would never run it",
            format!(
                "move it to `exercises/{}/tests/` too, or delete it",
                day.name
            ),
        ));
    }
}

/// A day that declares a service has a program in both copies, and a day with a program
/// declares its service, so `backlings serve` can run every server the course has.
pub fn servable_days_have_a_program(subject: &Subject, day: &Day, problems: &mut Vec<Problem>) {
    let has_main = |kind: &str| {
        subject
            .root
            .join(kind)
            .join(&day.name)
            .join("src/main.rs")
            .is_file()
    };
    match day.serve {
        Some(_) => {
            for kind in ["exercises", "solutions"] {
                let dir = subject.root.join(kind).join(&day.name);
                if dir.is_dir() && !has_main(kind) {
                    problems.push(Problem::new(
                        format!("{kind}/{}/src/main.rs", day.name),
                        format!("`{}` declares `serve` but has no program", day.name),
                        "write src/main.rs: the service on the port in `PORT` (or `--port`), \
                         logging to stdout, stopping on SIGTERM",
                    ));
                }
            }
        }
        None if has_main("exercises") => problems.push(
            Problem::new(
                crate::course::INFO_FILE,
                format!(
                    "`{}` has a program (src/main.rs) but no `serve` entry",
                    day.name
                ),
                "add `serve = { port = ..., try = [\"curl -i http://127.0.0.1:{port}/...\"] }` \
                 to its entry, so `backlings serve` can run it",
            )
            .at(Some(day.at)),
        ),
        None => {}
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn recognises_test_attributes() {
        for (text, expected) in [
            ("#[test]\nfn a() {}", true),
            ("    #[tokio::test]\n    async fn a() {}", true),
            ("#[tokio::test(flavor = \"multi_thread\")]", true),
            ("// #[test] is how you write one", false),
            ("fn test() {}", false),
        ] {
            assert_eq!(has_test_attribute(text), expected, "{text}");
        }
    }
}
