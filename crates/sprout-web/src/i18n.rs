//! Languages: the Fluent catalogs (English and Spanish, embedded at build time),
//! choosing a language for a request, and locale-aware dates and numbers.
//!
//! Every word a user reads comes from the catalogs in `i18n/` (DESIGN.md,
//! capability 11): the shared `en.ftl` and `es.ftl`, and one pair per page
//! module (`growth.en.ftl`, `growth.es.ftl`, ...). A unit test keeps each
//! English catalog's keys identical to its Spanish twin's.

use fluent_bundle::concurrent::FluentBundle;
use fluent_bundle::{FluentArgs, FluentResource, FluentValue};
use jiff::civil::Date;
use unic_langid::{langid, LanguageIdentifier};

/// The English catalogs: the shared `en.ftl`, then one file per page module
/// (`<module>.en.ftl`). Each key is defined in exactly one file.
const EN_CATALOGS: &[(&str, &str)] = &[
    ("en.ftl", include_str!("../i18n/en.ftl")),
    ("growth.en.ftl", include_str!("../i18n/growth.en.ftl")),
    ("imm.en.ftl", include_str!("../i18n/imm.en.ftl")),
    ("audit.en.ftl", include_str!("../i18n/audit.en.ftl")),
    ("results.en.ftl", include_str!("../i18n/results.en.ftl")),
    ("security.en.ftl", include_str!("../i18n/security.en.ftl")),
    ("enroll.en.ftl", include_str!("../i18n/enroll.en.ftl")),
    ("meds.en.ftl", include_str!("../i18n/meds.en.ftl")),
    ("appts.en.ftl", include_str!("../i18n/appts.en.ftl")),
    ("messages.en.ftl", include_str!("../i18n/messages.en.ftl")),
];

/// The Spanish catalogs, file for file as [`EN_CATALOGS`].
const ES_CATALOGS: &[(&str, &str)] = &[
    ("es.ftl", include_str!("../i18n/es.ftl")),
    ("growth.es.ftl", include_str!("../i18n/growth.es.ftl")),
    ("imm.es.ftl", include_str!("../i18n/imm.es.ftl")),
    ("audit.es.ftl", include_str!("../i18n/audit.es.ftl")),
    ("results.es.ftl", include_str!("../i18n/results.es.ftl")),
    ("security.es.ftl", include_str!("../i18n/security.es.ftl")),
    ("enroll.es.ftl", include_str!("../i18n/enroll.es.ftl")),
    ("meds.es.ftl", include_str!("../i18n/meds.es.ftl")),
    ("appts.es.ftl", include_str!("../i18n/appts.es.ftl")),
    ("messages.es.ftl", include_str!("../i18n/messages.es.ftl")),
];

/// The catalogs of a language.
fn catalogs(locale: Locale) -> &'static [(&'static str, &'static str)] {
    match locale {
        Locale::En => EN_CATALOGS,
        Locale::Es => ES_CATALOGS,
    }
}

/// A language the portal speaks.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Default)]
pub enum Locale {
    /// English (the fallback).
    #[default]
    En,
    /// Spanish.
    Es,
}

impl Locale {
    /// Every language, in the order the switch shows them.
    pub const ALL: [Locale; 2] = [Locale::En, Locale::Es];

    /// The BCP 47 code (`en`, `es`), as stored and as put in `<html lang>`.
    pub fn code(self) -> &'static str {
        match self {
            Self::En => "en",
            Self::Es => "es",
        }
    }

    /// Parses a stored code or a language tag (`es`, `es-MX`, `EN`); `None` for
    /// languages the portal does not speak.
    pub fn parse(tag: &str) -> Option<Self> {
        let primary = tag.trim().split(['-', '_']).next()?.to_ascii_lowercase();
        match primary.as_str() {
            "en" => Some(Self::En),
            "es" => Some(Self::Es),
            _ => None,
        }
    }

    fn index(self) -> usize {
        match self {
            Self::En => 0,
            Self::Es => 1,
        }
    }

    fn langid(self) -> LanguageIdentifier {
        match self {
            Self::En => langid!("en"),
            Self::Es => langid!("es"),
        }
    }

    /// The decimal separator of the language (`.` or `,`).
    pub fn decimal_separator(self) -> char {
        match self {
            Self::En => '.',
            Self::Es => ',',
        }
    }
}

