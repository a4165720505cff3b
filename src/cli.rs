//! The command line: clap derive types, and `parse`, which also notes flag positions.

use std::path::PathBuf;

use clap::{Parser, Subcommand, ValueEnum};

/// Learn backend engineering in Rust, one mini-project a day for 30 days.
///
/// Run it with no command inside a course to start watch mode: save a file and see which tests
/// pass. `backlings init` creates a course.
#[derive(Debug, Parser)]
#[command(name = "backlings", version, about, long_about = None)]
pub struct Cli {
    /// When to use colour: auto (a terminal, unless NO_COLOR is set), always, never.
    #[arg(long, value_enum, default_value_t = ColorChoice::Auto, global = true)]
    pub color: ColorChoice,

    #[command(subcommand)]
    pub command: Option<Command>,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, ValueEnum)]
pub enum ColorChoice {
    Auto,
    Always,
    Never,
}

#[derive(Debug, Subcommand)]
pub enum Command {
    /// Watch the course and rerun the day you edit on every save (the default).
    Watch(WatchArgs),
    /// Build a day and run its tests once: `backlings run 5`, `backlings run day05_axum`.
    Run {
        /// A day number or exercise name; the current day when left out.
        day: Option<String>,
        /// Print the verdict as JSON (for editor plugins and scripts; the README has its
        /// schema) instead of the report for people.
        #[arg(long)]
        json: bool,
    },
    /// Open a day in your editor, at the first failure of its last run (else its main file).
    ///
    /// The editor: `--editor`, else `BACKLINGS_EDITOR`, VS Code when run in its terminal,
    /// `VISUAL`, `EDITOR`. vim, neovim, helix, emacs, nano, micro, kakoune, VS Code and its forks,
    /// Sublime Text, Zed and JetBrains IDEs open at the line and column; for any other editor,
    /// `{file}`, `{line}` and `{column}` in the command say where they go.
    Open {
        /// A day number or exercise name; the current day when left out.
        day: Option<String>,
        /// The editor command, e.g. `hx` or `"myedit --goto {file}:{line}"`.
        #[arg(long)]
        editor: Option<String>,
    },
    /// Show the 30 days, what is done, and where you stand in the plan.
    List {
        /// Print JSON for tools instead of a table.
        #[arg(long)]
        json: bool,
    },
    /// Reveal the next hint for a day (the current day when left out).
    Hint {
        day: Option<String>,
        /// Show every hint at once.
        #[arg(long)]
        all: bool,
    },
    /// Move to the next day not yet done (the current one must pass first).
    Next,
    /// Run a day's service and restart it on every save: `backlings serve 5`, then curl it.
    ///
    /// Builds the day's binary, starts it on its port (from info.toml, or `--port`), prints the
    /// requests to try, and streams what it logs. A save that does not compile keeps the old
    /// service serving. Ctrl-C stops it and everything it started.
    Serve {
        /// A day number or exercise name; the current day when left out.
        day: Option<String>,
        /// The port to serve on, instead of the day's own.
        #[arg(long)]
        port: Option<u16>,
        /// Poll the file system instead of waiting for its events (network drives, WSL's /mnt).
        #[arg(long)]
        poll: bool,
    },
    /// Make a day the current one: `backlings go 12`.
    Go { day: String },
    /// Restore a day's starter files; your files are backed up first.
    Reset {
        day: String,
        /// Do not ask for confirmation.
        #[arg(long, short)]
        yes: bool,
    },
    /// Write a fresh course into a new directory.
    Init {
        /// Where to create the course.
        #[arg(default_value = "backlings-course")]
        dir: PathBuf,
        /// Also build every day's dependencies now (a minute or two), as a classroom or CI
        /// image wants; without it the course is ready at once and builds as the learner goes.
        #[arg(long)]
        warm: bool,
        /// The default now; kept so older scripts still work.
        #[arg(long, hide = true)]
        no_warmup: bool,
        /// Also write a CI workflow that grades the course on every push
        /// (`.github/workflows/backlings.yml`).
        #[arg(long, value_enum)]
        ci: Option<CiProvider>,
    },
    /// Grade a submission headlessly against the course's own tests (for teachers and CI).
    ///
    /// Only each day's `src/` is taken from the submission; tests, manifests and `info.toml`
    /// come from the course, so editing them changes nothing. Exit status: 0 when every graded
    /// day passes (or `--min-score` is met), 1 when not, 2 when grading could not run.
    Grade(GradeArgs),
    /// Check what the course needs on this machine (Rust, PostgreSQL for the days on it, file
    /// watching, the terminal) and say how to get what is missing.
    ///
    /// Exit status: 0 when every day can be done here, 1 when something a day needs is missing.
    Doctor,
    /// Build every day's dependencies now, so each day's first run is quick (watch mode does
    /// this in the background anyway, starting with your day).
    Warm,
    /// Tools for course authors: check a course, create one, add a day.
    #[command(subcommand)]
    Dev(DevCommand),
    /// For teachers: a class's grade reports at a glance.
    #[command(subcommand)]
    Class(ClassCommand),
    /// Print a shell completion script (days complete by number and name).
    ///
    /// bash: `backlings completions bash > ~/.local/share/bash-completion/completions/backlings`;
    /// zsh: `backlings completions zsh > ~/.zfunc/_backlings` (with `~/.zfunc` in `fpath`);
    /// fish: `backlings completions fish > ~/.config/fish/completions/backlings.fish`.
    Completions {
        /// The shell to write the script for.
        shell: clap_complete::Shell,
    },
    /// Print the man page: `backlings man > ~/.local/share/man/man1/backlings.1`.
    Man,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, ValueEnum)]
