//! The JUnit XML report: a `testsuite` per day, a `testcase` per test. Valid XML whatever the
//! learner printed: text is escaped, and characters XML 1.0 forbids are replaced.

use std::fmt::Write as _;
use std::io::Write;

use anyhow::Result;

use super::{TestStatus, rows};
use crate::grade::Report;

/// Learner output kept per test case.
const OUTPUT_LIMIT: usize = 16 * 1024;

pub fn write(out: &mut dyn Write, report: &Report) -> Result<()> {
    let mut xml = String::from("<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n");
    let (passed, total) = report.tests();
    let _ = writeln!(
        xml,
        "<testsuites name=\"{}\" tests=\"{total}\" failures=\"{}\" time=\"{:.3}\">",
        escape(&report.course_title),
        total - passed,
        report.duration.as_secs_f64()
    );
    for day in &report.days {
        suite(&mut xml, day);
    }
    xml.push_str("</testsuites>\n");
    out.write_all(xml.as_bytes())?;
    Ok(())
}

fn suite(xml: &mut String, day: &crate::grade::DayResult) {
    let rows = rows(day);
    let count = |status| rows.iter().filter(|r| r.status == status).count();
    let time: f64 = rows.iter().map(|r| r.seconds).sum();
    let _ = writeln!(
        xml,
        "  <testsuite name=\"{}\" tests=\"{}\" failures=\"{}\" errors=\"{}\" skipped=\"{}\" time=\"{time:.3}\">",
        escape(&day.name),
        rows.len(),
        count(TestStatus::Fail),
        count(TestStatus::Error),
        count(TestStatus::Skipped),
    );
    for row in &rows {
        let _ = write!(
            xml,
            "    <testcase classname=\"{}\" name=\"{}\" time=\"{:.3}\"",
            escape(&day.name),
            escape(row.name),
            row.seconds
        );
        let element = match row.status {
            TestStatus::Pass => {
                xml.push_str("/>\n");
                continue;
            }
            TestStatus::Fail => "failure",
            TestStatus::Error => "error",
            TestStatus::Skipped => "skipped",
        };
        let _ = writeln!(
            xml,
            ">\n      <{element} message=\"{}\">{}</{element}>",
            escape(&row.message),
            escape(&super::truncate(row.output, OUTPUT_LIMIT))
        );
        xml.push_str("    </testcase>\n");
    }
    xml.push_str("  </testsuite>\n");
}

/// Text safe inside an XML attribute or element: markup escaped, forbidden characters (control
/// characters but tab and newlines, U+FFFE, U+FFFF) replaced with U+FFFD.
pub fn escape(text: &str) -> String {
    let mut escaped = String::with_capacity(text.len());
    for c in text.chars() {
        match c {
            '&' => escaped.push_str("&amp;"),
            '<' => escaped.push_str("&lt;"),
            '>' => escaped.push_str("&gt;"),
            '"' => escaped.push_str("&quot;"),
            '\'' => escaped.push_str("&apos;"),
            '\t' | '\n' => escaped.push(c),
            '\r' => escaped.push_str("&#13;"),
            c if (c as u32) < 0x20 || c == '\u{FFFE}' || c == '\u{FFFF}' => {
                escaped.push('\u{FFFD}')
            }
            c => escaped.push(c),
        }
    }
    escaped
}

#[cfg(test)]
mod tests {
    use super::escape;

    #[test]
    fn escapes_markup_and_replaces_forbidden_characters() {
        let cases = [
            ("a < b && c > d", "a &lt; b &amp;&amp; c &gt; d"),
            ("</testcase>", "&lt;/testcase&gt;"),
            ("say \"hi\" it's", "say &quot;hi&quot; it&apos;s"),
            ("bell\u{7}esc\u{1b}[31m", "bell\u{FFFD}esc\u{FFFD}[31m"),
            ("tab\tnl\ncr\r", "tab\tnl\ncr&#13;"),
            ("\u{FFFE}ok", "\u{FFFD}ok"),
        ];
        for (input, want) in cases {
            assert_eq!(escape(input), want, "{input:?}");
        }
    }
}
