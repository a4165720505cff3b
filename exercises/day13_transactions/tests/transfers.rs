//! What "done" means for day 13: a bank on a real PostgreSQL, used by several connections at
//! once. Each test has a database of its own (`TestDatabase`). Where the order of two
//! transactions matters, the test plays the other client itself, on its own connection, and
//! moves on only when it sees your transaction waiting for a lock: no timing, no luck.

use std::collections::HashSet;
use std::time::{Duration, Instant};

use backlings_support::TestDatabase;
use day13_transactions::{Bank, BankError, LedgerEntry, MAX_ACCOUNTS_PER_OWNER, MAX_ATTEMPTS};
use tokio::task::JoinHandle;
use tokio_postgres::error::SqlState;
use tokio_postgres::{Client, NoTls};

/// A bank in a fresh database, with three accounts of 1000, 500 and 0 cents.
/// Keep the `TestDatabase`: dropping it drops the database.
async fn bank() -> (TestDatabase, Bank, [i64; 3]) {
    let db = TestDatabase::create();
    let bank = Bank::connect(db.url()).await.expect("connect to the bank");
    let ada = bank.open_account("Ada", 1000).await.unwrap();
    let alan = bank.open_account("Alan", 500).await.unwrap();
    let grace = bank.open_account("Grace", 0).await.unwrap();
    (db, bank, [ada, alan, grace])
}

/// Another client of the same database (another server process, say).
async fn other_client(db: &TestDatabase) -> Client {
    let (client, connection) = tokio_postgres::connect(db.url(), NoTls)
        .await
        .expect("connect a second client");
    tokio::spawn(connection);
    client
}

async fn balances(bank: &Bank, ids: &[i64]) -> Vec<i64> {
    let mut all = Vec::new();
    for &id in ids {
        all.push(bank.balance(id).await.unwrap().expect("the account exists"));
    }
    all
}

/// Waits (at most 10 s) until some session of this database waits for a lock, or until
/// `task` has finished (then the caller's assertions on its result say what went wrong).
async fn wait_until_blocked<T>(observer: &Client, task: &JoinHandle<T>) {
    let deadline = Instant::now() + Duration::from_secs(10);
    while !task.is_finished() {
        let waiting: i64 = observer
            .query_one(
                "SELECT count(*) FROM pg_stat_activity
                 WHERE datname = current_database() AND wait_event_type = 'Lock'",
                &[],
            )
            .await
            .unwrap()
            .get(0);
        if waiting > 0 {
            return;
        }
        assert!(
            Instant::now() < deadline,
            "waited 10 s for the operation to wait for a lock the test holds"
        );
        tokio::time::sleep(Duration::from_millis(5)).await;
    }
}

fn sqlstate(error: &BankError) -> Option<&SqlState> {
    match error {
        BankError::Db(error) => error.code(),
        _ => None,
    }
}

#[tokio::test]
async fn opens_accounts_and_reports_balances_and_the_total() {
    let (_db, bank, ids) = bank().await;
    assert_eq!(balances(&bank, &ids).await, [1000, 500, 0]);
    assert_eq!(
        bank.total().await.unwrap(),
        1500,
        "the total is the sum of all balances"
    );
    assert_eq!(
        bank.balance(999).await.unwrap(),
        None,
        "an unknown account has no balance"
    );
}

#[tokio::test]
async fn a_transfer_moves_money_and_is_recorded_in_the_ledger() {
    let (_db, bank, [ada, alan, grace]) = bank().await;
    bank.transfer(ada, grace, 300)
        .await
        .expect("Ada can afford 300");
    assert_eq!(balances(&bank, &[ada, alan, grace]).await, [700, 500, 300]);
    let ledger = bank.ledger(grace).await.unwrap();
    assert_eq!(ledger.len(), 1, "one transfer involves Grace: {ledger:?}");
    assert_eq!(
        (ledger[0].from, ledger[0].to, ledger[0].amount),
        (ada, grace, 300)
    );
    assert_eq!(
        bank.ledger(ada).await.unwrap(),
        ledger,
        "Ada's ledger has the same line"
    );
    assert!(bank.ledger(alan).await.unwrap().is_empty());
}

