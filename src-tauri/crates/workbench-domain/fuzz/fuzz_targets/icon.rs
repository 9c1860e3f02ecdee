#![no_main]

use libfuzzer_sys::fuzz_target;

fuzz_target!(|data: &[u8]| {
    workbench_domain::validation::icon::fuzz_icon(data);
});
