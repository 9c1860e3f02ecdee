//! `pwb validate --format sarif|junit|github`: a validation report in the formats CI systems
//! show: SARIF 2.1.0 (code scanning), JUnit XML (test reports), and GitHub Actions workflow
//! commands (annotations on a pull request's lines). Each diagnostic carries its place: for an
//! export folder (`pwb validate DIR`) the file and line, for an icon file the file, for a cached
//! version none (the field names it). Pure: the text is returned, `main` prints it.

use serde_json::{Value, json};
use workbench_domain::html::escape;
use workbench_domain::validation::{Diagnostic, Report, RulesPack, Severity};

/// The output formats of `pwb validate`.
#[derive(Debug, Clone, Copy, PartialEq, Eq, clap::ValueEnum)]
pub enum Format {
    /// For people: the diagnostics grouped by severity.
    Text,
    /// The whole report and the rules pack's version and source (as `--json`).
    Json,
    /// SARIF 2.1.0, one run, the rules pack as the tool's rules.
    Sarif,
    /// JUnit XML: one test case per rule.
    Junit,
    /// GitHub Actions workflow commands: `::error file=…,line=…::…`.
    Github,
}

/// Where a diagnostic points: a file (a path as the partner gave it, joined with the file's
/// name inside an export folder) and a line, when there are.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Place {
    pub file: Option<String>,
    pub line: Option<u32>,
}

/// A diagnostic without a place (a cached version's: the field names it).
static NOWHERE: Place = Place {
    file: None,
    line: None,
};

/// Each diagnostic of `report` with its place (`places` is in the report's order, and empty when
/// the diagnostics have none).
fn placed<'a>(
    report: &'a Report,
    places: &'a [Place],
) -> impl Iterator<Item = (&'a Diagnostic, &'a Place)> {
    report
        .diagnostics
        .iter()
        .zip(places.iter().chain(std::iter::repeat(&NOWHERE)))
}

fn level(severity: Severity) -> &'static str {
    match severity {
        Severity::Error => "error",
        Severity::Warning => "warning",
        Severity::Info => "note",
    }
}

/// A relative or absolute path as a URI reference: `/` kept, anything but unreserved characters
/// percent-encoded (a space in a folder's name is `%20`).
fn uri(path: &str) -> String {
    let mut out = String::with_capacity(path.len());
    for byte in path.replace('\\', "/").bytes() {
        match byte {
            b'A'..=b'Z' | b'a'..=b'z' | b'0'..=b'9' | b'-' | b'.' | b'_' | b'~' | b'/' => {
                out.push(byte as char)
            }
            other => out.push_str(&format!("%{other:02X}")),
        }
    }
    out
}

/// SARIF 2.1.0: one run of `pwb`, its rules the pack's (id, message, default level, source),
/// a result per diagnostic with its physical place when it has one and the field as its logical
/// place; the rules not checked as the run's notifications.
pub fn sarif(pack: &RulesPack, report: &Report, places: &[Place]) -> Value {
    let rules: Vec<Value> = pack
        .rules
        .iter()
        .map(|rule| {
            let mut value = json!({
                "id": rule.id,
                "name": rule.kind,
                "shortDescription": { "text": rule.message },
                "defaultConfiguration": { "level": level(rule.severity) },
                "properties": { "field": rule.field },
            });
            if let Some(source) = &rule.source {
                value["help"] = json!({ "text": format!("Why this rule: {}", source.summary()) });
                value["properties"]["source"] = json!(source);
            }
            value
        })
        .collect();
    let results: Vec<Value> = placed(report, places)
        .map(|(diagnostic, place)| {
            let mut location = json!({
                "logicalLocations": [{ "fullyQualifiedName": diagnostic.field, "kind": "member" }],
            });
            if let Some(file) = &place.file {
                let mut physical = json!({ "artifactLocation": { "uri": uri(file) } });
                if let Some(line) = place.line {
                    physical["region"] = json!({ "startLine": line });
                }
                location["physicalLocation"] = physical;
            }
            let mut result = json!({
                "ruleId": diagnostic.rule,
                "level": level(diagnostic.severity),
                "message": { "text": format!("{}: {}", diagnostic.field, diagnostic.message) },
                "locations": [location],
            });
            if let Some(index) = pack.rules.iter().position(|r| r.id == diagnostic.rule) {
                result["ruleIndex"] = json!(index);
            }
            result
        })
        .collect();
    let notifications: Vec<Value> = report
        .not_checked
        .iter()
        .map(|n| {
            json!({
                "level": "note",
                "message": { "text": format!("not checked: {}", n.reason) },
                "descriptor": { "id": n.rule },
            })
        })
        .collect();
    json!({
        "$schema": "https://json.schemastore.org/sarif-2.1.0.json",
        "version": "2.1.0",
        "runs": [{
            "tool": { "driver": {
                "name": "pwb",
                "fullName": "Partner Workbench (pwb)",
                "version": env!("CARGO_PKG_VERSION"),
                "rules": rules,
                "properties": { "rulesPackVersion": pack.version },
            }},
            "invocations": [{
                "executionSuccessful": true,
                "toolExecutionNotifications": notifications,
            }],
            "results": results,
        }],
    })
}

