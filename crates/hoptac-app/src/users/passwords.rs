//! Password rules (*quy tắc mật khẩu*): long enough and hard to guess, judged by the
//! zxcvbn estimator with the user's own names and local words as the first guesses.

use crate::error::{AppError, Result};

/// Words a guesser tries first here: "password", the system's and the province's
/// names (the strength estimator knows English, not Vietnamese).
const LOCAL_WORDS: &[&str] = &[
    "matkhau",
    "mat-khau",
    "mật khẩu",
    "hoptac",
    "hop tac",
    "hợp tác",
    "htx",
    "langson",
    "lang son",
    "lạng sơn",
    "quantri",
    "admin",
];
/// The longest password checked (the estimator's work grows with the length).
const MAX_PASSWORD_CHARS: usize = 200;

/// A password must be long and hard to guess: not the user name or the person's name,
/// no repeated or sequential characters, not a common password (zxcvbn, score 3 of 4).
pub(super) fn check_password_rules(
    password: &str,
    username: &str,
    display_name: &str,
) -> Result<()> {
    let chars = password.chars().count();
    if chars < 10 {
        return Err(AppError::refused(
            "weak_password",
            "Mật khẩu cần ít nhất 10 ký tự",
            "The password needs at least 10 characters",
        ));
    }
    if chars > MAX_PASSWORD_CHARS {
        return Err(AppError::refused(
            "weak_password",
            format!("Mật khẩu dài nhất {MAX_PASSWORD_CHARS} ký tự"),
            format!("A password has at most {MAX_PASSWORD_CHARS} characters"),
        ));
    }
    // The person's name also without accents, in parts and run together, as people
    // type it into passwords.
    let plain = hoptac_domain::text::search_key(display_name);
    let joined: String = plain.split_whitespace().collect();
    let mut inputs: Vec<&str> = LOCAL_WORDS.to_vec();
    inputs.extend([username, display_name, &plain, &joined]);
    inputs.extend(display_name.split_whitespace());
    inputs.extend(plain.split_whitespace());
    let estimate = zxcvbn::zxcvbn(password, &inputs);
    if estimate.score() >= zxcvbn::Score::Three {
        return Ok(());
    }
    let (vi, en) = weakness(estimate.feedback().and_then(|f| f.warning()));
    Err(AppError::refused(
        "weak_password",
        format!("Mật khẩu quá dễ đoán: {vi}. Hãy dùng một câu dài, nhiều từ ít gặp"),
        format!("The password is too easy to guess: {en}. Use a long phrase of uncommon words"),
    ))
}

/// Why a password is weak, in both languages.
fn weakness(w: Option<zxcvbn::feedback::Warning>) -> (&'static str, &'static str) {
    use zxcvbn::feedback::Warning as W;
    match w {
        Some(W::StraightRowsOfKeysAreEasyToGuess | W::ShortKeyboardPatternsAreEasyToGuess) => (
            "các phím liền nhau trên bàn phím",
            "keys in a row on the keyboard",
        ),
        Some(
            W::RepeatsLikeAaaAreEasyToGuess | W::RepeatsLikeAbcAbcAreOnlySlightlyHarderToGuess,
        ) => ("ký tự lặp lại", "repeated characters"),
        Some(W::SequencesLikeAbcAreEasyToGuess) => {
            ("ký tự liên tiếp (abc, 123)", "a sequence (abc, 123)")
        }
        Some(
            W::ThisIsATop10Password
            | W::ThisIsATop100Password
            | W::ThisIsACommonPassword
            | W::ThisIsSimilarToACommonlyUsedPassword,
        ) => ("mật khẩu phổ biến", "a common password"),
        Some(W::RecentYearsAreEasyToGuess | W::DatesAreOftenEasyToGuess) => {
            ("năm hoặc ngày tháng", "a year or a date")
        }
        Some(
            W::NamesAndSurnamesByThemselvesAreEasyToGuess
            | W::CommonNamesAndSurnamesAreEasyToGuess
            | W::AWordByItselfIsEasyToGuess,
        ) => (
            "tên người, tên đăng nhập hoặc một từ đơn lẻ",
            "a name, the user name or a single word",
        ),
        None => ("quá ngắn hoặc quá đơn giản", "too short or too simple"),
    }
}