/// The request's language: the signed-in user's stored choice, else the `lang`
/// cookie, else the best of `Accept-Language`, else English.
pub fn negotiate(
    account_locale: Option<&str>,
    cookie: Option<&str>,
    accept_language: Option<&str>,
) -> Locale {
    if let Some(l) = account_locale.and_then(Locale::parse) {
        return l;
    }
    if let Some(l) = cookie.and_then(Locale::parse) {
        return l;
    }
    accept_language
        .and_then(from_accept_language)
        .unwrap_or_default()
}

/// The spoken language with the highest `q` in an `Accept-Language` header
/// (RFC 9110 section 12.5.4); ties keep the header's order.
fn from_accept_language(header: &str) -> Option<Locale> {
    let mut best: Option<(u16, Locale)> = None;
    for part in header.split(',').take(32) {
        let mut pieces = part.split(';');
        let tag = pieces.next().unwrap_or("").trim();
        let mut q = 1000u16;
        for p in pieces {
            if let Some(v) = p.trim().strip_prefix("q=") {
                q = v
                    .trim()
                    .parse::<f32>()
                    .map(|f| (f.clamp(0.0, 1.0) * 1000.0) as u16)
                    .unwrap_or(0);
            }
        }
        if q == 0 {
            continue;
        }
        if let Some(l) = Locale::parse(tag) {
            if best.is_none_or(|(bq, _)| q > bq) {
                best = Some((q, l));
            }
        }
    }
    best.map(|(_, l)| l)
}

/// The compiled catalogs, one bundle per language.
pub struct I18n {
    bundles: Vec<FluentBundle<FluentResource>>,
}

impl std::fmt::Debug for I18n {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str("I18n")
    }
}

impl Default for I18n {
    fn default() -> Self {
        Self::new()
    }
}

impl I18n {
    /// Compiles the embedded catalogs.
    ///
    /// # Panics
    /// When an embedded catalog does not parse; the unit tests parse both, so a
    /// build that passes its tests never panics here.
    pub fn new() -> Self {
        let bundles = Locale::ALL
            .iter()
            .map(|&l| {
                let mut bundle = FluentBundle::new_concurrent(vec![l.langid()]);
                // Directional isolation marks are not needed in HTML whose
                // language is set, and they would break copy-and-paste of numbers.
                bundle.set_use_isolating(false);
                bundle
                    .add_builtins()
                    .unwrap_or_else(|e| panic!("{} builtins: {e:?}", l.code()));
                for (file, source) in catalogs(l) {
                    let resource = FluentResource::try_new((*source).to_owned())
                        .unwrap_or_else(|(_, errors)| panic!("{file}: {errors:?}"));
                    // A key defined twice (in two files) is an error too.
                    bundle
                        .add_resource(resource)
                        .unwrap_or_else(|errors| panic!("{file}: {errors:?}"));
                }
                bundle
            })
            .collect();
        Self { bundles }
    }

    /// A translator for one language.
    pub fn tr(&self, locale: Locale) -> Tr<'_> {
        Tr { i18n: self, locale }
    }

    fn format(&self, locale: Locale, key: &str, args: Option<&FluentArgs<'_>>) -> String {
        let bundle = &self.bundles[locale.index()];
        let Some(pattern) = bundle.get_message(key).and_then(|m| m.value()) else {
            tracing::warn!(key, locale = locale.code(), "missing translation");
            return key.to_owned();
        };
        let mut errors = Vec::new();
        let text = bundle.format_pattern(pattern, args, &mut errors);
        if !errors.is_empty() {
            tracing::warn!(key, locale = locale.code(), ?errors, "translation error");
        }
        text.into_owned()
    }

    #[cfg(test)]
    fn has(&self, locale: Locale, key: &str) -> bool {
        self.bundles[locale.index()].has_message(key)
    }
}

/// A translator: the catalogs and the request's language. Templates call
/// `t.get(..)` with a catalog key.
#[derive(Clone, Copy, Debug)]
pub struct Tr<'a> {
    i18n: &'a I18n,
    /// The language.
    pub locale: Locale,
}

impl<'a> Tr<'a> {
    /// The message `key` (the key itself, logged, when the catalog lacks it).
    pub fn get(&self, key: &str) -> String {
        self.i18n.format(self.locale, key, None)
    }

