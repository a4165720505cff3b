//! What "done" means for day 13: a bank on a real SQLite file, used by several threads at once.

use std::collections::HashSet;
use std::path::PathBuf;
use std::sync::{Arc, Barrier};
use std::thread;
use std::time::{Duration, Instant};

use day13_transactions::{BUSY_TIMEOUT, Bank, LedgerEntry, TransferError};
use rusqlite::ErrorCode;
use tempfile::TempDir;

/// A bank in a fresh temporary directory, with three accounts of 1000, 500 and 0 cents.
/// Keep the `TempDir`: dropping it deletes the database.
fn bank() -> (TempDir, PathBuf, Bank, [i64; 3]) {
    let dir = tempfile::tempdir().expect("create a temporary directory");
    let path = dir.path().join("bank.sqlite");
    let bank = Bank::open(&path).expect("open the bank");
    let ada = bank.open_account("Ada", 1000).unwrap();
    let alan = bank.open_account("Alan", 500).unwrap();
    let grace = bank.open_account("Grace", 0).unwrap();
    (dir, path, bank, [ada, alan, grace])
}

fn balances(bank: &Bank, ids: &[i64]) -> Vec<i64> {
    ids.iter()
        .map(|&id| bank.balance(id).unwrap().expect("the account exists"))
        .collect()
}

#[test]
fn opens_accounts_and_reports_balances_and_the_total() {
    let (_dir, _path, bank, ids) = bank();
    assert_eq!(balances(&bank, &ids), [1000, 500, 0]);
    assert_eq!(
        bank.total().unwrap(),
        1500,
        "the total is the sum of all balances"
    );
    assert_eq!(
        bank.balance(999).unwrap(),
        None,
        "an unknown account has no balance"
    );
}

#[test]
fn a_transfer_moves_money_and_is_recorded_in_the_ledger() {
    let (_dir, _path, mut bank, [ada, alan, grace]) = bank();
    bank.transfer(ada, grace, 300).expect("Ada can afford 300");
    assert_eq!(balances(&bank, &[ada, alan, grace]), [700, 500, 300]);
    let ledger = bank.ledger(grace).unwrap();
    assert_eq!(ledger.len(), 1, "one transfer involves Grace: {ledger:?}");
    assert_eq!(
        (ledger[0].from, ledger[0].to, ledger[0].amount),
        (ada, grace, 300)
    );
    assert_eq!(
        bank.ledger(ada).unwrap(),
        ledger,
        "Ada's ledger has the same line"
    );
    assert!(bank.ledger(alan).unwrap().is_empty());
}

#[test]
fn invalid_transfers_are_refused_and_change_nothing() {
    let (_dir, _path, mut bank, [ada, alan, grace]) = bank();
    let zero = bank.transfer(ada, alan, 0);
    assert!(
        matches!(zero, Err(TransferError::InvalidAmount(0))),
        "got {zero:?}"
    );
    let negative = bank.transfer(ada, alan, -50);
    assert!(
        matches!(negative, Err(TransferError::InvalidAmount(-50))),
        "a negative amount would move money backwards: got {negative:?}"
    );
    let itself = bank.transfer(ada, ada, 10);
    assert!(
        matches!(itself, Err(TransferError::SameAccount)),
        "got {itself:?}"
    );
    let unknown_source = bank.transfer(999, ada, 10);
    assert!(
        matches!(unknown_source, Err(TransferError::UnknownAccount(999))),
        "got {unknown_source:?}"
    );
    assert_eq!(balances(&bank, &[ada, alan, grace]), [1000, 500, 0]);
    assert!(
        bank.ledger(ada).unwrap().is_empty(),
        "no ledger line for a refused transfer"
    );
}

#[test]
fn a_transfer_to_an_unknown_account_does_not_lose_money() {
    let (_dir, _path, mut bank, [ada, ..]) = bank();
    let result = bank.transfer(ada, 999, 400);
    assert!(
        matches!(result, Err(TransferError::UnknownAccount(999))),
        "account 999 does not exist: expected Err(UnknownAccount(999)), got {result:?}"
    );
    assert_eq!(
        bank.balance(ada).unwrap(),
        Some(1000),
        "Ada's 400 must not vanish: the debit has to be rolled back (or never made)"
    );
    assert_eq!(bank.total().unwrap(), 1500);
}

#[test]
fn an_overdraft_is_refused_and_changes_nothing() {
    let (_dir, _path, mut bank, [ada, alan, grace]) = bank();
    let result = bank.transfer(alan, ada, 501);
    assert!(
        matches!(
            result,
            Err(TransferError::InsufficientFunds { account, balance: 500, amount: 501 }) if account == alan
        ),
        "Alan holds 500 and cannot send 501, got {result:?}"
    );
    bank.transfer(alan, ada, 500)
        .expect("but he can send all of it");
    assert_eq!(balances(&bank, &[ada, alan, grace]), [1500, 0, 0]);
}

