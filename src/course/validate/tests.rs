use super::*;

const HEAD: &str = "format_version = 1\ntitle = \"T\"\n";

fn entry(name: &str, day: u32) -> String {
    format!("[[exercises]]\nname = \"{name}\"\nday = {day}\ntitle = \"x\"\nhints = [\"h\"]\n")
}

fn errors(text: &str) -> Vec<String> {
    match parse(text) {
        Ok(_) => vec![],
        Err(e) => e
            .with_file("info.toml")
            .to_string()
            .lines()
            .map(str::to_string)
            .collect(),
    }
}

#[test]
fn accepts_a_well_formed_course() {
    let text = format!("{HEAD}{}{}", entry("day01_a", 1), entry("day02_b", 2));
    let course = parse(&text).expect("valid course");
    assert_eq!(course.exercises.len(), 2);
    assert_eq!(course.exercises[1].name, "day02_b");
    assert_eq!(course.exercises[0].timeout, DEFAULT_TIMEOUT);
    assert_eq!(course.exercises[0].serve, None);
}

#[test]
fn a_served_day_fills_its_port_into_the_examples() {
    let text = format!(
        "{HEAD}{}serve = {{ port = 3001, try = [\"curl -i http://127.0.0.1:{{port}}/x\"] }}\n",
        entry("day01_a", 1)
    );
    let course = parse(&text).expect("valid course");
    let serve = course.exercises[0].serve.clone().expect("served");
    assert_eq!(serve.port, 3001);
    assert_eq!(serve.examples_on(4000), ["curl -i http://127.0.0.1:4000/x"]);
}

#[test]
fn reports_problems_with_file_line_and_column() {
    let cases: &[(String, &str)] = &[
        (
            format!("{HEAD}{}", entry("Day01", 1)),
            "info.toml:4:8: exercise name `Day01` is not a valid",
        ),
        (
            format!("{HEAD}{}", entry("day01", 2)),
            "info.toml:5:7: exercise `day01` has `day = 2` but is entry 1",
        ),
        (
            format!("{HEAD}{}{}", entry("a", 1), entry("a", 2)),
            "info.toml:9:8: exercise `a` is listed twice (first at line 4)",
        ),
        (
            format!("{HEAD}{}{}", entry("a", 1), entry("b", 1)),
            "info.toml:10:7: day 1 is used twice (`a` and `b`)",
        ),
        (
            format!("format_version = 2\ntitle = \"T\"\n{}", entry("a", 1)),
            "info.toml:1:18: format_version 2 is not supported",
        ),
        (
            format!("{HEAD}{}timeout_secs = 0\n", entry("a", 1)),
            "info.toml:8:16: exercise `a` has `timeout_secs = 0`",
        ),
        (
            format!("{HEAD}[[exercises]]\nname = \"a\"\nday = 1\ntitle = \"x\"\nhints = [\"\"]\n"),
            "info.toml:7:9: exercise `a` has an empty hint",
        ),
        (
            format!("{HEAD}[[exercises]]\nname = \"a\"\nday = \"one\"\ntitle = \"x\"\n"),
            "info.toml:5:7: invalid type: string \"one\", expected u32",
        ),
        (
            format!("{HEAD}[[exercises]]\nname = \"a\"\nday = 1\n"),
            "info.toml:3:1: missing field `title`",
        ),
        (
            format!("{HEAD}[[exercises]]\nname = \"a\"\nday = 1\ntitle = \"x\"\nhint = []\n"),
            "info.toml:7:1: unknown field `hint`",
        ),
        (
            "title = \"T\"\n".to_string(),
            "missing field `format_version`",
        ),
        (
            format!("{HEAD}title = \"again\"\n"),
            "info.toml:3:1: duplicate key",
        ),
        (
            "format_version = 1\ntitle = \"T\"\n[[exercises\n".to_string(),
            "info.toml:3:12: ",
        ),
        (HEAD.to_string(), "info.toml: there are no `[[exercises]]`"),
        (
            format!("{HEAD}{}serve = {{ port = 80 }}\n", entry("a", 1)),
            "info.toml:8:18: exercise `a` has `serve.port = 80`; use 1024 to 65535",
        ),
        (
            format!(
                "{HEAD}{}serve = {{ port = 3001, try = [\"curl http://127.0.0.1:3001/\"] }}\n",
                entry("a", 1)
            ),
            "info.toml:8:31: exercise `a` has a `serve.try` example without `{port}`",
        ),
        (
            format!(
                "{HEAD}{}serve = {{ port = 3001 }}\n{}serve = {{ port = 3001 }}\n",
                entry("a", 1),
                entry("b", 2)
            ),
            "info.toml:14:18: port 3001 is the `serve.port` of `a` and `b`",
        ),
        (
            format!(
                "{HEAD}{}serve = {{ port = 3001, tries = [] }}\n",
                entry("a", 1)
            ),
            "info.toml:8:",
        ),
        (
            format!("{HEAD}[[exercises]]\nname = \"a\"\nday = 1\ntitle = \"x\"\nhints = \"h\"\n"),
            "info.toml:7:9: invalid type: string \"h\", expected a sequence",
        ),
        (
            format!("{HEAD}[[exercises]]\nname = \"a\"\nday = -1\ntitle = \"x\"\n"),
            "info.toml:5:7: invalid value: integer `-1`, expected u32",
        ),
        (
            format!("{HEAD}{}timeout_secs = 601\n", entry("a", 1)),
            "info.toml:8:16: exercise `a` has `timeout_secs = 601`",
        ),
        (
            format!("{HEAD}[[exercises]]\nname = 5\nday = 1\ntitle = \"x\"\n"),
            "info.toml:4:8: invalid type: integer `5`, expected a string",
        ),
        (
            format!("{HEAD}[[exercises]]\nname = \"a\"\nday = 1\ntitle = \"x\"\ntopics = \"t\"\n"),
            "info.toml:7:10: invalid type: string \"t\", expected a sequence",
        ),
        (String::new(), "missing field `format_version`"),
    ];
    for (text, expected) in cases {
        let found = errors(text);
        assert!(
            found.iter().any(|line| line.contains(expected)),
            "expected a line containing {expected:?} for\n{text}\ngot {found:#?}"
        );
    }
}