/// Text for an XML text node or attribute: escaped, and the characters XML 1.0 cannot hold
/// (control characters other than tab and newlines) replaced.
fn xml(text: &str) -> String {
    let allowed: String = text
        .chars()
        .map(|c| match c {
            '\t' | '\n' | '\r' => c,
            c if (c as u32) < 0x20 || c == '\u{FFFE}' || c == '\u{FFFF}' => '\u{FFFD}',
            c => c,
        })
        .collect();
    escape(&allowed)
}

fn place_text(place: &Place) -> String {
    match (&place.file, place.line) {
        (Some(file), Some(line)) => format!(" ({file}:{line})"),
        (Some(file), None) => format!(" ({file})"),
        _ => String::new(),
    }
}

/// JUnit XML: a suite named after the target, a test case per rule of the pack. A rule with an
/// error fails (its diagnostics in the failure's text); one with only warnings or info passes
/// with them in `system-out`; one that could not be checked is skipped, with why.
pub fn junit(pack: &RulesPack, report: &Report, places: &[Place], target: &str) -> String {
    let mut cases = String::new();
    let (mut failures, mut skipped) = (0, 0);
    for rule in &pack.rules {
        let found: Vec<String> = placed(report, places)
            .filter(|(d, _)| d.rule == rule.id)
            .map(|(d, place)| {
                format!(
                    "{} {}: {}{}",
                    level(d.severity),
                    d.field,
                    d.message,
                    place_text(place)
                )
            })
            .collect();
        let errors = report
            .diagnostics
            .iter()
            .filter(|d| d.rule == rule.id && d.severity == Severity::Error)
            .count();
        let not_checked = report.not_checked.iter().find(|n| n.rule == rule.id);
        cases.push_str(&format!(
            "    <testcase classname=\"rules-pack.{}\" name=\"{}\">\n",
            xml(&pack.version),
            xml(&rule.id)
        ));
        if errors > 0 {
            failures += 1;
            cases.push_str(&format!(
                "      <failure type=\"error\" message=\"{}\">{}</failure>\n",
                xml(&format!(
                    "{errors} error{}",
                    if errors == 1 { "" } else { "s" }
                )),
                xml(&found.join("\n"))
            ));
        } else if let Some(n) = not_checked {
            skipped += 1;
            cases.push_str(&format!(
                "      <skipped message=\"{}\"/>\n",
                xml(&format!("not checked: {}", n.reason))
            ));
        } else if !found.is_empty() {
            cases.push_str(&format!(
                "      <system-out>{}</system-out>\n",
                xml(&found.join("\n"))
            ));
        }
        cases.push_str("    </testcase>\n");
    }
    format!(
        "<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n\
         <testsuites name=\"pwb validate\" tests=\"{tests}\" failures=\"{failures}\" errors=\"0\" skipped=\"{skipped}\">\n  \
         <testsuite name=\"{name}\" tests=\"{tests}\" failures=\"{failures}\" errors=\"0\" skipped=\"{skipped}\">\n\
         {cases}  </testsuite>\n</testsuites>\n",
        tests = pack.rules.len(),
        name = xml(target),
    )
}

/// A workflow command's message: `%`, CR and LF escaped as GitHub reads them.
fn command_data(text: &str) -> String {
    text.replace('%', "%25")
        .replace('\r', "%0D")
        .replace('\n', "%0A")
}

/// A workflow command's property value: as [`command_data`], and `:` and `,` too.
fn command_property(text: &str) -> String {
    command_data(text).replace(':', "%3A").replace(',', "%2C")
}