    /// The message `key` with named arguments (text or numbers).
    pub fn with(&self, key: &str, args: &[(&str, Arg<'_>)]) -> String {
        let mut fa = FluentArgs::new();
        for (name, value) in args {
            let v: FluentValue<'_> = match value {
                Arg::Text(s) => FluentValue::from(*s),
                Arg::Num(n) => FluentValue::from(*n),
            };
            fa.set(*name, v);
        }
        self.i18n.format(self.locale, key, Some(&fa))
    }

    /// A date written out in the language ("March 5, 2024", "5 de marzo de 2024").
    pub fn date(&self, d: Date) -> String {
        let month = self.get(&format!("month-{}", d.month()));
        self.with(
            "date-long",
            &[
                ("day", Arg::Num(i64::from(d.day()))),
                ("month", Arg::Text(&month)),
                ("year", Arg::Text(&d.year().to_string())),
            ],
        )
    }

    /// A FHIR `date` or `dateTime` text shown as a date; `None` when it does not
    /// start with a valid `YYYY-MM-DD` (partial dates `YYYY` and `YYYY-MM` are
    /// shown as written).
    pub fn date_text(&self, text: &str) -> Option<String> {
        let t = text.trim();
        if let Some(d) = t.get(..10).and_then(|s| s.parse::<Date>().ok()) {
            return Some(self.date(d));
        }
        if let Some((y, m)) = t.split_once('-') {
            let (Ok(year), Ok(month)) = (y.parse::<i16>(), m.parse::<i8>()) else {
                return None;
            };
            if (1..=12).contains(&month) && y.len() == 4 {
                let month = self.get(&format!("month-{month}"));
                return Some(self.with(
                    "date-month-year",
                    &[
                        ("month", Arg::Text(&month)),
                        ("year", Arg::Text(&year.to_string())),
                    ],
                ));
            }
            return None;
        }
        (t.len() == 4 && t.bytes().all(|b| b.is_ascii_digit())).then(|| t.to_owned())
    }

    /// A number with at most `max_decimals` decimals, trailing zeros dropped,
    /// with the language's decimal separator ("18.2", "18,2").
    pub fn num(&self, value: f64, max_decimals: usize) -> String {
        format_decimal(value, max_decimals, self.locale)
    }
}

/// An argument to a message.
#[derive(Debug, Clone, Copy)]
pub enum Arg<'a> {
    /// Text, inserted as is (escaped later by the template).
    Text(&'a str),
    /// A number, which also selects plural forms.
    Num(i64),
}

/// Formats `value` with at most `max_decimals` decimals, trailing zeros dropped.
pub fn format_decimal(value: f64, max_decimals: usize, locale: Locale) -> String {
    if !value.is_finite() {
        return String::new();
    }
    let mut s = format!("{value:.max_decimals$}");
    if s.contains('.') {
        while s.ends_with('0') {
            s.pop();
        }
        if s.ends_with('.') {
            s.pop();
        }
    }
    if s == "-0" {
        s = "0".to_owned();
    }
    if locale.decimal_separator() != '.' {
        s = s.replace('.', &locale.decimal_separator().to_string());
    }
    s
}

#[cfg(test)]
mod tests {
    use super::*;
    use jiff::civil::date;

    /// Message and term ids defined in a catalog: lines `id = ...` at column 0.
    pub(crate) fn catalog_keys(ftl: &str) -> Vec<String> {
        ftl.lines()
            .filter(|l| !l.starts_with([' ', '#', '\t']) && !l.is_empty())
            .filter_map(|l| l.split_once('=').map(|(k, _)| k.trim().to_owned()))
            .filter(|k| !k.is_empty() && !k.contains(' '))
            .collect()
    }

    #[test]
    fn catalogs_parse_and_have_the_same_keys() {
        let i18n = I18n::new();
        assert_eq!(EN_CATALOGS.len(), ES_CATALOGS.len());
        // File for file: each English catalog and its Spanish twin define the
        // same keys.
        for ((en_file, en_text), (es_file, es_text)) in EN_CATALOGS.iter().zip(ES_CATALOGS) {
            assert_eq!(
                en_file.replace("en.ftl", ""),
                es_file.replace("es.ftl", ""),
                "catalogs out of order"
            );
            let en = catalog_keys(en_text);
            let es = catalog_keys(es_text);
            assert!(!en.is_empty(), "{en_file} looks empty");
            let missing_es: Vec<_> = en.iter().filter(|k| !es.contains(k)).collect();
            let missing_en: Vec<_> = es.iter().filter(|k| !en.contains(k)).collect();
            assert!(missing_es.is_empty(), "{es_file} lacks {missing_es:?}");
            assert!(missing_en.is_empty(), "{en_file} lacks {missing_en:?}");
            for k in en.iter().filter(|k| !k.starts_with('-')) {
                assert!(i18n.has(Locale::En, k), "en bundle lacks {k}");
                assert!(i18n.has(Locale::Es, k), "es bundle lacks {k}");
            }
        }
        assert!(
            catalog_keys(EN_CATALOGS[0].1).len() > 50,
            "en.ftl looks empty"
        );
    }

