//! The printable immunization record as a PDF, drawn on the server with
//! [`krilla`] (the PDF library behind Typst) in DejaVu Sans, embedded and
//! subset from the `dejavu` crate, so the document looks the same everywhere
//! and prints on US Letter paper.
//!
//! The caller ([`crate::immunizations`]) decides every word (already
//! translated) and which doses are listed; this module only lays them out: the
//! practice's name and address, the title, the patient's name and birth date,
//! one table per vaccine group (dose number, date given, vaccine, whether it
//! counts), a note, the signature block, and on every page a footer naming the
//! patient with "Page n of N". Pure and synchronous: run it in
//! `spawn_blocking` (DESIGN.md, house style 6).

use krilla::color::rgb;
use krilla::geom::{PathBuilder, Point, Rect};
use krilla::metadata::Metadata;
use krilla::num::NormalizedF32;
use krilla::page::PageSettings;
use krilla::paint::{Fill, FillRule, Stroke};
use krilla::text::{Font, TextDirection};
use krilla::Document;
use skrifa::instance::{LocationRef, Size};
use skrifa::MetadataProvider;

/// US Letter, in points (1/72 inch).
const PAGE_W: f32 = 612.0;
const PAGE_H: f32 = 792.0;
/// Margins: 0.75 inch at the sides and top; the footer sits in the bottom one.
const MARGIN_X: f32 = 54.0;
const MARGIN_TOP: f32 = 54.0;
/// Content ends here; the footer is drawn below.
const CONTENT_BOTTOM: f32 = PAGE_H - 66.0;
const CONTENT_W: f32 = PAGE_W - 2.0 * MARGIN_X;

/// Table columns (dose, date, vaccine, counts?) as widths in points.
const COLS: [f32; 4] = [40.0, 122.0, 212.0, 130.0];
/// Padding inside a table cell.
const CELL_PAD: f32 = 4.0;

const BODY: f32 = 9.5;
const SMALL: f32 = 8.5;

const INK: (u8, u8, u8) = (27, 36, 32);
const MUTED: (u8, u8, u8) = (79, 91, 85);
const ACCENT: (u8, u8, u8) = (21, 79, 58);
const RULE: (u8, u8, u8) = (190, 198, 194);
const BAND: (u8, u8, u8) = (232, 240, 235);
const WARN: (u8, u8, u8) = (122, 70, 0);

/// Everything the record says, already in the reader's language.
#[derive(Debug, Clone)]
pub(crate) struct RecordDoc {
    /// `en` or `es` (the PDF's language).
    pub lang: &'static str,
    /// The document's title in the PDF's properties.
    pub doc_title: String,
    /// The practice's name.
    pub practice_name: String,
    /// The practice's address on one line, when configured.
    pub practice_address: Option<String>,
    /// "Immunization Record".
    pub title: String,
    /// ("Patient", "Ana Lopez").
    pub patient: (String, String),
    /// ("Date of birth", "April 2, 2019").
    pub born: (String, String),
    /// "Printed March 2, 2026".
    pub printed: String,
    /// Column headings: dose, date given, vaccine, counts?
    pub columns: [String; 4],
    /// The vaccine groups with doses, in the order printed.
    pub groups: Vec<GroupTable>,
    /// Said instead of the tables when no dose is recorded.
    pub empty: String,
    /// What "counts" means.
    pub note: String,
    /// The certification sentence above the signature.
    pub certify: String,
    /// Labels under the signature lines: signature, printed name, date.
    pub signature: [String; 3],
    /// The footer's left side: patient's name and birth date.
    pub footer: String,
}

/// One vaccine group's table.
#[derive(Debug, Clone)]
pub(crate) struct GroupTable {
    /// The group's name ("MMR (measles, mumps, rubella)").
    pub name: String,
    /// Its doses in date order.
    pub rows: Vec<DoseRow>,
}

/// One dose given.
#[derive(Debug, Clone)]
pub(crate) struct DoseRow {
    /// Dose number in the series ("2"), or "–" when it does not count.
    pub dose: String,
    /// Date given, written out.
    pub date: String,
    /// Vaccine name.
    pub vaccine: String,
    /// "Yes", or "No" and why.
    pub counts: String,
    /// Whether the dose counts (the "No" is drawn in the warning colour).
    pub valid: bool,
}