/// GitHub Actions workflow commands, one line per diagnostic: `::error file=F,line=N,title=RULE::field: message`
/// (`::warning`, `::notice` for info), which the Actions runner shows as annotations on the line.
pub fn github(report: &Report, places: &[Place]) -> String {
    let mut out = String::new();
    for (diagnostic, place) in placed(report, places) {
        let command = match diagnostic.severity {
            Severity::Error => "error",
            Severity::Warning => "warning",
            Severity::Info => "notice",
        };
        let mut properties = Vec::new();
        if let Some(file) = &place.file {
            properties.push(format!("file={}", command_property(file)));
            if let Some(line) = place.line {
                properties.push(format!("line={line}"));
            }
        }
        properties.push(format!("title={}", command_property(&diagnostic.rule)));
        out.push_str(&format!(
            "::{command} {}::{}\n",
            properties.join(","),
            command_data(&format!("{}: {}", diagnostic.field, diagnostic.message))
        ));
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;
    use workbench_domain::validation::{NotChecked, Rule};

    fn rule(id: &str, severity: Severity) -> Rule {
        serde_json::from_value(json!({
            "id": id, "kind": "k", "severity": severity, "field": "f", "message": "m",
            "source": {"kind": "house", "reason": "because"},
        }))
        .unwrap()
    }

    fn diagnostic(rule: &str, severity: Severity, field: &str, message: &str) -> Diagnostic {
        Diagnostic {
            rule: rule.into(),
            severity,
            field: field.into(),
            message: message.into(),
            params: Default::default(),
            source: None,
        }
    }

    fn sample() -> (RulesPack, Report, Vec<Place>) {
        let pack = RulesPack {
            version: "2026.12.1".into(),
            rules: vec![
                rule("plans.price", Severity::Error),
                rule("text.summary", Severity::Warning),
                rule("icon.square", Severity::Error),
            ],
            categories: vec![],
            track_sections: Default::default(),
        };
        let report = Report {
            pack_version: pack.version.clone(),
            diagnostics: vec![
                diagnostic(
                    "plans.price",
                    Severity::Error,
                    "subscription_types[1].price",
                    "a price <b>& 100%, ok\nnext",
                ),
                diagnostic(
                    "text.summary",
                    Severity::Warning,
                    "marketplace.listing_summary",
                    "long",
                ),
            ],
            not_checked: vec![NotChecked {
                rule: "icon.square".into(),
                reason: "no icon".into(),
            }],
            suppressed: vec![],
            not_applied: vec![],
        };
        let places = vec![
            Place {
                file: Some("my listing/plans.toml".into()),
                line: Some(7),
            },
            Place {
                file: Some("my listing/listing.toml".into()),
                line: Some(30),
            },
        ];
        (pack, report, places)
    }

    #[test]
    fn sarif_names_each_rule_and_points_each_result_at_its_line() {
        let (pack, report, places) = sample();
        let log = sarif(&pack, &report, &places);
        assert_eq!(log["version"], "2.1.0");
        let run = &log["runs"][0];
        assert_eq!(run["tool"]["driver"]["rules"][2]["id"], "icon.square");
        assert_eq!(
            run["tool"]["driver"]["rules"][0]["defaultConfiguration"]["level"],
            "error"
        );
        assert!(
            run["tool"]["driver"]["rules"][0]["help"]["text"]
                .as_str()
                .unwrap()
                .contains("house: because")
        );
        let first = &run["results"][0];
        assert_eq!(first["ruleIndex"], 0);
        let physical = &first["locations"][0]["physicalLocation"];
        assert_eq!(
            physical["artifactLocation"]["uri"],
            "my%20listing/plans.toml"
        );
        assert_eq!(physical["region"]["startLine"], 7);
        assert_eq!(run["results"][1]["level"], "warning");
        assert_eq!(
            run["invocations"][0]["toolExecutionNotifications"][0]["descriptor"]["id"],
            "icon.square"
        );
        // A cached version's results have no file: the field is the place.
        let bare = sarif(&pack, &report, &[]);
        let location = &bare["runs"][0]["results"][0]["locations"][0];
        assert!(location.get("physicalLocation").is_none(), "{location}");
        assert_eq!(
            location["logicalLocations"][0]["fullyQualifiedName"],
            "subscription_types[1].price"
        );
    }

    #[test]
    fn junit_fails_the_rules_with_errors_and_skips_those_not_checked() {
        let (pack, report, places) = sample();
        let xml = junit(&pack, &report, &places, "my listing");
        assert!(
            xml.contains(r#"tests="3" failures="1" errors="0" skipped="1""#),
            "{xml}"
        );
        assert!(xml.contains(r#"<testcase classname="rules-pack.2026.12.1" name="plans.price">"#));
        assert!(
            xml.contains("a price &lt;b&gt;&amp; 100%, ok\nnext (my listing/plans.toml:7)"),
            "{xml}"
        );
        assert!(xml.contains(r#"<skipped message="not checked: no icon"/>"#));
        assert!(xml.contains("<system-out>warning marketplace.listing_summary: long"));
        // Characters XML cannot hold are replaced, not written.
        assert_eq!(super::xml("a\u{1}b"), "a\u{FFFD}b");
    }

    #[test]
    fn github_lines_are_annotations_with_their_file_and_line() {
        let (_, report, places) = sample();
        let text = github(&report, &places);
        let lines: Vec<&str> = text.lines().collect();
        assert_eq!(
            lines,
            [
                "::error file=my listing/plans.toml,line=7,title=plans.price::subscription_types[1].price: a price <b>& 100%25, ok%0Anext",
                "::warning file=my listing/listing.toml,line=30,title=text.summary::marketplace.listing_summary: long",
            ]
        );
        assert_eq!(command_property("a:b,c"), "a%3Ab%2Cc");
    }
}
