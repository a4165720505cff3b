use super::*;

fn at(hour: u32) -> Option<DateTime<Utc>> {
    use chrono::TimeZone;
    Utc.with_ymd_and_hms(2026, 11, 24, hour, 0, 0).single()
}

/// A learner graded on days 1 and 2: `(passed, total)` each, a failing test per missing pass.
fn learner(name: &str, hour: u32, scores: [(usize, usize); 2]) -> Submission {
    let mut tests = Vec::new();
    let days = scores
        .iter()
        .enumerate()
        .map(|(i, &(passed, total))| {
            let day = i as u32 + 1;
            for t in 0..total {
                tests.push(TestLine {
                    name: format!("d{day}::t{t}"),
                    passed: t < passed,
                    message: format!("{name} fails d{day}::t{t}"),
                    day: Some(day),
                });
            }
            DayCell {
                day,
                name: format!("d{day}"),
                title: format!("Day {day}"),
                status: if passed == total {
                    DayStatus::Pass
                } else {
                    DayStatus::Fail
                },
                passed,
                total,
            }
        })
        .collect();
    Submission {
        learner: name.into(),
        file: PathBuf::from(format!("{name}.json")),
        graded_at: at(hour),
        course: "Course".into(),
        error: None,
        days,
        tests,
    }
}

#[test]
fn each_learner_counts_once_with_their_latest_grade() {
    let class = Class::from_submissions(
        vec![
            learner("bo", 9, [(1, 2), (0, 2)]),
            learner("ada", 8, [(2, 2), (2, 2)]),
            learner("bo", 10, [(2, 2), (1, 2)]),
            learner("bo", 7, [(0, 2), (0, 2)]),
        ],
        Vec::new(),
    );
    let rows: Vec<(&str, f64, usize)> = class
        .learners
        .iter()
        .map(|l| (l.learner.as_str(), l.percent(), l.days_passed()))
        .collect();
    assert_eq!(rows, [("ada", 100.0, 2), ("bo", 75.0, 1)]);
    assert_eq!(class.learners[1].graded_at, at(10));
    assert_eq!(class.course, "Course");
    assert_eq!(class.mean_percent(), 87.5);
}

#[test]
fn days_sum_the_class_and_failing_tests_come_most_failed_first() {
    let class = Class::from_submissions(
        vec![
            learner("cy", 8, [(0, 2), (2, 2)]),
            learner("ada", 8, [(1, 2), (2, 2)]),
            learner("bo", 8, [(2, 2), (1, 2)]),
        ],
        Vec::new(),
    );
    let days: Vec<(u32, usize, usize, f64)> = class
        .days
        .iter()
        .map(|d| (d.day, d.passing, d.graded, d.percent))
        .collect();
    assert_eq!(days, [(1, 1, 3, 50.0), (2, 2, 3, 83.3)]);
    let failing: Vec<(&str, usize, usize, &str)> = class
        .failing
        .iter()
        .map(|f| {
            (
                f.name.as_str(),
                f.learners,
                f.graded,
                f.first_learner.as_str(),
            )
        })
        .collect();
    assert_eq!(
        failing,
        [
            ("d1::t1", 2, 3, "ada"),
            ("d1::t0", 1, 3, "cy"),
            ("d2::t1", 1, 3, "bo"),
        ]
    );
    assert_eq!(class.failing[0].first_message, "ada fails d1::t1");
}

#[test]
fn a_grade_that_could_not_run_is_listed_but_not_averaged() {
    let mut broken = learner("dee", 8, [(0, 0), (0, 0)]);
    broken.days.clear();
    broken.tests.clear();
    broken.error = Some("no exercises/".into());
    let class = Class::from_submissions(
        vec![broken, learner("ada", 8, [(1, 2), (1, 2)])],
        Vec::new(),
    );
    assert_eq!(class.learners.len(), 2);
    assert_eq!(class.mean_percent(), 50.0);
}

#[test]
fn the_message_shown_comes_from_the_learner_furthest_into_the_day() {
    let class = Class::from_submissions(
        vec![
            learner("al", 8, [(0, 2), (0, 1)]),
            learner("zu", 8, [(1, 2), (0, 1)]),
        ],
        Vec::new(),
    );
    let d1t1 = class.failing.iter().find(|f| f.name == "d1::t1").unwrap();
    assert_eq!((d1t1.learners, d1t1.first_learner.as_str()), (2, "zu"));
    assert_eq!(d1t1.first_message, "zu fails d1::t1");
    let d2t0 = class.failing.iter().find(|f| f.name == "d2::t0").unwrap();
    assert_eq!(d2t0.first_learner, "al", "a tie goes to the first by name");
}
