//! Deterministic generator of a synthetic German news corpus for benchmarking `framing`.
//!
//! ```text
//! cargo run --release --example gen_corpus -- --mb 500 --seed 1 OUT
//! cargo run --release --example gen_corpus -- --one-big 50 OUT
//! ```
//!
//! Writes `OUT/<outlet>/<year>/<month>/<nnnnnn>-<slug>.txt` (about one in ten `.md`, with a
//! `# ` headline) until the corpus holds `--mb` megabytes (10^6 bytes). File `i` depends only
//! on the seed and `i`, so the same arguments give a byte-identical corpus and a smaller
//! `--mb` gives a prefix of the file list. Each file is 2–8 KiB: `date YYYY-MM`, a headline
//! without a full stop, a blank line, then paragraphs separated by blank lines (some
//! hard-wrapped). Sentences come from templates written for this benchmark and carry what a
//! German splitter and a lexicon matcher must get right: ordinals, abbreviations, decimals,
//! times, numeric dates, „…“ and »…« quotes, scare quotes, negations, compounds, the crew
//! sense of "Besatzung", and loaded terms at about one match per four sentences.
//!
//! `--one-big MB` writes a single file of that size with no punctuation at all: the stress
//! case of a huge document without sentence boundaries.
//!
//! `--lexicon ROWS [--base FILE] OUT.csv` writes a lexicon of ROWS rows instead: the rows of
//! the base lexicon (e.g. `../shared/bench/lexicon.csv`), then distinct generated German-like
//! pseudo-words as prefix, infix and phrase patterns and a few exclusions, so a large
//! lexicon keeps the base lexicon's matches and adds patterns that occur only now and then.
//!
//! The benchmarks include this file as a module (`#[path]`), hence the dead-code allowance,
//! and hence one file of over 700 lines (a third of them word lists) rather than a folder.
#![allow(dead_code)]

use std::collections::HashSet;

use framing::model::cv::SplitMix64;
use std::fs;
use std::io::{BufWriter, Write};
use std::path::{Path, PathBuf};
use std::time::Instant;

/// Smallest and largest file size in bytes.
const MIN_BYTES: usize = 2048;
const MAX_BYTES: usize = 8192;
/// Chance that a `{L}` slot gets a loaded term; tuned so the shared lexicon finds about one
/// match per four sentences (templates with fixed loaded terms add to it).
const LOADED_SHARE: u64 = 4;
/// Hard-wrap column of wrapped paragraphs.
const WRAP_COLUMN: usize = 72;

/// The project's splitmix64 (`framing::model::cv::SplitMix64`), keyed per stream: tiny,
/// fast, and good enough for text that must only be reproducible.
#[derive(Debug, Clone)]
pub struct Rng(SplitMix64);

impl Rng {
    /// A generator for one stream; streams with different keys are independent.
    pub fn new(seed: u64, stream: u64) -> Rng {
        let mut r = Rng(SplitMix64::new(seed ^ stream.wrapping_mul(0x9e37_79b9_7f4a_7c15)));
        r.next_u64();
        r
    }

    /// Next 64 random bits.
    pub fn next_u64(&mut self) -> u64 {
        self.0.next_u64()
    }

    /// Uniform in `lo..=hi`.
    pub fn range(&mut self, lo: u64, hi: u64) -> u64 {
        lo + self.next_u64() % (hi - lo + 1)
    }

    /// True with probability `pct` percent.
    pub fn chance(&mut self, pct: u64) -> bool {
        self.next_u64() % 100 < pct
    }

    /// One element of a non-empty list.
    pub fn pick<'a>(&mut self, list: &[&'a str]) -> &'a str {
        list[(self.next_u64() % list.len() as u64) as usize]
    }
}

const OUTLETS: &[&str] =
    &["abendbote", "morgenecho", "rundblick", "tageskompass", "zeitgeschehen-online", "weltspiegel"];
