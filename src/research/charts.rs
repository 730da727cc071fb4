//! The charts of the summary page, drawn with plotters' SVG backend into strings. Without
//! plotters' `ttf` feature text is measured by its built-in estimate and drawn as SVG
//! `<text>` in the browser's sans-serif: no font file is read, none is needed.
//!
//! Colours are the Okabe–Ito palette (safe for colour blindness); since two of them can
//! look alike in greyscale, each group also has its own marker shape and every mark is
//! labelled in words, so no chart depends on colour alone.

use plotters::chart::MeshStyle;
use plotters::coord::Shift;
use plotters::prelude::*;

use super::stats::Interval;
use super::ResearchError;

/// The look every chart's axes share: one size of labels and a light grid with one line
/// between labelled ones.
fn house_mesh<'m, 'a, 'b, X: Ranged, Y: Ranged, DB: DrawingBackend>(
    mesh: &'m mut MeshStyle<'a, 'b, X, Y, DB>,
) -> &'m mut MeshStyle<'a, 'b, X, Y, DB> {
    mesh.label_style(("sans-serif", 16))
        .axis_desc_style(("sans-serif", 16))
        .light_line_style(RGBColor(235, 235, 235))
        .max_light_lines(1)
}

/// Okabe–Ito colours, darkest first so the first groups differ most in greyscale.
pub const PALETTE: [RGBColor; 8] = [
    RGBColor(0, 114, 178),   // blue
    RGBColor(230, 159, 0),   // orange
    RGBColor(0, 0, 0),       // black
    RGBColor(86, 180, 233),  // sky blue
    RGBColor(213, 94, 0),    // vermillion
    RGBColor(0, 158, 115),   // bluish green
    RGBColor(204, 121, 167), // reddish purple
    RGBColor(240, 228, 66),  // yellow
];

/// The colour of voice `v` (authorial, quoted, reported, scare quote): lightness steps
/// that stay apart in greyscale (dark blue, orange, black, yellow).
pub const VOICE_COLOURS: [RGBColor; 4] = [PALETTE[0], PALETTE[1], PALETTE[2], PALETTE[7]];

/// Width of every chart in pixels; the page scales them down on narrow screens.
pub const WIDTH: u32 = 760;

fn render_err(e: impl std::fmt::Display) -> ResearchError {
    ResearchError::Render(e.to_string())
}

