//! The built-in lists refill eligibility starts from: controlled ingredients
//! with their DEA schedule, and systemic antibiotic ingredients with their
//! class. A practice extends both in its configuration (`[refills]`).
//!
//! Sources:
//! - Controlled substances: the DEA schedules of 21 CFR 1308.12 (schedule II),
//!   1308.13 (III), 1308.14 (IV) and 1308.15 (V), as listed in the DEA's
//!   "Controlled Substances - Alphabetical Order" (Orange Book, 2025). Where an
//!   ingredient's products fall in several schedules (codeine: II alone, III
//!   with acetaminophen, V in cough syrups) the strictest is given; every
//!   schedule is refused alike, so the choice only changes the words shown to
//!   staff. Brand names families see on the label are listed with the
//!   ingredient (Ritalin, Concerta, Adderall...).
//! - Antibiotic classes: the WHO ATC classification, group J01 (antibacterials
//!   for systemic use), with the members prescribed in pediatrics.
//! - RxNorm codes: those of the clinical drugs the synthetic test records
//!   (Synthea) and the demo practice prescribe; names catch the rest.

use super::Schedule;

/// (ingredient or brand name, lowercase; its schedule).
pub(crate) const CONTROLLED: &[(&str, Schedule)] = &[
    // Stimulants (ADHD), schedule II, 21 CFR 1308.12(d).
    ("methylphenidate", Schedule::II),
    ("dexmethylphenidate", Schedule::II),
    ("serdexmethylphenidate", Schedule::IV),
    ("amphetamine", Schedule::II),
    ("dextroamphetamine", Schedule::II),
    ("lisdexamfetamine", Schedule::II),
    ("methamphetamine", Schedule::II),
    ("ritalin", Schedule::II),
    ("concerta", Schedule::II),
    ("metadate", Schedule::II),
    ("quillichew", Schedule::II),
    ("daytrana", Schedule::II),
    ("focalin", Schedule::II),
    ("adderall", Schedule::II),
    ("dexedrine", Schedule::II),
    ("vyvanse", Schedule::II),
    ("evekeo", Schedule::II),
    ("adzenys", Schedule::II),
    ("azstarys", Schedule::II),
    // Opioids, schedule II (1308.12(b), (c)) unless noted.
    ("codeine", Schedule::II),
    ("hydrocodone", Schedule::II),
    ("oxycodone", Schedule::II),
    ("morphine", Schedule::II),
    ("hydromorphone", Schedule::II),
    ("fentanyl", Schedule::II),
    ("methadone", Schedule::II),
    ("tapentadol", Schedule::II),
    ("meperidine", Schedule::II),
    ("tramadol", Schedule::IV),
    ("buprenorphine", Schedule::III),
    ("percocet", Schedule::II),
    ("vicodin", Schedule::II),
    ("norco", Schedule::II),
    ("ultram", Schedule::IV),
    // Benzodiazepines, schedule IV (1308.14(c)).
    ("lorazepam", Schedule::IV),
    ("diazepam", Schedule::IV),
    ("clonazepam", Schedule::IV),
    ("midazolam", Schedule::IV),
    ("clobazam", Schedule::IV),
    ("alprazolam", Schedule::IV),
    ("clorazepate", Schedule::IV),
    ("ativan", Schedule::IV),
    ("valium", Schedule::IV),
    ("diastat", Schedule::IV),
    ("valtoco", Schedule::IV),
    ("klonopin", Schedule::IV),
    ("nayzilam", Schedule::IV),
    ("onfi", Schedule::IV),
    ("sympazan", Schedule::IV),
    ("xanax", Schedule::IV),
    // Barbiturates, anabolic steroids, sleep and wakefulness.
    ("phenobarbital", Schedule::IV),
    ("testosterone", Schedule::III),
    ("androgel", Schedule::III),
    ("zolpidem", Schedule::IV),
    ("modafinil", Schedule::IV),
    ("armodafinil", Schedule::IV),
    ("provigil", Schedule::IV),
    ("ketamine", Schedule::III),
    // Antiseizure drugs in schedule V (1308.15(e)).
    ("pregabalin", Schedule::V),
    ("lacosamide", Schedule::V),
    ("brivaracetam", Schedule::V),
    ("cenobamate", Schedule::V),
    ("lyrica", Schedule::V),
    ("vimpat", Schedule::V),
    ("briviact", Schedule::V),
];