const MONTHS: &[&str] = &[
    "Januar",
    "Februar",
    "März",
    "April",
    "Mai",
    "Juni",
    "Juli",
    "August",
    "September",
    "Oktober",
    "November",
    "Dezember",
];
const FIRST: &[&str] = &[
    "Anna", "Lukas", "Maria", "Jonas", "Elena", "Armen", "Leyla", "Tigran", "Olena", "Dmytro", "Ayşe", "Mehmet",
    "Yael", "Omar", "Karin", "Thomas", "Gohar", "Rauf", "Iryna", "Felix",
];
const LAST: &[&str] = &[
    "Müller",
    "Hovhannisyan",
    "Mammadova",
    "Kovalenko",
    "Yılmaz",
    "Cohen",
    "Haddad",
    "Brandt",
    "Köhler",
    "Weber",
    "Sargsyan",
    "Hasanov",
    "Bondarenko",
    "Nasser",
    "Özdemir",
    "Grigoryan",
    "Schäfer",
    "Zimmermann",
];
const ROLES: &[&str] = &[
    "Außenminister",
    "Regierungssprecherin",
    "Dr.",
    "Prof. Dr.",
    "der Konfliktforscher",
    "die Politikwissenschaftlerin Prof.",
    "UN-Sondergesandter",
    "Bürgermeisterin",
    "der Militärexperte Dr.",
    "Botschafter",
    "die Sprecherin des Roten Kreuzes,",
];
const ORGS: &[&str] = &[
    "die Bundesregierung",
    "das Auswärtige Amt",
    "die EU-Kommission",
    "der UN-Sicherheitsrat",
    "die OSZE",
    "Amnesty International",
    "der Bundestag",
    "die NATO",
    "das UN-Flüchtlingshilfswerk",
    "der Europarat",
];
const CITIES: &[&str] =
    &["Berlin", "Kiew", "Jerusalem", "Eriwan", "Baku", "Moskau", "Brüssel", "Genf", "Sumy", "Stepanakert", "Wien"];
