//! `backlings dev add NAME`: a new last day, with skeletons that compile, fail as shipped and
//! pass when solved, and `TODO` placeholders that `dev check` reports until they are written.

use std::io::Write;
use std::path::Path;

use anyhow::{Context, Result, bail};

use super::{listing, new, template};
use crate::course::INFO_FILE;
use crate::course::validate::is_valid_name;

/// What `add` wrote, for the command to tell.
pub struct Added {
    pub day: usize,
    pub exercise: String,
    pub solution: String,
}

/// Adds day `name` at the end of the course at `root`.
pub fn add(root: &Path, name: &str, title: Option<&str>) -> Result<Added> {
    if !is_valid_name(name) {
        bail!(
            "`{name}` is not a valid day name: use lowercase ASCII letters, digits and `_`, \
             starting with a letter, e.g. `day07_rate_limit`"
        );
    }
    let info = root.join(INFO_FILE);
    let text = std::fs::read_to_string(&info)
        .with_context(|| format!("cannot read `{}`", info.display()))?;
    let days = listing::read(&text).with_context(|| {
        format!(
            "`{}` is not valid TOML: `backlings dev check` shows where",
            info.display()
        )
    })?;
    if days.iter().any(|d| d.name == name) {
        bail!("`{name}` is already a day of this course (in `{INFO_FILE}`): pick another name");
    }
    for kind in ["exercises", "solutions"] {
        if root.join(kind).join(name).exists() {
            bail!("`{kind}/{name}` already exists: move it away or pick another name");
        }
    }
    let day = days.len() + 1;
    let title = title.unwrap_or("TODO: a short title");
    new::write_day(root, name, &template::new_day(name, day, title))?;
    append(&info, &text, &template::info_entry(name, day, title))?;
    Ok(Added {
        day,
        exercise: format!("exercises/{name}"),
        solution: format!("solutions/{name}"),
    })
}

fn append(info: &Path, text: &str, entry: &str) -> Result<()> {
    let mut file = std::fs::OpenOptions::new()
        .append(true)
        .open(info)
        .with_context(|| format!("cannot open `{}`", info.display()))?;
    let separator = if text.ends_with('\n') || text.is_empty() {
        ""
    } else {
        "\n"
    };
    write!(file, "{separator}{entry}").with_context(|| format!("cannot write `{}`", info.display()))
}