    #[test]
    fn every_key_used_in_templates_and_code_exists() {
        let i18n = I18n::new();
        let dirs = [
            concat!(env!("CARGO_MANIFEST_DIR"), "/templates"),
            concat!(env!("CARGO_MANIFEST_DIR"), "/src"),
        ];
        let mut checked = 0;
        // Files of the folders and their subfolders (`templates/results/`).
        let mut files = Vec::new();
        let mut pending: Vec<std::path::PathBuf> = dirs.iter().map(Into::into).collect();
        while let Some(dir) = pending.pop() {
            for entry in std::fs::read_dir(dir).unwrap() {
                let path = entry.unwrap().path();
                if path.is_dir() {
                    pending.push(path);
                } else {
                    files.push(path);
                }
            }
        }
        {
            for path in files {
                let text = std::fs::read_to_string(&path).unwrap();
                for needle in ["t.get(\"", "t.with(\"", "tr.get(\"", "tr.with(\""] {
                    for (i, _) in text.match_indices(needle) {
                        let rest = &text[i + needle.len()..];
                        let key = &rest[..rest.find('"').unwrap()];
                        if key.is_empty() || key.contains('{') {
                            continue;
                        }
                        checked += 1;
                        assert!(
                            i18n.has(Locale::En, key),
                            "{} uses `{key}`, missing from en.ftl",
                            path.display()
                        );
                    }
                }
            }
        }
        assert!(checked > 30, "found only {checked} keys in use");
    }

    #[test]
    fn negotiation_order() {
        assert_eq!(negotiate(Some("es"), Some("en"), Some("en")), Locale::Es);
        assert_eq!(negotiate(None, Some("es"), Some("en")), Locale::Es);
        assert_eq!(
            negotiate(Some("fr"), Some("zz"), Some("es-MX,en;q=0.5")),
            Locale::Es
        );
        assert_eq!(
            negotiate(None, None, Some("fr, es;q=0.4, en;q=0.8")),
            Locale::En
        );
        assert_eq!(negotiate(None, None, Some("es;q=0, en;q=0.1")), Locale::En);
        assert_eq!(negotiate(None, None, Some("de,fr")), Locale::En);
        assert_eq!(negotiate(None, None, None), Locale::En);
        assert_eq!(negotiate(None, None, Some(";;;,,q=abc")), Locale::En);
    }

    #[test]
    fn dates_and_numbers_per_locale() {
        let i18n = I18n::new();
        let en = i18n.tr(Locale::En);
        let es = i18n.tr(Locale::Es);
        assert_eq!(en.date(date(2024, 3, 5)), "March 5, 2024");
        assert_eq!(es.date(date(2024, 3, 5)), "5 de marzo de 2024");
        assert_eq!(
            en.date_text("2019-07-01T10:00:00-04:00").unwrap(),
            "July 1, 2019"
        );
        assert_eq!(en.date_text("2019-07").unwrap(), "July 2019");
        assert_eq!(en.date_text("2019").unwrap(), "2019");
        assert_eq!(en.date_text("garbage"), None);
        assert_eq!(en.num(18.25, 1), "18.2");
        assert_eq!(es.num(18.2, 1), "18,2");
        assert_eq!(en.num(120.0, 1), "120");
        assert_eq!(en.num(-0.01, 1), "0");
    }

    #[test]
    fn plurals() {
        let i18n = I18n::new();
        let en = i18n.tr(Locale::En);
        assert_eq!(en.with("age-years", &[("n", Arg::Num(1))]), "1 year old");
        assert_eq!(en.with("age-years", &[("n", Arg::Num(4))]), "4 years old");
        let es = i18n.tr(Locale::Es);
        assert_eq!(es.with("age-months", &[("n", Arg::Num(1))]), "1 mes");
    }
}
