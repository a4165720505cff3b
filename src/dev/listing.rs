//! A lenient read of `info.toml` for the contributor checks: only the fields they need, with
//! positions, so the file checks still run when the strict validation finds problems.

use std::collections::HashSet;
use std::time::Duration;

use serde::Deserialize;
use toml::Spanned;

use super::Pos;
use crate::course::DEFAULT_TIMEOUT;
use crate::course::validate::{is_valid_name, line_col};

#[derive(Deserialize)]
struct RawListing {
    #[serde(default)]
    exercises: Vec<RawDay>,
}

/// Unknown and mistyped fields are the strict validation's business, so they are not errors
/// here: every field is optional or loosely typed.
#[derive(Deserialize)]
struct RawDay {
    name: Spanned<String>,
    title: Option<Spanned<toml::Value>>,
    hints: Option<Spanned<Vec<Spanned<toml::Value>>>>,
    starter_may_pass: Option<toml::Value>,
    timeout_secs: Option<toml::Value>,
    serve: Option<toml::Value>,
    database: Option<toml::Value>,
}

/// One listed day, as far as the checks need it.
#[derive(Debug, Clone)]
pub struct Day {
    pub name: String,
    pub at: Pos,
    pub title: Option<(String, Pos)>,
    /// Each hint with its position; `None` when the entry has no `hints` at all.
    pub hints: Option<Vec<(String, Pos)>>,
    pub starter_may_pass: bool,
    pub timeout: Duration,
    /// The day declares a service (`serve`), with this port when it is a valid one.
    pub serve: Option<Option<u16>>,
    /// The day runs on PostgreSQL (`database = "postgres"`).
    pub postgres: bool,
}

/// The days whose names are well formed and not repeated (the strict validation reports the
/// others), in list order. `None` when the file is not TOML at all.
pub fn read(text: &str) -> Option<Vec<Day>> {
    let raw: RawListing = toml::from_str(text).ok()?;
    let mut seen = HashSet::new();
    let days = raw
        .exercises
        .into_iter()
        .filter(|d| is_valid_name(d.name.get_ref()) && seen.insert(d.name.get_ref().clone()))
        .map(|d| day(d, text))
        .collect();
    Some(days)
}

fn day(raw: RawDay, text: &str) -> Day {
    let pos = |offset: usize| line_col(text, offset);
    let string = |v: &Spanned<toml::Value>| {
        let s = v.get_ref().as_str().unwrap_or_default().to_string();
        (s, pos(v.span().start))
    };
    let timeout = raw
        .timeout_secs
        .and_then(|v| v.as_integer())
        .and_then(|secs| u64::try_from(secs).ok())
        .filter(|secs| (1..=600).contains(secs))
        .map_or(DEFAULT_TIMEOUT, Duration::from_secs);
    Day {
        at: pos(raw.name.span().start),
        name: raw.name.into_inner(),
        title: raw.title.as_ref().map(string),
        hints: raw.hints.map(|h| h.get_ref().iter().map(string).collect()),
        starter_may_pass: raw.starter_may_pass.is_some(),
        timeout,
        postgres: raw
            .database
            .and_then(|v| v.as_str().map(str::to_string))
            .as_deref()
            == Some(crate::course::Database::POSTGRES),
        serve: raw.serve.map(|serve| {
            serve
                .get("port")
                .and_then(toml::Value::as_integer)
                .and_then(|port| u16::try_from(port).ok())
        }),
    }
}