const AGENCIES: &[&str] = &["dpa", "AFP", "AP", "Reuters", "epd"];
const ADJ: &[&str] = &["russische", "armenische", "israelische", "türkische", "illegale", "aserbaidschanische"];
const VERBS: &[&str] = &["sagte", "erklärte", "betonte", "kritisierte", "warnte", "schrieb", "sagte am Abend"];
const NEUTRAL: &[&str] = &[
    "die Verhandlungen",
    "der Haushalt",
    "die Energiepreise",
    "die Wahlbeteiligung",
    "der Ausschuss",
    "die Reform",
    "die Infrastruktur",
    "die Inflation",
    "die Exporte",
    "der Wiederaufbau",
    "die Stromversorgung",
    "die Lieferketten",
    "das Abkommen",
    "die Sanktionen",
    "die Delegation",
    "der Bericht",
    "die Gaspipeline",
    "die Bildungspolitik",
    "der Getreidehandel",
    "die Grenzregion",
];
const LOADED: &[&str] = &[
    "die Besatzung",
    "die Besatzungsmacht",
    "die Besatzer",
    "die Annexion",
    "die Okkupation",
    "der Angriffskrieg",
    "die Invasion",
    "der Einmarsch",
    "das Massaker",
    "die Kriegsverbrechen",
    "die Terroristen",
    "die Terrormiliz",
    "die Separatisten",
    "das Regime",
    "die Flüchtlingswelle",
    "die Abschiebungen",
    "die Seenotrettung",
    "der Waffenstillstand",
    "die Waffenruhe",
    "die Friedensverhandlungen",
    "die Propaganda",
    "die Desinformation",
    "die Zivilbevölkerung",
    "die humanitäre Katastrophe",
    "die militärische Spezialoperation",
    "der Völkermord",
    "die Vertreibung",
    "die Eskalation",
    "der Widerstand",
    "die Befreiung",
    "die Rückeroberung",
    "die territoriale Integrität",
    "die Migrationswelle",
    "die Obergrenze",
    "der Familiennachzug",
    "die Asylbewerber",
    "die Blockade",
    "die Belagerung",
    "der Beschuss",
    "die Abschreckung",
    "die Pufferzone",
    "die Schleuser",
    "das Narrativ",
    "die Staatsmedien",
    "die Anti-Terror-Operation",
];
/// Loaded nouns that take a country adjective: "die russische Besatzung".
const ADJ_NOUNS: &[&str] = &["Besatzung", "Aggression", "Besatzer", "Annexion", "Siedlungen"];
/// Words the lexicon's exclusions must keep out of the results.
const NEAR_MISSES: &[&str] = &[
    "Die Besatzungsmitglieder der ISS kehrten am {ORD} {MON} sicher zur Erde zurück.",
    "Die Schiffsbesatzung wurde nach ca. {NUM} Stunden von der Küstenwache gerettet.",
    "Das Netz gilt als widerstandsfähig, d. h. es fällt auch bei Sturm nicht aus.",
    "Der Befreiungsschlag der Mannschaft kam erst in der {NUM}. Minute.",
    "Regimekritiker Nr. {NUM} wurde u. a. von Amnesty International unterstützt.",
    "Wir kriegen das hin, sagte {P} am Rande des Treffens.",
];
const HEADLINES: &[&str] = &[
    "{ORGC} berät über {L}",
    "{CITY}: Streit um {L} spitzt sich zu",
    "Was {L} für {CITY} bedeutet",
    "{PL} fordert neue Gespräche",
    "Analyse: {L} im {Q}. Quartal",
    "{CITY} meldet {NUM} Verletzte",
    "Kommentar: Das Ende der Geduld",
];
const SENTENCES: &[&str] = &[
    "{ORGC} kündigte am {ORD} {MON} an, {L} genau zu prüfen.",
    "Nach Angaben von {P} sind seit {YEAR} ca. {NUM} Mio. Euro in {N} geflossen.",
    "Im {Q}. Quartal stieg die Zahl um {DEC} Prozent, wie {ORG} mitteilte.",
    "Die Sitzung beginnt am {DATE} um {TIME} Uhr im Saal Nr. {NUM}.",
    "{P} sprach von {L} und verwies u. a. auf einen Bericht aus {CITY}.",
    "„{LC} muss sofort enden“, {VERB} {P}.",
    "»{LC} ist eine Tatsache«, {VERB} {P} vor Journalisten.",
    "„Wir wollen keinen Streit. Wir wollen Lösungen“, {VERB} {P}.",
    "„Wer spricht hier von {L}?“, fragte {P}.",
    "Die sogenannte „Befreiung“ der Stadt dauerte ca. {NUM} Tage.",
    "Was die Regierung „Ordnung“ nennt, nennen Kritiker schlicht {L}.",
    "Es gebe keine Besatzung, {VERB} {P} am {ORD} {MON}.",
    "Von einem Angriffskrieg könne nicht die Rede sein, hieß es aus {CITY}.",
    "{P} bestritt, dass es sich um eine Annexion handle.",
    "Die Besatzungsmacht kontrolliert seit dem {ORD} {MON} {YEAR} die Zufahrtsstraßen.",
    "Die {ADJ} {ADJNOUN} wird in {CITY} bzw. in {CITY} unterschiedlich bewertet.",
    "Laut {P} kostet {N} rund {DEC} Mrd. Euro, d. h. mehr als geplant.",
    "Betroffen sind z. B. Schulen, Krankenhäuser, Brücken usw.",
    "Am {ORD} {MON} trafen sich die Delegationen in {CITY}.",
    "{NUM} Menschen nahmen an der Kundgebung in {CITY} teil.",
    "Die Inflation lag zuletzt bei {DEC} Prozent und damit über dem Ziel.",
    "{ORGC} verwies auf {N} und auf die Lage in {CITY}.",
    "Beobachter in {CITY} rechnen mit {L} bis zum {ORD} {MON}.",
    "Der Bericht vom {DATE} nennt {L} als Hauptursache.",
    "Ob {N} noch vor dem Winter kommt, ist offen.",
    "Die Gespräche sollen am {ORD} {MON} um {TIME} Uhr fortgesetzt werden.",
    "{P} hält {L} für das größte Hindernis.",
    "Mehr als {NUM} Familien warten in {CITY} auf Nachricht.",
    "Die Preise für Getreide stiegen im {Q}. Quartal um {DEC} Prozent.",
    "Der Ausschuss tagt wieder am {DATE}, teilte {ORG} mit.",
    "Kritiker sehen darin {L}, Befürworter dagegen {N}.",
    "Der {ORD} Jahrestag wird in {CITY} mit einer Gedenkfeier begangen.",
    "{CITYAG} – {ORGC} hat {N} bestätigt.",
    "Die Regierung in {CITY} will {N} bis {YEAR} abschließen.",
    "Eine Sprecherin nannte {L} „nicht hinnehmbar“.",
];