pub enum CiProvider {
    Github,
}

#[derive(Debug, Clone, clap::Args)]
pub struct GradeArgs {
    /// The learner's course directory (the one holding `exercises/`).
    #[arg(long, default_value = ".")]
    pub submission: PathBuf,
    /// Grade against this course directory instead of the course built into backlings.
    #[arg(long)]
    pub course: Option<PathBuf>,
    /// Which days to grade: `1-10`, `3`, `1-5,8`. Every day when left out.
    #[arg(long)]
    pub days: Option<String>,
    /// A report to write: human, json (Exercism v3), junit, github (annotations, step summary,
    /// points), classroom (GitHub Classroom's `result` step output; write it with `--output
    /// "$GITHUB_OUTPUT"`). Repeatable; each takes the `--output` that follows it, or stdout.
    #[arg(long, value_enum)]
    pub format: Vec<ReportFormat>,
    /// The file for the `--format` just before it.
    #[arg(long)]
    pub output: Vec<PathBuf>,
    /// The learner's name, written into the JSON report for `backlings class report`
    /// (which otherwise names a learner after the report's file).
    #[arg(long)]
    pub learner: Option<String>,
    /// Points a passing test is worth in the classroom report.
    #[arg(long, default_value_t = 1, value_parser = clap::value_parser!(u32).range(1..=1000))]
    pub points_per_test: u32,
    /// Pass (exit 0) when at least this percentage of tests pass, instead of all of them.
    #[arg(long, value_parser = clap::value_parser!(u8).range(0..=100))]
    pub min_score: Option<u8>,
    /// Cargo's target directory (default: `CARGO_TARGET_DIR`, else a fresh temporary one).
    /// Cache it between runs to skip rebuilding the dependencies.
    #[arg(long)]
    pub target_dir: Option<PathBuf>,
    /// Build without touching the network (the dependencies must be fetched already).
    #[arg(long)]
    pub offline: bool,
    /// Tests run in parallel (default: the number of CPUs).
    #[arg(long)]
    pub jobs: Option<usize>,
    /// Where each `--format` sat on the command line (filled in by [`parse`]).
    #[arg(skip)]
    pub format_at: Vec<usize>,
    /// Where each `--output` sat on the command line (filled in by [`parse`]).
    #[arg(skip)]
    pub output_at: Vec<usize>,
}