#[tokio::test]
async fn invalid_transfers_are_refused_and_change_nothing() {
    let (_db, bank, [ada, alan, grace]) = bank().await;
    let zero = bank.transfer(ada, alan, 0).await;
    assert!(
        matches!(zero, Err(BankError::InvalidAmount(0))),
        "got {zero:?}"
    );
    let negative = bank.transfer(ada, alan, -50).await;
    assert!(
        matches!(negative, Err(BankError::InvalidAmount(-50))),
        "a negative amount would move money backwards: got {negative:?}"
    );
    let itself = bank.transfer(ada, ada, 10).await;
    assert!(
        matches!(itself, Err(BankError::SameAccount)),
        "got {itself:?}"
    );
    let unknown_source = bank.transfer(999, ada, 10).await;
    assert!(
        matches!(unknown_source, Err(BankError::UnknownAccount(999))),
        "got {unknown_source:?}"
    );
    let unknown_destination = bank.transfer(ada, 999, 400).await;
    assert!(
        matches!(unknown_destination, Err(BankError::UnknownAccount(999))),
        "account 999 does not exist: got {unknown_destination:?}"
    );
    assert_eq!(
        balances(&bank, &[ada, alan, grace]).await,
        [1000, 500, 0],
        "a refused transfer changes no balance (Ada's 400 must not vanish on the way to 999)"
    );
    assert!(
        bank.ledger(ada).await.unwrap().is_empty(),
        "no ledger line for a refused transfer"
    );
}

#[tokio::test]
async fn an_overdraft_is_refused_and_changes_nothing() {
    let (_db, bank, [ada, alan, grace]) = bank().await;
    let result = bank.transfer(alan, ada, 501).await;
    assert!(
        matches!(
            result,
            Err(BankError::InsufficientFunds { account, balance: 500, amount: 501 }) if account == alan
        ),
        "Alan holds 500 and cannot send 501, got {result:?}"
    );
    bank.transfer(alan, ada, 500)
        .await
        .expect("but he can send all of it");
    assert_eq!(balances(&bank, &[ada, alan, grace]).await, [1500, 0, 0]);
}

#[tokio::test]
async fn a_batch_is_all_or_nothing_and_may_spend_what_it_received() {
    let (_db, bank, [ada, alan, grace]) = bank().await;
    let result = bank
        .transfer_batch(&[(ada, grace, 200), (alan, grace, 100), (grace, ada, 5000)])
        .await;
    assert!(
        matches!(result, Err(BankError::InsufficientFunds { .. })),
        "the third transfer asks Grace for 5000 she does not have, got {result:?}"
    );
    assert_eq!(
        balances(&bank, &[ada, alan, grace]).await,
        [1000, 500, 0],
        "the first two transfers of a failed batch must be rolled back"
    );
    assert!(
        bank.ledger(grace).await.unwrap().is_empty(),
        "and leave no ledger lines"
    );
    bank.transfer_batch(&[(ada, grace, 600), (grace, alan, 600)])
        .await
        .expect("Grace receives 600, then passes it on");
    assert_eq!(balances(&bank, &[ada, alan, grace]).await, [400, 1100, 0]);
    assert_eq!(bank.ledger(grace).await.unwrap().len(), 2);
}

#[tokio::test]
async fn a_transfer_waits_for_a_locked_account_then_checks_the_balance_left_there() {
    let (db, bank, [ada, alan, grace]) = bank().await;
    // Another client withdraws 900 of Ada's 1000 and has not committed yet.
    let mut other = other_client(&db).await;
    let withdrawal = other.transaction().await.unwrap();
    withdrawal
        .execute(
            "UPDATE accounts SET balance = balance - 900 WHERE id = $1",
            &[&ada],
        )
        .await
        .unwrap();

    let transfer = tokio::spawn({
        let bank = bank.clone();
        async move { bank.transfer(ada, grace, 300).await }
    });
    wait_until_blocked(&other_client(&db).await, &transfer).await;
    withdrawal.commit().await.unwrap();
    let result = transfer.await.unwrap();

    assert!(
        matches!(
            result,
            Err(BankError::InsufficientFunds { account, balance: 100, amount: 300 }) if account == ada
        ),
        "after the other client's withdrawal Ada holds 100, so the transfer of 300 must be \
         refused with InsufficientFunds {{ balance: 100, .. }}; got {result:?}. A balance read \
         before the other transaction committed is stale: lock the row you are about to \
         change (SELECT ... FOR UPDATE) before you read and check it"
    );
    assert_eq!(
        balances(&bank, &[ada, alan, grace]).await,
        [100, 500, 0],
        "the withdrawal of 900 must not be lost or undone"
    );
}

