//! What "done" means for day 15: argon2id PHC strings, verification, and upgrades.
//!
//! Most tests use a tiny cost so they run fast; only one checks the recommended cost.

use argon2::password_hash::SaltString;
use argon2::{Algorithm, Argon2, Params, PasswordHasher, Version};
use base64::Engine;
use base64::engine::general_purpose::STANDARD_NO_PAD;

use day15_passwords::{Cost, PasswordError, Passwords, Verdict, check_strength};

/// Cheap enough for tests: 1 MiB, 1 pass, 1 lane.
const FAST: Cost = Cost {
    memory_kib: 1024,
    iterations: 1,
    parallelism: 1,
};

/// "Last year's" cost, to make hashes that are now outdated.
const OLD: Cost = Cost {
    memory_kib: 512,
    iterations: 1,
    parallelism: 1,
};

fn passwords(cost: Cost) -> Passwords {
    Passwords::new(cost).expect("a valid cost builds a hasher")
}

#[test]
fn rejects_passwords_shorter_than_eight_characters() {
    assert_eq!(check_strength("1234567"), Err(PasswordError::TooShort));
    assert_eq!(check_strength(""), Err(PasswordError::TooShort));
    // 7 characters but 13 bytes: the policy counts characters.
    assert_eq!(
        check_strength("пароль1"),
        Err(PasswordError::TooShort),
        "\"пароль1\" has only 7 characters (13 bytes); count chars, not bytes"
    );
    assert_eq!(check_strength("12345678"), Ok(()));
    assert_eq!(check_strength("пароль12"), Ok(()), "8 characters is enough");
}

#[test]
fn rejects_passwords_longer_than_the_maximum() {
    assert_eq!(
        check_strength(&"é".repeat(128)),
        Ok(()),
        "128 characters is allowed"
    );
    assert_eq!(
        check_strength(&"a".repeat(129)),
        Err(PasswordError::TooLong),
        "129 characters is over the limit"
    );
}

#[test]
fn refuses_a_cost_that_argon2_cannot_run() {
    let no_passes = Cost {
        iterations: 0,
        ..FAST
    };
    assert!(
        matches!(
            Passwords::new(no_passes),
            Err(PasswordError::InvalidCost(_))
        ),
        "zero iterations should be refused with InvalidCost"
    );
    let too_little_memory = Cost {
        memory_kib: 4,
        ..FAST
    };
    assert!(
        matches!(
            Passwords::new(too_little_memory),
            Err(PasswordError::InvalidCost(_))
        ),
        "4 KiB of memory is below argon2's minimum and should be refused with InvalidCost"
    );
}

#[test]
fn hash_is_an_argon2id_phc_string_with_the_configured_cost() {
    let phc = passwords(FAST).hash("correct horse").unwrap();
    assert!(
        phc.starts_with("$argon2id$v=19$m=1024,t=1,p=1$"),
        "expected a PHC string for argon2id, version 19, with the configured cost, got {phc}"
    );
    assert_eq!(
        phc.split('$').count(),
        6,
        "a PHC string is $alg$version$params$salt$hash, got {phc}"
    );
    assert!(
        !phc.contains("correct horse"),
        "the hash must not contain the password"
    );
    assert_eq!(
        passwords(FAST).hash("short"),
        Err(PasswordError::TooShort),
        "hash is where new passwords enter the system: check their strength first"
    );
}

#[test]
fn each_hash_gets_its_own_random_salt_of_at_least_16_bytes() {
    let hasher = passwords(FAST);
    let first = hasher.hash("same password").unwrap();
    let second = hasher.hash("same password").unwrap();
    assert_ne!(
        first, second,
        "two hashes of the same password must differ: each needs a fresh random salt"
    );
    let salt = first.split('$').nth(4).expect("a salt field");
    let bytes = STANDARD_NO_PAD
        .decode(salt)
        .expect("the salt is unpadded base64");
    assert!(
        bytes.len() >= 16,
        "the salt should have at least 16 random bytes, it has {}",
        bytes.len()
    );
}