/// Draws into an SVG string of `height` pixels. The `xmlns` attribute is dropped: inline
/// SVG in HTML needs none, and the page then names no outside address at all.
fn svg(
    height: u32,
    draw: impl FnOnce(&DrawingArea<SVGBackend<'_>, Shift>) -> Result<(), ResearchError>,
) -> Result<String, ResearchError> {
    let mut out = String::new();
    {
        let root = SVGBackend::with_string(&mut out, (WIDTH, height)).into_drawing_area();
        root.fill(&WHITE).map_err(render_err)?;
        draw(&root)?;
        root.present().map_err(render_err)?;
    }
    Ok(out.replace(r#" xmlns="http://www.w3.org/2000/svg""#, ""))
}

/// Pixels for a label column holding `labels` (plotters' estimate: about 7 px a character
/// at 13 px).
fn label_width<'a>(labels: impl Iterator<Item = &'a str>) -> u32 {
    let longest = labels.map(|l| l.chars().count()).max().unwrap_or(4) as u32;
    (longest * 7 + 16).clamp(60, 320)
}

/// A row of a dot-and-whisker chart.
#[derive(Debug, Clone, PartialEq)]
pub struct DotRow {
    /// Label on the left.
    pub label: String,
    /// Series (group) index: colour and marker.
    pub series: usize,
    /// The value and its interval.
    pub value: Interval,
    /// Shade the row's band (every other frame), so the rows of one frame read as a block.
    pub shade: bool,
}

/// The marker shapes, one per series in turn: filled circle, triangle, cross, square, then
/// hollow circle, diamond, hollow square (the summary page's key shows the same characters;
/// plotters fills its triangle marker whatever the style, so there is no hollow one).
pub const MARKER_COUNT: usize = 7;

/// Draws one marker of `series` at `at`.
fn marker<DB: DrawingBackend, CT: CoordTranslate>(
    chart: &mut ChartContext<'_, DB, CT>,
    series: usize,
    at: CT::From,
) -> Result<(), ResearchError>
where
    CT::From: Clone + 'static,
{
    let colour = PALETTE[series % PALETTE.len()];
    let (filled, hollow) = (colour.filled(), colour.stroke_width(2));
    let result = match series % MARKER_COUNT {
        0 => chart.draw_series(std::iter::once(Circle::new(at, 5, filled))).map(|_| ()),
        1 => chart.draw_series(std::iter::once(TriangleMarker::new(at, 7, filled))).map(|_| ()),
        2 => chart.draw_series(std::iter::once(Cross::new(at, 5, colour.stroke_width(3)))).map(|_| ()),
        3 => chart
            .draw_series(std::iter::once(EmptyElement::at(at) + Rectangle::new([(-4, -4), (4, 4)], filled)))
            .map(|_| ()),
        4 => chart.draw_series(std::iter::once(Circle::new(at, 5, hollow))).map(|_| ()),
        5 => chart
            .draw_series(std::iter::once(
                EmptyElement::at(at) + Polygon::new(vec![(0, -7), (7, 0), (0, 7), (-7, 0)], filled),
            ))
            .map(|_| ()),
        _ => chart
            .draw_series(std::iter::once(EmptyElement::at(at) + Rectangle::new([(-4, -4), (4, 4)], hollow)))
            .map(|_| ()),
    };
    result.map_err(render_err)
}

/// Horizontal dots with interval whiskers, one row each, top to bottom; `x_desc` names the
/// axis. Rows without a value are listed but drawn empty.
pub fn dot_whisker(rows: &[DotRow], x_desc: &str) -> Result<String, ResearchError> {
    let n = rows.len().max(1);
    let height = 70 + 24 * n as u32;
    let x_max =
        rows.iter().flat_map(|r| [r.value.estimate, r.value.high]).filter(|v| v.is_finite()).fold(0.0_f64, f64::max);
    let x_max = if x_max > 0.0 { x_max * 1.08 } else { 1.0 };
    let label_area = label_width(rows.iter().map(|r| r.label.as_str()));
    svg(height, |root| {
        // A long chart repeats its scale on top, where the reader starts.
        let top = if n > 15 { 55 } else { 0 };
        let mut chart = ChartBuilder::on(root)
            .margin(10)
            .x_label_area_size(40)
            .top_x_label_area_size(top)
            .y_label_area_size(label_area)
            .build_cartesian_2d(0.0..x_max, (0..n).into_segmented())
            .map_err(render_err)?;
        let label = |v: &SegmentValue<usize>| match v {
            SegmentValue::CenterOf(i) if *i < rows.len() => rows[rows.len() - 1 - i].label.clone(),
            _ => String::new(),
        };
        house_mesh(chart.configure_mesh().disable_y_mesh().y_labels(n).y_label_formatter(&label).x_desc(x_desc))
            .draw()
            .map_err(render_err)?;
        let bands = rows.iter().enumerate().filter(|(_, r)| r.shade).map(|(i, _)| {
            let band = rows.len() - 1 - i;
            Rectangle::new(
                [(0.0, SegmentValue::Exact(band)), (x_max, SegmentValue::Exact(band + 1))],
                RGBColor(238, 238, 238).filled(),
            )
        });
        chart.draw_series(bands).map_err(render_err)?;
        for (i, row) in rows.iter().enumerate() {
            let key = SegmentValue::CenterOf(rows.len() - 1 - i);
            let v = row.value;
            if v.low.is_finite() && v.high.is_finite() {
                let colour = PALETTE[row.series % PALETTE.len()];
                // Drawn as a path and two caps: plotters' ErrorBar puts its own dot at the
                // estimate, which would hide the group's marker shape.
                let style = colour.stroke_width(2);
                let caps = [v.low, v.high]
                    .map(|x| EmptyElement::at((x, key.clone())) + PathElement::new(vec![(0, -5), (0, 5)], style));
                chart
                    .draw_series(std::iter::once(PathElement::new(
                        vec![(v.low, key.clone()), (v.high, key.clone())],
                        style,
                    )))
                    .map_err(render_err)?;
                chart.draw_series(caps).map_err(render_err)?;
            }
            if v.estimate.is_finite() {
                marker(&mut chart, row.series, (v.estimate, key))?;
            }
        }
        Ok(())
    })
}

/// One line of a line chart: a name and a value per x position (`NaN` where there is none;
/// the line joins the positions that have one).
#[derive(Debug, Clone, PartialEq)]
pub struct Line {
    /// Name, written at the line's last point.
    pub name: String,
    /// Values, one per x label.
    pub values: Vec<f64>,
}

/// Lines over categorical x positions (`x_labels`, e.g. months). One or two lines share one
/// panel, labelled at their ends; more get one small panel each (in two columns, same
/// axes), the group's line in colour over the others' in grey: six lines on one panel of
/// 80 months are a tangle no reader can follow.
pub fn lines(x_labels: &[String], lines: &[Line], y_desc: &str) -> Result<String, ResearchError> {
    let y_max = lines.iter().flat_map(|l| &l.values).copied().filter(|v| v.is_finite()).fold(0.0_f64, f64::max);
    let y_max = if y_max > 0.0 { y_max * 1.12 } else { 1.0 };
    let panels = if lines.len() > 2 { lines.len() } else { 1 };
    let columns = panels.min(2);
    let rows = panels.div_ceil(columns);
    let height = if panels > 1 { 20 + 210 * rows as u32 } else { 340 };
    svg(height, |root| {
        if panels == 1 {
            return panel(root, x_labels, lines, None, y_max, y_desc);
        }
        for (p, area) in root.split_evenly((rows, columns)).iter().enumerate().take(panels) {
            panel(area, x_labels, lines, Some(p), y_max, y_desc)?;
        }
        Ok(())
    })
}

/// One panel of [`lines`]: every line in colour with its name at its end (`focus` None),
/// or line `focus` in colour over the others in grey, named in the caption.
fn panel(
    area: &DrawingArea<SVGBackend<'_>, Shift>,
    x_labels: &[String],
    lines: &[Line],
    focus: Option<usize>,
    y_max: f64,
    y_desc: &str,
) -> Result<(), ResearchError> {
    let m = x_labels.len().max(1);
    let names = label_width(lines.iter().map(|l| l.name.as_str()));
    let mut builder = ChartBuilder::on(area);
    builder.margin(8).x_label_area_size(34).y_label_area_size(if focus.is_some() { 40 } else { 50 });
    match focus {
        Some(f) => {
            let colour = PALETTE[f % PALETTE.len()];
            builder.caption(&lines[f].name, ("sans-serif", 17).into_font().color(&colour));
        }
        None => {
            builder.margin_right(names + 20);
        }
    }
    let mut chart = builder.build_cartesian_2d((0..m).into_segmented(), 0.0..y_max).map_err(render_err)?;
    // Labels on about eight months across the full width, four in a small panel.
    let every = m.div_ceil(if focus.is_some() { 4 } else { 8 });
    let label = |v: &SegmentValue<usize>| match v {
        SegmentValue::CenterOf(i) if i % every == 0 => x_labels.get(*i).cloned().unwrap_or_default(),
        _ => String::new(),
    };
    let mut mesh = chart.configure_mesh();
    house_mesh(mesh.disable_x_mesh().x_labels(m).x_label_formatter(&label).y_labels(5));
    if focus.is_none() {
        mesh.y_desc(y_desc);
    }
    mesh.draw().map_err(render_err)?;
    // Months without documents are skipped, not drawn as 0: the line joins the months that
    // have data, and the evenly spaced axis shows the gap.
    let points = |line: &Line| -> Vec<(SegmentValue<usize>, f64)> {
        line.values
            .iter()
            .enumerate()
            .filter(|(_, v)| v.is_finite())
            .map(|(i, &v)| (SegmentValue::CenterOf(i), v))
            .collect()
    };
    // Markers only where they can be told apart.
    let markers = m <= 24;
    let order: Vec<usize> = match focus {
        Some(f) => (0..lines.len()).filter(|&s| s != f).chain([f]).collect(),
        None => (0..lines.len()).collect(),
    };
    for s in order {
        let line = &lines[s];
        let pts = points(line);
        if pts.is_empty() {
            continue;
        }
        let in_focus = focus.is_none_or(|f| f == s);
        let colour = if in_focus { PALETTE[s % PALETTE.len()] } else { RGBColor(205, 205, 205) };
        chart
            .draw_series(LineSeries::new(pts.clone(), colour.stroke_width(if in_focus { 2 } else { 1 })))
            .map_err(render_err)?;
        if in_focus && markers {
            for point in &pts {
                marker(&mut chart, s, point.clone())?;
            }
        }
        if focus.is_none() {
            if let Some(last) = pts.last() {
                chart
                    .draw_series(std::iter::once(
                        EmptyElement::at(last.clone())
                            + Text::new(line.name.clone(), (10, -7), ("sans-serif", 16).into_font().color(&colour)),
                    ))
                    .map_err(render_err)?;
            }
        }
    }
    Ok(())
}

/// A row of a stacked-bar chart.
#[derive(Debug, Clone, PartialEq)]
pub struct StackRow {
    /// Label on the left.
    pub label: String,
    /// Shares of each part, summing to 1 (or all 0).
    pub parts: Vec<f64>,
}

/// Horizontal 100 % stacked bars, one row each, parts coloured [`VOICE_COLOURS`] with a
/// dark outline (so the yellow part shows on white), and each part of 15 % or more
/// labelled with its percentage.
pub fn stacked(rows: &[StackRow], x_desc: &str) -> Result<String, ResearchError> {
    let n = rows.len().max(1);
    let height = 70 + 26 * n as u32;
    let label_area = label_width(rows.iter().map(|r| r.label.as_str()));
    svg(height, |root| {
        let mut chart = ChartBuilder::on(root)
            .margin(10)
            .margin_right(30)
            .x_label_area_size(40)
            .y_label_area_size(label_area)
            .build_cartesian_2d(0.0..1.0, (0..n).into_segmented())
            .map_err(render_err)?;
        let label = |v: &SegmentValue<usize>| match v {
            SegmentValue::CenterOf(i) if *i < rows.len() => rows[rows.len() - 1 - i].label.clone(),
            _ => String::new(),
        };
        let percent = |x: &f64| format!("{:.0} %", x * 100.0);
        let mut mesh = chart.configure_mesh();
        mesh.disable_y_mesh().y_labels(n).y_label_formatter(&label).x_label_formatter(&percent).x_desc(x_desc);
        house_mesh(&mut mesh).draw().map_err(render_err)?;
        for (i, row) in rows.iter().enumerate() {
            let band = rows.len() - 1 - i;
            let mut x = 0.0;
            for (p, &share) in row.parts.iter().enumerate() {
                if share <= 0.0 {
                    continue;
                }
                let corners = [(x, SegmentValue::Exact(band)), (x + share, SegmentValue::Exact(band + 1))];
                let colour = VOICE_COLOURS[p % VOICE_COLOURS.len()];
                let mut bar = Rectangle::new(corners.clone(), colour.filled());
                bar.set_margin(4, 4, 0, 0);
                let mut outline = Rectangle::new(corners, BLACK.stroke_width(1));
                outline.set_margin(4, 4, 0, 0);
                chart.draw_series([bar, outline]).map_err(render_err)?;
                if share >= 0.15 {
                    // Black text on the light parts, white on the dark ones.
                    let text_colour = if p % 2 == 1 || p == 3 { BLACK } else { WHITE };
                    let at = (x + 0.01, SegmentValue::CenterOf(band));
                    let style = ("sans-serif", 15).into_font().color(&text_colour);
                    chart
                        .draw_series(std::iter::once(
                            EmptyElement::at(at) + Text::new(format!("{:.0} %", share * 100.0), (0, -6), style),
                        ))
                        .map_err(render_err)?;
                }
                x += share;
            }
        }
        Ok(())
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn charts_are_svg_without_outside_references() {
        let rows = [
            DotRow {
                label: "a: x".into(),
                series: 0,
                value: Interval { estimate: 2.0, low: 1.0, high: 3.0 },
                shade: true,
            },
            DotRow { label: "a: y".into(), series: 1, value: Interval::NONE, shade: false },
        ];
        let svg = dot_whisker(&rows, "per 1,000 tokens").expect("a chart");
        assert!(svg.starts_with("<svg"), "{svg}");
        assert!(!svg.contains("http"), "{svg}");
        assert!(svg.contains("\na: x\n</text>"), "{svg}");
        let line = Line { name: "x".into(), values: vec![1.0, f64::NAN, 2.0] };
        let svg = lines(&["2024-01".into(), "2024-02".into(), "2024-03".into()], &[line], "rate").expect("a chart");
        assert!(svg.contains("\n2024-03\n</text>"), "{svg}");
        let svg =
            stacked(&[StackRow { label: "a: x".into(), parts: vec![0.5, 0.25, 0.0, 0.25] }], "share").expect("a chart");
        assert!(svg.contains("\n50 %\n</text>"), "{svg}");
    }
}