#[tokio::test]
async fn a_transfer_waiting_for_one_account_holds_no_lock_on_the_other() {
    let (db, bank, [ada, alan, grace]) = bank().await;
    assert!(ada < alan, "accounts are numbered in the order they open");
    // Another client holds Ada's row (the lower id).
    let mut other = other_client(&db).await;
    let holder = other.transaction().await.unwrap();
    holder
        .execute("SELECT 1 FROM accounts WHERE id = $1 FOR UPDATE", &[&ada])
        .await
        .unwrap();

    let transfer = tokio::spawn({
        let bank = bank.clone();
        async move { bank.transfer(alan, ada, 100).await }
    });
    wait_until_blocked(&other_client(&db).await, &transfer).await;
    // Meanwhile, a third client tries Alan's row without waiting.
    let mut probe_client = other_client(&db).await;
    let probe = probe_client.transaction().await.unwrap();
    let alan_free = probe
        .execute(
            "SELECT 1 FROM accounts WHERE id = $1 FOR UPDATE NOWAIT",
            &[&alan],
        )
        .await;
    probe.rollback().await.unwrap();
    holder.commit().await.unwrap();
    let result = transfer.await.unwrap();

    if let Err(error) = &alan_free {
        assert_ne!(
            error.code(),
            Some(&SqlState::LOCK_NOT_AVAILABLE),
            "while the transfer from Alan (id {alan}) to Ada (id {ada}) waited for Ada's row, \
             it already held Alan's. The opposite transfer, holding Ada's and waiting for \
             Alan's, would deadlock with it: lock the accounts of a transfer in increasing id \
             order"
        );
        panic!("the probe failed: {error}");
    }
    result.expect("once Ada's row is free, the transfer goes through");
    assert_eq!(balances(&bank, &[ada, alan, grace]).await, [1100, 400, 0]);
}

#[tokio::test]
async fn a_transfer_chosen_as_a_deadlock_victim_is_retried() {
    let (db, bank, [ada, alan, grace]) = bank().await;
    let mut other = other_client(&db).await;
    // Best effort: where the role may (a superuser), make sure the server picks the bank's
    // transaction as the victim. It does anyway: the bank's waits longer, so it notices first.
    let _ = other.batch_execute("SET deadlock_timeout = '60s'").await;
    let rival = other.transaction().await.unwrap();
    rival
        .execute("SELECT 1 FROM accounts WHERE id = $1 FOR UPDATE", &[&alan])
        .await
        .unwrap();

    // The transfer takes Ada's row, then waits for Alan's, which the rival holds...
    let transfer = tokio::spawn({
        let bank = bank.clone();
        async move { bank.transfer(ada, alan, 100).await }
    });
    wait_until_blocked(&other_client(&db).await, &transfer).await;
    // ...and the rival now asks for Ada's row: each waits for the other. After a second the
    // server aborts one of them with SQLSTATE 40P01, and the rival gets Ada's row.
    rival
        .execute("SELECT 1 FROM accounts WHERE id = $1 FOR UPDATE", &[&ada])
        .await
        .expect("the server should abort the bank's transaction, not the test's");
    rival.commit().await.unwrap();
    let result = transfer.await.unwrap();

    assert!(
        result.is_ok(),
        "the transfer was aborted to break a deadlock (SQLSTATE 40P01): nothing in it was \
         wrong, so run the whole transaction again (up to MAX_ATTEMPTS = {MAX_ATTEMPTS} \
         tries); got {result:?}"
    );
    assert_eq!(balances(&bank, &[ada, alan, grace]).await, [900, 600, 0]);
    assert_eq!(
        bank.ledger(ada).await.unwrap().len(),
        1,
        "the retried transfer happened once"
    );
}

