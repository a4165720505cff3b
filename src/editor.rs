//! Which editor to open a file in, and the command line that opens it at a line and column.
//! Pure: the environment comes in as a function, the process is started by `runner::editor`.
//!
//! The editor is, in order: `--editor`, `BACKLINGS_EDITOR`, VS Code (or the fork) whose
//! terminal backlings runs in, `VISUAL`, `EDITOR`. A command may hold arguments (`code
//! --wait`) and, for an editor backlings does not know, the placeholders `{file}`, `{line}` and
//! `{column}` (`myedit --goto {file}:{line}`); without them the file is added at the end.

use std::path::PathBuf;

/// What to open: a file, at a line and column (both from 1).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Target {
    pub path: PathBuf,
    pub line: u32,
    pub column: u32,
}

/// Whether the editor takes over the terminal (and so must get it, and be waited for) or opens
/// a window of its own.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Kind {
    Terminal,
    Window,
}

/// A command line that opens the target.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Launch {
    pub program: String,
    pub args: Vec<String>,
    pub kind: Kind,
    /// Where the editor was chosen, for messages: `$EDITOR`, `--editor`, ...
    pub from: &'static str,
}

/// The editor command to use and where it was found; `None` when nothing names one.
pub fn choose(
    flag: Option<&str>,
    env: impl Fn(&str) -> Option<String>,
) -> Option<(String, &'static str)> {
    let set = |value: Option<String>| value.filter(|v| !v.trim().is_empty());
    if let Some(command) = set(flag.map(str::to_string)) {
        return Some((command, "--editor"));
    }
    if let Some(command) = set(env("BACKLINGS_EDITOR")) {
        return Some((command, "$BACKLINGS_EDITOR"));
    }
    if env("TERM_PROGRAM").as_deref() == Some("vscode") {
        return Some((vscode_cli(&env).to_string(), "the VS Code terminal"));
    }
    if let Some(command) = set(env("VISUAL")) {
        return Some((command, "$VISUAL"));
    }
    set(env("EDITOR")).map(|command| (command, "$EDITOR"))
}

/// The command-line tool of the VS Code (or fork) whose terminal this is, told apart by the
/// path of the helper it puts in the environment.
fn vscode_cli(env: &impl Fn(&str) -> Option<String>) -> &'static str {
    let helper = env("VSCODE_GIT_ASKPASS_NODE")
        .unwrap_or_default()
        .to_lowercase();
    [
        ("cursor", "cursor"),
        ("windsurf", "windsurf"),
        ("codium", "codium"),
        ("insiders", "code-insiders"),
    ]
    .into_iter()
    .find(|(mark, _)| helper.contains(mark))
    .map_or("code", |(_, cli)| cli)
}

/// The command line that opens `target` with `command`; `None` for an empty command.
pub fn launch(command: &str, from: &'static str, target: &Target) -> Option<Launch> {
    let mut words = split(command);
    if words.is_empty() {
        return None;
    }
    let program = words.remove(0);
    let file = target.path.display().to_string();
    let (line, column) = (target.line, target.column);
    let placeholders = ["{file}", "{line}", "{column}"];
    let kind = kind(&program);
    if words
        .iter()
        .any(|w| placeholders.iter().any(|p| w.contains(p)))
    {
        let args = words
            .iter()
            .map(|w| {
                w.replace("{file}", &file)
                    .replace("{line}", &line.to_string())
                    .replace("{column}", &column.to_string())
            })
            .collect();
        return Some(Launch {
            program,
            args,
            kind,
            from,
        });
    }
    words.extend(position(&name(&program), &file, line, column));
    Some(Launch {
        program,
        args: words,
        kind,
        from,
    })
}

/// The arguments that open `file` at `line` and `column` in the editor called `name`.
fn position(name: &str, file: &str, line: u32, column: u32) -> Vec<String> {
    let at = |text: String| vec![text, file.to_string()];
    match name {
        "vim" | "nvim" | "gvim" | "mvim" | "vimx" | "lvim" => {
            at(format!("+call cursor({line}, {column})"))
        }
        // Plain vi may be a vi without Vim script: a line is what every vi understands.
        "vi" | "view" | "nvi" | "elvis" => at(format!("+{line}")),
        "emacs" | "emacsclient" | "kak" => at(format!("+{line}:{column}")),
        "nano" | "pico" | "rnano" => at(format!("+{line},{column}")),
        "micro" => vec![file.to_string(), format!("+{line}:{column}")],
        "hx" | "helix" | "subl" | "sublime_text" | "zed" | "zeditor" | "msedit" => {
            vec![format!("{file}:{line}:{column}")]
        }
        "code" | "code-insiders" | "codium" | "vscodium" | "cursor" | "windsurf" | "positron" => {
            vec!["-g".into(), format!("{file}:{line}:{column}")]
        }
        "idea" | "rustrover" | "clion" | "pycharm" | "webstorm" => vec![
            "--line".into(),
            line.to_string(),
            "--column".into(),
            column.to_string(),
            file.to_string(),
        ],
        _ => vec![file.to_string()],
    }
}

fn kind(program: &str) -> Kind {
    match name(program).as_str() {
        "gvim" | "mvim" | "subl" | "sublime_text" | "zed" | "zeditor" | "code"
        | "code-insiders" | "codium" | "vscodium" | "cursor" | "windsurf" | "positron" | "idea"
        | "rustrover" | "clion" | "pycharm" | "webstorm" => Kind::Window,
        _ => Kind::Terminal,
    }
}

