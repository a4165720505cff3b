//! Property tests: the parsers of untrusted text (libtest output, info.toml, the progress file)
//! never panic, whatever they are given. Case counts are bounded so CI time stays fixed.

use proptest::prelude::*;

use crate::course::validate;
use crate::progress::store;
use crate::runner::libtest;

const VALID_INFO: &str = "format_version = 1\ntitle = \"T\"\n[[exercises]]\nname = \"day01_a\"\nday = 1\ntitle = \"A\"\nhints = [\"h\"]\ntimeout_secs = 5\n";

/// Text made of the fragments these formats are built from, so mutations reach deep paths.
fn structured() -> impl Strategy<Value = String> {
    let pieces = prop::sample::select(vec![
        "test ",
        " ... ",
        "ok",
        "FAILED",
        "ignored",
        "\n",
        "---- ",
        " stdout ----",
        "thread '",
        "' ",
        "panicked at ",
        "src/lib.rs:",
        "4:",
        "77:",
        "failures:",
        "note: run with `RUST_BACKTRACE",
        "[[exercises]]",
        "name = ",
        "\"",
        "day = ",
        "1",
        "-1",
        "=",
        "[",
        "]",
        "{",
        "}",
        "é",
        "\u{0}",
        "format_version",
        "exercises.",
        "done_on = \"2026-11-24\"",
        "hints_shown = ",
        "#",
    ]);
    prop::collection::vec(pieces, 0..60).prop_map(|parts| parts.concat())
}

proptest! {
    #![proptest_config(ProptestConfig { cases: 512, ..ProptestConfig::default() })]

    #[test]
    fn libtest_parsing_never_panics(text in structured(), noise in ".{0,200}", name in "[a-z:]{0,8}") {
        let text = format!("{text}{noise}");
        let _ = libtest::parse_list(&text);
        let _ = libtest::parse_single(&text, &name);
        let _ = libtest::parse_panics(&text);
    }

    #[test]
    fn info_toml_validation_never_panics(text in structured(), cut in 0usize..200, insert in ".{0,20}") {
        let _ = validate::parse(&text);
        let mut mutated = VALID_INFO.to_string();
        let at = (0..=cut.min(mutated.len())).rev().find(|i| mutated.is_char_boundary(*i)).unwrap_or(0);
        mutated.insert_str(at, &insert);
        if let Err(e) = validate::parse(&mutated) {
            prop_assert!(!e.problems.is_empty());
        }
    }

    #[test]
    fn progress_decoding_never_panics(bytes in prop::collection::vec(any::<u8>(), 0..300), text in structured()) {
        let today = chrono::NaiveDate::from_ymd_opt(2026, 11, 24).unwrap();
        let _ = store::decode(&bytes, today);
        let (progress, _) = store::decode(text.as_bytes(), today);
        prop_assert_eq!(progress.format_version, crate::progress::PROGRESS_VERSION);
    }
}
