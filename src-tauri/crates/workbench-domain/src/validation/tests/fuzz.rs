//! The icon fuzz target, run briefly on stable: a few thousand inputs made by a seeded generator
//! from the fixture corpus and small seeds (bit flips, byte overwrites, truncations, splices,
//! header sizes rewritten to huge values). Asserts no panic and a bounded time per input.

use std::time::{Duration, Instant};

use image::{DynamicImage, ImageFormat, Rgba, RgbaImage};

use super::fixtures::{bomb_png, corpus, disc, encode};
use crate::validation::icon::fuzz_icon;

/// xorshift64*: a seeded, dependency-free generator, so every run feeds the same inputs.
struct Rng(u64);

impl Rng {
    fn next(&mut self) -> u64 {
        self.0 ^= self.0 >> 12;
        self.0 ^= self.0 << 25;
        self.0 ^= self.0 >> 27;
        self.0.wrapping_mul(0x2545_F491_4F6C_DD1D)
    }

    fn below(&mut self, n: usize) -> usize {
        (self.next() % n.max(1) as u64) as usize
    }
}

fn seeds() -> Vec<Vec<u8>> {
    let small = disc(24, 24, 8.0, Rgba([0, 0, 0, 0]), Rgba([200, 40, 40, 255]));
    let mut seeds = vec![
        encode(DynamicImage::ImageRgba8(small.clone()), ImageFormat::Png),
        encode(
            DynamicImage::ImageRgba8(small.clone()).to_rgb8().into(),
            ImageFormat::Jpeg,
        ),
        encode(
            DynamicImage::ImageRgba8(small).to_rgba16().into(),
            ImageFormat::Png,
        ),
        encode(
            DynamicImage::ImageRgba8(RgbaImage::new(3, 5)),
            ImageFormat::Gif,
        ),
        bomb_png(60_000, 60_000),
        bomb_png(4_000, 4_000),
    ];
    // The corpus files, except the padded one (its mutations only differ in padding).
    seeds.extend(
        corpus()
            .into_iter()
            .filter(|(name, _)| name != "oversized.png")
            .map(|(_, bytes)| bytes),
    );
    seeds
}

fn mutate(rng: &mut Rng, seed: &[u8]) -> Vec<u8> {
    let mut data = seed.to_vec();
    for _ in 0..=rng.below(4) {
        if data.is_empty() {
            data.push(rng.next() as u8);
            continue;
        }
        let at = rng.below(data.len());
        match rng.below(6) {
            0 => data[at] ^= 1 << rng.below(8),
            1 => data[at] = rng.next() as u8,
            2 => data.truncate(at),
            3 => {
                // Rewrite 4 bytes near the start (PNG width/height, GIF/JPEG sizes) to a big value.
                let at = rng.below(data.len().min(40));
                for (i, b) in [0x00, 0x00, 0xEA, 0x60].iter().enumerate() {
                    if let Some(slot) = data.get_mut(at + i) {
                        *slot = *b;
                    }
                }
            }
            4 => {
                let other_at = rng.below(data.len());
                let len = rng.below(64).min(data.len() - other_at);
                let chunk = data[other_at..other_at + len].to_vec();
                data.splice(at..at, chunk);
            }
            _ => data.insert(at, [0x00, 0xFF, 0x2C, 0x21][rng.below(4)]),
        }
    }
    data
}

#[test]
fn the_icon_fuzz_target_survives_mutated_fixtures() {
    let seeds = seeds();
    let mut rng = Rng(0x5EED_1C0F_F00D_u64);
    let budget = Duration::from_secs(2);
    let mut slowest = Duration::ZERO;
    for _ in 0..3000 {
        let seed = &seeds[rng.below(seeds.len())];
        let input = mutate(&mut rng, seed);
        let started = Instant::now();
        fuzz_icon(&input);
        let took = started.elapsed();
        slowest = slowest.max(took);
        assert!(
            took < budget,
            "an input of {} bytes took {took:?}",
            input.len()
        );
    }
    // Also the seeds themselves, unmutated.
    for seed in &seeds {
        fuzz_icon(seed);
    }
    eprintln!("slowest input: {slowest:?}");
}