/// The program's name without its folder or `.exe`, in lower case: `/usr/bin/nvim` → `nvim`
/// (`\\` counts as a separator too, for a Windows path).
fn name(program: &str) -> String {
    let base = program.rsplit(['/', '\\']).next().unwrap_or(program);
    let base = base.to_lowercase();
    base.strip_suffix(".exe").unwrap_or(&base).to_string()
}

/// Words as a shell would split them, with single and double quotes (no expansions).
fn split(command: &str) -> Vec<String> {
    let mut words = Vec::new();
    let mut word: Option<String> = None;
    let mut quote: Option<char> = None;
    for c in command.chars() {
        match (quote, c) {
            (Some(q), c) if c == q => quote = None,
            (Some(_), c) => word.get_or_insert_default().push(c),
            (None, '\'' | '"') => {
                quote = Some(c);
                word.get_or_insert_default();
            }
            (None, c) if c.is_whitespace() => words.extend(word.take()),
            (None, c) => word.get_or_insert_default().push(c),
        }
    }
    words.extend(word);
    words
}

#[cfg(test)]
mod tests {
    use super::*;

    fn target() -> Target {
        Target {
            path: PathBuf::from("/c/src/lib.rs"),
            line: 12,
            column: 5,
        }
    }

    fn args(command: &str) -> (String, Vec<String>, Kind) {
        let launch = launch(command, "$EDITOR", &target()).unwrap();
        (launch.program, launch.args, launch.kind)
    }

    #[test]
    fn each_editor_gets_its_own_syntax_for_line_and_column() {
        use Kind::*;
        let file = "/c/src/lib.rs";
        for (command, expected, kind) in [
            ("vim", vec!["+call cursor(12, 5)", file], Terminal),
            ("/usr/bin/nvim", vec!["+call cursor(12, 5)", file], Terminal),
            ("vi", vec!["+12", file], Terminal),
            ("hx", vec!["/c/src/lib.rs:12:5"], Terminal),
            ("helix", vec!["/c/src/lib.rs:12:5"], Terminal),
            ("emacs -nw", vec!["-nw", "+12:5", file], Terminal),
            ("emacsclient -t", vec!["-t", "+12:5", file], Terminal),
            ("nano", vec!["+12,5", file], Terminal),
            ("micro", vec![file, "+12:5"], Terminal),
            ("kak", vec!["+12:5", file], Terminal),
            (
                "code --wait",
                vec!["--wait", "-g", "/c/src/lib.rs:12:5"],
                Window,
            ),
            ("codium", vec!["-g", "/c/src/lib.rs:12:5"], Window),
            ("cursor", vec!["-g", "/c/src/lib.rs:12:5"], Window),
            ("subl", vec!["/c/src/lib.rs:12:5"], Window),
            ("zed", vec!["/c/src/lib.rs:12:5"], Window),
            (
                "rustrover",
                vec!["--line", "12", "--column", "5", file],
                Window,
            ),
            (
                "C:\\Tools\\NVIM.EXE",
                vec!["+call cursor(12, 5)", file],
                Terminal,
            ),
            ("ed", vec![file], Terminal),
            (
                "myedit --goto '{file}:{line}' -c {column}",
                vec!["--goto", "/c/src/lib.rs:12", "-c", "5"],
                Terminal,
            ),
        ] {
            let (_, got, got_kind) = args(command);
            assert_eq!(got, expected, "{command}");
            assert_eq!(got_kind, kind, "{command}");
        }
        assert_eq!(args("'/opt/my editor/vim' -u NONE").0, "/opt/my editor/vim");
        assert!(launch("  ", "$EDITOR", &target()).is_none());
    }

    #[test]
    fn the_editor_is_chosen_in_order_of_precedence() {
        let env = |pairs: &'static [(&'static str, &'static str)]| {
            move |name: &str| {
                pairs
                    .iter()
                    .find(|(k, _)| *k == name)
                    .map(|(_, v)| v.to_string())
            }
        };
        let all: &[(&str, &str)] = &[
            ("BACKLINGS_EDITOR", "hx"),
            ("TERM_PROGRAM", "vscode"),
            ("VISUAL", "nvim"),
            ("EDITOR", "nano"),
        ];
        assert_eq!(
            choose(Some("kak"), env(all)),
            Some(("kak".into(), "--editor"))
        );
        assert_eq!(
            choose(None, env(all)),
            Some(("hx".into(), "$BACKLINGS_EDITOR"))
        );
        assert_eq!(
            choose(None, env(&all[1..])),
            Some(("code".into(), "the VS Code terminal"))
        );
        assert_eq!(
            choose(None, env(&all[2..])),
            Some(("nvim".into(), "$VISUAL"))
        );
        assert_eq!(
            choose(None, env(&all[3..])),
            Some(("nano".into(), "$EDITOR"))
        );
        assert_eq!(choose(Some(""), env(&[("EDITOR", " ")])), None);
        let cursor: &[(&str, &str)] = &[
            ("TERM_PROGRAM", "vscode"),
            (
                "VSCODE_GIT_ASKPASS_NODE",
                "/Applications/Cursor.app/Contents/Frameworks/Cursor Helper",
            ),
        ];
        assert_eq!(choose(None, env(cursor)).unwrap().0, "cursor");
    }
}