/// One generated document: where it goes and what it says.
#[derive(Debug, Clone)]
pub struct Doc {
    /// Path relative to the corpus root.
    pub rel_path: String,
    /// File content.
    pub text: String,
}

/// Generates document `index` of the corpus for `seed`; independent of every other index.
pub fn document(seed: u64, index: u64) -> Doc {
    let mut rng = Rng::new(seed, index);
    let outlet = rng.pick(OUTLETS);
    let year = rng.range(2018, 2025);
    let month = rng.range(1, 12);
    let markdown = rng.chance(10);
    let target = rng.range(MIN_BYTES as u64 + 200, (MAX_BYTES - 1200) as u64) as usize;

    let mut text = String::with_capacity(MAX_BYTES);
    text.push_str(&format!("date {year}-{month:02}\n"));
    if markdown {
        text.push_str("# ");
    }
    let headline_start = text.len();
    let headline = rng.pick(HEADLINES);
    expand(&mut rng, headline, &mut text);
    let slug = slugify(&text[headline_start..]);
    text.push_str("\n\n");

    let mut para = String::with_capacity(1024);
    while text.len() < target {
        para.clear();
        paragraph(&mut rng, &mut para);
        if text.len() + para.len() + 2 > MAX_BYTES {
            break;
        }
        text.push_str(&para);
        text.push_str("\n\n");
    }
    let ext = if markdown { "md" } else { "txt" };
    Doc { rel_path: format!("{outlet}/{year}/{month:02}/{index:06}-{slug}.{ext}"), text }
}

/// Two to six sentences; some paragraphs open with a dateline, some are hard-wrapped.
fn paragraph(rng: &mut Rng, out: &mut String) {
    let n = rng.range(2, 6);
    let start = out.len();
    for i in 0..n {
        if i > 0 {
            out.push(' ');
        }
        let template = if rng.chance(4) { rng.pick(NEAR_MISSES) } else { rng.pick(SENTENCES) };
        expand(rng, template, out);
    }
    if rng.chance(25) {
        hard_wrap(out, start);
    }
}

/// Replaces the spaces after column [`WRAP_COLUMN`] by newlines, as e-mail and wire text do.
fn hard_wrap(out: &mut String, start: usize) {
    let mut wrapped = String::with_capacity(out.len() - start + 64);
    let mut column = 0;
    for c in out[start..].chars() {
        if c == ' ' && column >= WRAP_COLUMN {
            wrapped.push('\n');
            column = 0;
        } else {
            wrapped.push(c);
            column += 1;
        }
    }
    out.truncate(start);
    out.push_str(&wrapped);
}

/// Expands `{SLOT}`s of a template into `out`; a slot at a sentence start is capitalized.
fn expand(rng: &mut Rng, template: &str, out: &mut String) {
    let mut rest = template;
    while let Some(open) = rest.find('{') {
        out.push_str(&rest[..open]);
        let Some(close) = rest[open..].find('}') else { break };
        let slot = &rest[open + 1..open + close];
        fill(rng, slot, out);
        rest = &rest[open + close + 1..];
    }
    out.push_str(rest);
}

