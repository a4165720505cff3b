use super::*;
use crate::course::Course;

fn course(names: &[&str]) -> Course {
    Course::with_days(names)
}

fn date(s: &str) -> NaiveDate {
    s.parse().unwrap()
}

#[test]
fn a_full_pass_marks_the_day_done_once() {
    let mut p = Progress::new(date("2026-11-01"));
    assert!(!p.record_run("a", 3, 5, date("2026-11-01")));
    assert!(p.record_run("a", 5, 5, date("2026-11-02")));
    assert!(!p.record_run("a", 5, 5, date("2026-11-03")));
    assert_eq!(p.entry("a").done_on, Some(date("2026-11-02")));
    assert!(
        !p.record_run("b", 0, 0, date("2026-11-03")),
        "no tests is never done"
    );
}

#[test]
fn current_falls_back_to_the_first_pending_day() {
    let c = course(&["a", "b", "c"]);
    let mut p = Progress::default();
    assert_eq!(p.current_index(&c), 0);
    p.record_run("a", 1, 1, date("2026-11-01"));
    assert_eq!(p.current_index(&c), 1);
    p.set_current("renamed_away");
    assert_eq!(p.current_index(&c), 1, "an unknown current name falls back");
    p.set_current("c");
    assert_eq!(p.current_index(&c), 2);
}

#[test]
fn next_pending_skips_done_days_and_wraps() {
    let c = course(&["a", "b", "c", "d"]);
    let mut p = Progress::default();
    let today = date("2026-11-01");
    for (done, current, expected) in [
        (vec![], "a", Some(1)),
        (vec!["b"], "a", Some(2)),
        (vec!["b", "c", "d"], "c", Some(0)),
        (vec!["a", "b", "c", "d"], "d", None),
    ] {
        for name in &done {
            p.record_run(name, 1, 1, today);
        }
        p.set_current(current);
        assert_eq!(
            p.next_pending(&c),
            expected,
            "done {done:?}, current {current}"
        );
    }
}

#[test]
fn hints_are_revealed_one_at_a_time_up_to_the_last() {
    let mut p = Progress::default();
    let shown: Vec<usize> = (0..4).map(|_| p.reveal_hint("a", 3)).collect();
    assert_eq!(shown, [1, 2, 3, 3]);
}

#[test]
fn reset_forgets_done_but_keeps_hints() {
    let mut p = Progress::default();
    p.reveal_hint("a", 3);
    p.record_run("a", 2, 2, date("2026-11-01"));
    p.reset("a");
    assert!(!p.is_done("a"));
    assert_eq!(p.entry("a").hints_shown, 1);
}

#[test]
fn streak_counts_consecutive_days_ending_today_or_yesterday() {
    let today = date("2026-11-24");
    for (done, expected) in [
        (vec![], 0),
        (vec!["2026-11-24"], 1),
        (vec!["2026-11-23"], 1),
        (vec!["2026-11-22"], 0),
        (vec!["2026-11-22", "2026-11-23", "2026-11-24"], 3),
        (vec!["2026-11-20", "2026-11-23", "2026-11-24"], 2),
        (vec!["2026-11-24", "2026-11-24"], 1),
    ] {
        let mut p = Progress::default();
        for (i, d) in done.iter().enumerate() {
            p.record_run(&format!("e{i}"), 1, 1, date(d));
        }
        assert_eq!(p.streak(today), expected, "{done:?}");
    }
}

#[test]
fn plan_day_counts_from_one() {
    let p = Progress::new(date("2026-11-20"));
    assert_eq!(p.plan_day(date("2026-11-20")), Some(1));
    assert_eq!(p.plan_day(date("2026-11-24")), Some(5));
}