#[test]
fn reports_every_problem_not_just_the_first() {
    let text = format!(
        "{HEAD}{}{}{}",
        entry("Bad", 1),
        entry("b", 3),
        entry("b", 3)
    );
    let err = parse(&text).unwrap_err();
    assert_eq!(err.problems.len(), 4, "{err}");
}

#[test]
fn names_must_work_as_packages() {
    for (name, ok) in [
        ("day01_a", true),
        ("a", true),
        ("1day", false),
        ("day-01", false),
        ("", false),
        ("dAy", false),
    ] {
        assert_eq!(is_valid_name(name), ok, "{name:?}");
    }
}

#[test]
fn line_col_counts_characters_from_one() {
    for (text, offset, expected) in [
        ("abc", 0, (1, 1)),
        ("a\nbc", 3, (2, 2)),
        ("é\nx", 3, (2, 1)),
        ("ab", 99, (1, 3)),
    ] {
        assert_eq!(line_col(text, offset), expected, "{text:?} @ {offset}");
    }
}

#[test]
fn reports_every_unknown_field_wrong_type_and_missing_field_in_one_run() {
    let text = "format_version = 1\ntitle = \"T\"\nwelcom = \"hi\"\n\
                [[exercises]]\nname = \"a\"\nday = 1\ntitle = \"x\"\nhint = [\"h\"]\n\
                [[exercises]]\nname = \"b\"\nday = \"two\"\ntitle = \"y\"\nhnts = [\"h\"]\n\
                [[exercises]]\nname = \"c\"\nday = 3\ntimeout = 5\n\
                serve = { port = \"x\", trys = [] }\n";
    assert_eq!(
        errors(text),
        [
            "`info.toml` has 8 problems:",
            "  info.toml:3:1: unknown field `welcom`; did you mean `welcome`?",
            "  info.toml:8:1: unknown field `hint`; did you mean `hints`?",
            "  info.toml:11:7: invalid type: string \"two\", expected u32",
            "  info.toml:13:1: unknown field `hnts`; did you mean `hints`?",
            "  info.toml:14:1: missing field `title` in exercise `c`",
            "  info.toml:17:1: unknown field `timeout`; did you mean `timeout_secs`?",
            "  info.toml:18:18: invalid type: string \"x\", expected u16",
            "  info.toml:18:23: unknown field `trys`; did you mean `try`?",
        ]
    );
}

#[test]
fn an_unknown_field_with_no_near_name_lists_the_fields() {
    let text = format!("{HEAD}{}colour = \"red\"\n", entry("a", 1));
    assert_eq!(
        errors(&text),
        [
            "info.toml:8:1: unknown field `colour`; the fields of an `[[exercises]]` entry are \
             `name`, `day`, `title`, `topics`, `hints`, `timeout_secs`, `starter_may_pass`, `serve`, \
             `database`"
        ]
    );
}

#[test]
fn content_problems_come_with_shape_problems_and_a_newer_format_alone() {
    let text = format!("{HEAD}{}{}hnts = []\n", entry("Bad", 1), entry("b", 3));
    let found = errors(&text);
    assert_eq!(found.len(), 4, "{found:#?}\n{text}");
    assert!(found[1].starts_with("  info.toml:4:8: exercise name `Bad` is not a valid"));
    assert!(found[2].starts_with("  info.toml:10:7: exercise `b` has `day = 3` but is entry 2"));
    assert!(found[3].starts_with("  info.toml:13:1: unknown field `hnts`"));
    let newer = format!(
        "format_version = 2\ntitle = \"T\"\n{}colour = 1\n",
        entry("a", 1)
    );
    assert_eq!(
        errors(&newer),
        [
            "info.toml:1:18: format_version 2 is not supported (this backlings reads 1); this \
          course needs a newer backlings: update it (`cargo install --path .` in a newer checkout)"
        ]
    );
}

#[test]
fn a_day_asks_for_postgres_or_for_no_database_server() {
    let text = format!("{HEAD}{}database = \"postgres\"\n", entry("a", 1));
    let course = parse(&text).expect("valid course");
    assert_eq!(
        course.exercises[0].database,
        Some(crate::course::Database::Postgres)
    );
    let text = format!("{HEAD}{}database = \"mysql\"\n", entry("a", 1));
    let errors = errors(&text);
    assert_eq!(errors.len(), 1, "{errors:?}");
    assert!(
        errors[0].contains(
            "has `database = \"mysql\"`; the one database backlings provides is \"postgres\""
        ),
        "{errors:?}"
    );
}