fn fill(rng: &mut Rng, slot: &str, out: &mut String) {
    match slot {
        "P" => person(rng, out),
        "PL" => {
            let at = out.len();
            person(rng, out);
            capitalize_at(out, at);
        }
        "ORG" => out.push_str(rng.pick(ORGS)),
        "ORGC" => push_capitalized(out, rng.pick(ORGS)),
        "CITY" => out.push_str(rng.pick(CITIES)),
        "CITYAG" => {
            out.push_str(rng.pick(CITIES));
            out.push_str(" (");
            out.push_str(rng.pick(AGENCIES));
            out.push(')');
        }
        "ADJ" => out.push_str(rng.pick(ADJ)),
        "ADJNOUN" => out.push_str(rng.pick(ADJ_NOUNS)),
        "VERB" => out.push_str(rng.pick(VERBS)),
        "L" => out.push_str(noun_phrase(rng)),
        "LC" => push_capitalized(out, rng.pick(LOADED)),
        "N" => out.push_str(rng.pick(NEUTRAL)),
        "NUM" => push_num(out, rng.range(2, 480)),
        "DEC" => {
            push_num(out, rng.range(0, 12));
            out.push(',');
            push_num(out, rng.range(1, 9));
        }
        "ORD" => {
            push_num(out, rng.range(1, 31));
            out.push('.');
        }
        "MON" => out.push_str(rng.pick(MONTHS)),
        "Q" => push_num(out, rng.range(1, 4)),
        "YEAR" => push_num(out, rng.range(2014, 2025)),
        "TIME" => {
            push_num(out, rng.range(8, 22));
            out.push('.');
            out.push_str(rng.pick(&["00", "15", "30", "45"]));
        }
        "DATE" => {
            push_num(out, rng.range(1, 28));
            out.push('.');
            push_num(out, rng.range(1, 12));
            out.push('.');
            push_num(out, rng.range(2015, 2025));
        }
        _ => out.push_str(slot),
    }
}

/// A loaded term with probability [`LOADED_SHARE`] percent, otherwise a neutral one.
fn noun_phrase(rng: &mut Rng) -> &'static str {
    if rng.chance(LOADED_SHARE) {
        rng.pick(LOADED)
    } else {
        rng.pick(NEUTRAL)
    }
}

fn person(rng: &mut Rng, out: &mut String) {
    if rng.chance(60) {
        out.push_str(rng.pick(ROLES));
        out.push(' ');
    }
    out.push_str(rng.pick(FIRST));
    out.push(' ');
    out.push_str(rng.pick(LAST));
}

fn push_num(out: &mut String, n: u64) {
    use std::fmt::Write as _;
    // Writing to a String cannot fail.
    let _ = write!(out, "{n}");
}

fn push_capitalized(out: &mut String, s: &str) {
    let at = out.len();
    out.push_str(s);
    capitalize_at(out, at);
}

fn capitalize_at(out: &mut String, at: usize) {
    if let Some(c) = out[at..].chars().next() {
        if c.is_lowercase() {
            let upper: String = c.to_uppercase().collect();
            out.replace_range(at..at + c.len_utf8(), &upper);
        }
    }
}

/// File-name slug of a headline: ASCII lower case, umlauts spelled out, at most 40 bytes.
fn slugify(headline: &str) -> String {
    let mut slug = String::with_capacity(48);
    for c in headline.chars().flat_map(char::to_lowercase) {
        let piece = match c {
            'ä' => "ae",
            'ö' => "oe",
            'ü' => "ue",
            'ß' => "ss",
            c if c.is_ascii_alphanumeric() => {
                slug.push(c);
                continue;
            }
            _ => "-",
        };
        if piece == "-" && (slug.is_empty() || slug.ends_with('-')) {
            continue;
        }
        slug.push_str(piece);
    }
    slug.truncate(40);
    let trimmed = slug.trim_end_matches('-').len();
    slug.truncate(trimmed);
    if slug.is_empty() {
        slug.push_str("artikel");
    }
    slug
}

/// About `bytes` of generated text concatenated (whole documents), for benchmarks.
pub fn sample_text(seed: u64, bytes: usize) -> String {
    let mut out = String::with_capacity(bytes + MAX_BYTES);
    let mut i = 0;
    while out.len() < bytes {
        out.push_str(&document(seed, i).text);
        i += 1;
    }
    out
}

