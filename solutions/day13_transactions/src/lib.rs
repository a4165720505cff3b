//! Day 13: transactions under concurrency (solution).
//!
//! A tiny bank on PostgreSQL. Many tasks, each on its own connection, move money at the same
//! time; no money is created or destroyed, no balance goes below zero, and every transfer that
//! happened is in the ledger. A transfer locks its two accounts (`FOR UPDATE`, in id order)
//! before it checks anything; opening an account runs at SERIALIZABLE, because the rule it
//! checks (at most three accounts per owner) is about rows that do not exist yet. Both retry
//! what the server aborts to keep them correct: serialization failures and deadlocks.

use std::time::Duration;

use deadpool_postgres::{Manager, ManagerConfig, Pool, PoolError, RecyclingMethod, Runtime};
use tokio_postgres::error::SqlState;
use tokio_postgres::{IsolationLevel, NoTls, Transaction};

/// The bank's schema. The `CHECK`s are a last line of defence: even buggy code cannot store
/// a negative balance or move a negative amount.
pub const SCHEMA: &str = "
CREATE TABLE IF NOT EXISTS accounts (
    id      BIGINT GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    owner   TEXT   NOT NULL,
    balance BIGINT NOT NULL CHECK (balance >= 0)
);
CREATE INDEX IF NOT EXISTS accounts_owner ON accounts (owner);
CREATE TABLE IF NOT EXISTS transfers (
    id           BIGINT GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    from_account BIGINT NOT NULL REFERENCES accounts (id),
    to_account   BIGINT NOT NULL REFERENCES accounts (id),
    amount       BIGINT NOT NULL CHECK (amount > 0)
);
";

/// How many accounts one owner may hold.
pub const MAX_ACCOUNTS_PER_OWNER: i64 = 3;

/// How many times a transaction is tried when the server aborts it with a serialization
/// failure (SQLSTATE 40001) or as a deadlock's victim (40P01): the first try and the retries.
pub const MAX_ATTEMPTS: u32 = 5;

/// How many connections the bank keeps open at most.
pub const POOL_SIZE: usize = 8;

/// How long a caller waits for a free connection from the pool before giving up.
pub const POOL_WAIT: Duration = Duration::from_secs(10);

/// One line of the ledger: `amount` cents moved from one account to another.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct LedgerEntry {
    pub id: i64,
    pub from: i64,
    pub to: i64,
    pub amount: i64,
}