#[tokio::test]
async fn a_serialization_failure_is_retried_but_not_forever() {
    let (db, bank, [ada, alan, _]) = bank().await;
    // The server aborts the next inserts into the ledger with SQLSTATE 40001, as it does
    // when a concurrent transaction wins a conflict, and counts the tries in a sequence.
    let admin = other_client(&db).await;
    let fail_the_next = |tries: u32| {
        format!(
            "CREATE SEQUENCE IF NOT EXISTS tries;
             ALTER SEQUENCE tries RESTART;
             CREATE OR REPLACE FUNCTION conflict() RETURNS trigger LANGUAGE plpgsql AS $$
             BEGIN
                 IF nextval('tries') <= {tries} THEN
                     RAISE EXCEPTION 'a concurrent transaction won (simulated by the test)'
                         USING ERRCODE = 'serialization_failure';
                 END IF;
                 RETURN NEW;
             END $$;
             CREATE OR REPLACE TRIGGER conflict BEFORE INSERT ON transfers
                 FOR EACH ROW EXECUTE FUNCTION conflict();"
        )
    };
    let tries = async || -> i64 {
        admin
            .query_one("SELECT last_value FROM tries", &[])
            .await
            .unwrap()
            .get(0)
    };

    admin.batch_execute(&fail_the_next(2)).await.unwrap();
    let result = bank.transfer(ada, alan, 100).await;
    assert!(
        result.is_ok(),
        "the first two tries failed with a serialization failure (SQLSTATE 40001), which \
         asks the client to run the whole transaction again; got {result:?}"
    );
    assert_eq!(tries().await, 3, "two failed tries, then one that worked");
    assert_eq!(bank.balance(ada).await.unwrap(), Some(900));

    admin.batch_execute(&fail_the_next(1_000)).await.unwrap();
    let result = tokio::time::timeout(Duration::from_secs(15), bank.transfer(ada, alan, 100))
        .await
        .expect("a transaction that always fails must not be retried forever");
    assert!(
        result
            .as_ref()
            .is_err_and(|e| sqlstate(e) == Some(&SqlState::T_R_SERIALIZATION_FAILURE)),
        "after MAX_ATTEMPTS tries, the last serialization failure is returned; got {result:?}"
    );
    assert_eq!(
        tries().await,
        i64::from(MAX_ATTEMPTS),
        "a transaction that keeps failing is tried MAX_ATTEMPTS = {MAX_ATTEMPTS} times in all"
    );
    assert_eq!(
        bank.balance(ada).await.unwrap(),
        Some(900),
        "nothing changed"
    );
}

#[tokio::test]
async fn two_openings_at_once_cannot_give_an_owner_too_many_accounts() {
    let (db, bank, [ada, ..]) = bank().await;
    assert_eq!(MAX_ACCOUNTS_PER_OWNER, 3);
    bank.open_account("Ada", 0)
        .await
        .expect("Ada's second account");
    let count = async || -> i64 {
        let client = other_client(&db).await;
        let row = client
            .query_one("SELECT count(*) FROM accounts WHERE owner = 'Ada'", &[])
            .await
            .unwrap();
        row.get(0)
    };

    // Another client opens Ada's third account by the same rule, at SERIALIZABLE: it counts
    // two, then holds the table against new rows until it has inserted its own.
    let mut other = other_client(&db).await;
    let rival = other
        .build_transaction()
        .isolation_level(tokio_postgres::IsolationLevel::Serializable)
        .start()
        .await
        .unwrap();
    rival
        .batch_execute("LOCK TABLE accounts IN SHARE ROW EXCLUSIVE MODE")
        .await
        .unwrap();
    let seen: i64 = rival
        .query_one("SELECT count(*) FROM accounts WHERE owner = 'Ada'", &[])
        .await
        .unwrap()
        .get(0);
    assert_eq!(seen, 2);

    // Your opening counts two as well, then waits to insert.
    let opening = tokio::spawn({
        let bank = bank.clone();
        async move { bank.open_account("Ada", 0).await }
    });
    wait_until_blocked(&other_client(&db).await, &opening).await;
    rival
        .execute(
            "INSERT INTO accounts (owner, balance) VALUES ('Ada', 0)",
            &[],
        )
        .await
        .unwrap();
    rival.commit().await.unwrap();
    let result = opening.await.unwrap();

    assert_eq!(
        count().await,
        MAX_ACCOUNTS_PER_OWNER,
        "Ada holds more than {MAX_ACCOUNTS_PER_OWNER} accounts: each opening counted two \
         before the other inserted (write skew). Row locks cannot lock a row that does not \
         exist yet, and REPEATABLE READ does not notice; SERIALIZABLE does"
    );
    assert!(
        matches!(&result, Err(BankError::TooManyAccounts { owner }) if owner == "Ada"),
        "the server aborted your opening with a serialization failure (SQLSTATE 40001); \
         tried again, it counts three and refuses with TooManyAccounts; got {result:?}"
    );
    let again = bank.open_account("Ada", 0).await;
    assert!(
        matches!(again, Err(BankError::TooManyAccounts { .. })),
        "got {again:?}"
    );
    assert_eq!(bank.balance(ada).await.unwrap(), Some(1000));
}