/// Writes files `0..` until `mb` megabytes are written; returns (files, bytes).
pub fn write_corpus(out: &Path, mb: f64, seed: u64) -> std::io::Result<(u64, u64)> {
    let limit = (mb * 1e6) as u64;
    let mut made_dirs: HashSet<PathBuf> = HashSet::new();
    let (mut files, mut bytes) = (0u64, 0u64);
    while bytes < limit {
        let doc = document(seed, files);
        let path = out.join(&doc.rel_path);
        if let Some(dir) = path.parent() {
            if !made_dirs.contains(dir) {
                fs::create_dir_all(dir)?;
                made_dirs.insert(dir.to_path_buf());
            }
        }
        fs::write(&path, doc.text.as_bytes())?;
        files += 1;
        bytes += doc.text.len() as u64;
    }
    Ok((files, bytes))
}

/// Writes one file of `mb` megabytes of words and line breaks, without any punctuation.
pub fn write_one_big(out: &Path, mb: f64, seed: u64) -> std::io::Result<(PathBuf, u64)> {
    const WORDS: &[&str] = &[
        "die",
        "der",
        "und",
        "Besatzung",
        "Regierung",
        "in",
        "Berlin",
        "sagte",
        "Annexion",
        "nicht",
        "keine",
        "Krieg",
        "Verhandlungen",
        "mit",
        "am",
        "November",
        "Prozent",
        "Flüchtlinge",
        "Grenze",
        "über",
        "Abkommen",
        "Eskalation",
    ];
    fs::create_dir_all(out)?;
    let path = out.join(format!("one-big-{mb}mb.txt"));
    let limit = (mb * 1e6) as u64;
    let mut w = BufWriter::with_capacity(1 << 20, fs::File::create(&path)?);
    let mut rng = Rng::new(seed, u64::MAX);
    let (mut bytes, mut column) = (0u64, 0usize);
    while bytes < limit {
        let word = rng.pick(WORDS);
        let sep: &[u8] = if column > 90 { b"\n" } else { b" " };
        column = if column > 90 { 0 } else { column + word.len() + 1 };
        w.write_all(word.as_bytes())?;
        w.write_all(sep)?;
        bytes += (word.len() + 1) as u64;
    }
    w.flush()?;
    Ok((path, bytes))
}

/// A pronounceable pseudo-word of 2–4 syllables, letters only, so the automaton sees
/// German-like bytes.
pub fn pseudo_word(rng: &mut Rng) -> String {
    const SYLLABLES: &[&str] = &[
        "be", "sat", "zung", "kra", "ter", "mach", "ung", "ver", "trei", "bo", "ös", "lä", "schaft", "grenz", "ruf",
        "ka", "mel", "wur", "fla", "din", "gor", "hü", "sel", "pra", "tun", "zei", "rost", "nek", "lo", "vin",
    ];
    (0..rng.range(2, 5)).map(|_| rng.pick(SYLLABLES)).collect()
}

/// A lexicon CSV of `rows` rows: the rows of `base` (a lexicon CSV with the standard header)
/// first, then generated patterns of distinct pseudo-words up to `rows`.
pub fn lexicon_csv(base: Option<&str>, rows: usize, seed: u64) -> String {
    let mut csv = String::from("pattern,frame,target,polarity,weight,note\n");
    let mut n = 0;
    if let Some(base) = base {
        for line in base.lines().skip(1).filter(|l| !l.trim().is_empty()) {
            csv.push_str(line);
            csv.push('\n');
            n += 1;
        }
    }
    let mut rng = Rng::new(seed, 10_000);
    let mut seen = HashSet::new();
    while n < rows {
        let word = pseudo_word(&mut rng);
        if word.chars().count() < 5 || !seen.insert(word.clone()) {
            continue;
        }
        let pattern = match n % 10 {
            0 => format!("!{word}*"),
            1 | 2 => format!("{word} {}*", pseudo_word(&mut rng)),
            3 => format!("*{word}*"),
            _ => format!("{word}*"),
        };
        let (polarity, weight) = if pattern.starts_with('!') { (0, "0.0") } else { (-1, "1.0") };
        csv.push_str(&format!("{pattern},frame{},target{},{polarity},{weight},generated\n", n % 12, n % 7));
        n += 1;
    }
    csv
}