#[test]
fn a_batch_is_all_or_nothing() {
    let (_dir, _path, mut bank, [ada, alan, grace]) = bank();
    let result = bank.transfer_batch(&[(ada, grace, 200), (alan, grace, 100), (grace, ada, 5000)]);
    assert!(
        matches!(result, Err(TransferError::InsufficientFunds { .. })),
        "the third transfer asks Grace for 5000 she does not have, got {result:?}"
    );
    assert_eq!(
        balances(&bank, &[ada, alan, grace]),
        [1000, 500, 0],
        "the first two transfers of a failed batch must be rolled back"
    );
    assert!(
        bank.ledger(grace).unwrap().is_empty(),
        "and leave no ledger lines"
    );
}

#[test]
fn a_batch_may_spend_money_received_earlier_in_it() {
    let (_dir, _path, mut bank, [ada, alan, grace]) = bank();
    bank.transfer_batch(&[(ada, grace, 600), (grace, alan, 600)])
        .expect("Grace receives 600, then passes it on");
    assert_eq!(balances(&bank, &[ada, alan, grace]), [400, 1100, 0]);
    assert_eq!(bank.ledger(grace).unwrap().len(), 2);
}

#[test]
fn a_transfer_waits_for_another_writer_up_to_the_busy_timeout() {
    let (_dir, path, mut bank, [ada, alan, grace]) = bank();
    // Another connection (another server process, say) takes the write lock and keeps it.
    let other = rusqlite::Connection::open(&path).unwrap();
    other.execute_batch("BEGIN IMMEDIATE").unwrap();

    let started = Instant::now();
    let result = bank.transfer(ada, alan, 100);
    let waited = started.elapsed();
    assert!(
        matches!(
            &result,
            Err(TransferError::Sqlite(e)) if e.sqlite_error_code() == Some(ErrorCode::DatabaseBusy)
        ),
        "another connection held the write lock all along, so the transfer can only fail \
         with `database is locked`; got {result:?}"
    );
    assert!(
        waited >= BUSY_TIMEOUT - Duration::from_millis(200),
        "the transfer gave up after {waited:?}, but a writer waits its turn for BUSY_TIMEOUT \
         ({BUSY_TIMEOUT:?}). Set the busy timeout, and begin IMMEDIATE: a deferred transaction \
         that has already read cannot wait for the write lock (its read may be stale), so \
         SQLite fails it at once"
    );

    other.execute_batch("ROLLBACK").unwrap();
    assert_eq!(balances(&bank, &[ada, alan, grace]), [1000, 500, 0]);
    bank.transfer(ada, alan, 100)
        .expect("once the lock is free, the transfer goes through");
}

#[test]
fn concurrent_transfers_conserve_money_and_never_overdraw() {
    const THREADS: usize = 4;
    const TRANSFERS: usize = 60;
    let (_dir, path, bank, [ada, alan, grace]) = bank();
    let extra = bank.open_account("Linus", 300).unwrap();
    let ids = vec![ada, alan, grace, extra];
    let start_total = bank.total().unwrap();

    let barrier = Arc::new(Barrier::new(THREADS));
    let workers: Vec<_> = (0..THREADS)
        .map(|t| {
            let (path, ids, barrier) = (path.clone(), ids.clone(), Arc::clone(&barrier));
            thread::spawn(move || {
                // Each thread has its own connection, like separate server processes.
                let bank = Bank::open(&path);
                barrier.wait(); // start together, so the transfers really overlap
                let mut bank = bank.expect("every thread opens its own connection");
                let mut seed = t as u64 * 7919 + 17;
                let mut done = 0;
                for _ in 0..TRANSFERS {
                    seed = seed
                        .wrapping_mul(6364136223846793005)
                        .wrapping_add(1442695040888963407);
                    let from = (seed >> 33) as usize % ids.len();
                    let to = (from + 1 + (seed >> 40) as usize % (ids.len() - 1)) % ids.len();
                    let amount = (seed >> 20) as i64 % 400 + 1;
                    match bank.transfer(ids[from], ids[to], amount) {
                        Ok(()) => done += 1,
                        Err(TransferError::InsufficientFunds { .. }) => {}
                        Err(other) => panic!(
                            "under concurrent load a transfer may only succeed or find too little money; \
                             it failed with {other:?} (a deferred transaction that later needs to write \
                             can fail with SQLITE_BUSY: BEGIN IMMEDIATE, and set a busy timeout)"
                        ),
                    }
                }
                done
            })
        })
        .collect();
    let done: usize = workers
        .into_iter()
        .map(|w| {
            w.join()
                .expect("a transfer thread panicked (see its message above)")
        })
        .sum();

    assert_eq!(
        bank.total().unwrap(),
        start_total,
        "money was created or destroyed under concurrent transfers"
    );
    let mut ledger_ids = HashSet::new();
    for &id in &ids {
        let balance = bank.balance(id).unwrap().unwrap();
        assert!(balance >= 0, "account {id} went negative: {balance}");
        let entries: Vec<LedgerEntry> = bank.ledger(id).unwrap();
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
        let initial = match id {
            id if id == ada => 1000,
            id if id == alan => 500,
            id if id == grace => 0,
            _ => 300,
        };
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