#[test]
fn verify_accepts_the_right_password_and_rejects_a_wrong_one() {
    let hasher = passwords(FAST);
    let phc = hasher.hash("correct horse").unwrap();
    assert_eq!(hasher.verify("correct horse", &phc), Ok(true));
    assert_eq!(
        hasher.verify("correct hors", &phc),
        Ok(false),
        "a wrong password is Ok(false), not an error"
    );
    assert_eq!(hasher.verify("Correct horse", &phc), Ok(false));
}

#[test]
fn verify_reports_a_malformed_hash_as_an_error() {
    let hasher = passwords(FAST);
    for stored in ["", "correct horse", "$argon2id$v=19$m=1024,t=1,p=1$"] {
        assert_eq!(
            hasher.verify("correct horse", stored),
            Err(PasswordError::MalformedHash),
            "{stored:?} is not a PHC string: expected Err(MalformedHash)"
        );
    }
}

#[test]
fn verify_uses_the_cost_stored_in_the_hash() {
    let old_phc = passwords(OLD).hash("correct horse").unwrap();
    let today = passwords(FAST);
    assert_eq!(
        today.verify("correct horse", &old_phc),
        Ok(true),
        "a hash made with last year's cost must still verify: read the cost from the PHC string"
    );
}

#[test]
fn needs_rehash_when_the_algorithm_or_cost_changed() {
    let today = passwords(FAST);
    let current = today.hash("correct horse").unwrap();
    assert_eq!(
        today.needs_rehash(&current),
        Ok(false),
        "a current hash is fine"
    );

    let cheaper = passwords(OLD).hash("correct horse").unwrap();
    assert_eq!(
        today.needs_rehash(&cheaper),
        Ok(true),
        "less memory: rehash"
    );

    let fewer_passes = passwords(Cost {
        iterations: 2,
        ..FAST
    });
    assert_eq!(
        fewer_passes.needs_rehash(&current),
        Ok(true),
        "other iterations: rehash"
    );

    let params = Params::new(1024, 1, 1, None).unwrap();
    let argon2i = Argon2::new(Algorithm::Argon2i, Version::V0x13, params)
        .hash_password(
            b"correct horse",
            &SaltString::from_b64("c2FsdHNhbHRzYWx0").unwrap(),
        )
        .unwrap()
        .to_string();
    assert_eq!(
        today.needs_rehash(&argon2i),
        Ok(true),
        "same cost but argon2i instead of argon2id: rehash"
    );
    assert_eq!(
        today.needs_rehash("nonsense"),
        Err(PasswordError::MalformedHash)
    );
}

#[test]
fn verify_and_upgrade_rehashes_an_outdated_hash_after_a_successful_login() {
    let today = passwords(FAST);
    let old_phc = passwords(OLD).hash("correct horse").unwrap();
    match today.verify_and_upgrade("correct horse", &old_phc) {
        Ok(Verdict::AcceptedWithNewHash(new_phc)) => {
            assert!(
                new_phc.starts_with("$argon2id$v=19$m=1024,t=1,p=1$"),
                "the new hash should use today's cost, got {new_phc}"
            );
            assert_eq!(today.verify("correct horse", &new_phc), Ok(true));
        }
        other => panic!("expected AcceptedWithNewHash for an outdated hash, got {other:?}"),
    }
}

#[test]
fn verify_and_upgrade_never_upgrades_on_a_wrong_password_or_a_current_hash() {
    let today = passwords(FAST);
    let old_phc = passwords(OLD).hash("correct horse").unwrap();
    assert_eq!(
        today.verify_and_upgrade("wrong horse", &old_phc),
        Ok(Verdict::Rejected),
        "a wrong password is rejected, and never earns a new hash"
    );
    let current = today.hash("correct horse").unwrap();
    assert_eq!(
        today.verify_and_upgrade("correct horse", &current),
        Ok(Verdict::Accepted),
        "a hash with today's cost needs no upgrade"
    );
}

#[test]
fn recommended_cost_follows_owasp() {
    let phc = passwords(Cost::RECOMMENDED).hash("correct horse").unwrap();
    assert!(
        phc.starts_with("$argon2id$v=19$m=19456,t=2,p=1$"),
        "Cost::RECOMMENDED should hash with m=19456,t=2,p=1, got {phc}"
    );
}
