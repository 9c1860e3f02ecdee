//! Draws the demo icons: real 256×256 RGBA PNGs made at seed time, so the desktop app's icon
//! checks and previews run on genuine files rather than fixtures.
//!
//! Each icon is a disc with a vertical gradient and a white block letter. A disc of this size
//! (a "rounded square" whose radius is half its side) leaves the corner zones of the canvas
//! (the outer 20% of each side, where AppConnect draws status badges) fully transparent, so the
//! demo icons pass the rules pack's `icon.corners_clear`.

use std::io::Cursor;

use image::{ImageFormat, Rgba, RgbaImage};
use sha2::{Digest, Sha256};
use workbench_domain::IconFile;

const SIZE: u32 = 256;
const INSET: f32 = 26.0;
/// Half the side of the inset square: the rounded square is a disc.
const RADIUS: f32 = (SIZE as f32 - 2.0 * INSET) / 2.0;
/// Side of one glyph cell in pixels; glyphs are 5×7 cells.
const CELL: u32 = 20;

/// A PNG icon with a gradient from `top` to `bottom` and the glyph of `letter`.
pub fn render(top: [u8; 3], bottom: [u8; 3], letter: char) -> Result<IconFile, image::ImageError> {
    let mut img = RgbaImage::new(SIZE, SIZE);
    let glyph = glyph(letter);
    let (glyph_w, glyph_h) = (5 * CELL, 7 * CELL);
    let (glyph_x, glyph_y) = ((SIZE - glyph_w) / 2, (SIZE - glyph_h) / 2);
    for (x, y, pixel) in img.enumerate_pixels_mut() {
        let coverage = rounded_square_coverage(x as f32 + 0.5, y as f32 + 0.5);
        if coverage <= 0.0 {
            continue; // stays fully transparent
        }
        let t = y as f32 / (SIZE - 1) as f32;
        let mut rgb = [0u8; 3];
        for (i, channel) in rgb.iter_mut().enumerate() {
            *channel = (top[i] as f32 * (1.0 - t) + bottom[i] as f32 * t).round() as u8;
        }
        let in_glyph = x >= glyph_x
            && y >= glyph_y
            && x < glyph_x + glyph_w
            && y < glyph_y + glyph_h
            && glyph[((y - glyph_y) / CELL) as usize].as_bytes()[((x - glyph_x) / CELL) as usize]
                == b'#';
        if in_glyph {
            rgb = [255, 255, 255];
        }
        *pixel = Rgba([rgb[0], rgb[1], rgb[2], (coverage * 255.0).round() as u8]);
    }
    let mut bytes = Vec::new();
    img.write_to(&mut Cursor::new(&mut bytes), ImageFormat::Png)?;
    let sha256 = hex::encode(Sha256::digest(&bytes));
    Ok(IconFile {
        media_type: "image/png".to_owned(),
        bytes,
        sha256,
    })
}

/// How much of the pixel centred at (x, y) the rounded square covers, 0 to 1, from its signed
/// distance field: a one-pixel ramp at the edge gives anti-aliased corners.
fn rounded_square_coverage(x: f32, y: f32) -> f32 {
    let half = (SIZE as f32 - 2.0 * INSET) / 2.0;
    let centre = SIZE as f32 / 2.0;
    let qx = (x - centre).abs() - (half - RADIUS);
    let qy = (y - centre).abs() - (half - RADIUS);
    let outside = (qx.max(0.0).powi(2) + qy.max(0.0).powi(2)).sqrt();
    let distance = outside + qx.max(qy).min(0.0) - RADIUS;
    (0.5 - distance).clamp(0.0, 1.0)
}

/// 5×7 block glyphs for the demo apps' initials.
fn glyph(letter: char) -> [&'static str; 7] {
    match letter {
        'A' => [
            ".###.", "#...#", "#...#", "#####", "#...#", "#...#", "#...#",
        ],
        'B' => [
            "####.", "#...#", "#...#", "####.", "#...#", "#...#", "####.",
        ],
        'C' => [
            ".####", "#....", "#....", "#....", "#....", "#....", ".####",
        ],
        'D' => [
            "####.", "#...#", "#...#", "#...#", "#...#", "#...#", "####.",
        ],
        _ => [
            "#####", "#####", "#####", "#####", "#####", "#####", "#####",
        ],
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn icon_is_a_square_png_with_clear_corners() {
        let icon = render([10, 120, 200], [5, 60, 140], 'A').unwrap();
        let img = image::load_from_memory_with_format(&icon.bytes, ImageFormat::Png).unwrap();
        let img = img.to_rgba8();
        assert_eq!(img.dimensions(), (SIZE, SIZE));
        for (x, y) in [
            (0, 0),
            (SIZE - 1, 0),
            (0, SIZE - 1),
            (SIZE - 1, SIZE - 1),
            (30, 30),
        ] {
            assert_eq!(
                img.get_pixel(x, y)[3],
                0,
                "corner pixel ({x}, {y}) must be transparent"
            );
        }
        assert_eq!(img.get_pixel(SIZE / 2, 30)[3], 255);
        assert_eq!(icon.sha256, hex::encode(Sha256::digest(&icon.bytes)));
    }
}