/// Why an operation did not happen. After any of these, nothing has changed.
#[derive(Debug, thiserror::Error)]
pub enum BankError {
    /// Amounts are whole cents above zero (an initial balance may be zero).
    #[error("{0} is not a valid amount")]
    InvalidAmount(i64),
    /// Moving money from an account to itself is refused.
    #[error("cannot transfer from an account to itself")]
    SameAccount,
    /// No account has this id.
    #[error("there is no account {0}")]
    UnknownAccount(i64),
    /// The account holds less than the amount.
    #[error("account {account} holds {balance}, less than {amount}")]
    InsufficientFunds {
        account: i64,
        balance: i64,
        amount: i64,
    },
    /// The owner already holds `MAX_ACCOUNTS_PER_OWNER` accounts.
    #[error("{owner} already holds the most accounts one owner may have")]
    TooManyAccounts { owner: String },
    /// An error from the database, including a serialization failure or a deadlock that was
    /// still there after `MAX_ATTEMPTS` tries.
    #[error(transparent)]
    Db(#[from] tokio_postgres::Error),
    /// No connection could be had from the pool.
    #[error(transparent)]
    Pool(#[from] PoolError),
}

impl BankError {
    /// Whether trying the whole transaction again may succeed: the server aborted it to keep
    /// concurrent transactions correct, not because of anything in it.
    fn is_retryable(&self) -> bool {
        let BankError::Db(error) = self else {
            return false;
        };
        matches!(
            error.code(),
            Some(&SqlState::T_R_SERIALIZATION_FAILURE | &SqlState::T_R_DEADLOCK_DETECTED)
        )
    }
}

/// The bank: a pool of connections to its database. Cloning it is cheap and shares the pool.
#[derive(Clone)]
pub struct Bank {
    pool: Pool,
}

impl Bank {
    /// Connects to the database at `url` (`postgres://user@host:port/dbname`) through a pool
    /// of at most `POOL_SIZE` connections, and creates the tables (`SCHEMA`) if needed.
    pub async fn connect(url: &str) -> Result<Bank, BankError> {
        let config: tokio_postgres::Config = url.parse()?;
        let manager = Manager::from_config(
            config,
            NoTls,
            ManagerConfig {
                recycling_method: RecyclingMethod::Fast,
            },
        );
        let pool = Pool::builder(manager)
            .max_size(POOL_SIZE)
            .runtime(Runtime::Tokio1)
            .wait_timeout(Some(POOL_WAIT))
            .build()
            .expect("a pool with a runtime always builds");
        pool.get().await?.batch_execute(SCHEMA).await?;
        Ok(Bank { pool })
    }

    /// Opens an account with an initial balance (in cents, at least 0) and returns its id.
    ///
    /// An owner holds at most `MAX_ACCOUNTS_PER_OWNER` accounts, even when several openings
    /// for the same owner run at once: the count and the insert run at SERIALIZABLE, retried
    /// like a transfer.
    pub async fn open_account(&self, owner: &str, initial: i64) -> Result<i64, BankError> {
        if initial < 0 {
            return Err(BankError::InvalidAmount(initial));
        }
        retrying(|| async {
            let mut connection = self.pool.get().await?;
            let tx = connection
                .build_transaction()
                .isolation_level(IsolationLevel::Serializable)
                .start()
                .await?;
            let held: i64 = tx
                .query_one("SELECT count(*) FROM accounts WHERE owner = $1", &[&owner])
                .await?
                .get(0);
            if held >= MAX_ACCOUNTS_PER_OWNER {
                return Err(BankError::TooManyAccounts {
                    owner: owner.to_string(),
                });
            }
            let id = tx
                .query_one(
                    "INSERT INTO accounts (owner, balance) VALUES ($1, $2) RETURNING id",
                    &[&owner, &initial],
                )
                .await?
                .get(0);
            tx.commit().await?;
            Ok(id)
        })
        .await
    }

    /// The balance of an account, or `None` if it does not exist.
    pub async fn balance(&self, account: i64) -> Result<Option<i64>, BankError> {
        let row = self
            .pool
            .get()
            .await?
            .query_opt("SELECT balance FROM accounts WHERE id = $1", &[&account])
            .await?;
        Ok(row.map(|row| row.get(0)))
    }

    /// The sum of all balances.
    pub async fn total(&self) -> Result<i64, BankError> {
        // SUM over BIGINT is NUMERIC (it could overflow 64 bits): cast it back.
        let row = self
            .pool
            .get()
            .await?
            .query_one(
                "SELECT COALESCE(SUM(balance), 0)::BIGINT FROM accounts",
                &[],
            )
            .await?;
        Ok(row.get(0))
    }

    /// Moves `amount` cents from one account to another and records it in the ledger, in one
    /// transaction.
    pub async fn transfer(&self, from: i64, to: i64, amount: i64) -> Result<(), BankError> {
        self.transfer_batch(&[(from, to, amount)]).await
    }

    /// Applies several transfers in order, all or nothing.
    pub async fn transfer_batch(&self, transfers: &[(i64, i64, i64)]) -> Result<(), BankError> {
        retrying(|| async {
            let mut connection = self.pool.get().await?;
            // READ COMMITTED is enough: the row locks make each check-then-write safe.
            let tx = connection
                .build_transaction()
                .isolation_level(IsolationLevel::ReadCommitted)
                .start()
                .await?;
            for &(from, to, amount) in transfers {
                apply(&tx, from, to, amount).await?;
            }
            tx.commit().await?;
            Ok(())
        })
        .await
    }

    /// Every ledger entry that involves `account`, oldest first.
    pub async fn ledger(&self, account: i64) -> Result<Vec<LedgerEntry>, BankError> {
        let rows = self
            .pool
            .get()
            .await?
            .query(
                "SELECT id, from_account, to_account, amount FROM transfers
                 WHERE from_account = $1 OR to_account = $1
                 ORDER BY id",
                &[&account],
            )
            .await?;
        Ok(rows
            .iter()
            .map(|row| LedgerEntry {
                id: row.get(0),
                from: row.get(1),
                to: row.get(2),
                amount: row.get(3),
            })
            .collect())
    }
}

/// Runs `attempt` (one whole transaction, from BEGIN to COMMIT) and tries it again when the
/// server aborted it to keep concurrent transactions correct (a serialization failure or a
/// deadlock), at most `MAX_ATTEMPTS` times in all. The whole transaction runs again because its
/// earlier reads are stale: retrying only the failed statement would act on them. Any other
/// error is returned at once; the dropped transaction has rolled back.
async fn retrying<T, F, Fut>(mut attempt: F) -> Result<T, BankError>
where
    F: FnMut() -> Fut,
    Fut: Future<Output = Result<T, BankError>>,
{
    let mut tries = 1;
    loop {
        match attempt().await {
            Err(error) if error.is_retryable() && tries < MAX_ATTEMPTS => tries += 1,
            result => return result,
        }
    }
}

/// One transfer inside an open transaction: checks first, then the two updates and the ledger
/// line. On an error the caller drops the transaction, which rolls everything back.
async fn apply(tx: &Transaction<'_>, from: i64, to: i64, amount: i64) -> Result<(), BankError> {
    if amount <= 0 {
        return Err(BankError::InvalidAmount(amount));
    }
    if from == to {
        return Err(BankError::SameAccount);
    }
    // Lock both rows before reading the balance: another transfer from the same account now
    // waits here until this one commits, then reads the balance it left. Locking in id order
    // means two transfers between the same accounts, in opposite directions, queue up instead
    // of each holding the row the other one needs (a deadlock).
    let rows = tx
        .query(
            "SELECT id, balance FROM accounts WHERE id = $1 OR id = $2 ORDER BY id FOR UPDATE",
            &[&from, &to],
        )
        .await?;
    let balance_of = |account: i64| {
        rows.iter()
            .find(|row| row.get::<_, i64>(0) == account)
            .map(|row| row.get::<_, i64>(1))
            .ok_or(BankError::UnknownAccount(account))
    };
    let balance = balance_of(from)?;
    balance_of(to)?;
    if balance < amount {
        return Err(BankError::InsufficientFunds {
            account: from,
            balance,
            amount,
        });
    }
    tx.execute(
        "UPDATE accounts SET balance = balance - $1 WHERE id = $2",
        &[&amount, &from],
    )
    .await?;
    tx.execute(
        "UPDATE accounts SET balance = balance + $1 WHERE id = $2",
        &[&amount, &to],
    )
    .await?;
    tx.execute(
        "INSERT INTO transfers (from_account, to_account, amount) VALUES ($1, $2, $3)",
        &[&from, &to, &amount],
    )
    .await?;
    Ok(())
}