/// Why a PDF could not be made (a font that does not load, or krilla's
/// refusal); the text is for the log only.
#[derive(Debug, thiserror::Error)]
#[error("pdf: {0}")]
pub(crate) struct PdfError(String);

/// One font: krilla's handle for drawing and skrifa's metrics for measuring.
struct Face {
    font: Font,
    charmap: skrifa::charmap::Charmap<'static>,
    metrics: skrifa::metrics::GlyphMetrics<'static>,
}

impl Face {
    fn new(bytes: &'static [u8]) -> Result<Self, PdfError> {
        let font_ref =
            skrifa::FontRef::new(bytes).map_err(|e| PdfError(format!("font tables: {e}")))?;
        let font = Font::new(bytes.into(), 0).ok_or_else(|| PdfError("font".into()))?;
        Ok(Self {
            font,
            charmap: font_ref.charmap(),
            metrics: font_ref.glyph_metrics(Size::new(1.0), LocationRef::default()),
        })
    }

    /// Width of `text` at `size`, in points (advances only, no kerning: a
    /// hair wider than drawn, which is the safe side for wrapping).
    fn width(&self, text: &str, size: f32) -> f32 {
        text.chars()
            .map(|c| {
                let gid = self.charmap.map(c).unwrap_or_default();
                self.metrics.advance_width(gid).unwrap_or(0.0)
            })
            .sum::<f32>()
            * size
    }
}

struct Faces {
    regular: Face,
    bold: Face,
}

impl Faces {
    fn face(&self, bold: bool) -> &Face {
        if bold {
            &self.bold
        } else {
            &self.regular
        }
    }
}

/// A drawing instruction on a page, y measured from the top (text: baseline).
#[derive(Debug, Clone)]
enum Op {
    Text {
        x: f32,
        y: f32,
        size: f32,
        bold: bool,
        color: (u8, u8, u8),
        text: String,
    },
    Line {
        x1: f32,
        x2: f32,
        y: f32,
        width: f32,
        color: (u8, u8, u8),
    },
    Band {
        x: f32,
        y: f32,
        w: f32,
        h: f32,
        color: (u8, u8, u8),
    },
}

/// Lays the document out page by page.
struct Layout<'a> {
    faces: &'a Faces,
    doc: &'a RecordDoc,
    pages: Vec<Vec<Op>>,
    y: f32,
}

impl<'a> Layout<'a> {
    fn new(faces: &'a Faces, doc: &'a RecordDoc) -> Self {
        Self {
            faces,
            doc,
            pages: vec![Vec::new()],
            y: MARGIN_TOP,
        }
    }

    fn ops(&mut self) -> &mut Vec<Op> {
        // `pages` is never empty: it starts with one page and only grows.
        let last = self.pages.len() - 1;
        &mut self.pages[last]
    }

    fn text(&mut self, x: f32, y: f32, size: f32, bold: bool, color: (u8, u8, u8), text: &str) {
        if text.is_empty() {
            return;
        }
        self.ops().push(Op::Text {
            x,
            y,
            size,
            bold,
            color,
            text: text.to_owned(),
        });
    }

    fn line(&mut self, x1: f32, x2: f32, y: f32, width: f32, color: (u8, u8, u8)) {
        self.ops().push(Op::Line {
            x1,
            x2,
            y,
            width,
            color,
        });
    }

    /// Breaks `text` into lines no wider than `width` at `size`: at spaces,
    /// and inside a word only when the word alone is too wide.
    fn wrap(&self, text: &str, size: f32, bold: bool, width: f32) -> Vec<String> {
        let face = self.faces.face(bold);
        let mut lines = Vec::new();
        let mut current = String::new();
        for word in text.split_whitespace() {
            let candidate = if current.is_empty() {
                word.to_owned()
            } else {
                format!("{current} {word}")
            };
            if face.width(&candidate, size) <= width {
                current = candidate;
                continue;
            }
            if !current.is_empty() {
                lines.push(std::mem::take(&mut current));
            }
            if face.width(word, size) <= width {
                current = word.to_owned();
                continue;
            }
            for ch in word.chars() {
                let mut next = current.clone();
                next.push(ch);
                if face.width(&next, size) > width && !current.is_empty() {
                    lines.push(std::mem::replace(&mut current, ch.to_string()));
                } else {
                    current = next;
                }
            }
        }
        if !current.is_empty() {
            lines.push(current);
        }
        if lines.is_empty() {
            lines.push(String::new());
        }
        lines
    }

