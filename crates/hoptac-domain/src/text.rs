//! Vietnamese text: NFC normalisation, diacritic-free search keys and a sort key in
//! Vietnamese alphabetical order. Databases only know ASCII case folding, so both keys
//! are computed here and stored beside the text.

use unicode_normalization::UnicodeNormalization;

/// Normalises to NFC and trims; what every stored name goes through at the edge.
pub fn nfc(s: &str) -> String {
    s.trim().nfc().collect()
}

/// Folds to lowercase without diacritics (`đ` → `d`), with runs of white space made one
/// space: `"Hợp  tác xã Đồng"` → `"hop tac xa dong"`. Each character is decomposed on
/// its own (no buffer, no reordering: the marks it drops are all there is to reorder
/// for Latin text); text in other scripts takes the full decomposition.
pub fn search_key(s: &str) -> String {
    let mut key = KeyWriter::with_capacity(s.len());
    if !s.chars().all(decomposes_simply) {
        s.nfd().for_each(|c| key.push(c));
        return key.out;
    }
    for c in s.chars() {
        if c.is_ascii() {
            key.push(c);
        } else {
            unicode_normalization::char::decompose_canonical(c, |d| key.push(d));
        }
    }
    key.out
}

/// Characters whose decomposition is a Latin letter and marks of U+0300–U+036F only:
/// ASCII, the Latin blocks Vietnamese is written in, and those marks themselves.
fn decomposes_simply(c: char) -> bool {
    matches!(c, '\0'..='\u{024F}' | '\u{0300}'..='\u{036F}' | '\u{1E00}'..='\u{1EFF}')
        || c.is_whitespace()
}

/// Builds a search key from decomposed characters: marks dropped, `đ` as `d`,
/// lowercase, runs of white space as one space, none at the ends.
struct KeyWriter {
    out: String,
    space: bool,
}

impl KeyWriter {
    fn with_capacity(n: usize) -> KeyWriter {
        KeyWriter {
            out: String::with_capacity(n),
            space: false,
        }
    }

    fn push(&mut self, c: char) {
        if is_combining_mark(c) {
            return;
        }
        let c = match c {
            'đ' | 'Đ' => 'd',
            c => c,
        };
        if c.is_whitespace() {
            self.space = !self.out.is_empty();
            return;
        }
        if self.space {
            self.out.push(' ');
            self.space = false;
        }
        self.out.extend(c.to_lowercase());
    }
}

/// The words of a search query, each already a search key. A record matches when its
/// search key contains every word, so `hop tac nong nghiep` finds
/// `Hợp tác xã Nông nghiệp`.
pub fn search_terms(query: &str) -> Vec<String> {
    search_key(query)
        .split(' ')
        .filter(|w| !w.is_empty())
        .map(str::to_owned)
        .collect()
}

/// One word of a search (*từ tìm kiếm*): a record matches when its search key contains
/// any of these (most words have one form; a kind's abbreviation also stands for its
/// full name).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct SearchWord {
    pub any_of: Vec<String>,
}

impl SearchWord {
    /// The word as typed when it has no other form (only such words are worth looking
    /// up in a trigram index: an alternative would need one lookup per form).
    pub fn plain(&self) -> Option<&str> {
        match self.any_of.as_slice() {
            [only] => Some(only),
            _ => None,
        }
    }

    /// Whether a search key holds the word in one of its forms.
    pub fn found_in(&self, key: &str) -> bool {
        self.any_of.iter().any(|f| key.contains(f.as_str()))
    }
}

/// The abbreviations officers type for the kinds of organisation, and the names they
/// stand for: HTX (*hợp tác xã*), THT (*tổ hợp tác*), LHHTX (*liên hiệp hợp tác xã*).
pub const KIND_ABBREVIATIONS: [(&str, &str); 3] = [
    ("htx", "hop tac xa"),
    ("tht", "to hop tac"),
    ("lhhtx", "lien hiep hop tac xa"),
];

