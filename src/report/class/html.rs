//! The class report as one HTML page that works offline: no external assets, the style and a
//! little script (sorting by a column's heading) inline. The page is also well-formed XML, so
//! tests parse it. Every piece of learner text is stripped of control bytes and escaped:
//! a learner's name or output cannot add markup or script to the teacher's page.

use std::fmt::Write as _;
use std::io::Write;

use anyhow::Result;
use chrono::{DateTime, Utc};

use super::{FAILING_SHOWN, cut, kind, when};
use crate::class::{Class, Submission};
use crate::report::printable;

/// The characters of a failure message shown in the page.
const MESSAGE_SHOWN: usize = 400;

const STYLE: &str = r#"
:root { --pass: #2e7d32; --pass-bg: #d7f0d9; --part-bg: #fff1c2; --fail-bg: #fbd3d3;
  --error-bg: #e6d5f2; --none-bg: #f1f1f1; --line: #d9d9de; --ink: #1d1d22; --dim: #5d5d66; }
* { box-sizing: border-box; }
body { margin: 0; padding: 24px 32px 48px; font: 14px/1.45 system-ui, -apple-system, "Segoe UI",
  Roboto, sans-serif; color: var(--ink); background: #fff; }
h1 { font-size: 24px; margin: 0 0 4px; }
h2 { font-size: 17px; margin: 32px 0 8px; }
.summary, .hint, footer { color: var(--dim); }
.hint { margin: 0 0 8px; font-size: 13px; }
.scroll { overflow-x: auto; width: fit-content; max-width: 100%;
  border: 1px solid var(--line); border-radius: 6px; }
table { border-collapse: collapse; }
th, td { padding: 4px 8px; border-bottom: 1px solid var(--line); text-align: left;
  vertical-align: top; }
thead th { position: sticky; top: 0; background: #fafafb; font-weight: 600; cursor: pointer;
  user-select: none; white-space: nowrap; }
th[aria-sort="ascending"]::after { content: " \25B2"; font-size: 10px; }
th[aria-sort="descending"]::after { content: " \25BC"; font-size: 10px; }
.num { text-align: right; font-variant-numeric: tabular-nums; white-space: nowrap; }
#grid th.day, #grid td.cell { text-align: center; min-width: 30px; padding: 4px 2px;
  font-size: 11px; font-variant-numeric: tabular-nums; letter-spacing: -0.2px; }
#grid td.learner, #grid th.learner { position: sticky; left: 0; background: #fff;
  max-width: 220px; overflow: hidden; text-overflow: ellipsis; white-space: nowrap;
  border-right: 1px solid var(--line); }