/// Parsed command line.
struct Args {
    mb: f64,
    seed: u64,
    one_big: Option<f64>,
    lexicon: Option<usize>,
    base: Option<PathBuf>,
    out: PathBuf,
}

const USAGE: &str =
    "usage: gen_corpus [--mb N] [--seed S] [--one-big MB] OUT\n       gen_corpus --lexicon ROWS [--base FILE] OUT.csv";

fn parse_args() -> Result<Args, String> {
    let mut args = Args { mb: 10.0, seed: 1, one_big: None, lexicon: None, base: None, out: PathBuf::new() };
    let mut out = None;
    let mut it = std::env::args().skip(1);
    while let Some(a) = it.next() {
        let mut value = |name: &str| it.next().ok_or_else(|| format!("{name} needs a value\n{USAGE}"));
        match a.as_str() {
            "--mb" => args.mb = number(&value("--mb")?)?,
            "--seed" => args.seed = value("--seed")?.parse().map_err(|_| "--seed must be an integer".to_string())?,
            "--one-big" => args.one_big = Some(number(&value("--one-big")?)?),
            "--lexicon" => {
                let rows = value("--lexicon")?;
                args.lexicon = Some(rows.parse().map_err(|_| format!("--lexicon needs a row count, got `{rows}`"))?);
            }
            "--base" => args.base = Some(PathBuf::from(value("--base")?)),
            "-h" | "--help" => return Err(USAGE.to_string()),
            s if s.starts_with('-') => return Err(format!("unknown option {s}\n{USAGE}")),
            s => out = Some(PathBuf::from(s)),
        }
    }
    args.out = out.ok_or_else(|| USAGE.to_string())?;
    Ok(args)
}

fn number(s: &str) -> Result<f64, String> {
    match s.parse::<f64>() {
        Ok(v) if v > 0.0 && v.is_finite() => Ok(v),
        _ => Err(format!("expected a positive number of megabytes, got `{s}`")),
    }
}

fn main() {
    let args = match parse_args() {
        Ok(a) => a,
        Err(e) => {
            eprintln!("{e}");
            std::process::exit(2);
        }
    };
    if let Some(rows) = args.lexicon {
        let base = match args.base.as_deref().map(fs::read_to_string).transpose() {
            Ok(base) => base,
            Err(e) => {
                eprintln!("gen_corpus: {}: {e}", args.base.as_deref().unwrap_or(Path::new("")).display());
                std::process::exit(2);
            }
        };
        if let Err(e) = fs::write(&args.out, lexicon_csv(base.as_deref(), rows, args.seed)) {
            eprintln!("gen_corpus: {}: {e}", args.out.display());
            std::process::exit(2);
        }
        println!("gen_corpus: lexicon of {rows} rows -> {}", args.out.display());
        return;
    }
    let started = Instant::now();
    let result = match args.one_big {
        Some(mb) => write_one_big(&args.out, mb, args.seed).map(|(_, bytes)| (1, bytes)),
        None => write_corpus(&args.out, args.mb, args.seed),
    };
    match result {
        Ok((files, bytes)) => {
            let secs = started.elapsed().as_secs_f64();
            println!(
                "gen_corpus: {files} files, {bytes} bytes in {secs:.2} s ({:.1} MB/s) -> {}",
                bytes as f64 / 1e6 / secs.max(1e-9),
                args.out.display()
            );
        }
        Err(e) => {
            eprintln!("gen_corpus: {}: {e}", args.out.display());
            std::process::exit(2);
        }
    }
}