    /// A wrapped paragraph at the cursor; returns nothing, moves the cursor.
    fn paragraph(&mut self, text: &str, size: f32, bold: bool, color: (u8, u8, u8)) {
        let leading = size * 1.4;
        for line in self.wrap(text, size, bold, CONTENT_W) {
            self.y += leading;
            self.text(MARGIN_X, self.y, size, bold, color, &line);
        }
    }

    fn room(&self) -> f32 {
        CONTENT_BOTTOM - self.y
    }

    /// Starts a new page with the short header (practice, title, patient).
    fn new_page(&mut self) {
        self.pages.push(Vec::new());
        self.y = MARGIN_TOP;
        let doc = self.doc;
        self.y += 11.0;
        self.text(MARGIN_X, self.y, 11.0, true, ACCENT, &doc.practice_name);
        let right = format!("{} · {}", doc.title, doc.patient.1);
        let w = self.faces.bold.width(&right, 9.0);
        self.text(PAGE_W - MARGIN_X - w, self.y, 9.0, true, INK, &right);
        self.y += 8.0;
        self.line(MARGIN_X, PAGE_W - MARGIN_X, self.y, 0.8, ACCENT);
        self.y += 14.0;
    }

    /// The first page's header: practice, title, patient, printed date.
    fn header(&mut self) {
        let doc = self.doc;
        self.y += 16.0;
        self.text(MARGIN_X, self.y, 16.0, true, ACCENT, &doc.practice_name);
        if let Some(address) = &doc.practice_address {
            for line in self.wrap(address, 10.0, false, CONTENT_W) {
                self.y += 14.0;
                self.text(MARGIN_X, self.y, 10.0, false, MUTED, &line);
            }
        }
        self.y += 10.0;
        self.line(MARGIN_X, PAGE_W - MARGIN_X, self.y, 1.2, ACCENT);
        self.y += 30.0;
        self.text(MARGIN_X, self.y, 20.0, true, INK, &doc.title);
        self.y += 26.0;
        let half = CONTENT_W / 2.0;
        for (i, (label, _)) in [&doc.patient, &doc.born].into_iter().enumerate() {
            let x = MARGIN_X + half * i as f32;
            self.text(x, self.y, SMALL, false, MUTED, label);
        }
        self.y += 17.0;
        let mut tallest = 0.0f32;
        let start = self.y;
        for (i, (_, value)) in [&doc.patient, &doc.born].into_iter().enumerate() {
            let x = MARGIN_X + half * i as f32;
            let mut y = start;
            for (n, line) in self.wrap(value, 13.0, true, half - 12.0).iter().enumerate() {
                if n > 0 {
                    y += 17.0;
                }
                self.text(x, y, 13.0, true, INK, line);
            }
            tallest = tallest.max(y - start);
        }
        self.y += tallest + 18.0;
        self.text(MARGIN_X, self.y, SMALL, false, MUTED, &doc.printed);
        self.y += 14.0;
    }

    /// The lines of each cell of a row, and the row's height.
    fn row_cells(&self, cells: [&str; 4], size: f32, bold: bool) -> ([Vec<String>; 4], f32) {
        let wrapped =
            [0, 1, 2, 3].map(|i| self.wrap(cells[i], size, bold, COLS[i] - 2.0 * CELL_PAD));
        let lines = wrapped.iter().map(Vec::len).max().unwrap_or(1) as f32;
        let height = lines * size * 1.3 + 2.0 * CELL_PAD;
        (wrapped, height)
    }

