use super::*;

const FAILED: &str = "
running 1 test
test tests::bad ... FAILED

failures:

---- tests::bad stdout ----
learner says hi
failures: not the real list

thread 'tests::bad' (3275) panicked at src/lib.rs:4:77:
assertion `left == right` failed: math is hard
  left: 2
 right: 3
note: run with `RUST_BACKTRACE=1` environment variable to display a backtrace


failures:
    tests::bad

test result: FAILED. 0 passed; 1 failed; 0 ignored; 0 measured; 4 filtered out; finished in 0.13s
";

const TWO_PANICS: &str = "---- t stdout ----

thread '<unnamed>' panicked at src/lib.rs:5:55:
not yet implemented

thread 't' panicked at tests/api.rs:9:5:
server died
stack backtrace:
   0: frame

failures:
    t
";

#[test]
fn lists_tests_but_not_benchmarks() {
    let text = "a::b: test\nc: test\nd: bench\n\n2 tests, 1 benchmarks\n";
    assert_eq!(parse_list(text), ["a::b", "c"]);
}

#[test]
fn reads_the_reported_status() {
    for (stdout, expected) in [
        ("test t ... ok\n", Reported::Ok),
        ("test t ... FAILED\n", Reported::Failed),
        ("test t ... ignored, slow\n", Reported::Ignored),
        ("test t ... ok but later\n", Reported::Silent),
        ("running 1 test\ntest t ... ", Reported::Silent),
        (
            "test t ... direct\nok\n\ntest result: ok. 1 passed; 0 failed",
            Reported::Ok,
        ),
        ("test tt ... ok\n", Reported::Silent),
        ("running 1 test\n", Reported::Silent),
        ("", Reported::Silent),
    ] {
        assert_eq!(parse_single(stdout, "t").reported, expected, "{stdout:?}");
    }
}

#[test]
fn extracts_the_captured_output_and_the_assertion() {
    let run = parse_single(FAILED, "tests::bad");
    assert_eq!(run.reported, Reported::Failed);
    assert!(
        run.captured
            .starts_with("learner says hi\nfailures: not the real list")
    );
    let panic = run.main_panic("tests::bad").expect("a panic");
    assert_eq!(
        panic.message,
        "assertion `left == right` failed: math is hard\n  left: 2\n right: 3"
    );
    let at = Location {
        file: "src/lib.rs".into(),
        line: 4,
        col: 77,
    };
    assert_eq!(panic.location, Some(at));
}

#[test]
fn prefers_the_panic_on_the_tests_own_thread() {
    let run = parse_single(TWO_PANICS, "t");
    assert_eq!(run.panics.len(), 2);
    assert_eq!(run.panics[0].message, "not yet implemented");
    assert_eq!(run.main_panic("t").unwrap().message, "server died");
    assert_eq!(run.main_panic("other").unwrap().thread, "<unnamed>");
}

#[test]
fn parses_locations_with_colons_in_the_path() {
    for (text, expected) in [
        ("src/lib.rs:4:77", Some(("src/lib.rs", 4, 77))),
        ("C:\\x\\lib.rs:1:2", Some(("C:\\x\\lib.rs", 1, 2))),
        ("src/lib.rs", None),
        ("a:b:c", None),
    ] {
        let got = parse_location(text);
        let got = got.as_ref().map(|l| (l.file.as_str(), l.line, l.col));
        assert_eq!(got, expected, "{text}");
    }
}

#[test]
fn survives_truncated_and_garbage_output() {
    for text in [
        "---- t stdout ----",
        "thread '",
        "thread 'x' panicked at",
        "\u{0}\u{1b}[31m",
        "---- t stdout ----\nthread 't' panicked at :::\n",
    ] {
        let _ = parse_single(text, "t");
    }
}

#[test]
fn keeps_output_written_past_the_capture() {
    let stdout = "\nrunning 1 test\ntest t ... raw line\n::error::x\nFAILED\n\nfailures:\n\n---- t stdout ----\n\nthread 't' panicked at src/lib.rs:1:1:\nboom\n\nfailures:\n    t\n\ntest result: FAILED. 0 passed; 1 failed; 0 ignored; 0 measured; 0 filtered out\n";
    let run = parse_single(stdout, "t");
    assert_eq!(run.reported, Reported::Failed);
    assert_eq!(run.stray, "raw line\n::error::x");
    assert_eq!(run.main_panic("t").unwrap().message, "boom");
    let clean = parse_single(
        "test t ... ok\n\ntest result: ok. 1 passed; 0 failed;\n",
        "t",
    );
    assert_eq!(clean.stray, "");
}

#[test]
fn a_status_line_split_by_raw_output_still_fails_by_the_summary() {
    let stdout = "test t ... junk without newline FAILED\n\ntest result: FAILED. 0 passed; 1 failed; 0 ignored\n";
    assert_eq!(parse_single(stdout, "t").reported, Reported::Failed);
}

#[test]
fn result_lines_and_nothing_else() {
    for (line, expected) in [
        ("test a ... ok", Some(("a", Reported::Ok))),
        ("test m::b ... FAILED", Some(("m::b", Reported::Failed))),
        ("test c ... ignored", Some(("c", Reported::Ignored))),
        ("test c ... ignored, slow", Some(("c", Reported::Ignored))),
        ("test d ... ", None),
        ("test d ... okay", None),
        ("test result: ok. 1 passed", None),
        ("running 1 test", None),
    ] {
        assert_eq!(result_line(line), expected, "{line}");
    }
}