#grid thead th.learner { background: #fafafb; z-index: 1; }
td.pass { background: var(--pass-bg); color: var(--pass); font-weight: 600; }
td.part { background: var(--part-bg); }
td.fail { background: var(--fail-bg); }
td.error { background: var(--error-bg); }
td.none { background: var(--none-bg); color: var(--dim); }
td.broken { color: #a11; }
.legend span { display: inline-block; padding: 1px 8px; margin-right: 6px; border-radius: 4px;
  font-size: 12px; }
.bar { width: 180px; height: 12px; background: var(--none-bg); border-radius: 6px;
  overflow: hidden; }
.bar div { height: 100%; background: var(--pass); }
pre { margin: 0; white-space: pre-wrap; word-break: break-word; font: 12px/1.4 ui-monospace,
  SFMono-Regular, Menlo, Consolas, monospace; max-width: 760px; }
"#;

/// Sorts a table by the heading clicked (again: the other way). A cell's `data-sort` is its
/// number; other cells sort by their text.
const SCRIPT: &str = r#"
(function () {
  function key(cell) {
    var value = cell.getAttribute("data-sort");
    return value === null ? cell.textContent.trim().toLowerCase() : parseFloat(value);
  }
  function sort(table, th, column) {
    var ascending = th.getAttribute("aria-sort") !== "ascending";
    Array.prototype.forEach.call(table.tHead.rows[0].cells, function (h) {
      h.removeAttribute("aria-sort");
    });
    th.setAttribute("aria-sort", ascending ? "ascending" : "descending");
    var body = table.tBodies[0];
    var rows = Array.prototype.slice.call(body.rows);
    rows.sort(function (a, b) {
      var x = key(a.cells[column]), y = key(b.cells[column]);
      var order = x < y ? -1 : (x > y ? 1 : 0);
      return ascending ? order : -order;
    });
    rows.forEach(function (row) { body.appendChild(row); });
  }
  document.querySelectorAll("table.sortable").forEach(function (table) {
    Array.prototype.forEach.call(table.tHead.rows[0].cells, function (th, column) {
      th.tabIndex = 0;
      th.addEventListener("click", function () { sort(table, th, column); });
      th.addEventListener("keydown", function (e) {
        if (e.key === "Enter") { sort(table, th, column); }
      });
    });
  });
})();
"#;

pub fn write(out: &mut dyn Write, class: &Class, generated: DateTime<Utc>) -> Result<()> {
    let mut page = String::new();
    head(&mut page, class);
    grid(&mut page, class);
    days(&mut page, class);
    failing(&mut page, class);
    unread(&mut page, class);
    let _ = write!(
        page,
        "<footer><p>Made by <code>backlings class report</code> on {} from {} {}.</p></footer>\n\
         <script>/*<![CDATA[*/{SCRIPT}/*]]>*/</script>\n</body>\n</html>\n",
        esc(&when(Some(generated))),
        class.learners.len() + class.unread.len(),
        if class.learners.len() + class.unread.len() == 1 {
            "report"
        } else {
            "reports"
        },
    );
    out.write_all(page.as_bytes())?;
    Ok(())
}

fn head(page: &mut String, class: &Class) {
    let course = if class.course.is_empty() {
        "backlings".to_string()
    } else {
        class.course.clone()
    };
    let graded = class.learners.iter().filter_map(|l| l.graded_at);
    let span = match (graded.clone().min(), graded.max()) {
        (Some(first), Some(last)) if first != last => {
            format!(" · graded {} to {}", when(Some(first)), when(Some(last)))
        }
        (Some(only), _) => format!(" · graded {}", when(Some(only))),
        _ => String::new(),
    };
    let _ = write!(
        page,
        "<!DOCTYPE html>\n<html xmlns=\"http://www.w3.org/1999/xhtml\" lang=\"en\">\n<head>\n\
         <meta charset=\"utf-8\"/>\n\
         <meta name=\"viewport\" content=\"width=device-width, initial-scale=1\"/>\n\
         <title>Class report: {title}</title>\n<style>{STYLE}</style>\n</head>\n<body>\n\
         <header><h1>{title}</h1>\n<p class=\"summary\">{n} {learners} · mean score {mean}%{span}</p></header>\n",
        title = esc(&course),
        n = class.learners.len(),
        learners = if class.learners.len() == 1 {
            "learner"
        } else {
            "learners"
        },
        mean = class.mean_percent(),
        span = esc(&span),
    );
}

fn grid(page: &mut String, class: &Class) {
    page.push_str(
        "<section id=\"grid\"><h2>Learners by day</h2>\n\
         <p class=\"hint\">Each cell: the day's tests passed out of its tests. Times are UTC. Click \
         a heading to sort by it.</p>\n<div class=\"scroll\"><table class=\"sortable\">\n<thead><tr>\
         <th class=\"learner\" scope=\"col\">Learner</th><th class=\"num\" scope=\"col\">Score</th>\
         <th class=\"num\" scope=\"col\">Days</th><th scope=\"col\">Last graded</th>",
    );
    for day in &class.days {
        let _ = write!(
            page,
            "<th class=\"day\" scope=\"col\" title=\"{}: {}\">{}</th>",
            esc(&day.name),
            esc(&day.title),
            day.day
        );
    }
    page.push_str("</tr></thead>\n<tbody>\n");
    for learner in &class.learners {
        learner_row(page, class, learner);
    }
    page.push_str(
        "</tbody></table></div>\n<p class=\"legend\">\
         <span style=\"background: var(--pass-bg)\">every test passes</span>\
         <span style=\"background: var(--part-bg)\">some pass</span>\
         <span style=\"background: var(--fail-bg)\">none pass</span>\
         <span style=\"background: var(--error-bg)\">does not compile</span>\
         <span style=\"background: var(--none-bg)\">not graded</span></p></section>\n",
    );
}

fn learner_row(page: &mut String, class: &Class, learner: &Submission) {
    let _ = write!(
        page,
        "<tr><td class=\"learner\" title=\"{file}\">{name}</td>",
        file = esc(&learner.file.display().to_string()),
        name = esc(&learner.learner),
    );
    match &learner.error {
        Some(error) => {
            let _ = write!(
                page,
                "<td class=\"num broken\" data-sort=\"-1\" title=\"{}\">error</td>\
                 <td class=\"num\" data-sort=\"-1\">-</td>",
                esc(error)
            );
        }
        None => {
            let _ = write!(
                page,
                "<td class=\"num\" data-sort=\"{percent}\">{percent}%</td>\
                 <td class=\"num\" data-sort=\"{passed}\">{passed}/{graded}</td>",
                percent = learner.percent(),
                passed = learner.days_passed(),
                graded = learner.days.len(),
            );
        }
    }
    // Month, day and time: the year is in the title, and the column stays narrow enough for
    // thirty days beside it.
    let _ = write!(
        page,
        "<td class=\"num\" data-sort=\"{}\" title=\"{}\">{}</td>",
        learner.graded_at.map_or(0, |t| t.timestamp()),
        esc(&when(learner.graded_at)),
        learner
            .graded_at
            .map_or_else(|| "-".to_string(), |t| t.format("%m-%d %H:%M").to_string())
    );
    for day in &class.days {
        let cell = learner.day(day.day);
        let (text, sort, title) = match cell {
            Some(c) => (
                format!("{}/{}", c.passed, c.total),
                c.passed as f64 / c.total.max(1) as f64,
                format!("day {}: {} of {} tests pass", c.day, c.passed, c.total),
            ),
            None => ("".to_string(), -1.0, format!("day {}: not graded", day.day)),
        };
        let _ = write!(
            page,
            "<td class=\"cell {}\" data-sort=\"{sort:.3}\" title=\"{}\">{}</td>",
            kind(cell),
            esc(&title),
            esc(&text)
        );
    }
    page.push_str("</tr>\n");
}

fn days(page: &mut String, class: &Class) {
    if class.days.is_empty() {
        return;
    }
    page.push_str(
        "<section id=\"days\"><h2>Progress by day</h2>\n<table class=\"sortable\">\n<thead><tr>\
         <th class=\"num\" scope=\"col\">Day</th><th scope=\"col\">Project</th>\
         <th class=\"num\" scope=\"col\">Learners passing</th><th scope=\"col\">Share</th>\
         <th class=\"num\" scope=\"col\">Tests passed</th></tr></thead>\n<tbody>\n",
    );
    for day in &class.days {
        let share = (day.passing as f64 * 100.0 / day.graded.max(1) as f64).round();
        let _ = writeln!(
            page,
            "<tr><td class=\"num\" data-sort=\"{n}\">{n}</td><td title=\"{name}\">{title}</td>\
             <td class=\"num\" data-sort=\"{passing}\">{passing}/{graded}</td>\
             <td data-sort=\"{share}\"><div class=\"bar\"><div style=\"width: {share}%\"></div></div></td>\
             <td class=\"num\" data-sort=\"{percent}\">{percent}%</td></tr>",
            n = day.day,
            name = esc(&day.name),
            title = esc(&day.title),
            passing = day.passing,
            graded = day.graded,
            percent = day.percent,
        );
    }
    page.push_str("</tbody></table></section>\n");
}

fn failing(page: &mut String, class: &Class) {
    if class.failing.is_empty() {
        return;
    }
    let _ = write!(
        page,
        "<section id=\"failing\"><h2>Tests that fail most</h2>\n{}<table class=\"sortable\">\n\
         <thead><tr><th scope=\"col\">Test</th><th class=\"num\" scope=\"col\">Learners failing</th>\
         <th scope=\"col\">First failure</th></tr></thead>\n<tbody>\n",
        if class.failing.len() > FAILING_SHOWN {
            format!(
                "<p class=\"hint\">The {FAILING_SHOWN} that fail for the most learners, of {}; \
                 <code>--format json</code> lists them all.</p>\n",
                class.failing.len()
            )
        } else {
            String::new()
        }
    );
    for test in class.failing.iter().take(FAILING_SHOWN) {
        let _ = writeln!(
            page,
            "<tr><td><code>{name}</code></td>\
             <td class=\"num\" data-sort=\"{failing}\">{failing}/{graded}</td>\
             <td><div>{learner}:</div><pre>{message}</pre></td></tr>",
            name = esc(&test.name),
            failing = test.learners,
            graded = test.graded,
            learner = esc(&test.first_learner),
            message = esc(&cut(test.first_message.trim(), MESSAGE_SHOWN)),
        );
    }
    page.push_str("</tbody></table></section>\n");
}

fn unread(page: &mut String, class: &Class) {
    if class.unread.is_empty() {
        return;
    }
    page.push_str("<section id=\"unread\"><h2>Reports that could not be read</h2>\n<ul>\n");
    for unread in &class.unread {
        let _ = writeln!(
            page,
            "<li><code>{}</code>: {}</li>",
            esc(&unread.file.display().to_string()),
            esc(&unread.error)
        );
    }
    page.push_str("</ul></section>\n");
}

/// Text for HTML (and XML) text and attributes: control bytes and characters XML forbids
/// dropped, markup characters escaped.
fn esc(text: &str) -> String {
    let mut escaped = String::with_capacity(text.len());
    for c in printable(text).chars() {
        match c {
            '&' => escaped.push_str("&amp;"),
            '<' => escaped.push_str("&lt;"),
            '>' => escaped.push_str("&gt;"),
            '"' => escaped.push_str("&quot;"),
            '\'' => escaped.push_str("&#39;"),
            '\u{fffe}' | '\u{ffff}' => {}
            c => escaped.push(c),
        }
    }
    escaped
}

#[cfg(test)]
mod tests {
    use super::esc;

    #[test]
    fn learner_text_cannot_become_markup() {
        assert_eq!(
            esc("<script>alert('x')</script> & \"q\"\0\x1b[31m"),
            "&lt;script&gt;alert(&#39;x&#39;)&lt;/script&gt; &amp; &quot;q&quot;"
        );
    }
}