    /// Draws a row of cells whose top is at the cursor.
    fn draw_row(
        &mut self,
        cells: [Vec<String>; 4],
        colors: [(u8, u8, u8); 4],
        size: f32,
        bold: bool,
        height: f32,
    ) {
        let top = self.y;
        let mut x = MARGIN_X;
        for (i, lines) in cells.iter().enumerate() {
            let mut y = top + CELL_PAD + size;
            for line in lines {
                self.text(x + CELL_PAD, y, size, bold, colors[i], line);
                y += size * 1.3;
            }
            x += COLS[i];
        }
        self.y = top + height;
    }

    /// The column headings, at the top of the table on every page.
    fn table_head(&mut self) {
        let doc = self.doc;
        let (cells, height) = self.row_cells(
            [
                &doc.columns[0],
                &doc.columns[1],
                &doc.columns[2],
                &doc.columns[3],
            ],
            SMALL,
            true,
        );
        self.draw_row(cells, [MUTED; 4], SMALL, true, height);
        self.line(MARGIN_X, PAGE_W - MARGIN_X, self.y, 0.8, MUTED);
        self.y += 3.0;
    }

    fn group_band_lines(&self, name: &str) -> Vec<String> {
        self.wrap(name, 10.0, true, CONTENT_W - 2.0 * CELL_PAD)
    }

    /// A group's name on a tinted band across the table.
    fn group_band(&mut self, name: &str) {
        let lines = self.group_band_lines(name);
        let h = lines.len() as f32 * 13.0 + 5.0;
        let top = self.y;
        self.ops().push(Op::Band {
            x: MARGIN_X,
            y: top,
            w: CONTENT_W,
            h,
            color: BAND,
        });
        let mut y = top + 3.0 + 10.0;
        for line in &lines {
            self.text(MARGIN_X + CELL_PAD, y, 10.0, true, INK, line);
            y += 13.0;
        }
        self.y = top + h;
    }

    /// One vaccine group: its band and its doses. The band stays with the
    /// group's first dose; a group that runs over a page boundary repeats the
    /// column headings and its band on the next page.
    fn group(&mut self, group: &GroupTable) {
        let band = self.group_band_lines(&group.name).len() as f32 * 13.0 + 5.0;
        let first_row = group
            .rows
            .first()
            .map(|r| {
                self.row_cells([&r.dose, &r.date, &r.vaccine, &r.counts], BODY, false)
                    .1
            })
            .unwrap_or(0.0);
        if self.room() < band + first_row {
            self.new_page();
            self.table_head();
        }
        self.group_band(&group.name);
        for row in &group.rows {
            let (cells, height) = self.row_cells(
                [&row.dose, &row.date, &row.vaccine, &row.counts],
                BODY,
                false,
            );
            if self.room() < height {
                self.new_page();
                self.table_head();
                self.group_band(&group.name);
            }
            let counts = if row.valid { INK } else { WARN };
            self.draw_row(cells, [INK, INK, INK, counts], BODY, false, height);
            self.line(MARGIN_X, PAGE_W - MARGIN_X, self.y, 0.5, RULE);
        }
        self.y += 6.0;
    }

    /// The certification and the signature, name and date lines, kept
    /// together on one page.
    fn signature(&mut self) {
        let doc = self.doc;
        let certify = self.wrap(&doc.certify, 10.0, false, CONTENT_W);
        let needed = certify.len() as f32 * 14.0 + 110.0;
        if self.room() < needed {
            self.new_page();
        }
        self.y += 8.0;
        for line in &certify {
            self.y += 14.0;
            self.text(MARGIN_X, self.y, 10.0, false, INK, line);
        }
        let gap = 20.0;
        let sign_w = CONTENT_W * 0.62;
        self.y += 42.0;
        self.line(MARGIN_X, MARGIN_X + sign_w, self.y, 0.8, INK);
        self.line(MARGIN_X + sign_w + gap, PAGE_W - MARGIN_X, self.y, 0.8, INK);
        self.text(
            MARGIN_X,
            self.y + 11.0,
            SMALL,
            false,
            MUTED,
            &doc.signature[0],
        );
        self.text(
            MARGIN_X + sign_w + gap,
            self.y + 11.0,
            SMALL,
            false,
            MUTED,
            &doc.signature[2],
        );
        self.y += 42.0;
        self.line(MARGIN_X, MARGIN_X + sign_w, self.y, 0.8, INK);
        self.text(
            MARGIN_X,
            self.y + 11.0,
            SMALL,
            false,
            MUTED,
            &doc.signature[1],
        );
        self.y += 14.0;
    }

