//! Rules on the manifests: the root workspace, each solution's against its exercise's, and
//! where dependencies come from.

use std::path::Path;

use toml::Table;

use crate::course::validate;
use crate::dev::listing::Day;
use crate::dev::subject::Subject;
use crate::dev::{Problem, manifest};
use crate::ui::text::{backticked, plural};

pub fn root_manifest(root: &Path, problems: &mut Vec<Problem>) -> Option<Table> {
    let text = std::fs::read_to_string(root.join("Cargo.toml"));
    let parsed = text.as_ref().map(|t| t.parse::<Table>());
    match parsed {
        Ok(Ok(table)) => return Some(table),
        Ok(Err(e)) => problems.push(Problem::new(
            "Cargo.toml",
            format!("does not parse: {}", e.message().trim()),
            "fix the TOML; `backlings dev new` writes a working one to compare with",
        )),
        Err(_) => problems.push(Problem::new(
            "Cargo.toml",
            "the course has no workspace manifest",
            "`backlings dev new` writes one: a `[workspace]` with the days as members",
        )),
    }
    None
}

pub fn workspace_has_every_day(subject: &Subject, problems: &mut Vec<Problem>) {
    let Some(workspace) = &subject.workspace else {
        return;
    };
    for dir in ["exercises", "solutions"] {
        let outside: Vec<&str> = subject
            .days
            .iter()
            .filter(|d| !manifest::is_member(workspace, &format!("{dir}/{}", d.name)))
            .map(|d| d.name.as_str())
            .collect();
        if outside.is_empty() {
            continue;
        }
        let text = subject.read("Cargo.toml").unwrap_or_default();
        problems.push(
            Problem::new(
                "Cargo.toml",
                format!(
                    "{} not a workspace member: {}",
                    plural(
                        outside.len(),
                        &format!("`{dir}/` day is"),
                        &format!("`{dir}/` days are")
                    ),
                    backticked(&outside)
                ),
                format!(
                    "add \"{dir}/*\" to `[workspace] members` (and take it out of `exclude`), so \
                     every day builds with one lock file and one target directory"
                ),
            )
            .at(manifest::line_of(&text, "members")),
        );
    }
}

/// The solution's manifest is the exercise's, but for the package name (`<day>_solution`) and
/// a `[lib] name` equal to the exercise's crate name, so the shared tests `use <day>::...`. A
/// day without a library (a capstone: a program graded from outside) needs no `[lib]`.
pub fn manifests_match(subject: &Subject, day: &Day, problems: &mut Vec<Problem>) {
    let exercise_path = format!("exercises/{}/Cargo.toml", day.name);
    let solution_path = format!("solutions/{}/Cargo.toml", day.name);
    let exercise = parsed_manifest(subject, &exercise_path, problems);
    let solution = parsed_manifest(subject, &solution_path, problems);
    if let Some(exercise) = &exercise {
        names_are_right(subject, &exercise_path, exercise, &day.name, problems);
    }
    let (Some(exercise), Some(solution)) = (exercise, solution) else {
        return;
    };
    let solution_name = format!("{}_solution", day.name);
    names_are_right(subject, &solution_path, &solution, &solution_name, problems);
    let text = subject.read(&solution_path).unwrap_or_default();
    let crate_name = manifest::crate_name(&exercise).unwrap_or_else(|| day.name.clone());
    let has_library = exercise.contains_key("lib")
        || subject
            .read(&format!("exercises/{}/src/lib.rs", day.name))
            .is_some();
    if has_library && manifest::crate_name(&solution).as_deref() != Some(crate_name.as_str()) {
        problems.push(
            Problem::new(
                &solution_path,
                format!("the library is not named `{crate_name}`, so the shared tests cannot `use {crate_name}::...`"),
                format!("set `[lib] name = \"{crate_name}\"`"),
            )
            .at(manifest::line_of(&text, "lib")),
        );
    }
    let differences = manifest::differences(&exercise, &solution);
    if !differences.is_empty() {
        let first = differences[0].rsplit('.').next().unwrap_or_default();
        problems.push(
            Problem::new(
                &solution_path,
                format!(
                    "differs from `{exercise_path}` at {}",
                    backticked(&differences)
                ),
                "make them identical: only the package name and `[lib] name` may differ",
            )
            .at(manifest::line_of(&text, first)),
        );
    }
}

fn parsed_manifest(subject: &Subject, path: &str, problems: &mut Vec<Problem>) -> Option<Table> {
    let text = subject.read(path)?;
    match text.parse::<Table>() {
        Ok(table) => Some(table),
        Err(e) => {
            let at = e.span().map(|s| validate::line_col(&text, s.start));
            problems.push(
                Problem::new(
                    path,
                    format!("does not parse: {}", e.message().trim()),
                    "fix the TOML",
                )
                .at(at),
            );
            None
        }
    }
}

fn names_are_right(
    subject: &Subject,
    path: &str,
    manifest: &Table,
    expected: &str,
    problems: &mut Vec<Problem>,
) {
    let name = manifest::package_name(manifest);
    if name == Some(expected) {
        return;
    }
    let text = subject.read(path).unwrap_or_default();
    problems.push(
        Problem::new(
            path,
            format!(
                "the package is named `{}`, not `{expected}`",
                name.unwrap_or("")
            ),
            format!(
                "set `name = \"{expected}\"` under `[package]`: backlings builds it by that name"
            ),
        )
        .at(manifest::line_of(&text, "name")),
    );
}

/// Every dependency is `{ workspace = true }` and listed in the root `[workspace.dependencies]`,
/// so all days share one build of each. The solution's manifest is held to the exercise's by
/// [`manifests_match`], so checking the exercise's covers both.
pub fn dependencies_come_from_the_workspace(
    subject: &Subject,
    day: &Day,
    problems: &mut Vec<Problem>,
) {
    let path = format!("exercises/{}/Cargo.toml", day.name);
    let (Some(workspace), Some(text)) = (&subject.workspace, subject.read(&path)) else {
        return;
    };
    let Ok(exercise) = text.parse::<Table>() else {
        return;
    };
    let shared = manifest::workspace_dependencies(workspace);
    let mut dependencies: Vec<_> = manifest::dependencies(&exercise)
        .into_iter()
        .map(|dep| (manifest::line_of(&text, dep.name), dep))
        .collect();
    dependencies.sort_by_key(|(at, _)| *at);
    for (at, dep) in dependencies {
        let problem = if !dep.is_inherited() {
            Problem::new(
                &path,
                format!(
                    "`[{}]` `{}` does not come from the workspace",
                    dep.table, dep.name
                ),
                format!(
                    "write `{} = {{ workspace = true }}` and list it in the root `[workspace.dependencies]`",
                    dep.name
                ),
            )
        } else if !shared.contains(&dep.name) {
            Problem::new(
                &path,
                format!(
                    "`{}` is not in the root `[workspace.dependencies]`",
                    dep.name
                ),
                "add it there (one line, sorted), or use a dependency the course already has",
            )
        } else {
            continue;
        };
        problems.push(problem.at(at));
    }
}