// Run with `cargo test --release --example gen_corpus`.
#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn splitmix64_matches_the_reference_sequence() {
        // Published outputs of Vigna's splitmix64.c for seeds 0 and 1234567.
        assert_eq!(Rng(SplitMix64::new(0)).next_u64(), 0xe220_a839_7b1d_cdaf);
        let mut r = Rng(SplitMix64::new(1_234_567));
        assert_eq!(
            [r.next_u64(), r.next_u64(), r.next_u64()],
            [6_457_827_717_110_365_317, 3_203_168_211_198_807_973, 9_817_491_932_198_370_423]
        );
    }

    #[test]
    fn generated_lexicon_keeps_the_base_rows_and_has_distinct_patterns() {
        let base = "pattern,frame,target,polarity,weight,note\nbesatzer*,occupation,occupier,-1,1.5,\n";
        let csv = lexicon_csv(Some(base), 500, 1);
        let lines: Vec<&str> = csv.lines().collect();
        assert_eq!(lines.len(), 501);
        assert_eq!(lines[1], "besatzer*,occupation,occupier,-1,1.5,");
        let patterns: HashSet<&str> = lines[1..].iter().map(|l| l.split(',').next().unwrap_or("")).collect();
        assert_eq!(patterns.len(), 500, "patterns are distinct");
        // Generated patterns are letters only (no digits, which no text would match), and a
        // tenth of them are exclusions (rows 10, 20, …, 490 of the 499 after the base row).
        let generated: Vec<&str> = lines[2..].iter().map(|l| l.split(',').next().unwrap_or("")).collect();
        assert!(generated.iter().all(|p| p.chars().all(|c| c.is_alphabetic() || " *!".contains(c))), "{generated:?}");
        assert_eq!(generated.iter().filter(|p| p.starts_with('!')).count(), 49);
        assert_eq!(lexicon_csv(Some(base), 500, 1), csv, "deterministic");
    }

    #[test]
    fn documents_have_the_documented_shape() {
        for i in 0..300 {
            let doc = document(7, i);
            let n = doc.text.len();
            assert!((MIN_BYTES..=MAX_BYTES).contains(&n), "doc {i}: {n} bytes");
            let mut lines = doc.text.lines();
            let date = lines.next().unwrap_or_default();
            assert!(date.starts_with("date 20") && date.len() == "date 2024-03".len(), "{date}");
            let headline = lines.next().unwrap_or_default();
            assert!(!headline.is_empty() && !headline.ends_with('.'), "{headline}");
            assert_eq!(lines.next(), Some(""));
            assert_eq!(doc.rel_path.ends_with(".md"), headline.starts_with("# "), "{}", doc.rel_path);
            assert!(doc.rel_path.contains(&format!("/{i:06}-")), "{}", doc.rel_path);
        }
    }

    #[test]
    fn smaller_corpus_is_a_byte_identical_prefix() {
        let (small, big) = (tempfile::tempdir().unwrap(), tempfile::tempdir().unwrap());
        let (n_small, _) = write_corpus(small.path(), 0.05, 3).unwrap();
        let (n_big, _) = write_corpus(big.path(), 0.1, 3).unwrap();
        assert!(n_small < n_big);
        for i in 0..n_small {
            let doc = document(3, i);
            assert_eq!(fs::read(small.path().join(&doc.rel_path)).unwrap(), doc.text.as_bytes());
            assert_eq!(fs::read(big.path().join(&doc.rel_path)).unwrap(), doc.text.as_bytes());
        }
    }

    #[test]
    fn one_big_file_has_no_punctuation() {
        let dir = tempfile::tempdir().unwrap();
        let (path, bytes) = write_one_big(dir.path(), 0.2, 1).unwrap();
        let text = fs::read_to_string(path).unwrap();
        assert_eq!(text.len() as u64, bytes);
        assert!(bytes >= 200_000);
        assert!(!text.chars().any(|c| c.is_ascii_punctuation()));
    }

    #[test]
    fn slugs_are_ascii_and_bounded() {
        assert_eq!(slugify("Was die Besatzung für Baku bedeutet"), "was-die-besatzung-fuer-baku-bedeutet");
        assert_eq!(slugify("„…“"), "artikel");
        assert!(slugify(&"Grenzübergänge ".repeat(10)).len() <= 40);
    }
}