    fn layout(mut self) -> Vec<Vec<Op>> {
        let doc = self.doc;
        self.header();
        self.y += 10.0;
        if doc.groups.is_empty() {
            self.paragraph(&doc.empty, 11.0, false, INK);
            self.y += 10.0;
        }
        if !doc.groups.is_empty() {
            self.table_head();
        }
        for g in &doc.groups {
            self.group(g);
        }
        if !doc.groups.is_empty() {
            if self.room() < 30.0 {
                self.new_page();
            }
            self.paragraph(&doc.note, SMALL, false, MUTED);
        }
        self.signature();
        self.pages
    }
}

/// Adds the footer to every page: the patient on the left, "Page n of N" on
/// the right.
fn footers(
    faces: &Faces,
    doc: &RecordDoc,
    pages: &mut [Vec<Op>],
    page_label: impl Fn(usize, usize) -> String,
) {
    let total = pages.len();
    let y = PAGE_H - 40.0;
    for (i, ops) in pages.iter_mut().enumerate() {
        ops.push(Op::Line {
            x1: MARGIN_X,
            x2: PAGE_W - MARGIN_X,
            y: y - 12.0,
            width: 0.5,
            color: RULE,
        });
        ops.push(Op::Text {
            x: MARGIN_X,
            y,
            size: SMALL,
            bold: false,
            color: MUTED,
            text: doc.footer.clone(),
        });
        let label = page_label(i + 1, total);
        let w = faces.regular.width(&label, SMALL);
        ops.push(Op::Text {
            x: PAGE_W - MARGIN_X - w,
            y,
            size: SMALL,
            bold: false,
            color: MUTED,
            text: label,
        });
    }
}

fn color((r, g, b): (u8, u8, u8)) -> rgb::Color {
    rgb::Color::new(r, g, b)
}

fn fill(c: (u8, u8, u8)) -> Fill {
    Fill {
        paint: color(c).into(),
        opacity: NormalizedF32::ONE,
        rule: FillRule::default(),
    }
}

/// Renders the record; `page_label(n, total)` words "Page n of N".
///
/// # Errors
/// [`PdfError`] when the embedded fonts do not load or krilla cannot write
/// the document (neither happens with the fonts shipped; tested).
pub(crate) fn render(
    doc: &RecordDoc,
    page_label: impl Fn(usize, usize) -> String,
) -> Result<Vec<u8>, PdfError> {
    let faces = Faces {
        regular: Face::new(dejavu::sans::regular())?,
        bold: Face::new(dejavu::sans::bold())?,
    };
    let mut pages = Layout::new(&faces, doc).layout();
    footers(&faces, doc, &mut pages, page_label);

    let mut document = Document::new();
    document.set_metadata(
        Metadata::new()
            .title(doc.doc_title.clone())
            .language(doc.lang.to_owned())
            .creator(doc.practice_name.clone())
            .producer("Sprout".to_owned()),
    );
    let settings =
        PageSettings::from_wh(PAGE_W, PAGE_H).ok_or_else(|| PdfError("page size".into()))?;
    for ops in pages {
        let mut page = document.start_page_with(settings.clone());
        let mut surface = page.surface();
        for op in ops {
            match op {
                Op::Text {
                    x,
                    y,
                    size,
                    bold,
                    color: c,
                    text,
                } => {
                    surface.set_stroke(None);
                    surface.set_fill(Some(fill(c)));
                    surface.draw_text(
                        Point::from_xy(x, y),
                        faces.face(bold).font.clone(),
                        size,
                        &text,
                        false,
                        TextDirection::Auto,
                    );
                }
                Op::Line {
                    x1,
                    x2,
                    y,
                    width,
                    color: c,
                } => {
                    let mut pb = PathBuilder::new();
                    pb.move_to(x1, y);
                    pb.line_to(x2, y);
                    if let Some(path) = pb.finish() {
                        surface.set_fill(None);
                        surface.set_stroke(Some(Stroke {
                            paint: color(c).into(),
                            width,
                            ..Default::default()
                        }));
                        surface.draw_path(&path);
                    }
                }
                Op::Band {
                    x,
                    y,
                    w,
                    h,
                    color: c,
                } => {
                    let mut pb = PathBuilder::new();
                    if let Some(rect) = Rect::from_xywh(x, y, w, h) {
                        pb.push_rect(rect);
                    }
                    if let Some(path) = pb.finish() {
                        surface.set_stroke(None);
                        surface.set_fill(Some(fill(c)));
                        surface.draw_path(&path);
                    }
                }
            }
        }
        surface.finish();
        page.finish();
    }
    document.finish().map_err(|e| PdfError(format!("{e}")))
}

