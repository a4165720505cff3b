//! The validated course: what every other part of backlings reads.

use std::path::PathBuf;
use std::time::Duration;

use anyhow::{Context, Result, bail};

/// The format version this runner reads and writes.
pub const FORMAT_VERSION: u32 = 1;
/// Per-test time limit when `info.toml` does not set one.
pub const DEFAULT_TIMEOUT: Duration = Duration::from_secs(10);

/// A validated course rooted at a directory.
#[derive(Debug, Clone)]
pub struct Course {
    pub root: PathBuf,
    pub title: String,
    pub welcome: String,
    pub final_message: String,
    pub exercises: Vec<Exercise>,
}

/// One day of the course.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Exercise {
    pub name: String,
    pub day: u32,
    pub title: String,
    pub topics: Vec<String>,
    pub hints: Vec<String>,
    pub timeout: Duration,
    pub starter_may_pass: Option<String>,
    /// How `backlings serve` runs the day, for a day that builds a server.
    pub serve: Option<Serve>,
    /// The database server the day needs, if any.
    pub database: Option<Database>,
}

/// A database server a day needs, provided by backlings (see `runner::postgres`).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Database {
    Postgres,
}

impl Database {
    /// The value in `info.toml`.
    pub const POSTGRES: &str = "postgres";
}

/// How a day's service is run by `backlings serve`.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Serve {
    pub port: u16,
    /// Command lines to try, with `{port}` where the port goes.
    pub examples: Vec<String>,
    /// Environment the service gets unless already set, with `{data}` and `{port}` to fill.
    pub env: Vec<(String, String)>,
}

impl Serve {
    /// The service's environment for `port` and data folder `data`: each variable of `env`
    /// that `is_set` does not claim, filled in.
    pub fn env_for(
        &self,
        port: u16,
        data: &std::path::Path,
        is_set: impl Fn(&str) -> bool,
    ) -> Vec<(String, String)> {
        self.env
            .iter()
            .filter(|(name, _)| !is_set(name))
            .map(|(name, value)| {
                let value = value
                    .replace("{port}", &port.to_string())
                    .replace("{data}", &data.display().to_string());
                (name.clone(), value)
            })
            .collect()
    }

    /// The examples with `port` filled in.
    pub fn examples_on(&self, port: u16) -> Vec<String> {
        self.examples
            .iter()
            .map(|e| e.replace("{port}", &port.to_string()))
            .collect()
    }
}

impl Course {
    pub fn exercise_dir(&self, exercise: &Exercise) -> PathBuf {
        self.root.join("exercises").join(&exercise.name)
    }

    pub fn solution_dir(&self, exercise: &Exercise) -> PathBuf {
        self.root.join("solutions").join(&exercise.name)
    }

    /// Finds an exercise by name or day number; the error suggests the closest name.
    pub fn find(&self, query: &str) -> Result<&Exercise> {
        if let Ok(day) = query.parse::<u32>() {
            return self
                .exercises
                .iter()
                .find(|e| e.day == day)
                .with_context(|| {
                    format!(
                        "there is no day {day}: this course has days 1 to {}",
                        self.exercises.len()
                    )
                });
        }
        if let Some(found) = self.exercises.iter().find(|e| e.name == query) {
            return Ok(found);
        }
        let names = self.exercises.iter().map(|e| e.name.as_str());
        match crate::suggest::closest(query, names) {
            Some(near) => bail!("there is no exercise `{query}`: did you mean `{near}`?"),
            None => bail!("there is no exercise `{query}`: `backlings list` shows them all"),
        }
    }

    pub fn index_of(&self, name: &str) -> Option<usize> {
        self.exercises.iter().position(|e| e.name == name)
    }
}

#[cfg(test)]
impl Course {
    /// A course of days named `names` (day 1, 2, ...) rooted at `/`, for unit tests.
    pub fn with_days(names: &[&str]) -> Course {
        let exercises = names
            .iter()
            .zip(1..)
            .map(|(name, day)| Exercise {
                name: name.to_string(),
                day,
                title: name.to_string(),
                topics: vec![],
                hints: vec!["h".into()],
                timeout: DEFAULT_TIMEOUT,
                starter_may_pass: None,
                serve: None,
                database: None,
            })
            .collect();
        Course {
            root: "/".into(),
            title: "T".into(),
            welcome: String::new(),
            final_message: String::new(),
            exercises,
        }
    }
}