/// The words of a search query as officers type them: [`search_terms`], with `htx`,
/// `tht` and `lhhtx` also matching the names they abbreviate, so `htx che` finds
/// "Hợp tác xã … Chè" as well as "HTX Chè …".
pub fn search_words(query: &str) -> Vec<SearchWord> {
    search_terms(query)
        .into_iter()
        .map(|t| {
            let full = KIND_ABBREVIATIONS
                .iter()
                .find(|(short, _)| *short == t)
                .map(|(_, full)| (*full).to_owned());
            SearchWord {
                any_of: std::iter::once(t).chain(full).collect(),
            }
        })
        .collect()
}

/// A search key with punctuation made space: `"CN-TTCN"` → `"cn ttcn"`, for matching
/// labels people write in many ways.
pub fn loose_key(s: &str) -> String {
    search_key(s)
        .chars()
        .map(|c| if c.is_alphanumeric() { c } else { ' ' })
        .collect::<String>()
        .split_whitespace()
        .collect::<Vec<_>>()
        .join(" ")
}

fn is_combining_mark(c: char) -> bool {
    ('\u{0300}'..='\u{036F}').contains(&c)
}

/// Letters in Vietnamese alphabetical order; the Latin letters Vietnamese does not use
/// (f, j, w, z) sit where the Latin alphabet puts them.
const ALPHABET: [&str; 33] = [
    "a", "ă", "â", "b", "c", "d", "đ", "e", "ê", "f", "g", "h", "i", "j", "k", "l", "m", "n", "o",
    "ô", "ơ", "p", "q", "r", "s", "t", "u", "ư", "v", "w", "x", "y", "z",
];

/// Tone marks in dictionary order: none, huyền, hỏi, ngã, sắc, nặng.
fn tone_rank(c: char) -> Option<u8> {
    match c {
        '\u{0300}' => Some(1),
        '\u{0309}' => Some(2),
        '\u{0303}' => Some(3),
        '\u{0301}' => Some(4),
        '\u{0323}' => Some(5),
        _ => None,
    }
}

/// An ASCII key whose byte order is Vietnamese alphabetical order: letters by the
/// alphabet above (so `Đ` follows all `D`), then tones as a tie-break, case ignored.
/// Compare it bytewise (`COLLATE "C"` on PostgreSQL).
pub fn sort_key(s: &str) -> String {
    let mut primary = String::with_capacity(s.len() + 2);
    let mut tones = String::new();
    let trimmed = s.trim();
    // Most names arrive in NFC already: skip recomposing them.
    let lower: String = match unicode_normalization::is_nfc_quick(trimmed.chars()) {
        unicode_normalization::IsNormalized::Yes => trimmed.to_lowercase(),
        _ => nfc(trimmed).to_lowercase(),
    };
    let mut parts: Vec<char> = Vec::with_capacity(4);
    for ch in lower.chars() {
        // The letter without its tone, and the tone.
        parts.clear();
        let mut tone = 0u8;
        if ch.is_ascii() {
            parts.push(ch);
        } else {
            unicode_normalization::char::decompose_canonical(ch, |d| match tone_rank(d) {
                Some(t) => tone = t,
                None => parts.push(d),
            });
        }
        match letter_rank(&parts) {
            Some(rank) => push_letter(&mut primary, &mut tones, rank, tone),
            None => push_non_letter(&mut primary, ch),
        }
    }
    primary.push(' ');
    primary.push_str(&tones);
    primary
}

/// A letter's place in the alphabet goes to the key, its tone to the tie-break.
fn push_letter(primary: &mut String, tones: &mut String, rank: u8, tone: u8) {
    primary.push((b'A' + rank) as char);
    tones.push((b'0' + tone) as char);
}

/// Where a character that is not a letter sorts: spaces first, then punctuation (in its
/// ASCII order), then digits as they are, before letters; anything else last.
fn push_non_letter(primary: &mut String, ch: char) {
    if ch.is_ascii_digit() {
        primary.push(ch);
    } else if ch.is_whitespace() {
        primary.push('!');
    } else if ch.is_ascii() && !ch.is_ascii_control() {
        primary.push('"');
        primary.push(ch);
    } else {
        primary.push('~');
    }
}

