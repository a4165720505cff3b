//! A lesson links its sources: at least one absolute `https://` link, none malformed, none
//! relative (a lesson is read in editors, on GitHub and in the terminal, where relative paths
//! mean different things), and no `file:` or absolute path to something that is not there.
//! Nothing here goes to the network.

use std::path::Path;

use crate::dev::Problem;
use crate::dev::listing::Day;
use crate::dev::subject::Subject;

/// A link in Markdown text, outside code.
#[derive(Debug, PartialEq, Eq)]
struct Link {
    target: String,
    /// 1-based line and column of the target.
    at: (usize, usize),
}

pub fn lesson_links_its_sources(subject: &Subject, day: &Day, problems: &mut Vec<Problem>) {
    let path = format!("exercises/{}/README.md", day.name);
    let Some(text) = subject.read(&path) else {
        return;
    };
    let links = links(&text);
    if !links.iter().any(|l| is_web(&l.target)) {
        problems.push(Problem::new(
            &path,
            "the lesson links to no source",
            "link the docs it relies on with absolute https:// links: docs.rs, RFCs, specs, \
             OWASP cheat sheets",
        ));
    }
    for link in &links {
        if let Some((message, fix)) = judge(&link.target) {
            problems.push(Problem::new(&path, message, fix).at(Some(link.at)));
        }
    }
}

/// What is wrong with a link target, if anything.
fn judge(target: &str) -> Option<(String, &'static str)> {
    if target.starts_with('#') || target.starts_with("mailto:") {
        return None;
    }
    if let Some(rest) = target.strip_prefix("https://") {
        let host = rest.split(['/', '?', '#']).next().unwrap_or("");
        let ok = !host.is_empty() && host.contains('.') && !target.contains(char::is_whitespace);
        return (!ok).then(|| {
            (
                format!("the link `{target}` is malformed"),
                "write it as `https://host/path`",
            )
        });
    }
    if target.starts_with("http://") {
        return Some((
            format!("the link `{target}` is not https"),
            "link the https:// address of the page",
        ));
    }
    if let Some(local) = target
        .strip_prefix("file://")
        .or(target.starts_with('/').then_some(target))
    {
        return (!Path::new(local).exists()).then(|| {
            (
                format!("the link `{target}` points to a local path that does not exist"),
                "link the page on the web with an absolute https:// link",
            )
        });
    }
    Some((
        format!("the link `{target}` is relative"),
        "use an absolute https:// link: a lesson is read in editors, on GitHub and in the \
         terminal, where relative paths differ",
    ))
}

fn is_web(target: &str) -> bool {
    target.starts_with("https://") && judge(target).is_none()
}

/// The links of `text`: inline `[text](target)`, `<https://...>` autolinks, reference
/// definitions `[name]: target`, and bare `https://` addresses; code blocks and code spans are
/// skipped (their URLs are examples to run, like `curl http://127.0.0.1:3000/`).
fn links(text: &str) -> Vec<Link> {
    let mut found = Vec::new();
    let mut fenced = false;
    for (index, line) in text.lines().enumerate() {
        let trimmed = line.trim_start();
        if trimmed.starts_with("```") || trimmed.starts_with("~~~") {
            fenced = !fenced;
            continue;
        }
        if fenced || line.starts_with("    ") || line.starts_with('\t') {
            continue;
        }
        links_in_line(&without_code_spans(line), index + 1, &mut found);
    }
    found
}

/// `line` with every `code span` blanked out (same length, so columns stay right).
fn without_code_spans(line: &str) -> String {
    let mut out = String::with_capacity(line.len());
    let mut in_code = false;
    for c in line.chars() {
        if c == '`' {
            in_code = !in_code;
            out.push(' ');
        } else if in_code {
            out.push(' ');
        } else {
            out.push(c);
        }
    }
    out
}

fn links_in_line(line: &str, number: usize, found: &mut Vec<Link>) {
    // (start byte, target) of each link on the line.
    let mut on_line: Vec<(usize, &str)> = Vec::new();
    if let Some(rest) = line.trim_start().strip_prefix('[')
        && let Some((_, target)) = rest.split_once("]: ")
    {
        on_line.push((line.len() - target.len(), target.trim()));
    } else {
        for (at, _) in line.match_indices("](") {
            let start = at + 2;
            let end = line[start..].find(')').map_or(line.len(), |e| start + e);
            on_line.push((
                start,
                line[start..end].split_whitespace().next().unwrap_or(""),
            ));
        }
        for (at, _) in line.match_indices("https://") {
            let inside =
                |(start, target): &(usize, &str)| (*start..start + target.len()).contains(&at);
            if on_line.iter().any(inside) {
                continue;
            }
            let end = line[at..]
                .find(|c: char| c.is_whitespace() || matches!(c, '>' | ')' | '"' | '\''))
                .map_or(line.len(), |e| at + e);
            on_line.push((at, line[at..end].trim_end_matches(['.', ',', ';', ':'])));
        }
        on_line.sort();
    }
    found.extend(on_line.into_iter().map(|(start, target)| Link {
        target: target.to_string(),
        at: (number, line[..start].chars().count() + 1),
    }));
}

#[cfg(test)]
mod tests {
    use super::*;

    fn targets(text: &str) -> Vec<(String, (usize, usize))> {
        links(text).into_iter().map(|l| (l.target, l.at)).collect()
    }

    #[test]
    fn finds_links_outside_code() {
        let text = "See [axum](https://docs.rs/axum) and <https://www.rfc-editor.org/rfc/rfc9110>.\n\
                    Run `curl http://127.0.0.1:3000/` then:\n\
                    ```sh\ncurl https://example.com/in-code\n```\n\
                    [spec]: https://spec.graphql.org/\n\
                    Bare: https://owasp.org/x, done.\n\
                    A [sibling](../day02/README.md).";
        assert_eq!(
            targets(text),
            [
                ("https://docs.rs/axum".to_string(), (1, 12)),
                (
                    "https://www.rfc-editor.org/rfc/rfc9110".to_string(),
                    (1, 39)
                ),
                ("https://spec.graphql.org/".to_string(), (6, 9)),
                ("https://owasp.org/x".to_string(), (7, 7)),
                ("../day02/README.md".to_string(), (8, 13)),
            ]
        );
    }

    #[test]
    fn judges_each_kind_of_target() {
        for (target, ok) in [
            ("https://docs.rs/tokio/1/tokio/", true),
            ("#steps", true),
            ("https://", false),
            ("https://localhost", false),
            ("http://example.com/", false),
            ("../day02/README.md", false),
            ("src/lib.rs", false),
            ("/definitely/not/here.md", false),
            ("file:///definitely/not/here.md", false),
            ("/", true),
        ] {
            assert_eq!(judge(target).is_none(), ok, "{target}");
        }
    }
}
