//! Sign-in throttling (*hạn chế đăng nhập sai*): growing delays after failed sign-ins,
//! counted per account and source address together, per source address, and per
//! account, so that guessing gets slow while nobody can lock an account out for long.
//!
//! - **Account and source** (the person at their own computer, or a guesser at theirs):
//!   five free tries, then a delay that doubles with each failure, up to 15 minutes.
//! - **Source** (one address trying many accounts): twenty free, then the same growth.
//! - **Account** (many addresses trying one account): twenty free, then a delay that
//!   grows to 30 seconds at most, and only for addresses that have failed on that
//!   account themselves: an address's first try is never held back by others, so
//!   guessing from elsewhere can slow the real user down by half a minute at most.
//!
//! Delays run from the latest failure; a success clears the account's failures.

use chrono::{DateTime, Duration, Utc};

/// How long failures are remembered (and counted).
pub const WINDOW_HOURS: i64 = 24;

/// Failures of one kind in the window: how many, and the latest.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct Failures {
    pub count: i64,
    pub last: Option<DateTime<Utc>>,
}

/// What the failures in the window look like for one sign-in attempt.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct Seen {
    /// This account from this source.
    pub pair: Failures,
    /// This source, any account (`None` when the source is not known, e.g. the CLI).
    pub source: Option<Failures>,
    /// This account, any source.
    pub account: Failures,
}

/// A rule: so many free failures, then a delay from `base` doubling up to `cap`.
struct Rule {
    free: i64,
    base_secs: i64,
    cap_secs: i64,
}

const PAIR: Rule = Rule {
    free: 5,
    base_secs: 15,
    cap_secs: 15 * 60,
};
const SOURCE: Rule = Rule {
    free: 20,
    base_secs: 15,
    cap_secs: 15 * 60,
};
const ACCOUNT: Rule = Rule {
    free: 20,
    base_secs: 2,
    cap_secs: 30,
};

impl Rule {
    /// The delay after `count` failures (none while they are free).
    fn delay(&self, count: i64) -> Duration {
        if count < self.free {
            return Duration::zero();
        }
        // Doubling stops at the cap long before the shift could overflow.
        let doublings = (count - self.free).min(20) as u32;
        Duration::seconds((self.base_secs << doublings).min(self.cap_secs))
    }

    /// How long is left to wait at `now`, if anything.
    fn left(&self, f: Failures, now: DateTime<Utc>) -> Option<Duration> {
        let until = f.last? + self.delay(f.count);
        (until > now).then(|| until - now)
    }
}

/// How long this attempt must wait, or `None` when it may go ahead.
pub fn wait(seen: &Seen, now: DateTime<Utc>) -> Option<Duration> {
    let account = if seen.pair.count > 0 {
        ACCOUNT.left(seen.account, now)
    } else {
        None
    };
    [
        PAIR.left(seen.pair, now),
        seen.source.and_then(|s| SOURCE.left(s, now)),
        account,
    ]
    .into_iter()
    .flatten()
    .max()
}

/// The longest any rule makes anyone wait.
pub fn longest_wait() -> Duration {
    Duration::seconds(PAIR.cap_secs.max(SOURCE.cap_secs).max(ACCOUNT.cap_secs))
}

#[cfg(test)]
mod tests {
    use super::*;

    fn at(secs: i64) -> DateTime<Utc> {
        DateTime::from_timestamp(1_800_000_000 + secs, 0).expect("time")
    }

    fn failures(count: i64, last: i64) -> Failures {
        Failures {
            count,
            last: Some(at(last)),
        }
    }

    #[test]
    fn five_free_tries_then_doubling_delays_up_to_a_quarter_hour() {
        let seen = |n| Seen {
            pair: failures(n, 0),
            account: failures(n, 0),
            source: Some(failures(n, 0)),
        };
        assert_eq!(wait(&seen(4), at(0)), None);
        assert_eq!(wait(&seen(5), at(0)), Some(Duration::seconds(15)));
        assert_eq!(wait(&seen(6), at(0)), Some(Duration::seconds(30)));
        assert_eq!(wait(&seen(7), at(10)), Some(Duration::seconds(50)));
        assert_eq!(
            wait(&seen(7), at(60)),
            None,
            "the delay runs from the last failure"
        );
        assert_eq!(wait(&seen(60), at(0)), Some(Duration::minutes(15)));
        assert_eq!(wait(&seen(i64::MAX), at(0)), Some(Duration::minutes(15)));
        assert_eq!(longest_wait(), Duration::minutes(15));
    }

    #[test]
    fn guessing_from_elsewhere_never_holds_back_a_fresh_address_and_others_for_half_a_minute_at_most(
    ) {
        // A thousand failures on the account from other addresses.
        let others = failures(1_000, 0);
        let mine = Seen {
            pair: Failures::default(),
            source: Some(Failures::default()),
            account: others,
        };
        assert_eq!(
            wait(&mine, at(0)),
            None,
            "the first try from a fresh address"
        );
        let after_a_typo = Seen {
            pair: failures(1, 0),
            ..mine
        };
        assert_eq!(wait(&after_a_typo, at(0)), Some(Duration::seconds(30)));
        assert_eq!(wait(&after_a_typo, at(30)), None);
    }

    #[test]
    fn one_address_trying_many_accounts_slows_down() {
        let spraying = Seen {
            pair: Failures::default(),
            source: Some(failures(25, 0)),
            account: Failures::default(),
        };
        assert_eq!(wait(&spraying, at(0)), Some(Duration::seconds(15 << 5)));
        let unknown_source = Seen {
            source: None,
            ..spraying
        };
        assert_eq!(wait(&unknown_source, at(0)), None);
    }
}