/// The place in [`ALPHABET`] of each ASCII letter.
const ASCII_RANK: [u8; 26] = {
    let mut t = [0u8; 26];
    let (mut i, mut rank) = (0, 0u8);
    while i < ALPHABET.len() {
        let b = ALPHABET[i].as_bytes();
        if b.len() == 1 {
            t[(b[0] - b'a') as usize] = rank;
        }
        rank += 1;
        i += 1;
    }
    t
};

/// The place in [`ALPHABET`] of a letter given as a base and its non-tone marks.
fn letter_rank(parts: &[char]) -> Option<u8> {
    let letter = match parts {
        [c] if c.is_ascii_lowercase() => return Some(ASCII_RANK[(*c as u8 - b'a') as usize]),
        ['đ'] => "đ",
        ['a', '\u{0306}'] => "ă",
        ['a', '\u{0302}'] => "â",
        ['e', '\u{0302}'] => "ê",
        ['o', '\u{0302}'] => "ô",
        ['o', '\u{031B}'] => "ơ",
        ['u', '\u{031B}'] => "ư",
        _ => return None,
    };
    ALPHABET.iter().position(|l| *l == letter).map(|i| i as u8)
}

#[cfg(test)]
mod tests {
    use super::*;
    use unicode_normalization::UnicodeNormalization;

    #[test]
    fn search_key_folds_diacritics_and_d_with_stroke() {
        assert_eq!(
            search_key("Hợp tác xã Nông nghiệp"),
            "hop tac xa nong nghiep"
        );
        assert_eq!(search_key("ĐỒNG  Đăng "), "dong dang");
        assert_eq!(search_terms(" hop  TAC "), vec!["hop", "tac"]);
    }

    #[test]
    fn kind_abbreviations_also_match_the_names_they_stand_for() {
        let words = search_words("HTX chè tht LHHTX");
        let forms: Vec<Vec<&str>> = words
            .iter()
            .map(|w| w.any_of.iter().map(String::as_str).collect())
            .collect();
        assert_eq!(
            forms,
            vec![
                vec!["htx", "hop tac xa"],
                vec!["che"],
                vec!["tht", "to hop tac"],
                vec!["lhhtx", "lien hiep hop tac xa"],
            ]
        );
        assert_eq!(words[1].plain(), Some("che"));
        assert_eq!(words[0].plain(), None);
        assert!(words[0].found_in(&search_key("Hợp tác xã Chè Bắc Sơn")));
        assert!(words[0].found_in("htx che"));
        assert!(!words[2].found_in(&search_key("Hợp tác xã Chè")));
        // Only the whole word is an abbreviation: "htxa" is searched as typed.
        assert_eq!(search_words("htxa")[0].any_of, vec!["htxa"]);
    }

    #[test]
    fn nfd_input_equals_its_nfc_twin() {
        let nfc_name = "Hợp tác xã Đồng Tiến";
        let nfd_name: String = nfc_name.nfd().collect();
        assert_ne!(nfc_name, nfd_name);
        assert_eq!(nfc(&nfd_name), nfc_name);
        assert_eq!(search_key(&nfd_name), search_key(nfc_name));
        assert_eq!(sort_key(&nfd_name), sort_key(nfc_name));
    }

    #[test]
    fn sort_key_follows_vietnamese_alphabet() {
        let mut names = vec![
            "Đông Hưng",
            "Dương Xá",
            "Ấm Hạ",
            "An Bình",
            "Ăn Lành",
            "Bắc Sơn",
            "Ơn Thủy",
            "Ông Ích",
            "Ở Tốt",
            "Như Thụy",
            "Ưng Hòa",
            "Út Tịch",
        ];
        names.sort_by_key(|n| sort_key(n));
        assert_eq!(
            names,
            vec![
                "An Bình",
                "Ăn Lành",
                "Ấm Hạ",
                "Bắc Sơn",
                "Dương Xá",
                "Đông Hưng",
                "Như Thụy",
                "Ông Ích",
                "Ở Tốt",
                "Ơn Thủy",
                "Út Tịch",
                "Ưng Hòa",
            ]
        );
    }

