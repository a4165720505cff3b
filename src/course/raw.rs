//! A serde mirror of `info.toml`, field for field. Nothing here is validated: see `validate.rs`.

use serde::Deserialize;
use toml::Spanned;

/// The whole `info.toml` file.
#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct RawCourse {
    /// The version of this file format. backlings reads version 1.
    pub format_version: Spanned<u32>,
    /// The course's title, shown at the top of `list` and in reports.
    pub title: String,
    /// Shown once, the first time a learner starts the course.
    #[serde(default)]
    pub welcome: String,
    /// Shown when every exercise passes.
    #[serde(default)]
    pub final_message: String,
    /// The exercises in the order learners take them.
    #[serde(default)]
    pub exercises: Vec<RawExercise>,
}

/// One `[[exercises]]` entry.
#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct RawExercise {
    /// The directory name under `exercises/` (and `solutions/`), which is also the cargo package
    /// name: lowercase ASCII letters, digits and `_`, starting with a letter, e.g. `day05_axum`.
    pub name: Spanned<String>,
    /// The day of the plan, 1 for the first; days run 1..N in the order of the list.
    pub day: Spanned<u32>,
    /// A short human title, e.g. "Axum: handlers, extractors, shared state".
    pub title: String,
    /// Keywords for the list view and reports.
    #[serde(default)]
    pub topics: Vec<String>,
    /// Progressive hints, from a nudge to a near-answer, revealed one at a time.
    pub hints: Option<Spanned<Vec<String>>>,
    /// Per-test time limit in seconds; 10 when absent.
    pub timeout_secs: Option<Spanned<u64>>,
    /// Set, with the reason, for a day whose starter code is allowed to pass some tests
    /// (an introductory day); contributors' checks skip the "every test fails as shipped" rule.
    pub starter_may_pass: Option<String>,
    /// For a day that builds a server (its crate has `src/main.rs`): how `backlings serve`
    /// runs it, e.g. `serve = { port = 3005, try = ["curl -i http://127.0.0.1:{port}/health"] }`.
    pub serve: Option<Spanned<RawServe>>,
    /// `"postgres"` for a day whose tests and program need a PostgreSQL server: backlings
    /// provides one through `DATABASE_URL` (the learner's own, or a private cluster it starts).
    /// Absent for every other day (SQLite is embedded and needs nothing).
    pub database: Option<Spanned<String>>,
}

/// An exercise's `serve` table.
#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct RawServe {
    /// The port the day's service listens on unless `serve --port` says otherwise (1024-65535;
    /// one port per day, so several days can run side by side).
    pub port: Spanned<u16>,
    /// Two or three requests for the learner to try, as command lines to paste, with `{port}`
    /// where the port goes (`curl -i http://127.0.0.1:{port}/todos`).
    #[serde(default, rename = "try")]
    pub examples: Vec<Spanned<String>>,
    /// Environment variables the service gets unless the learner's environment sets them,
    /// e.g. `env = { DATABASE_URL = "sqlite://{data}/app.db" }`; `{data}` is the day's data
    /// folder (`.backlings/data/DAY`), `{port}` its port.
    #[serde(default)]
    pub env: std::collections::BTreeMap<String, String>,
}