/// Parses the command line, noting where `grade`'s `--format` and `--output` flags sat so that
/// each output can go with the format before it.
pub fn parse() -> Cli {
    use clap::{CommandFactory, FromArgMatches};
    let matches = Cli::command().get_matches();
    let mut cli = Cli::from_arg_matches(&matches).unwrap_or_else(|e| e.exit());
    if let (Some(Command::Grade(args)), Some(grade)) =
        (&mut cli.command, matches.subcommand_matches("grade"))
    {
        let at = |id: &str| {
            grade
                .indices_of(id)
                .map(Iterator::collect)
                .unwrap_or_default()
        };
        args.format_at = at("format");
        args.output_at = at("output");
    }
    cli
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, ValueEnum)]
pub enum ReportFormat {
    Human,
    Json,
    Junit,
    Github,
    Classroom,
}

#[derive(Debug, Clone, Default, clap::Args)]
pub struct WatchArgs {
    /// Poll the file system instead of waiting for its events (network drives, WSL's /mnt).
    #[arg(long)]
    pub poll: bool,
    /// Run only when you press `r`.
    #[arg(long)]
    pub manual: bool,
    /// Do not build the other days' dependencies in the background.
    #[arg(long)]
    pub no_warmup: bool,
    /// The editor `e` opens the failure in (as for `backlings open`).
    #[arg(long)]
    pub editor: Option<String>,
}

#[derive(Debug, Subcommand)]
pub enum ClassCommand {
    /// Sum up a class's `backlings grade --format json` reports: each learner's score by day,
    /// the class's progress by day, the tests that fail most, each learner's last grade time.
    ///
    /// Prints a summary (or `--format json`); `--html class.html` also writes a self-contained
    /// page, sortable by any column. A learner is named by the report's `learner` field, else by
    /// its file name (`ada.json`), or for the workflow's `backlings-grade.json` by its folder;
    /// with several reports of one learner, the latest counts.
    Report {
        /// The grade reports, one JSON file per learner.
        #[arg(required = true)]
        files: Vec<PathBuf>,
        /// Also write the class as an HTML page to this file.
        #[arg(long)]
        html: Option<PathBuf>,
        /// What to print: text (a summary), json, html.
        #[arg(long, value_enum, default_value_t = ClassFormat::Text)]
        format: ClassFormat,
        /// Write the `--format` to this file instead of stdout.
        #[arg(long)]
        output: Option<PathBuf>,
    },
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, ValueEnum)]
pub enum ClassFormat {
    Text,
    Json,
    Html,
}

#[derive(Debug, Subcommand)]
pub enum DevCommand {
    /// Check a course and report every problem: files, info.toml, manifests, and (unless
    /// `--no-build`) that exercises fail as shipped and solutions pass, fmt- and clippy-clean.
    Check {
        /// The course directory; the course around the current directory when left out.
        course: Option<PathBuf>,
        /// Print JSON for tools instead of `error:` lines.
        #[arg(long)]
        json: bool,
        /// Skip everything that needs cargo: a quick check of files, info.toml and manifests.
        #[arg(long)]
        no_build: bool,
    },
    /// Create a new course with one example day that passes `dev check`.
    New {
        /// Where to create it (must not exist, or be empty).
        dir: PathBuf,
    },
    /// Add a day at the end of the course: exercise and solution skeletons and its info.toml
    /// entry, with `TODO` hints that `dev check` reports until you write them.
    Add {
        /// The day's name, also its directory and package: e.g. `day07_rate_limit`.
        name: String,
        /// The day's title in info.toml.
        #[arg(long)]
        title: Option<String>,
    },
}
