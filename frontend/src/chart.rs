//! Report charts, drawn by plotters into an SVG string: stacked bars (per day,
//! per hour, per bucket, per agent).

use plotters::prelude::*;

/// One bar: its label and the stacked values (bottom first).
#[derive(Clone, Default)]
pub struct Bar {
    pub label: String,
    pub values: [u32; 2],
}

/// The inbox's colours for the two stacks.
const COLOURS: [RGBColor; 2] = [RGBColor(109, 74, 255), RGBColor(229, 72, 77)];

/// Stacked bars, `width`×`height` pixels, with readable axes; `None` if
/// plotters could not lay it out.
pub fn stacked_bars(bars: &[Bar], width: u32, height: u32) -> Option<String> {
    // A lone bar stands in the middle of three slots rather than filling half the width.
    let padded;
    let bars = match bars {
        [only] => {
            padded = [Bar::default(), only.clone(), Bar::default()];
            &padded[..]
        }
        _ => bars,
    };
    let mut svg = String::new();
    {
        let root = SVGBackend::with_string(&mut svg, (width, height)).into_drawing_area();
        root.fill(&WHITE).ok()?;
        let top = bars.iter().map(|b| b.values.iter().sum::<u32>()).max().unwrap_or(0).max(1);
        // Plotters gives an integer range one segment per value, ends included:
        // n bars need 0..n-1 (none keep 0..1, as 0..0 has no width).
        let last = (bars.len() as u32).saturating_sub(1).max(1);
        let mut chart = ChartBuilder::on(&root)
            .margin(12)
            .x_label_area_size(28)
            .y_label_area_size(36)
            .build_cartesian_2d((0u32..last).into_segmented(), 0u32..top + top.div_ceil(5))
            .ok()?;
        chart
            .configure_mesh()
            .disable_x_mesh()
            .light_line_style(RGBColor(238, 236, 244))
            .bold_line_style(RGBColor(225, 222, 235))
            .axis_style(RGBColor(160, 156, 176))
            .label_style(("sans-serif", 12).into_font().color(&RGBColor(110, 106, 126)))
            .x_labels(bars.len().clamp(1, 14))
            .x_label_formatter(&|x| match x {
                SegmentValue::CenterOf(i) => bars.get(*i as usize).map(|b| b.label.clone()).unwrap_or_default(),
                _ => String::new(),
            })
            .y_label_formatter(&|y| y.to_string())
            .draw()
            .ok()?;
        for (stack, colour) in COLOURS.iter().enumerate() {
            chart
                .draw_series(bars.iter().enumerate().map(|(i, bar)| {
                    let below: u32 = bar.values[..stack].iter().sum();
                    let i = i as u32;
                    let mut rect = Rectangle::new(
                        [(SegmentValue::Exact(i), below), (SegmentValue::Exact(i + 1), below + bar.values[stack])],
                        colour.filled(),
                    );
                    rect.set_margin(0, 0, 6, 6);
                    rect
                }))
                .ok()?;
        }
        root.present().ok()?;
    }
    Some(svg)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn bars_are_drawn_with_their_labels() {
        let bars = vec![
            Bar { label: "1 Dec".into(), values: [2, 1] },
            Bar { label: "2 Dec".into(), values: [0, 0] },
            Bar { label: "3 Dec".into(), values: [1, 3] },
        ];
        let svg = stacked_bars(&bars, 600, 240).expect("an SVG");
        assert!(svg.starts_with("<svg"), "{svg}");
        assert!(svg.contains("1 Dec") && svg.contains("3 Dec"));
        // The filled bars: four non-empty stacks, each a <rect> in the inbox's colours.
        assert!(svg.matches("#6D4AFF").count() + svg.matches("#6d4aff").count() >= 2, "{svg}");
    }

    #[test]
    fn a_lone_bar_stands_in_the_middle() {
        let svg = stacked_bars(&[Bar { label: "Ana".into(), values: [3, 0] }], 600, 240).expect("an SVG");
        assert!(svg.contains("Ana"), "{svg}");
        // Its rectangle starts a third of the way along the plot, not at its left edge.
        let rect = svg
            .split("<rect")
            .find(|r| r.to_lowercase().contains("#6d4aff") && !r.contains("height=\"0\""))
            .expect("the bar");
        let x: f64 =
            rect.split("x=\"").nth(1).and_then(|r| r.split('"').next()).and_then(|x| x.parse().ok()).expect("x");
        assert!(x > 200.0 && x < 300.0, "{rect}");
    }

    #[test]
    fn no_bars_draw_empty_axes() {
        // Plotters overflows computing zero labels (in the browser, without overflow checks, it never
        // returns): an empty chart asks for one.
        let svg = stacked_bars(&[], 600, 240).expect("an SVG");
        assert!(svg.starts_with("<svg"), "{svg}");
    }
}