/// (RxNorm code, the ingredient it contains, its schedule).
pub(crate) const CONTROLLED_RXNORM: &[(&str, &str, Schedule)] = &[
    ("1091170", "methylphenidate", Schedule::II),
    ("1091392", "methylphenidate", Schedule::II),
    ("1049221", "oxycodone", Schedule::II),
    ("563026", "diazepam", Schedule::IV),
];

/// (ingredient or brand name, lowercase; its antibiotic class).
pub(crate) const ANTIBIOTICS: &[(&str, &str)] = &[
    // Penicillins (J01C).
    ("amoxicillin", "penicillin"),
    ("ampicillin", "penicillin"),
    ("penicillin", "penicillin"),
    ("dicloxacillin", "penicillin"),
    ("nafcillin", "penicillin"),
    ("oxacillin", "penicillin"),
    ("piperacillin", "penicillin"),
    ("augmentin", "penicillin"),
    ("amoxil", "penicillin"),
    // Cephalosporins (J01D).
    ("cephalexin", "cephalosporin"),
    ("cefadroxil", "cephalosporin"),
    ("cefazolin", "cephalosporin"),
    ("cefaclor", "cephalosporin"),
    ("cefprozil", "cephalosporin"),
    ("cefuroxime", "cephalosporin"),
    ("cefdinir", "cephalosporin"),
    ("cefpodoxime", "cephalosporin"),
    ("cefixime", "cephalosporin"),
    ("ceftriaxone", "cephalosporin"),
    ("cefepime", "cephalosporin"),
    ("keflex", "cephalosporin"),
    ("omnicef", "cephalosporin"),
    // Macrolides and lincosamides (J01F).
    ("azithromycin", "macrolide"),
    ("clarithromycin", "macrolide"),
    ("erythromycin", "macrolide"),
    ("zithromax", "macrolide"),
    ("clindamycin", "lincosamide"),
    // Tetracyclines (J01A).
    ("doxycycline", "tetracycline"),
    ("minocycline", "tetracycline"),
    ("tetracycline", "tetracycline"),
    ("sarecycline", "tetracycline"),
    // Sulfonamides and trimethoprim (J01E).
    ("sulfamethoxazole", "sulfonamide"),
    ("trimethoprim", "sulfonamide"),
    ("bactrim", "sulfonamide"),
    // Quinolones (J01M).
    ("ciprofloxacin", "fluoroquinolone"),
    ("levofloxacin", "fluoroquinolone"),
    ("moxifloxacin", "fluoroquinolone"),
    ("ofloxacin", "fluoroquinolone"),
    // Others (J01X, P01AB).
    ("nitrofurantoin", "nitrofuran"),
    ("metronidazole", "nitroimidazole"),
    ("linezolid", "oxazolidinone"),
    ("vancomycin", "glycopeptide"),
    ("rifampin", "rifamycin"),
    ("fosfomycin", "phosphonic acid"),
];

/// (RxNorm code, the ingredient it contains, its class).
pub(crate) const ANTIBIOTIC_RXNORM: &[(&str, &str, &str)] = &[
    ("308182", "amoxicillin", "penicillin"),
    ("308192", "amoxicillin", "penicillin"),
    ("562251", "amoxicillin", "penicillin"),
    ("789980", "ampicillin", "penicillin"),
    ("834061", "penicillin", "penicillin"),
    ("309097", "cefuroxime", "cephalosporin"),
    ("141962", "azithromycin", "macrolide"),
];

/// Words of a medication's name that say it is not taken systemically (the
/// antibiotic rule is about systemic antibiotics: mupirocin ointment or
/// antibiotic eye drops are not refused as antibiotics).
pub(crate) const NOT_SYSTEMIC: &[&str] = &[
    "topical",
    "ophthalmic",
    "otic",
    "cream",
    "ointment",
    "lotion",
    "vaginal",
    "shampoo",
];