#[cfg(test)]
mod tests {
    use super::*;

    fn doc(groups: Vec<GroupTable>) -> RecordDoc {
        RecordDoc {
            lang: "en",
            doc_title: "Immunization record of Ana Lopez".into(),
            practice_name: "Main Street Pediatrics".into(),
            practice_address: Some("12 Main Street, Springfield, IL 62701".into()),
            title: "Immunization Record".into(),
            patient: ("Patient".into(), "Ana Lopez".into()),
            born: ("Date of birth".into(), "April 2, 2019".into()),
            printed: "Printed March 2, 2026".into(),
            columns: [
                "Dose".into(),
                "Date given".into(),
                "Vaccine".into(),
                "Counts?".into(),
            ],
            groups,
            empty: "No immunizations are recorded.".into(),
            note: "Note.".into(),
            certify: "I certify.".into(),
            signature: ["Signature".into(), "Printed name".into(), "Date".into()],
            footer: "Ana Lopez, born April 2, 2019".into(),
        }
    }

    fn rows(n: usize) -> Vec<DoseRow> {
        (0..n)
            .map(|i| DoseRow {
                dose: (i + 1).to_string(),
                date: format!("May {}, 2020", i + 1),
                vaccine: "Hep B, adolescent or pediatric".into(),
                counts: "Yes".into(),
                valid: true,
            })
            .collect()
    }

    #[test]
    fn renders_a_pdf_and_breaks_long_records_into_pages() {
        let one = render(
            &doc(vec![GroupTable {
                name: "Hepatitis B".into(),
                rows: rows(3),
            }]),
            |n, t| format!("Page {n} of {t}"),
        )
        .unwrap();
        assert!(one.starts_with(b"%PDF-"));
        let groups = (0..12)
            .map(|i| GroupTable {
                name: format!("Group {i}"),
                rows: rows(6),
            })
            .collect();
        let faces = Faces {
            regular: Face::new(dejavu::sans::regular()).unwrap(),
            bold: Face::new(dejavu::sans::bold()).unwrap(),
        };
        let d = doc(groups);
        let pages = Layout::new(&faces, &d).layout();
        assert!(pages.len() >= 2, "72 rows need more than one page");
        // Nothing is drawn below the content area (the footer comes later).
        for ops in &pages {
            for op in ops {
                if let Op::Text { y, .. } = op {
                    assert!(*y <= CONTENT_BOTTOM + 1.0, "text at {y}");
                }
            }
        }
        assert!(render(&d, |n, t| format!("{n}/{t}")).is_ok());
    }

    #[test]
    fn wraps_at_spaces_within_the_width() {
        let faces = Faces {
            regular: Face::new(dejavu::sans::regular()).unwrap(),
            bold: Face::new(dejavu::sans::bold()).unwrap(),
        };
        let d = doc(vec![]);
        let l = Layout::new(&faces, &d);
        let lines = l.wrap(
            "Given too soon after the dose before it.",
            BODY,
            false,
            100.0,
        );
        assert!(lines.len() >= 2);
        for line in &lines {
            assert!(faces.regular.width(line, BODY) <= 100.0, "{line}");
        }
        assert_eq!(lines.join(" "), "Given too soon after the dose before it.");
        assert!(faces.regular.width("Ñandú", 10.0) > 0.0);
        // The longest English date fits its column on one line.
        assert!(faces.regular.width("September 30, 2024", BODY) <= COLS[1] - 2.0 * CELL_PAD);
        assert!((COLS.iter().sum::<f32>() - CONTENT_W).abs() < 0.01);
    }
}