#[tokio::test(flavor = "multi_thread", worker_threads = 4)]
async fn concurrent_transfers_conserve_money_and_never_overdraw() {
    const TASKS: u64 = 4;
    const TRANSFERS: usize = 60;
    let (_db, bank, [ada, alan, grace]) = bank().await;
    let linus = bank.open_account("Linus", 300).await.unwrap();
    let ids = vec![ada, alan, grace, linus];
    let start_total = bank.total().await.unwrap();

    let barrier = std::sync::Arc::new(tokio::sync::Barrier::new(TASKS as usize));
    let tasks: Vec<_> = (0..TASKS)
        .map(|t| {
            let (bank, ids, barrier) = (bank.clone(), ids.clone(), barrier.clone());
            tokio::spawn(async move {
                barrier.wait().await; // start together, so the transfers really overlap
                let mut seed = t * 7919 + 17;
                let mut done = 0;
                for _ in 0..TRANSFERS {
                    seed = seed
                        .wrapping_mul(6364136223846793005)
                        .wrapping_add(1442695040888963407);
                    let from = (seed >> 33) as usize % ids.len();
                    let to = (from + 1 + (seed >> 40) as usize % (ids.len() - 1)) % ids.len();
                    let amount = (seed >> 20) as i64 % 400 + 1;
                    match bank.transfer(ids[from], ids[to], amount).await {
                        Ok(()) => done += 1,
                        Err(BankError::InsufficientFunds { .. }) => {}
                        Err(other) => panic!(
                            "under concurrent load a transfer may only succeed or find too \
                             little money; it failed with {other:?}"
                        ),
                    }
                }
                done
            })
        })
        .collect();
    let mut done = 0;
    for task in tasks {
        done += task
            .await
            .expect("a transfer task panicked (see its message above)");
    }

    assert_eq!(
        bank.total().await.unwrap(),
        start_total,
        "money was created or destroyed under concurrent transfers"
    );
    let mut ledger_ids = HashSet::new();
    for &id in &ids {
        let balance = bank.balance(id).await.unwrap().unwrap();
        assert!(balance >= 0, "account {id} went negative: {balance}");
        let entries: Vec<LedgerEntry> = bank.ledger(id).await.unwrap();
        let received: i64 = entries
            .iter()
            .filter(|e| e.to == id)
            .map(|e| e.amount)
            .sum();
        let sent: i64 = entries
            .iter()
            .filter(|e| e.from == id)
            .map(|e| e.amount)
            .sum();
        let initial = [1000, 500, 0, 300][ids.iter().position(|&x| x == id).unwrap()];
        assert_eq!(
            initial + received - sent,
            balance,
            "account {id}: the ledger must explain the balance exactly"
        );
        ledger_ids.extend(entries.iter().map(|e| e.id));
    }
    assert_eq!(
        ledger_ids.len(),
        done,
        "every successful transfer, and only those, is in the ledger"
    );
    assert!(done > 0, "some transfers should have succeeded");
}
