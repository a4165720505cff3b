//! Day 13: transactions under concurrency.
//!
//! A tiny bank on PostgreSQL. Many tasks, each on its own connection, move money at the same
//! time; no money may be created or destroyed, no balance may go below zero, no owner may hold
//! more than `MAX_ACCOUNTS_PER_OWNER` accounts, and every transfer that happened must be in
//! the ledger. Read `README.md` first.

use std::time::Duration;

use deadpool_postgres::{Manager, ManagerConfig, Pool, PoolError, RecyclingMethod, Runtime};
use tokio_postgres::NoTls;

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

/// The bank: a pool of connections to its database. Cloning it is cheap and shares the pool.
#[derive(Clone)]
pub struct Bank {
    pool: Pool,
}

impl Bank {
    /// Connects to the database at `url` (`postgres://user@host:port/dbname`) through a pool
    /// of at most `POOL_SIZE` connections, and creates the tables (`SCHEMA`) if needed.
    ///
    /// Given: `self.pool.get().await?` lends you one connection (it goes back to the pool when
    /// dropped), and `build_transaction()` on it starts a transaction at the isolation level
    /// you choose.
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

    /// Opens an account with an initial balance (in cents, at least 0, else `InvalidAmount`)
    /// and returns its id.
    ///
    /// An owner holds at most `MAX_ACCOUNTS_PER_OWNER` accounts (`TooManyAccounts`), even when
    /// several openings for the same owner run at once, in this process or another one that
    /// follows the same rule: the count and the insert run in one SERIALIZABLE transaction,
    /// tried again (at most `MAX_ATTEMPTS` times in all) when the server aborts it with a
    /// serialization failure (SQLSTATE 40001) or a deadlock (40P01).
    pub async fn open_account(&self, owner: &str, initial: i64) -> Result<i64, BankError> {
        // TODO: count the owner's accounts and insert the new one, at SERIALIZABLE, retried.
        let _ = (&self.pool, owner, initial);
        todo!("open an account")
    }

    /// The balance of an account, or `None` if it does not exist.
    pub async fn balance(&self, account: i64) -> Result<Option<i64>, BankError> {
        // TODO: the account's balance, or `None` for an unknown account.
        let _ = account;
        todo!("read a balance")
    }

    /// The sum of all balances (0 when there are no accounts).
    pub async fn total(&self) -> Result<i64, BankError> {
        // TODO: the sum of every balance.
        todo!("add up the balances")
    }

    /// Moves `amount` cents from one account to another and records it in the ledger (the
    /// `transfers` table), all in one transaction.
    ///
    /// Checked in this order: `InvalidAmount` (not above 0), `SameAccount`, `UnknownAccount`
    /// (the source, then the destination), `InsufficientFunds`. After an error nothing changed.
    ///
    /// Other clients may change the same accounts at the same time. Before it reads a balance,
    /// a transfer locks both accounts' rows, in increasing id order, so that it waits for a
    /// concurrent change and then checks the balance that change left. When the server aborts
    /// it with a serialization failure (40001) or a deadlock (40P01), the whole transaction is
    /// tried again, at most `MAX_ATTEMPTS` times in all; then that error is returned.
    pub async fn transfer(&self, from: i64, to: i64, amount: i64) -> Result<(), BankError> {
        // TODO: the rules above: lock, check, debit, credit, ledger line; retried.
        let _ = (from, to, amount);
        todo!("transfer money in one transaction")
    }

    /// Applies several `(from, to, amount)` transfers in order, by the rules of `transfer`, all
    /// or nothing: if one fails, its error is returned and none of them happened. A later
    /// transfer may spend money that an earlier one in the batch brought in.
    pub async fn transfer_batch(&self, transfers: &[(i64, i64, i64)]) -> Result<(), BankError> {
        // TODO: every transfer of the batch inside one transaction, together or not at all.
        let _ = transfers;
        todo!("apply a batch of transfers atomically")
    }

    /// Every ledger entry that involves `account` (as source or destination), oldest first.
    pub async fn ledger(&self, account: i64) -> Result<Vec<LedgerEntry>, BankError> {
        // TODO: the entries that involve `account`, oldest first.
        let _ = account;
        todo!("read the ledger")
    }
}