    #[test]
    fn tones_break_ties_in_dictionary_order() {
        let mut v = vec!["má", "mạ", "mà", "ma", "mã", "mả"];
        v.sort_by_key(|n| sort_key(n));
        assert_eq!(v, vec!["ma", "mà", "mả", "mã", "má", "mạ"]);
    }

    #[test]
    fn sort_key_is_ascii_and_ignores_case() {
        let k = sort_key("Hợp Tác xã Số 1");
        assert!(k.is_ascii());
        assert_eq!(k, sort_key("hợp tác XÃ số 1"));
    }

    /// The first, plain implementations: the fast ones must give the same keys.
    fn search_key_reference(s: &str) -> String {
        let mut out = String::with_capacity(s.len());
        let mut space = false;
        for c in s.nfd() {
            if is_combining_mark(c) {
                continue;
            }
            let c = match c {
                'đ' | 'Đ' => 'd',
                c => c,
            };
            if c.is_whitespace() {
                space = !out.is_empty();
                continue;
            }
            if space {
                out.push(' ');
                space = false;
            }
            out.extend(c.to_lowercase());
        }
        out
    }

    fn sort_key_reference(s: &str) -> String {
        let mut primary = String::with_capacity(s.len());
        let mut tones = String::new();
        let lower: String = nfc(s).to_lowercase();
        for ch in lower.chars() {
            let mut base = String::new();
            let mut tone = 0u8;
            for d in ch.to_string().nfd() {
                match tone_rank(d) {
                    Some(t) => tone = t,
                    None => base.push(d),
                }
            }
            let base: String = base.nfc().collect();
            // The letters are looked up by name here, not through the fast tables.
            match ALPHABET.iter().position(|l| *l == base) {
                Some(rank) => push_letter(&mut primary, &mut tones, rank as u8, tone),
                None => push_non_letter(&mut primary, ch),
            }
        }
        primary.push(' ');
        primary.push_str(&tones);
        primary
    }

    /// Vietnamese letters in both forms, marks alone, and some other text.
    const VIETNAMESE: &str = "[a-zA-Z0-9 \\-.,()/àáảãạăằắẳẵặâầấẩẫậèéẻẽẹêềếểễệìíỉĩịòóỏõọôồốổỗộơờớởỡợùúủũụưừứửữựỳýỷỹỵđÀÁẢÃẠĂẰẮẲẴẶÂẦẤẨẪẬÈÉẺẼẸÊỀẾỂỄỆÌÍỈĨỊÒÓỎÕỌÔỒỐỔỖỘƠỜỚỞỠỢÙÚỦŨỤƯỪỨỬỮỰỲÝỶỸỴĐ\\u{0300}\\u{0301}\\u{0302}\\u{0303}\\u{0306}\\u{0309}\\u{031B}\\u{0323}çñüößİıǘ\\t]{0,40}";

    proptest::proptest! {
        #[test]
        fn fast_keys_equal_the_plain_ones_on_vietnamese(s in VIETNAMESE) {
            proptest::prop_assert_eq!(sort_key(&s), sort_key_reference(&s));
            proptest::prop_assert_eq!(search_key(&s), search_key_reference(&s));
        }

        #[test]
        fn fast_keys_equal_the_plain_ones_on_any_text(s in "\\PC{0,30}") {
            proptest::prop_assert_eq!(sort_key(&s), sort_key_reference(&s));
            proptest::prop_assert_eq!(search_key(&s), search_key_reference(&s));
        }

        #[test]
        fn search_key_never_has_diacritics(s in "\\PC{0,40}") {
            let k = search_key(&s);
            proptest::prop_assert!(!k.nfd().any(is_combining_mark));
            proptest::prop_assert!(!k.contains('đ'));
        }
    }
}
